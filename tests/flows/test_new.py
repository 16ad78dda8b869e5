"""``publish new``: the scaffold names every field, refuses to overwrite, and publishes as it is."""

from __future__ import annotations

import json
import re

from conftest import run_cli

from channels.content.frontmatter import KNOWN_KEYS
from channels.rules import PLATFORMS

TITLE = "Sleep & your mood: a guide"
SLUG = "sleep-your-mood-a-guide"


def test_new_article_has_every_field_and_publishes_with_warnings(tmp_path, source_copy):
    made = run_cli("new", TITLE, "--tags", "mental-health,sleep", "--source-dir", source_copy)
    article = source_copy / f"{SLUG}.md"
    assert (made.code, made.err) == (0, "")
    assert made.out == (f"wrote {article}: fill in every PLACEHOLDER, then: "
                        f"publish render {article}\n")
    text = article.read_text()
    front = text.split("\n---\n", 1)[0]
    for key in (*KNOWN_KEYS, *(f"  {rule.name}" for rule in PLATFORMS)):
        line = re.search(rf"^(# )?{key}:.*#", front, re.MULTILINE)
        assert line, f"{key} is not in the scaffold with a comment"

    out = tmp_path / "output"
    result = run_cli("render", article, "--out", out, "--source-dir", source_copy)

    assert result.code == 0, result.err
    assert result.out.startswith(f"published  {SLUG}")
    report = json.loads((out / SLUG / "compliance.json").read_text())
    assert report["passed"] is True
    left = [f["where"] for f in report["content"]["findings"] if f["check"] == "placeholders"]
    body = text.count("\n", 0, text.index("\n---\n") + 5) + 2  # the first body line
    assert left[:2] == [f"{article}: summary", f"{article}: reviewed.by"]
    assert left[2] == f"{article}:{body}"
    assert (f"  warning: {article}: summary: summary still has PLACEHOLDER text (write it, "
            "then delete the word PLACEHOLDER) [placeholders, warning]") in result.err.splitlines()


def test_new_refuses_to_overwrite_and_to_make_a_nameless_file(source_copy):
    existing = source_copy / "gut-brain-axis.md"
    before = existing.read_bytes()
    again = run_cli("new", "Gut-brain axis", "--source-dir", source_copy)
    assert again.code == 2
    assert again.err == (f"publish: error: {existing}: already exists; nothing was written "
                         "(choose another title, or edit that file)\n")
    assert existing.read_bytes() == before
    nameless = run_cli("new", "???", "--source-dir", source_copy)
    assert nameless.err == ("publish: error: title: '???' gives no usable file name (use a "
                            'title with letters or digits, e.g. "Sleep and mood")\n')


def test_version_and_doctor(capsys):
    version = run_cli("--version")
    assert version.code == 0 and version.out == "publish 0.1.0\n"
    doctor = run_cli("doctor")
    lines = doctor.out.splitlines()
    names = [line[2:].split(":")[0] for line in lines]
    assert names == ["Python packages", "Python packages for tests", "system packages",
                     "system packages for tests", "fonts", "Prefect", "SMTP settings",
                     "signing key"]
    assert all(line.startswith("✓") for line in lines[:5]), doctor.out
