"""Counting as each platform counts: twitter-text's own cases, graphemes, bytes, links."""

from __future__ import annotations

import json
import subprocess
import unicodedata

import pytest
import yaml
from conftest import TESTS
from twitter_text import parse_tweet
from twitter_text.config import config as twitter_config

from channels.rules import PLATFORMS, platform
from channels.social import bluesky, counting

DATA = TESTS / "data"
CONFORMANCE = yaml.safe_load(
    (DATA / "twitter-text-validate.yml").read_text(encoding="utf-8"))["tests"]
CHROMIUM = ("/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--no-first-run")

# man, woman, girl, boy joined by ZWJ
FAMILY = "\U0001F468\u200d\U0001F469\u200d\U0001F467\u200d\U0001F466"
RAINBOW_FLAG = "\U0001F3F3\ufe0f\u200d\U0001F308"
ENGLAND = "\U0001F3F4\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F"


def _cases(section: str) -> list:
    return [pytest.param(c["text"], c["expected"], id=c["description"][:60])
            for c in CONFORMANCE[section]]


@pytest.mark.parametrize(("text", "expected"),
                         _cases("WeightedTweetsWithDiscountedEmojiCounterTest")
                         + _cases("UnicodeDirectionalMarkerCounterTest"))
def test_x_counter_matches_twitter_text_v3_conformance(text, expected):
    assert counting.x_length(text) == expected["weightedLength"]
    assert counting.x_valid(text) is expected["valid"]


@pytest.mark.parametrize(("text", "expected"), _cases("WeightedTweetsCounterTest"))
def test_library_matches_twitter_text_v2_conformance(text, expected):
    """The same library under config v2 (emoji by code point) also agrees: the parser is sound."""
    v2 = dict(twitter_config["version2"], emoji_parsing_enabled=False)
    assert parse_tweet(text, v2).asdict() == expected


def test_vendored_sections_are_all_there():
    sizes = {name: len(cases) for name, cases in CONFORMANCE.items()}
    assert sizes == {"WeightedTweetsCounterTest": 19,
                     "WeightedTweetsWithDiscountedEmojiCounterTest": 21,
                     "UnicodeDirectionalMarkerCounterTest": 2}


# Extended grapheme clusters per UAX #29 (Unicode 15.1: GB9c joins Indic conjuncts).
GRAPHEMES = [
    ("family, four people joined by ZWJ", FAMILY, 1),
    ("rainbow flag: flag, VS16, ZWJ, rainbow", RAINBOW_FLAG, 1),
    ("two regional-indicator flags", "\U0001F1FA\U0001F1F8\U0001F1E8\U0001F1E6", 2),
    ("England: tag sequence", ENGLAND, 1),
    ("thumbs up with skin tone", "\U0001F44D\U0001F3FD", 1),
    ("keycap one", "1\ufe0f\u20e3", 1),
    ("e and combining acute", "e\u0301", 1),
    ("a with two combining marks", "a\u0308\u0301", 1),
    ("Hangul jamo L V T", "\u1100\u1161\u11a8", 1),
    ("Devanagari namaste", "नमस्ते", 3),
    ("Devanagari conjunct ksha + i", "क्षि", 1),
    ("Devanagari anuchchhed", "अनुच्छेद", 4),
    ("CRLF is one", "a\r\nb", 3),
]


@pytest.mark.parametrize(("text", "expected"), [pytest.param(t, n, id=d) for d, t, n in GRAPHEMES])
def test_bluesky_counts_grapheme_clusters(text, expected):
    assert counting.length(platform("bluesky"), text) == expected


def test_grapheme_counts_agree_with_chromium_intl_segmenter(tmp_path, rendered):
    """An independent implementation (ICU in Chromium) splits every case the same way."""
    post = next(p for p in json.loads(rendered["social"].file("social.json"))["posts"]
                if p["platform"] == "bluesky")
    texts = [t for _, t, _ in GRAPHEMES] + [post["text"]]
    page = tmp_path / "segment.html"
    page.write_text(
        '<!doctype html><meta charset="utf-8"><body><script>'
        f"const texts = {json.dumps(texts)};"
        'const s = new Intl.Segmenter("en", {granularity: "grapheme"});'
        "document.body.textContent = JSON.stringify(texts.map(t => [...s.segment(t)].length));"
        "</script>", encoding="utf-8")
    dom = subprocess.run([*CHROMIUM, "--dump-dom", page.as_uri()], capture_output=True, text=True,
                         timeout=60, check=True).stdout
    counts = json.loads(dom.split("<body>", 1)[1].split("</body>", 1)[0])
    assert counts == [counting.graphemes(t) for t in texts]


