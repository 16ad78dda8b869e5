"""X's weighted length, ported from npm twitter-text 3.1 ``parseTweet`` (config v3).

twitter-text walks the NFC text in UTF-16 code units: a URL weighs 23, an emoji that
twemoji-parser 11.0.2 recognizes (its own generated pattern, shipped in ``data/``) 2, any
other character by its code unit's range (so ``\u00a9`` and a lone CR weigh 1, CRLF 2).
"""

from __future__ import annotations

import re
import struct
import unicodedata
from functools import cache
from pathlib import Path

from twitter_text.config import config
from twitter_text.regexp.extract_url import extract_url
from twitter_text.regexp.invalid_url_without_protocol_preceding_chars import (
    invalid_url_without_protocol_preceding_chars,
)
from twitter_text.regexp.valid_ascii_domain import valid_ascii_domain
from twitter_text.regexp.valid_tco_url import valid_tco_url

V3 = config["version3"]
SCALE = V3["scale"]
INVALID = frozenset("\ufffe\ufeff\uffff")
MAX_URL, MAX_LABEL, MAX_TCO_SLUG = 4096, 63, 40
TWEMOJI = Path(__file__).with_name("data") / "twemoji-parser-11.0.2.regex"


@cache
def _twemoji() -> re.Pattern[str]:
    # A JavaScript pattern over UTF-16 code units: run it on a string of code units.
    return re.compile(TWEMOJI.read_text(encoding="ascii").strip())


def code_units(text: str) -> str:
    """``text`` as one Python character per UTF-16 code unit (surrogates kept apart)."""
    data = text.encode("utf-16-le")
    return "".join(map(chr, struct.unpack(f"<{len(data) // 2}H", data)))


def url_spans(units: str) -> dict[int, int]:
    """URL start → end: twitter-text's ``extractUrlsWithIndices`` on UTF-16 code units.

    The patterns are twitter-text-parser's (ported from the same regexps); the steps are the
    JavaScript's, whose light IDNA check differs from the Python port's strict codec.
    """
    if "." not in units:
        return {}
    spans = {}
    for match in extract_url.finditer(units):
        _, before, url, protocol, domain, _, path, _ = match.groups()
        end = match.end()
        start = end - len(url)
        if not valid_url(url, protocol or "https://", domain):
            continue
        if protocol:
            tco = valid_tco_url.search(url)
            if tco and tco.group(1) and len(tco.group(1)) > MAX_TCO_SLUG:
                continue
            spans[start] = start + len(tco.group(0)) if tco else end
        elif not invalid_url_without_protocol_preceding_chars.match(before):
            spans |= _ascii_domains(domain, start, end if path else None)
    return spans


def _ascii_domains(domain: str, start: int, path_end: int | None) -> dict[int, int]:
    found = {start + m.start(): start + m.end() for m in valid_ascii_domain.finditer(domain)}
    if found and path_end is not None:
        found[max(found)] = path_end
    return found


def valid_url(url: str, protocol: str, domain: str) -> bool:
    """twitter-text's ``isValidUrl`` with its own ``idna.toAscii`` (which keeps the domain)."""
    if domain.startswith("xn--") and not valid_ascii_domain.search(domain):
        return False
    for label in domain.split("."):
        points = label.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")
        encoded = points if points.isascii() else "xn--" + _punycode(points)
        if not 1 <= len(encoded) <= MAX_LABEL:
            return False
    return len(protocol) + len(url) <= MAX_URL


def _weight(unit: str) -> int:
    point = ord(unit)
    return next((r["weight"] for r in V3["ranges"] if r["start"] <= point <= r["end"]),
                V3["default_weight"])


def parse(text: str) -> tuple[int, bool]:
    """``(weightedLength, valid)`` exactly as twitter-text's ``parseTweet`` with config v3."""
    normalized = unicodedata.normalize("NFC", text)
    units = code_units(normalized)
    spans = {m.start(): (m.end(), V3["default_weight"]) for m in _twemoji().finditer(units)}
    spans |= {start: (end, V3["transformed_url_length"] * SCALE)
              for start, end in url_spans(units).items()}
    weighted, valid, index = 0, True, 0
    while index < len(units):
        if index in spans:
            end, weight = spans[index]
            weighted, index = weighted + weight, end - 1
        else:
            index += _starts_pair(units, index)
            weighted += _weight(units[index])
        valid = valid and units[index] not in INVALID
        index += 1
    length = weighted // SCALE
    return length, valid and 0 < length <= V3["max_weighted_tweet_length"]


def _starts_pair(units: str, index: int) -> int:
    pair = units[index:index + 2]
    high = len(pair) == 2 and "\ud800" <= pair[0] <= "\udbff"
    return int(high and "\udc00" <= pair[1] <= "\udfff")


def _punycode(label: str) -> str:
    try:
        return label.encode("punycode").decode("ascii")
    except UnicodeError:  # a lone surrogate: JavaScript encodes it as one code point
        return label.encode("punycode", "surrogatepass").decode("ascii", "replace")
