"""The pixel witness: Chromium paints each variant; the gate refuses what a reader cannot see.

Every case of ``corpus.py`` is judged by both witnesses on the views it concerns; a bad
case must be refused by name (output view, disclaimer, witness), a harmless one passed.
"""

from __future__ import annotations

import dataclasses
import shutil

import pytest
from conftest import TEMPLATES, run_cli
from corpus import BAD, HARMLESS, Case

from channels import registry
from channels.gate.match import check
from channels.gate.witness import pixel_checks
from channels.web.site_index import site_assets

FILE = {"web": "index.html", "email": "newsletter.html"}


def judge(seed, rendered, case: Case):  # type: ignore[no-untyped-def]
    """Both witnesses on the 988 line, in the case's views only (to keep the suite fast)."""
    original = rendered[case.channel]
    name = FILE[case.channel]
    html = original.file(name).decode()
    changed = case.change(html)
    assert changed != html, f"{case.name}: the mutation changed nothing"
    files = tuple((n, changed.encode() if n == name else d) for n, d in original.files
                  if n != "newsletter.eml")
    variant = dataclasses.replace(original, files=files)
    channel = registry.get(case.channel)
    expectations = [e for e in channel.expectations(seed.context.required_for(case.channel))
                    if e.disclaimer.id == "crisis-988"]
    views = tuple(v for v in channel.views(variant, site_assets(str(TEMPLATES)))
                  if v.name in case.views)
    assert len(views) == len(case.views), case.views
    texts = check(case.channel, channel.extract_text(variant), expectations)
    return [*texts, *pixel_checks(case.channel, views, expectations)]


@pytest.mark.parametrize("case", BAD, ids=[c.name for c in BAD])
def test_a_disclaimer_a_reader_does_not_get_is_refused(seed, rendered, case):
    refused = [c for c in judge(seed, rendered, case) if not c.passed]
    assert refused, f"{case.name} passed, but {case.why}"
    line = refused[-1].describe()
    assert line.startswith(f"{case.channel}: the full 'crisis-988' disclaimer (v1) is missing")
    assert line.endswith(("(the text witness)", "(the pixel witness)"))


@pytest.mark.parametrize("case", HARMLESS, ids=[c.name for c in HARMLESS])
def test_a_readable_disclaimer_passes_both_witnesses(seed, rendered, case):
    checks = judge(seed, rendered, case)
    assert [c.describe() for c in checks if not c.passed] == [], case.why
    assert any(c.witness == "pixel" and c.found_in for c in checks)


def test_the_seed_outputs_pass_every_view(seed, rendered):
    for name in ("web", "email"):
        channel = registry.get(name)
        expectations = channel.expectations(seed.context.required_for(name))
        views = channel.views(rendered[name], site_assets(str(TEMPLATES)))
        assert len(views) == 3
        checks = pixel_checks(name, views, expectations)
        assert [c.describe() for c in checks if not c.passed] == []


def test_publish_check_refuses_a_covered_line_naming_view_disclaimer_and_witness(
        published, tmp_path):
    """Only the pixel witness sees this one: the text is all there, under a painted box."""
    from corpus import cover

    folder = tmp_path / "gut-brain-axis"
    shutil.copytree(published / "gut-brain-axis", folder)
    shutil.copytree(published / "assets", tmp_path / "assets")
    page = folder / "index.html"
    page.write_text(cover("inset:0;background:#fff4f2")(page.read_text()))
    result = run_cli("check", folder)
    assert result.code == 1
    assert ("FAIL  gut-brain-axis  web  crisis-988 v1 (full): missing from index.html at "
            "375 px (something else is painted over it (<div>))") in result.out
    assert "pass  gut-brain-axis  web  crisis-988 v1 (full): found in main" in result.out


def test_the_browser_is_started_once_per_process(seed, rendered):
    from channels.gate import browser

    views = registry.get("web").views(rendered["web"], site_assets(str(TEMPLATES)))
    browser.look(views[0], ("x", "first"))
    engine = browser._ENGINE
    browser.look(views[1], ("y", "second"))
    assert browser._ENGINE is engine and engine.page is not None
