"""Exact post length, the way each platform counts it (see ``rules.PLATFORMS``)."""

from __future__ import annotations

from dataclasses import dataclass

import regex
from twitter_text import extract_urls_with_indices

from channels.rules import PlatformRule
from channels.social import mastodon, twitter

# Shown as an emoji: emoji presentation by default and not turned to text by VS15, or any
# emoji character asking for emoji presentation (VS16) or made a keycap.  ©, ™, ↔ alone are
# text (Unicode emoji-data: Emoji_Presentation=No), and Threads counts them as one character.
_EMOJI = regex.compile(r"\p{Emoji_Presentation}(?!\ufe0e)|\p{Emoji}\ufe0f|\p{Emoji}\u20e3")
# Instagram: "Numbers are allowed in hashtags. However, spaces and special characters, like
# $ or %, won't work" (rules.py).  A tag is letters, digits, _ and their combining marks after
# # or ＃; a keycap (#️⃣, 1️⃣) is an emoji, not a tag or part of one.
_HASHTAG = regex.compile(
    r"[#\uff03](?![\ufe0f\u20e3])"
    r"((?:[\p{L}\p{N}_](?!\ufe0f?\u20e3)(?:(?![\ufe0f\u20e3])\p{M})*)+)")
_X_INVALID = ("\ufffe", "\ufeff", "\uffff")


@dataclass(frozen=True)
class Link:
    """A link as the platform detects it: its text, where it is, and where it goes."""

    text: str
    start: int  # code point index into the post
    end: int

    @property
    def uri(self) -> str:
        return self.text if "://" in self.text else f"https://{self.text}"


@dataclass(frozen=True)
class Overflow:
    """One way a post breaks a platform rule, with how far and how to fix it."""

    what: str
    over: int
    fix: str


def clusters(text: str) -> list[str]:
    """User-perceived characters (extended grapheme clusters, UAX #29)."""
    return regex.findall(r"\X", text)


def graphemes(text: str) -> int:
    return len(clusters(text))


def before_cut(text: str, cut: int) -> str:
    """What a reader sees before tapping "see more": the first ``cut`` characters."""
    return "".join(clusters(text)[:cut])


def is_emoji(cluster: str) -> bool:
    """Whether a grapheme cluster is shown as an emoji (UTS #51 presentation)."""
    return bool(_EMOJI.search(cluster))


def utf8_bytes(text: str) -> int:
    return len(text.encode("utf-8"))


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def x_length(text: str) -> int:
    """twitter-text weighted length under config v3 (URLs 23, emoji 2, CJK 2), after NFC."""
    return twitter.parse(text)[0]


def x_valid(text: str) -> bool:
    return twitter.parse(text)[1]


def links(text: str, bare_domains: bool = True) -> list[Link]:
    """Links as twitter-text finds them (the rules Mastodon and most apps follow)."""
    return [Link(u["url"], *u["indices"])
            for u in extract_urls_with_indices(text, bare_domains)]


def hashtags(text: str) -> list[str]:
    """Hashtags as Instagram counts them, in order: every mark starts one (``#a#b`` is two),
    wherever it stands, unless it is inside a link or part of a keycap.

    Instagram publishes no parser: counting every mark never counts fewer tags than it does.
    """
    spans = [(link.start, link.end) for link in links(text)]
    return [m.group(1) for m in _HASHTAG.finditer(text)
            if not any(start <= m.start() < end for start, end in spans)]


def length(rule: PlatformRule, text: str, content_warning: str = "") -> int:
    """The post's length as ``rule``'s platform counts it."""
    if rule.counting == "twitter":
        return x_length(text)
    if rule.counting == "utf16":
        return utf16_units(text)
    if rule.counting == "utf8-emoji":
        return sum(utf8_bytes(c) if is_emoji(c) else 1 for c in clusters(text))
    if rule.counting == "mastodon":
        return graphemes(content_warning + mastodon.countable_text(text))
    return graphemes(text)


def overflows(rule: PlatformRule, text: str, content_warning: str = "") -> list[Overflow]:
    """Every rule of the platform the post breaks (empty when it may be posted as is)."""
    found = []
    over = length(rule, text, content_warning) - rule.limit
    if over > 0:
        found.append(Overflow(f"{over} over the limit of {rule.limit} {rule.unit}", over,
                              f"by at least {over} {rule.unit}"))
    if rule.max_bytes is not None and utf8_bytes(text) > rule.max_bytes:
        extra = utf8_bytes(text) - rule.max_bytes
        found.append(Overflow(f"{extra} over the limit of {rule.max_bytes} UTF-8 bytes", extra,
                              f"by at least {extra} UTF-8 bytes"))
    found += _count_overflow(len(links(text)), rule.max_links, "links")
    found += _count_overflow(len(hashtags(text)), rule.max_hashtags, "hashtags")
    if rule.counting == "twitter" and any(c in text for c in _X_INVALID):
        found.append(Overflow("contains U+FFFE, U+FEFF or U+FFFF, which X refuses", 0,
                              "by removing that character"))
    return found


def _count_overflow(count: int, limit: int | None, noun: str) -> list[Overflow]:
    if limit is None or count <= limit:
        return []
    return [Overflow(f"{count} {noun}, over the limit of {limit}", count - limit,
                     f"by removing {count - limit} {noun}")]


def fits(rule: PlatformRule, text: str, content_warning: str = "") -> bool:
    """Within every limit of the platform: length, bytes, links, hashtags, valid characters."""
    if rule.counting == "twitter" and not x_valid(text):
        return False
    return not overflows(rule, text, content_warning)


LINKEDIN_RESERVED = frozenset("\\|{}@[]()<>#*_~")


def linkedin_escape(text: str) -> str:
    """LinkedIn's "little text" format: reserved characters must be backslash-escaped."""
    return "".join("\\" + c if c in LINKEDIN_RESERVED else c for c in text)
