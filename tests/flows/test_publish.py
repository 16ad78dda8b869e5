"""The whole pipeline end to end through the real Prefect flow."""

from __future__ import annotations

import json
import os
import shutil

from conftest import SEED, prepare_file, render_args, run_cli, snapshot

from channels.pipeline.steps import render_channel
from channels.registry import CHANNELS

EXPECTED = {"handout.pdf", "newsletter.html", "newsletter.txt", "newsletter.eml", "social.json",
            "index.html", "compliance.json", "social.csv", "social.md", "share.png",
            "manifest.json", "page.css", "build.json"}


def test_publish_writes_every_output_and_a_passing_report(published):
    article = published / "gut-brain-axis"
    # The handout's page previews (handout-1.png, ...) are checked in test_pdf.py.
    names = {p.name for p in article.iterdir() if not p.name.startswith("handout-")}
    assert names == EXPECTED
    report = json.loads((article / "compliance.json").read_text())
    assert report["passed"] is True
    assert set(report["channels"]) == set(CHANNELS)
    checks = [c for ch in report["channels"].values() for c in ch["checks"]]
    assert all(c["passed"] and c["found_in"] for c in checks)
    assert (published / "assets" / "page.css").is_file()
    report_page = (published / "report.html").read_text()
    assert "Compliance report: pass" in report_page and "gut-brain-axis" in report_page


def test_article_folder_is_swapped_atomically_by_a_link(published):
    link = published / "gut-brain-axis"
    assert link.is_symlink()
    assert os.readlink(link).startswith(".versions/gut-brain-axis/")


def test_republishing_unchanged_reuses_the_version(tmp_path, published):
    out = tmp_path / "output"
    shutil.copytree(published, out, symlinks=True)
    target = os.readlink(out / "gut-brain-axis")
    result = run_cli(*render_args(out, SEED))
    assert result.code == 0, result.err
    assert "reused  gut-brain-axis" in result.out
    assert os.readlink(out / "gut-brain-axis") == target


def test_only_renders_some_channels_and_keeps_the_rest(tmp_path, published):
    out = tmp_path / "output"
    shutil.copytree(published, out, symlinks=True)
    before = snapshot(out / "gut-brain-axis")
    result = run_cli(*render_args(out, SEED), "--only", "social,web")
    assert result.code == 0, result.err
    after = snapshot(out / "gut-brain-axis")
    # Every file stays; the build record goes, so the next full run rebuilds the article.
    assert set(after) == set(before) - {"build.json"}
    assert after["handout.pdf"] == before["handout.pdf"]


def test_only_blocks_reach_exactly_their_channels(tmp_path, seed, settings, project):
    article = tmp_path / "only-blocks.md"
    article.write_text(SEED.read_text().replace(
        "## In summary",
        '::: {.only channels="pdf"}\nPDFONLYMARKER for print.\n:::\n\n'
        '::: {.only channels="web,email"}\nSCREENMARKER for screens.\n:::\n\n## In summary', 1))
    prepared = prepare_file(article, settings, project)
    seen = {}
    for name, channel in CHANNELS.items():
        parts = channel.extract_text(render_channel(prepared, name))
        text = "\n".join(parts.values())
        seen[name] = ("PDFONLYMARKER" in text, "SCREENMARKER" in text)
        if name == "email":
            assert all("SCREENMARKER" in t for t in parts.values()), "missing from one email part"
    assert seen == {"pdf": (True, False), "email": (False, True), "web": (False, True),
                    "social": (False, False)}
