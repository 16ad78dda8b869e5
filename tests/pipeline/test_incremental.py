"""Incremental builds: changing each input rebuilds exactly the articles it affects."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from conftest import SOURCE, TEMPLATES, render_args, run_cli, snapshot

ARTICLE = """---
title: "{title}"
summary: A short article about {title}, for the incremental build tests.
date: 2026-11-20
reviewed: {{by: Clinical team, on: 2026-11-20}}
tags: [{tags}]
disclaimers: [{adds}]
---

## About {title}

A first paragraph about {title}. See [the data](data-{slug}.csv).
"""
# calm carries the 988 crisis line (mental-health tag); food adds individualized-treatment.
ARTICLES = {"calm": ("mental-health", ""), "sleep": ("wellness", ""),
            "food": ("nutrition", "individualized-treatment")}


def write_library(folder: Path) -> Path:
    """Three small articles plus the real site settings and disclaimer registry."""
    source = folder / "source"
    source.mkdir()
    for name in ("site.yaml", "disclaimers.yaml"):
        shutil.copy(SOURCE / name, source / name)
    for slug, (tags, adds) in ARTICLES.items():
        (source / f"{slug}.md").write_text(ARTICLE.format(title=slug.title(), slug=slug,
                                                          tags=tags, adds=adds))
        (source / f"data-{slug}.csv").write_text("week,score\n1,3\n")
    return source


@pytest.fixture(scope="module")
def library(tmp_path_factory) -> Path:
    """The three articles published once through the real flow, two worker processes."""
    root = tmp_path_factory.mktemp("library")
    source = write_library(root)
    shutil.copytree(TEMPLATES, root / "templates")
    result = run_cli(*render_args(root / "output", source_dir=source,
                                  templates=root / "templates"), "--workers", "2")
    assert result.code == 0, result.err
    return root


@pytest.fixture()
def copy(library, tmp_path) -> Path:
    """A private copy of the built library, to change one input in."""
    shutil.copytree(library, tmp_path / "lib", symlinks=True)
    return tmp_path / "lib"


def rebuilt(root: Path) -> set[str]:
    """Slugs whose published outputs can no longer be reused (plain functions, no Prefect)."""
    from channels import registry
    from channels.pipeline.plan import gather
    from channels.pipeline.project import Project

    project = Project(root / "source", root / "templates")
    plan = gather(project, project.articles(), registry.names(), root / "output")
    return {job.article.slug for job in plan.jobs}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def test_first_run_published_all_and_stored_the_same_hash_with_the_gate_result(library):
    for slug in ARTICLES:
        files = snapshot(library / "output" / slug)
        built = json.loads(files["build.json"])
        report = json.loads(files["compliance.json"])
        assert report["passed"] is True
        assert report["fingerprint"] == built["fingerprint"]
        assert len(built["fingerprint"]) == 64
        assert set(built["files"]) == set(files) - {"build.json"}


def test_nothing_changed_rebuilds_nothing(copy):
    assert rebuilt(copy) == set()


def test_editing_one_article_rebuilds_only_it(copy):
    edit(copy / "source/sleep.md", "A first paragraph", "An edited paragraph")
    assert rebuilt(copy) == {"sleep"}


def test_editing_a_file_the_article_links_rebuilds_only_it(copy):
    (copy / "source/data-food.csv").write_text("week,score\n1,4\n")
    assert rebuilt(copy) == {"food"}


@pytest.mark.parametrize("template", ["pdf/handout.css", "web/page.html", "email/newsletter.txt",
                                      "shared/_disclaimers.html"])
def test_editing_a_template_rebuilds_every_article_using_it(copy, template):
    with open(copy / "templates" / template, "a") as handle:
        handle.write("\n")
    assert rebuilt(copy) == set(ARTICLES)


@pytest.mark.parametrize(("old", "new", "affected"), [
    # Wording every article carries.
    ("Educational only, not medical advice.", "For education only, not medical advice.",
     {"calm", "sleep", "food"}),
    # The crisis line: only articles with a mental-health tag carry it.
    ("Call or text 988 or chat 988lifeline.org.", "Call or text 988.", {"calm"}),
    # A disclaimer only food adds in its front matter.
    ("Treatment decisions should always", "Treatment decisions should", {"food"}),
    # Policy: where an article's own additions go.
    ("article_adds_to: [pdf, email, web]", "article_adds_to: [pdf, web]", {"food"}),
    # A comment: no article's required wording changes.
    ("# The one source of truth", "# The single source of truth", set()),
])
def test_editing_the_disclaimer_registry_rebuilds_exactly_the_articles_it_affects(
        copy, old, new, affected):
    edit(copy / "source/disclaimers.yaml", old, new)
    assert rebuilt(copy) == affected


def test_editing_site_settings_rebuilds_every_article(copy):
    edit(copy / "source/site.yaml", "organization: Pacific Mind Health",
         "organization: Pacific Mind Health Clinic")
    assert rebuilt(copy) == set(ARTICLES)


def test_a_new_pipeline_version_rebuilds_every_article(copy, monkeypatch):
    from channels.pipeline import incremental

    monkeypatch.setattr(incremental, "PIPELINE_VERSION", incremental.PIPELINE_VERSION + ".1")
    assert rebuilt(copy) == set(ARTICLES)


def test_a_new_renderer_version_rebuilds_every_article(copy, monkeypatch):
    from channels.pipeline import incremental

    monkeypatch.setattr(incremental, "tool_versions", lambda: "weasyprint=71.0")
    assert rebuilt(copy) == set(ARTICLES)


def test_an_edited_output_is_rebuilt_not_trusted(copy):
    page = copy / "output/calm/index.html"
    data = page.read_bytes()
    page.unlink()  # the version folder's file, through the slug link
    page.write_bytes(data + b"<p>added by hand</p>\n")
    assert rebuilt(copy) == {"calm"}


def test_a_stored_refusal_is_never_reused(copy):
    report_path = copy / "output/sleep/compliance.json"
    report = json.loads(report_path.read_text())
    report["passed"] = False
    report_path.unlink()
    report_path.write_text(json.dumps(report))
    assert "sleep" in rebuilt(copy)


def test_the_flow_reuses_unchanged_articles_and_republishes_the_changed_one(copy):
    edit(copy / "source/food.md", "A first paragraph", "A rewritten paragraph")
    links = {slug: os.readlink(copy / "output" / slug) for slug in ARTICLES}
    result = run_cli(*render_args(copy / "output", source_dir=copy / "source",
                                  templates=copy / "templates"), "--workers", "1")
    assert result.code == 0, result.err
    lines = sorted(line.split()[:2] for line in result.out.splitlines() if "→" in line)
    assert lines == [["published", "food"], ["reused", "calm"], ["reused", "sleep"]]
    counts = [line for line in result.out.splitlines() if line.startswith("│")][-1]
    # published, unchanged, reused, refused, failed
    assert [cell.strip() for cell in counts.split("│")[1:-1]] == ["1", "0", "2", "0", "0"]
    assert os.readlink(copy / "output/calm") == links["calm"]
    assert os.readlink(copy / "output/food") != links["food"]
    assert "A rewritten paragraph" in (copy / "output/food/index.html").read_text()
    assert rebuilt(copy) == set()


def test_force_rebuilds_even_when_nothing_changed(copy):
    before = snapshot(copy / "output/calm")
    result = run_cli(*render_args(copy / "output", copy / "source/calm.md",
                                  source_dir=copy / "source", templates=copy / "templates"),
                     "--force")
    assert result.code == 0, result.err
    assert result.out.split()[0] == "published"  # the report names the copy's source path
    after = snapshot(copy / "output/calm")
    fingerprints = [json.loads(files["build.json"])["fingerprint"] for files in (before, after)]
    assert fingerprints[0] == fingerprints[1]


def test_workers_must_be_a_positive_number(tmp_path):
    result = run_cli(*render_args(tmp_path / "out"), "--workers", "0")
    assert result.code == 2
    assert result.err.strip() == ("publish: error: publish render: argument --workers: "
                                  "'0' is not a whole number of at least 1 "
                                  "(see 'publish render --help')")
    assert not (tmp_path / "out").exists()


def test_a_worker_process_reports_bad_input_as_the_same_one_line_error(tmp_path, settings):
    from channels.content.article import load_article
    from channels.errors import InputError
    from flows.pool import Workers

    bad = tmp_path / "bad.md"
    bad.write_text("---\ntitle: x\n---\nbody\n")
    with Workers(0) as here, pytest.raises(InputError) as inline:
        here.run(load_article, bad, settings.site, settings.policy)
    with Workers(2) as pooled_workers, pytest.raises(InputError) as pooled:
        pooled_workers.run(load_article, bad, settings.site, settings.policy)
    assert str(pooled.value) == str(inline.value)
    assert str(inline.value).startswith(f"{bad}:")


def test_an_only_run_leaves_nothing_a_full_run_would_reuse(copy):
    result = run_cli(*render_args(copy / "output", copy / "source/sleep.md",
                                  source_dir=copy / "source", templates=copy / "templates"),
                     "--only", "web")
    assert result.code == 0, result.err
    assert rebuilt(copy) == {"sleep"}
