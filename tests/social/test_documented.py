"""Platforms that publish no code (Instagram, Threads, LinkedIn): their documented cases.

Each case names the sentence of the platform's documentation it checks (the sources are in
``channels/rules.py``); where the documentation is silent, the rule chosen is the one that
never lets an over-limit post through, and the test says so.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import twitter_text

from channels.rules import platform
from channels.social import counting

INSTAGRAM, THREADS, LINKEDIN = platform("instagram"), platform("threads"), platform("linkedin")
KEYCAP_HASH, KEYCAP_ONE = "#\ufe0f\u20e3", "1\ufe0f\u20e3"
NAMASTE = "\u0928\u092e\u0938\u094d\u0924\u0947"  # Devanagari: letters and vowel signs
# Unicode's own test data for UTS #51 (shipped with twitter-text-parser): an oracle we did
# not write for which sequences are emoji and which single characters default to text.
EMOJI_TEST = Path(twitter_text.__file__).parent / "regexp" / "emoji-test.txt"


@pytest.mark.parametrize(("text", "tags"), [
    # Help Center: "Numbers are allowed in hashtags."
    ("#Fall2024 and #2024", ["Fall2024", "2024"]),
    # Help Center: "spaces and special characters, like $ or %, won't work" (the tag ends).
    ("#sun set", ["sun"]),
    ("#50%off #price$5", ["50", "price"]),
    # A keycap is an emoji, not a tag, and does not end or start one.
    (f"{KEYCAP_HASH} {KEYCAP_ONE} #{KEYCAP_ONE} #tag{KEYCAP_ONE}", ["tag"]),
    # Adjacent tags are separate tags.
    ("#a#b", ["a", "b"]),
    ("#MentalHealth#TMS#ADHD", ["MentalHealth", "TMS", "ADHD"]),
    # A # inside a link is part of the link.
    ("https://example.com/#top pacificmindhealth.com/a?b=1#c #real", ["real"]),
    # The full-width number sign is a tag mark too.
    ("\uff03TMS \uff03\u30e1\u30f3\u30bf\u30eb", ["TMS", "\u30e1\u30f3\u30bf\u30eb"]),
    # Letters of every script with their combining marks; an emoji ends a tag.
    (f"#{NAMASTE} #love\u2764\ufe0f", [NAMASTE, "love"]),
    # Not documented: a # after a word still counts (never fewer tags than Instagram).
    ("C# and a#b", ["b"]),
])
def test_instagram_hashtags(text, tags):
    assert counting.hashtags(text) == tags


def test_instagram_refuses_a_sixth_tag_however_it_is_written():
    five = "#a #b #c #d #e"
    assert counting.fits(INSTAGRAM, five + f" {KEYCAP_HASH} https://example.com/#f")
    for sixth in ("#f", "\uff03f", "#e#f"[2:], "x#f"):
        assert [p.what for p in counting.overflows(INSTAGRAM, f"{five} {sixth}")] == [
            "6 hashtags, over the limit of 5"], sixth


@pytest.mark.parametrize(("text", "count"), [
    ("a" * 500, 500),  # "500 characters"
    ("\U0001F637", 4),  # "an emoji counted as its UTF-8 bytes"
    ("\U0001F468\u200d\U0001F469\u200d\U0001F467", 18),  # one emoji, all its bytes
    ("\u00a9 \u2122 \u2194", 5),  # text-presentation symbols are characters
    ("\u2194\ufe0f", 6),  # ...unless VS16 asks for the emoji
    ("\u00a9\ufe0f", 5),
    ("\u231a\ufe0e", 1),  # an emoji turned to text by VS15
    (KEYCAP_ONE, 7),
    ("caf\u00e9 e\u0301", 6),  # accents are letters, not emoji
])
def test_threads_counts(text, count):
    assert counting.length(THREADS, text) == count


def test_threads_refuses_501_and_a_symbol_does_not_push_a_post_over():
    assert not counting.fits(THREADS, "a" * 501)
    assert counting.fits(THREADS, "a" * 497 + "\u00a9\u2122\u2194")
    assert not counting.fits(THREADS, "a" * 497 + "\u2194\ufe0f")


def _emoji_test() -> list[tuple[str, str]]:
    rows = []
    for line in EMOJI_TEST.read_text(encoding="utf-8").splitlines():
        found = re.match(r"([0-9A-F ]+?)\s*; ([a-z-]+)", line)
        if found:
            rows.append(("".join(chr(int(c, 16)) for c in found[1].split()), found[2]))
    return rows


def test_what_threads_counts_as_emoji_is_what_unicode_shows_as_emoji():
    rows = _emoji_test()
    assert len(rows) > 3800  # Emoji 12.0: 3,836 sequences
    for sequence, status in rows:
        if status == "fully-qualified":
            assert counting.is_emoji(sequence), ascii(sequence)
        elif status == "unqualified" and len(sequence) == 1:  # text by default
            assert not counting.is_emoji(sequence), ascii(sequence)


@pytest.mark.parametrize(("text", "units"), [
    ("a" * 3000, 3000),  # commentary: 3,000
    ("\U0001F637", 2),  # outside the BMP: two UTF-16 code units
    ("\u00e9", 1),
])
def test_linkedin_counts_utf16_units(text, units):
    assert counting.length(LINKEDIN, text) == units
    assert counting.fits(LINKEDIN, text)


def test_linkedin_little_text_escapes_exactly_the_reserved_characters():
    # Little Text Format: | { } @ [ ] ( ) < > # \ * _ ~ are reserved.
    reserved = "|{}@[]()<>#\\*_~"
    assert counting.linkedin_escape(reserved) == "".join("\\" + c for c in reserved)
    assert counting.linkedin_escape("Call 988. Caf\u00e9 & co: 50%!") == (
        "Call 988. Caf\u00e9 & co: 50%!")
    assert not counting.fits(LINKEDIN, "a" * 3001)
