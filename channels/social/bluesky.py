"""Bluesky's rich-text facets, ported from @atproto/api 0.21 ``detectFacets`` (links and tags).

Its patterns are JavaScript's: the link pattern runs on UTF-16 code units (no ``u`` flag),
``\\s`` is JavaScript's white space, a bare domain must end in a TLD of npm ``tlds``
1.261.0 (``data/``), and offsets are UTF-8 bytes.  Mentions need a DID from the network,
so posts carry none.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import regex

from channels.social.twitter import code_units

JS_SPACE = "\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff"
_URL = regex.compile(
    rf"(?:^|[{JS_SPACE}(])((?:[hH][tT][tT][pP][sS]?://[^{JS_SPACE}]+)"
    rf"|(?P<domain>[a-zA-Z][a-zA-Z0-9]*(?:\.[a-zA-Z0-9]+)+)[^{JS_SPACE}]*)", regex.M)
_HIDDEN = "\\u00ad\\u2060\\u200a\\u200b\\u200c\\u200d\\u20e2"
_TAG = regex.compile(
    rf"(^|[{JS_SPACE}])[#\uff03]((?!\ufe0f)[^{JS_SPACE}{_HIDDEN}]*"
    rf"[^0-9{JS_SPACE}\p{{P}}{_HIDDEN}]+[^{JS_SPACE}{_HIDDEN}]*)?")
_CASHTAG = regex.compile(
    rf"(^|[{JS_SPACE}(])\$([A-Za-z][A-Za-z0-9]{{0,4}})(?=[{JS_SPACE}]|$|[.,;:!?)\"'\u2019])")
_TRAILING = regex.compile(r"\p{P}+$")
TLDS = Path(__file__).with_name("data") / "tlds-1.261.0.txt"
LINK, TAG = "app.bsky.richtext.facet#link", "app.bsky.richtext.facet#tag"


@cache
def _tlds() -> frozenset[str]:
    return frozenset(TLDS.read_text(encoding="ascii").split())


def facets(text: str, targets: dict[str, str] | None = None) -> list[dict]:
    """Link and tag facets as ``detectFacets`` finds them, in text order.

    ``targets`` maps a link as shown (its detected URI) to where it should go instead,
    so a short display text can open the full tracked URL.
    """
    found = _links(text, targets or {}) + _tags(text) + _cashtags(text)
    return sorted(found, key=lambda f: f["index"]["byteStart"])


def _links(text: str, targets: dict[str, str]) -> list[dict]:
    units, found = code_units(text), []
    for match in _URL.finditer(units):
        uri, domain = _points(match.group(1)), match.group("domain")
        if not uri.startswith("http"):
            if not domain or domain.rsplit(".", 1)[1] not in _tlds():
                continue
            uri = f"https://{uri}"
        start, end = match.start(1), match.end(1)
        if uri[-1] in ".,;:!?":  # one trailing punctuation mark is not part of the link
            uri, end = uri[:-1], end - 1
        if uri.endswith(")") and "(" not in uri:
            uri, end = uri[:-1], end - 1
        found.append(_facet(units, start, end, {"$type": LINK, "uri": targets.get(uri, uri)}))
    return found


def _tags(text: str) -> list[dict]:
    found = []
    for match in _TAG.finditer(text):
        tag = _TRAILING.sub("", (match.group(2) or "").strip(JS_SPACE_CHARS))
        if not tag or (_units(tag) > 64 and len(regex.findall(r"\X", tag)) > 64):
            continue
        start = _units(text[:match.start(2) - 1])
        units = code_units(text)
        found.append(_facet(units, start, start + 1 + _units(tag), {"$type": TAG, "tag": tag}))
    return found


def _cashtags(text: str) -> list[dict]:
    units = code_units(text)
    return [_facet(units, m.start(2) - 1, m.end(2), {"$type": TAG, "tag": "$" + m.group(2).upper()})
            for m in _CASHTAG.finditer(units)]


def link(text: str, start: int, end: int, uri: str) -> dict:
    """A link facet over ``text[start:end]`` (code point indices) that opens ``uri``."""
    return _facet(code_units(text), _units(text[:start]), _units(text[:end]),
                  {"$type": LINK, "uri": uri})


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _points(units: str) -> str:
    """Code units back to text (pairs joined; a lone surrogate stays as JavaScript keeps it)."""
    return units.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")


def _facet(units: str, start: int, end: int, feature: dict) -> dict:
    def to_bytes(index: int) -> int:
        # TextEncoder writes a lone surrogate as U+FFFD (3 bytes).
        return len(units[:index].encode("utf-16-le", "surrogatepass")
                   .decode("utf-16-le", "replace").encode("utf-8"))

    index = {"byteStart": to_bytes(start), "byteEnd": to_bytes(end)}
    return {"index": index, "features": [feature]}


JS_SPACE_CHARS = ("\t\n\v\f\r \u00a0\u1680" + "".join(map(chr, range(0x2000, 0x200B)))
                  + "\u2028\u2029\u202f\u205f\u3000\ufeff")