def test_bluesky_also_limits_utf8_bytes():
    rule = platform("bluesky")
    text = FAMILY * 130  # 130 graphemes, but 25 bytes each
    assert counting.length(rule, text) == 130
    problems = counting.overflows(rule, text)
    assert [p.what for p in problems] == ["250 over the limit of 3000 UTF-8 bytes"]
    assert not counting.fits(rule, text)
    assert counting.fits(rule, FAMILY * 120)


def test_threads_counts_emoji_as_their_utf8_bytes():
    rule = platform("threads")
    assert counting.length(rule, "Hi \U0001F637") == 3 + 4
    assert counting.length(rule, FAMILY) == len(FAMILY.encode("utf-8")) == 25
    assert counting.length(rule, "caf\u00e9 e\u0301") == 6  # accents are letters, not emoji


def test_threads_allows_five_links():
    rule = platform("threads")
    five = " ".join(f"https://example.org/{i}" for i in range(5))
    assert counting.fits(rule, five)
    assert [p.what for p in counting.overflows(rule, five + " example.com")] == [
        "6 links, over the limit of 5"]


def test_mastodon_counts_scheme_urls_as_23_and_bare_domains_in_full():
    rule = platform("mastodon")
    long_url = "https://www.pacificmindhealth.com/gut-brain-axis/?utm_source=mastodon&utm_medium=social"
    assert counting.length(rule, f"Read {long_url}") == 5 + 23
    assert counting.length(rule, "chat 988lifeline.org") == 5 + len("988lifeline.org")
    assert counting.length(rule, "Hi", content_warning="Mental health") == 2 + 13


def test_linkedin_counts_utf16_units_and_escapes_reserved_characters():
    rule = platform("linkedin")
    assert counting.length(rule, "\U0001F637ok") == 4
    escaped = counting.linkedin_escape(r"Hi (you) #tag @a_b [x] {y} <z> *w* ~v~ | \ ")
    assert escaped == r"Hi \(you\) \#tag \@a\_b \[x\] \{y\} \<z\> \*w\* \~v\~ \| \\ "


def test_x_normalizes_to_nfc_and_refuses_noncharacters():
    rule = platform("x")
    assert counting.length(rule, "e\u0301" * 10) == counting.length(rule, "\u00e9" * 10) == 10
    for bad in ("\ufffe", "\ufeff", "\uffff"):
        assert not counting.fits(rule, f"Hello{bad}")
        assert counting.overflows(rule, f"Hello{bad}")[0].what == (
            "contains U+FFFE, U+FEFF or U+FFFF, which X refuses")


def test_x_counts_bare_domains_as_23():
    # CHANNEL-RULES.md: the crisis line alone weighs 60 on X.
    assert counting.x_length("In crisis? Call or text 988 or chat 988lifeline.org.") == 60


def test_instagram_limits_hashtags_not_url_fragments():
    rule = platform("instagram")
    assert counting.hashtags("#a1 #b2 https://example.com/#frag a#b #123") == [
        "a1", "b2", "b", "123"]
    six = " ".join(f"#tag{i}" for i in range(6))
    assert [p.what for p in counting.overflows(rule, six)] == ["6 hashtags, over the limit of 5"]


def test_bluesky_facets_point_at_the_links_by_utf8_byte_offsets():
    # As detectFacets: a domain starting with a digit is no link, a trailing "." is cut.
    text = ("\u00e9t\u00e9 \U0001F637 https://example.org/\u00e4?b=1. call 988lifeline.org "
            "#GutHealth")
    facets = bluesky.facets(text, {"https://example.org/\u00e4?b=1": "https://example.org/t"})
    raw = text.encode("utf-8")
    spans = [raw[f["index"]["byteStart"]:f["index"]["byteEnd"]].decode() for f in facets]
    assert spans == ["https://example.org/\u00e4?b=1", "#GutHealth"]
    assert [f["features"][0] for f in facets] == [
        {"$type": "app.bsky.richtext.facet#link", "uri": "https://example.org/t"},
        {"$type": "app.bsky.richtext.facet#tag", "tag": "GutHealth"}]


def test_every_rule_names_its_source_and_check_date():
    for rule in PLATFORMS:
        assert rule.source and rule.checked[:4].isdigit() and rule.limit > 0, rule.name
    assert {r.name for r in PLATFORMS} == {"x", "bluesky", "threads", "mastodon", "linkedin",
                                           "instagram", "facebook"}


def test_nfc_is_what_x_counts_not_what_was_typed():
    decomposed = unicodedata.normalize("NFD", "caf\u00e9 na\u00efve")
    assert len(decomposed) == 12 and counting.x_length(decomposed) == 10
