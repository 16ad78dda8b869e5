"""Exact post length, the way each platform counts it (see ``rules.PLATFORMS``)."""

from __future__ import annotations

import unicodedata

import regex
from twitter_text import parse_tweet
from twitter_text.config import config as twitter_config

from .rules import PlatformRule

_X_CONFIG = dict(twitter_config["version3"], emoji_parsing_enabled=True)
_URL = regex.compile(r"https?://[^\s<>\"]+", regex.IGNORECASE)
_EMOJI = regex.compile(r"\p{Extended_Pictographic}|\p{Regional_Indicator}")


def graphemes(text: str) -> int:
    """User-perceived characters (extended grapheme clusters, UAX #29)."""
    return len(regex.findall(r"\X", text))


def x_length(text: str) -> int:
    """twitter-text weighted length under config v3 (URLs 23, emoji 2, CJK 2)."""
    return parse_tweet(text, _X_CONFIG).weightedLength


def x_valid(text: str) -> bool:
    return parse_tweet(text, _X_CONFIG).valid


def length(rule: PlatformRule, text: str) -> int:
    """``text``'s length as ``rule``'s platform counts it."""
    if rule.counting == "twitter":
        return x_length(text)
    if rule.counting == "utf16":
        return len(text.encode("utf-16-le")) // 2
    if rule.counting == "utf8-emoji":
        return sum(len(g.encode("utf-8")) if _EMOJI.search(g) else 1
                   for g in regex.findall(r"\X", text))
    if rule.counting == "mastodon":
        # Every URL with a scheme counts as 23, whatever its length.
        return graphemes(_URL.sub("x" * 23, text))
    return graphemes(unicodedata.normalize("NFC", text))


def fits(rule: PlatformRule, text: str) -> bool:
    """Within every limit of the platform: length, bytes, links, hashtags, valid characters."""
    if length(rule, text) > rule.limit:
        return False
    if rule.max_bytes is not None and len(text.encode("utf-8")) > rule.max_bytes:
        return False
    if rule.max_links is not None and len(_URL.findall(text)) > rule.max_links:
        return False
    if rule.max_hashtags is not None and text.count("#") > rule.max_hashtags:
        return False
    return not (rule.counting == "twitter" and not x_valid(text))


LINKEDIN_RESERVED = set("\\|{}@[]()<>#*_~")


def linkedin_escape(text: str) -> str:
    """LinkedIn's "little text" format: reserved characters must be backslash-escaped."""
    return "".join("\\" + c if c in LINKEDIN_RESERVED else c for c in text)
