"""Holes a second reader found in the gate, promotion and policy, each pinned by a test."""

from __future__ import annotations

import shutil

import pytest
from conftest import SEED, SOURCE, render_args, run_cli, snapshot
from PIL import Image

from channels.article import load_article
from channels.disclaimers import load_registry
from channels.errors import InputError
from channels.htmltext import visible_text
from channels.promote import promote

CRISIS = "Call or text 988"


def test_capitalised_tags_still_require_the_crisis_line(tmp_path, settings):
    article = tmp_path / "shouty.md"
    article.write_text(SEED.read_text().replace(
        "tags: [mental-health, depression, anxiety, gut-health]", "tags: [Mental-Health]", 1))
    loaded = load_article(article, settings.site, settings.registry)
    required = settings.registry.required("web", loaded.tags, ())
    assert "crisis-988" in [d.id for d in required]


def test_an_image_cannot_take_the_name_of_a_checked_output(tmp_path):
    source = tmp_path / "source"
    shutil.copytree(SOURCE, source)
    Image.new("RGB", (40, 20), "#ffffff").save(source / "share.png")
    (source / "gut-brain-axis.md").write_text(SEED.read_text().replace(
        "## In summary", "![A card](share.png)\n\n## In summary", 1))
    out = tmp_path / "output"
    result = run_cli(*render_args(out, source / "gut-brain-axis.md", source_dir=source))
    assert result.code == 1
    assert "two outputs are both named 'share.png' (rename the article's file)" in result.err
    assert snapshot(out) == {}


def test_a_non_image_file_is_refused_as_an_image(tmp_path, settings):
    (tmp_path / "newsletter.eml").write_text("From: x\n\nno disclaimer")
    article = tmp_path / "a.md"
    article.write_text(SEED.read_text().replace(
        "## In summary", "![x](newsletter.eml)\n\n## In summary", 1))
    with pytest.raises(InputError) as refused:
        load_article(article, settings.site, settings.registry)
    assert "'newsletter.eml' is not an image file" in str(refused.value)


def test_a_hand_edited_published_copy_is_replaced_on_the_next_publish(tmp_path):
    files = {"index.html": f"<main>{CRISIS}</main>".encode()}
    first = promote(tmp_path, "a", files)
    (first / "index.html").write_bytes(b"<main>edited by hand</main>")
    promote(tmp_path, "a", files)
    assert (tmp_path / "a" / "index.html").read_bytes() == files["index.html"]


def test_a_channel_name_in_the_policy_is_one_clear_error(tmp_path):
    registry = tmp_path / "disclaimers.yaml"
    registry.write_text((SOURCE / "disclaimers.yaml").read_text().replace(
        "email: [not-medical-advice]", "email: [not-medical-advice, web]", 1))
    with pytest.raises(InputError) as refused:
        load_registry(registry)
    assert "unknown id 'web' in 'policy.always.email'" in str(refused.value)


HIDDEN = [
    "<details><summary>More</summary>{t}</details>",
    "<dialog>{t}</dialog>",
    '<p style="position:absolute;left:-9999px">{t}</p>',
    '<p style="clip:rect(0 0 0 0);position:absolute">{t}</p>',
    '<p style="clip-path:inset(50%)">{t}</p>',
    '<p style="text-indent:-9999px">{t}</p>',
    '<p style="transform:scale(0)">{t}</p>',
    '<p style="overflow:clip;max-height:0">{t}</p>',
]
SHOWN = [
    '<details open><summary>More</summary>{t}</details>',
    '<p style="position:relative;left:-2px">{t}</p>',
    '<p style="transform:scale(1.1)">{t}</p>',
]


@pytest.mark.parametrize("html", HIDDEN)
def test_more_ways_to_hide_text_are_not_visible(html):
    assert CRISIS not in visible_text(html.format(t=CRISIS))


@pytest.mark.parametrize("html", SHOWN)
def test_ordinary_styles_stay_visible(html):
    assert CRISIS in visible_text(html.format(t=CRISIS))
