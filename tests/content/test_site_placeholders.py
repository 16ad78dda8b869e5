"""Contact details still marked PLACEHOLDER: named after a publish, gone once filled in."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT, SOURCE

from channels.content.site import load_site

FILLED = {"postal_address": "12 Harbor Way, Portland, OR 97201", "phone": "(503) 555-0142",
          "hours": "Monday to Friday, 8 am to 6 pm"}


def test_the_shipped_site_names_each_unfilled_contact_setting():
    assert load_site(SOURCE / "site.yaml").printed_placeholders() == [
        "postal_address", "phone", "hours"]


def test_filled_in_contact_settings_are_not_named(tmp_path):
    text = (SOURCE / "site.yaml").read_text(encoding="utf-8")
    for line in text.splitlines():
        key = line.split(":", 1)[0]
        if key in FILLED:
            text = text.replace(line, f'{key}: "{FILLED[key]}"')
    (tmp_path / "site.yaml").write_text(text, encoding="utf-8")
    assert load_site(tmp_path / "site.yaml").printed_placeholders() == []


def test_the_warning_follows_a_publish_on_stderr(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "flows.cli", "render", str(SOURCE / "gut-brain-axis.md"),
         "--out", str(tmp_path / "out"), "--only", "social"],
        cwd=ROOT, env={"PATH": "/usr/bin:/bin", "PUBLISH_SERVER": "embedded", "HOME": str(tmp_path),
                       "LANG": "C.UTF-8"}, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines()[-1] == (
        "  warning: source/site.yaml: postal_address, phone, hours still say "
        "PLACEHOLDER; handouts and pages print them as written (fill them in)")
