"""Content checks on the source: each check on a small article, its exact message, and blocking."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from conftest import SOURCE, render_args, run_cli, snapshot

from channels.content.article import load_article
from channels.content.markdown import convert
from channels.errors import InputError
from channels.lint.checks import ChecksConfig, check_article, load_checks
from channels.lint.readability import reading_grade
from channels.pipeline.manifest import verify_manifest

TODAY = dt.date(2026, 11, 25)
BASE = "https://www.pacificmindhealth.com"


def write(
    folder: Path, body: str, reviewed: str = "2026-11-20", tags: str = "[gut-health]"
) -> Path:
    path = folder / "sample.md"
    path.write_text(
        f"---\ntitle: Sample\nsummary: A short sample.\ndate: 2026-11-20\n"
        f"reviewed: {{by: Clinical team, on: {reviewed}}}\ntags: {tags}\n---\n\n{body}\n"
    )
    return path


DEFAULTS = ChecksConfig(crisis_disclaimer="crisis-988")


def lint(tmp_path, settings, body, config=DEFAULTS, crisis_line=True, **front):
    path = write(tmp_path, body, **front)
    article = load_article(path, settings.site, settings.policy)
    html = convert(article.body, article.path).marked_html
    carried = ("not-medical-advice", "crisis-988") if crisis_line else ("not-medical-advice",)
    return check_article(article, config, html, BASE, ("gut-brain-axis",), TODAY, carried)


def described(report) -> list[str]:
    return [f.describe() for f in report.findings]


def test_reading_grade_is_flesch_kincaid_with_pyphen_syllables():
    # 6 words, 1 sentence, 6 syllables: 0.39 * 6 + 11.8 * 1 - 15.59
    assert reading_grade("The cat sat on the mat.") == pytest.approx(-1.45)
    assert reading_grade("") == 0.0
    # A heading is its own sentence: 7 words, 2 sentences, 7 syllables.
    expected = 0.39 * 3.5 + 11.8 - 15.59
    assert reading_grade("Sleep\nThe cat sat on the mat.") == pytest.approx(expected)


def test_hard_body_is_reported_with_its_grade(tmp_path, settings):
    body = (
        "Comprehensive psychopharmacological interventions notwithstanding, interdisciplinary "
        "collaboration remains fundamentally indispensable for individualized therapeutic outcomes."
    )
    report = lint(tmp_path, settings, body)
    assert report.grade > 20
    assert described(report) == [
        f"{tmp_path}/sample.md:9: the body reads at grade {report.grade:.1f}, above 8 "
        "(use shorter sentences and everyday words) [reading_grade, warning]"
    ]


def test_easy_body_has_no_findings(tmp_path, settings):
    report = lint(tmp_path, settings, "Sleep helps. Walks help too. Talk to a friend.")
    assert report.findings == () and report.grade < 8


def test_a_list_that_never_comes(tmp_path, settings):
    report = lint(tmp_path, settings, "Good habits include:\n\nSleep is good for you.")
    assert described(report) == [
        f"{tmp_path}/sample.md:9: 'Good habits include:' introduces a list that never comes "
        "(add the list, or end the sentence with a full stop) [list_intro, warning]"
    ]


def test_a_list_that_comes_is_fine(tmp_path, settings):
    assert lint(tmp_path, settings, "Good habits include:\n\n- Sleep\n- Walks").findings == ()


def test_absolute_health_claims_are_named_with_their_line(tmp_path, settings):
    report = lint(
        tmp_path, settings, "Eat well.\n\nThis plan is guaranteed to help. Curry is tasty."
    )
    assert described(report) == [
        f"{tmp_path}/sample.md:11: absolute health claim 'guaranteed' (qualify it (\"may help\", "
        '"studies suggest") or cite the evidence) [health_claims, warning]'
    ]


def test_claims_list_is_configurable_and_can_block(tmp_path, settings):
    config = ChecksConfig(blocking=frozenset({"health_claims"}), claims=("breakthrough",))
    report = lint(tmp_path, settings, "A breakthrough for everyone.", config)
    assert [(f.check, f.blocks) for f in report.findings] == [("health_claims", True)]
    assert report.as_dict()["passed"] is False


def test_image_without_alt_text(tmp_path, settings):
    for name in ("lake.png", "calm.png"):  # images must exist next to the article
        (tmp_path / name).write_bytes(b"\x89PNG\r\n\x1a\n")
    report = lint(tmp_path, settings, "Look.\n\n![](lake.png)\n\n![A calm lake](calm.png)")
    assert described(report) == [
        f"{tmp_path}/sample.md:11: the image 'lake.png' has no alt text "
        "(describe it: ![what the image shows](file.png)) [image_alt, warning]"
    ]


def test_safe_messaging_language_and_method_details(tmp_path, settings):
    report = lint(
        tmp_path, settings, "Her brother committed suicide.\n\nHe took pills.", crisis_line=False
    )
    assert described(report) == [
        f"{tmp_path}/sample.md:9: 'committed suicide' (write 'died by suicide' "
        "(safe-messaging guidance)) [safe_messaging, warning]",
        f"{tmp_path}/sample.md:11: 'pills' may describe a method or location of suicide "
        "(remove method and location details) [safe_messaging, warning]",
        f"{tmp_path}/sample.md:9: suicide or self-harm is mentioned without the 988 line "
        "(add a mental-health tag or the crisis-988 disclaimer) [safe_messaging, warning]",
    ]


def test_safe_wording_with_the_crisis_line_passes(tmp_path, settings):
    body = "Her brother died by suicide. Help and hope are available."
    assert lint(tmp_path, settings, body, crisis_line=True).findings == ()


def test_links_must_resolve_inside_the_site(tmp_path, settings):
    body = (
        "See [the axis](/gut-brain-axis/), [contact](https://www.pacificmindhealth.com/contact), "
        "[NIMH](https://www.nimh.nih.gov/), [old](/old-page/) and [here](#nowhere)."
    )
    report = lint(tmp_path, settings, body, ChecksConfig(known_paths=("/contact",)))
    assert [f.message for f in report.findings] == [
        "the link '/old-page/' does not resolve inside the site",
        "the link '#nowhere' does not resolve inside the site",
    ]


def test_an_old_review_blocks_by_default(tmp_path, settings):
    report = lint(tmp_path, settings, "Sleep helps.", reviewed="2025-10-01")
    assert described(report) == [
        f"{tmp_path}/sample.md: reviewed.on: the clinical review of 2025-10-01 is older than "
        "12 months (have a clinician review the article again and update reviewed.on) "
        "[review_age, blocks publishing]"
    ]
    assert lint(tmp_path, settings, "Sleep helps.", reviewed="2025-11-26").findings == ()


def test_the_project_config_loads_with_review_age_blocking():
    config = load_checks(SOURCE / "checks.yaml")
    assert config.blocking == frozenset({"review_age"})
    assert "clinically proven" in config.claims and config.grade_max == 8


def test_an_unknown_check_is_refused_with_file_and_line(tmp_path):
    path = tmp_path / "checks.yaml"
    path.write_text("content_checks:\n  reading_grade: {max: 8}\n  spelling: {block: true}\n")
    with pytest.raises(InputError) as caught:
        load_checks(path)
    assert str(caught.value) == (
        f"{path}:3: unknown check 'spelling' or not a mapping (use one of "
        "reading_grade, list_intro, health_claims, image_alt, safe_messaging, "
        "internal_links, review_age, placeholders)"
    )


def test_seed_report_shows_reading_grade_policy_and_manifest(published):
    folder = published / "gut-brain-axis"
    report = json.loads((folder / "compliance.json").read_text())
    assert report["content"]["reading_grade"] > 0
    assert report["content"]["reading_grade_method"] == "flesch-kincaid, pyphen en_US"
    assert {
        "channel": "pdf",
        "disclaimer": "crisis-988",
        "version": 1,
        "form": "short",
        "where": "in every part named 'page…'",
    } in report["policy"]
    assert verify_manifest(folder)


def test_a_changed_file_fails_the_manifest(tmp_path, published):
    folder = tmp_path / "article"
    shutil.copytree(published / "gut-brain-axis", folder)
    (folder / "newsletter.txt").write_text("edited by hand\n")
    assert not verify_manifest(folder)


def test_stale_review_refuses_publishing_and_keeps_output(tmp_path, published, source_copy):
    out = tmp_path / "output"
    shutil.copytree(published, out, symlinks=True)
    before = snapshot(out)
    seed = source_copy / "gut-brain-axis.md"
    seed.write_text(seed.read_text().replace("  on: 2026-11-20", "  on: 2024-01-15"))
    result = run_cli(*render_args(out, seed, source_dir=source_copy))
    assert result.code == 1
    assert (
        f"publish: error: {seed}: refused, nothing published: {seed}: reviewed.on: the clinical "
        "review of 2024-01-15 is older than 12 months"
    ) in result.err
    assert snapshot(out) == before
