"""Social posts of the seed article, their exports and share card, and the refusals."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
import shutil
from urllib.parse import urlsplit

import pytest
from conftest import render_args, run_cli, snapshot
from PIL import Image
from reference import reference  # noqa: F401  (the session's node process)

from channels.base import Rendered
from channels.errors import ContentTooLong
from channels.pipeline.steps import Checked, check_channel
from channels.rules import PLATFORMS, platform
from channels.social import card as share_image
from channels.social import counting
from channels.social.posts import CONTENT_WARNING, compose

SHORT = "Educational only, not medical advice."
CRISIS = "In crisis? Call or text 988 or chat 988lifeline.org."


@pytest.fixture(scope="module")
def posts(rendered) -> dict[str, dict]:
    return {p["platform"]: p for p in json.loads(rendered["social"].file("social.json"))["posts"]}


@pytest.mark.parametrize("rule", PLATFORMS, ids=lambda r: r.name)
def test_every_seed_post_fits_by_the_platforms_own_count(posts, rule):
    post = posts[rule.name]
    assert counting.fits(rule, post["text"], post.get("content_warning", ""))
    assert post["length"] == counting.length(rule, post["text"], post.get("content_warning", ""))
    assert post["length"] <= post["limit"] == rule.limit
    assert (post["source"], post["checked"]) == (rule.source, rule.checked)


@pytest.mark.parametrize("rule", PLATFORMS, ids=lambda r: r.name)
def test_every_seed_post_carries_the_disclaimers_before_the_cut_and_the_link(posts, seed, rule):
    text = posts[rule.name]["text"]
    shown = counting.before_cut(text, rule.see_more) if rule.see_more else text
    assert SHORT in shown and CRISIS in shown
    if rule.links_clickable:
        link = (f"{seed.article.url}?utm_source={rule.name}&utm_medium=social"
                f"&utm_campaign={seed.article.slug}")
        shown = "pacificmindhealth.com/gut-brain-axis" if rule.link_facets else link
        assert shown in text and posts[rule.name]["link"] == link
    else:
        assert "Link in bio." in text and "http" not in text


def test_bluesky_shows_a_short_address_whose_facet_opens_the_tracked_link(posts, seed):
    post = posts["bluesky"]
    raw = post["text"].encode("utf-8")
    links = {raw[f["index"]["byteStart"]:f["index"]["byteEnd"]].decode(): f["features"][0]["uri"]
             for f in post["facets"] if f["features"][0]["$type"].endswith("#link")}
    assert links == {"pacificmindhealth.com/gut-brain-axis": post["link"],
                     "988lifeline.org": "https://988lifeline.org"}
    assert post["link"].startswith(seed.article.url + "?utm_source=bluesky&")
    assert "utm_source" not in post["text"]
    assert post["utf8_bytes"] == len(raw) <= 3000


def test_bluesky_facets_are_those_atproto_detects_on_the_published_post(posts, reference):  # noqa: F811,E501
    """Every facet @atproto/api finds is ours, at the same bytes, opening the same page."""
    post = posts["bluesky"]
    ours = {(f["index"]["byteStart"], f["index"]["byteEnd"]): f["features"][0]
            for f in post["facets"]}
    detected = reference.bluesky(post["text"])["facets"]
    assert detected
    for facet in detected:
        feature = ours[(facet["index"]["byteStart"], facet["index"]["byteEnd"])]
        expected = facet["features"][0]
        if "uri" in expected:  # the shown address, tracked: same host and path
            shown = urlsplit(expected["uri"])
            target = urlsplit(feature["uri"])
            assert (target.hostname.removeprefix("www."), target.path.rstrip("/")) == (
                shown.hostname, shown.path)
        else:
            assert feature == expected
    # One more of ours: the crisis line, which detectFacets skips (it starts with a digit).
    assert len(ours) == len(detected) + 1


def test_mastodon_post_has_a_content_warning_that_counts(posts):
    post = posts["mastodon"]
    assert post["content_warning"] == CONTENT_WARNING
    without = counting.length(platform("mastodon"), post["text"])
    assert post["length"] == without + len(CONTENT_WARNING)


def test_linkedin_api_text_escapes_every_reserved_character(posts):
    post = posts["linkedin"]
    assert re.sub(r"\\(.)", r"\1", post["api_text"]) == post["text"]
    assert not re.search(r"(?<!\\)[|{}@\[\]()<>#*_~]", post["api_text"].replace("\\\\", ""))
    assert "\\#MentalHealth" in post["api_text"]


def test_instagram_uses_at_most_five_hashtags(posts, seed):
    assert 0 < len(counting.hashtags(posts["instagram"]["text"])) <= 5


def test_csv_has_one_row_per_post_in_scheduler_layout(rendered, posts, seed):
    rows = list(csv.DictReader(io.StringIO(rendered["social"].file("social.csv").decode("utf-8"))))
    assert list(rows[0]) == ["platform", "date", "time", "text", "link", "image"]
    assert [r["platform"] for r in rows] == [r.name for r in PLATFORMS]
    for row in rows:
        assert row["text"] == posts[row["platform"]]["text"]
        assert row["link"] == posts[row["platform"]]["link"]
        assert row["date"] == seed.article.date.isoformat()
        assert re.fullmatch(r"\d\d:\d\d", row["time"])
        assert row["image"] == f"{seed.article.url}share.png"


def test_markdown_preview_shows_each_post_whole_and_its_cut(rendered, posts):
    preview = rendered["social"].file("social.md").decode("utf-8")
    assert "![Share card: " in preview and "(share.png)" in preview
    for post in posts.values():
        assert f"~~~~~text\n{post['text']}\n~~~~~" in preview
        assert f"## {post['label']}: {post['length']} of {post['limit']} " in preview
    linkedin = posts["linkedin"]
    assert f"{counting.before_cut(linkedin['text'], 210)}… see more" in preview


def _pixel(png: bytes, xy: tuple[int, int]) -> tuple[int, int, int]:
    return Image.open(io.BytesIO(png)).convert("RGB").getpixel(xy)


def _rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))


def test_share_card_is_a_1200x630_png_in_brand_colours(rendered, seed):
    png = rendered["social"].file("share.png")
    image = Image.open(io.BytesIO(png))
    assert (image.format, image.size) == ("PNG", (1200, 630))
    brand = seed.context.site.brand
    assert _pixel(png, (5, 5)) == _rgb(brand.primary)
    assert _pixel(png, (1195, 625)) == _rgb(brand.accent)
    colours = {c for _, c in image.convert("RGB").getcolors(1_000_000)}
    assert (255, 255, 255) in colours  # title and organization are drawn in white


def test_share_card_bytes_depend_only_on_title_and_settings(seed):
    site, templates = seed.context.site, seed.context.templates_dir
    first = share_image.render_share_image(seed.article.title, site, templates)
    assert share_image.render_share_image(seed.article.title, site, templates) == first
    assert share_image.render_share_image("Sleep and mood", site, templates) != first
    recoloured = dataclasses.replace(site, brand=dataclasses.replace(site.brand, primary="#000000"))
    assert _pixel(share_image.render_share_image("Sleep and mood", recoloured, templates),
                  (5, 5)) == (0, 0, 0)


def _with_post(seed, name: str, text: str):
    return dataclasses.replace(seed.article, social=((name, text),))


def test_a_post_that_cannot_fit_is_refused_never_cut(seed):
    required = seed.context.required_for("social")
    # Layout: text, blank line, disclaimers (37 + 1 + 60 weighted), blank line, link (23).
    text = "word " * 50 + "end"
    article = _with_post(seed, "x", text)
    with pytest.raises(ContentTooLong) as err:
        compose(platform("x"), article, required)
    over = len(text) + 2 + 98 + 2 + 23 - 280
    assert err.value.what == (f"social: the X post is {over} over the limit of 280 weighted "
                              "characters once the link and disclaimer are added")
    assert err.value.fix == f"shorten social.x by at least {over} weighted characters"


def test_hashtags_are_dropped_before_anything_else(seed):
    required = seed.context.required_for("social")
    fitting = "word " * 29 + "end"  # 148 + 125 = 273: fits only without the 27 of hashtags
    post = compose(platform("x"), _with_post(seed, "x", fitting), required)
    assert post.text.startswith(fitting) and "#" not in post.text
    assert SHORT in post.text and CRISIS in post.text and post.length == 273


def test_x_post_with_a_noncharacter_is_refused(seed):
    with pytest.raises(ContentTooLong) as err:
        compose(platform("x"), _with_post(seed, "x", "Gut and mood\ufeff"),
                seed.context.required_for("social"))
    assert err.value.what.endswith("contains U+FFFE, U+FEFF or U+FFFF, which X refuses once "
                                   "the link and disclaimer are added")
    assert err.value.fix == "shorten social.x by removing that character"


def test_too_long_authored_x_post_exits_2_naming_platform_and_overflow(tmp_path, published,
                                                                       source_copy):
    out = tmp_path / "output"
    shutil.copytree(published, out, symlinks=True)
    before = snapshot(out)
    article = source_copy / "gut-brain-axis.md"
    authored = "Your gut and your brain talk all day long. " * 5 + "Here is how."
    lines = article.read_text(encoding="utf-8").splitlines()
    at = lines.index("social:") + 1
    lines.insert(at, f"  x: {authored}")
    article.write_text("\n".join(lines) + "\n", encoding="utf-8")

    result = run_cli(*render_args(out, article, source_dir=source_copy))

    over = len(authored) + 125 - 280
    assert result.code == 2
    assert result.err.strip() == (
        f"publish: error: {article}:{at + 1}: social: the X post is {over} over the limit of "
        f"280 weighted characters once the link and disclaimer are added "
        f"(shorten social.x by at least {over} weighted characters)")
    assert snapshot(out) == before


def _drop(rendered: Rendered, name: str, edit) -> Rendered:
    files = dict(rendered.files)
    files[name] = edit(files[name])
    return Rendered(rendered.channel, tuple(files.items()))


def test_gate_refuses_a_disclaimer_moved_past_the_see_more_cut(seed, rendered):
    def move_down(data: bytes) -> bytes:
        social = json.loads(data)
        for post in social["posts"]:
            if post["platform"] == "linkedin":
                post["text"] = post["text"].replace(CRISIS + "\n\n", "") + "\n\n" + CRISIS
        return json.dumps(social).encode()

    result = check_channel(seed, _drop(rendered["social"], "social.json", move_down))
    assert isinstance(result, Checked)
    missing = {part for f in result.checks for part in f.missing_in}
    assert missing == {"linkedin (before 'see more')"}


def test_gate_refuses_a_csv_row_without_the_disclaimer(seed, rendered):
    def strip_csv(data: bytes) -> bytes:
        return data.decode().replace(SHORT, "", 1).encode()

    result = check_channel(seed, _drop(rendered["social"], "social.csv", strip_csv))
    missing = {part for f in result.checks for part in f.missing_in}
    assert missing == {"x (social.csv)"}


def test_hashtags_keep_acronyms_in_capitals():
    from channels.social.posts import _hashtag

    assert [_hashtag(t) for t in ("TMS", "mental-health", "ADHD-care", "gut_health")] == [
        "#TMS", "#MentalHealth", "#ADHDCare", "#GutHealth"]
