"""Mastodon's post length, ported from its server's ``StatusLengthValidator`` (Mastodon 4.x).

The server counts ``spoiler_text + countable_text(text)`` in grapheme clusters, where
``countable_text`` writes every URL as 23 characters and every mention ``@user@domain``
as ``@user`` (app/validators/status_length_validator.rb).  URLs are those twitter-text's
``extract_urls_with_indices(text, extract_url_without_protocol: false)`` finds with the
URL pattern Mastodon swaps in (config/initializers/twitter_regex.rb: any non-space path
character, no ``=`` or ``.`` at a path's end, non-ASCII queries, dat/dweb/ipfs/ipns/ssb/
gopher/gemini schemes); mentions follow ``Account::MENTION_RE`` (app/lib/extractor.rb).
Ruby's regexes run on code points, as ``regex`` does here.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex
from twitter_text.regexp.latin_accent_chars import latin_accent_chars
from twitter_text.regexp.valid_domain import valid_domain
from twitter_text.regexp.valid_tco_url import valid_tco_url
from twitter_text.regexp.valid_url_balanced_parens import valid_url_balanced_parens
from twitter_text.regexp.valid_url_preceding_chars import valid_url_preceding_chars

from channels.social.twitter import code_units, valid_url

URL_LENGTH = 23  # StatusLengthValidator::URL_PLACEHOLDER_CHARS
MAX_TCO_SLUG = 40
MAX_DOMAIN_LENGTH = 253  # Extractor::MAX_DOMAIN_LENGTH: a longer domain is no mention
_WS = r"\p{White_Space}"
_UCHARS = (r"\xa0-\ud7ff\uf900-\ufdcf\ufdf0-\uffef\U00010000-\U0001fffd\U00020000-\U0002fffd"
           r"\U00030000-\U0003fffd\U00040000-\U0004fffd\U00050000-\U0005fffd"
           r"\U00060000-\U0006fffd\U00070000-\U0007fffd\U00080000-\U0008fffd"
           r"\U00090000-\U0009fffd\U000a0000-\U000afffd\U000b0000-\U000bfffd"
           r"\U000c0000-\U000cfffd\U000d0000-\U000dfffd\U000e1000-\U000efffd"
           r"\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd")
_GENERAL = rf"[^{_WS}<>()?]"
# Mastodon defines the ending before redefining the balanced parens: it keeps twitter-text's
# (whose \p{Cyrillic} the Python port spells \u0400-\u04FF).
_OLD_PARENS = valid_url_balanced_parens.pattern.replace(r"\u0400-\u04FF", r"\p{Cyrillic}")
_ENDING = rf"""(?:[^{_WS}()?!*"'「」<>;:=,.$%\[\]~&|@]|(?:{_OLD_PARENS}))"""
_PARENS = rf"\((?:{_GENERAL}+|(?:{_GENERAL}*\({_GENERAL}+\){_GENERAL}*))\)"
_PATH = rf"(?:(?:{_GENERAL}*(?:{_PARENS}{_GENERAL}*)*{_ENDING})|(?:{_GENERAL}+/))"
_QUERY = rf"[a-z0-9!?*'();:&=+$/%#\[\]\-_.,~|@\^{_UCHARS}]"
_QUERY_END = rf"[a-z0-9_&=#/\-{_UCHARS}]"
_URL = regex.compile(
    rf"(?P<before>{valid_url_preceding_chars.pattern})(?P<url>"
    r"(?P<protocol>(?:https?|dat|dweb|ipfs|ipns|ssb|gopher|gemini)://)?"
    rf"(?P<domain>{valid_domain.pattern})(?::[0-9]+)?(?:/{_PATH}*)?(?:\?{_QUERY}*{_QUERY_END})?)",
    regex.IGNORECASE)
_WORD = r"\p{L}\p{M}\p{Nd}\p{Pc}"  # Ruby's [[:word:]]
_MENTION = regex.compile(
    rf"(?<![=/{_WORD}])@(?P<name>(?i:[a-z0-9_]+(?:[.-]+[a-z0-9_]+)*)"
    rf"(?:@[{_WORD}]+(?:[.-]+[{_WORD}]+)*)?)")
_END_MENTION = regex.compile(rf"(?:[@＠]|[{latin_accent_chars.pattern}]|://)", regex.IGNORECASE)
_BLANK = regex.compile(rf"[{_WS}]*")


@dataclass(frozen=True)
class Entity:
    """A URL or mention the server rewrites before counting: where it is, what it becomes."""

    start: int  # code point index
    end: int
    counted_as: str


def urls(text: str) -> list[Entity]:
    """URLs with a scheme, as Mastodon's extractor finds them; each counts 23."""
    found = []
    for match in _URL.finditer(text):
        url, protocol, domain = match.group("url", "protocol", "domain")
        if not protocol or not valid_url(code_units(url), protocol, code_units(domain)):
            continue
        start, end = match.span("url")
        tco = valid_tco_url.search(url)
        if tco:
            if tco.group(1) and len(tco.group(1)) > MAX_TCO_SLUG:
                continue
            end = start + len(tco.group(0))
        found.append(Entity(start, end, "x" * URL_LENGTH))
    return found


def mentions(text: str) -> list[Entity]:
    """``@user@domain`` mentions, each counted as ``@user`` alone."""
    found = []
    for match in _MENTION.finditer(text):
        user, _, domain = match.group("name").partition("@")
        if not _END_MENTION.match(text, match.end()) and len(domain) <= MAX_DOMAIN_LENGTH:
            found.append(Entity(match.start(), match.end(), f"@{user}"))
    return found


def countable_text(text: str) -> str:
    """The text as the server counts it: URLs and mentions rewritten, overlaps dropped."""
    if _BLANK.fullmatch(text):
        return ""
    kept: list[Entity] = []
    for entity in sorted(urls(text) + mentions(text), key=lambda e: e.start):
        if not kept or kept[-1].end <= entity.start:
            kept.append(entity)
    parts, last = [], 0
    for entity in kept:
        parts += [text[last:entity.start], entity.counted_as]
        last = entity.end
    return "".join(parts) + text[last:]
