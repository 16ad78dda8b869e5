"""How a cluster's text is shared among its glyphs, so each glyph reads as its part.

A cluster is what HarfBuzz shapes as one unit: कि (two characters, two glyphs, drawn ि
first), क्ष (three characters, one glyph), a base letter and its marks.  WeasyPrint hands
out a cluster's text whole, to one of its glyphs; :func:`spread` shares it out.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator


def spread(texts: list[str]) -> list[str]:
    """Each glyph's share of its cluster's text, in drawing order.

    WeasyPrint gives a left-to-right cluster's text to its last glyph and nothing to the
    ones before (``["", "", "क्षि"]``), a right-to-left one's to its first glyph and nothing
    to the ones after.  Each glyph takes one character instead, the last to be read the
    rest, so no glyph reads as nothing and a reader going in the script's direction gets
    the cluster's characters in order.  Clusters with fewer characters than glyphs stay.
    """
    out = list(texts)
    for start, end, rtl in _clusters(texts):
        text = texts[end - 1] if not rtl else texts[start]
        count = end - start
        if 1 < count <= len(text):
            parts = [*text[:count - 1], text[count - 1:]]
            out[start:end] = parts[::-1] if rtl else parts
    return out


def _clusters(texts: list[str]) -> Iterator[tuple[int, int, bool]]:
    """(start, end, right-to-left) of each cluster of more than one glyph in ``texts``."""
    rtl = directions(texts)
    index, size = 0, len(texts)
    while index < size:
        text_at = index
        while text_at < size and not texts[text_at]:
            text_at += 1
        if text_at == size:
            return
        if text_at > index and not rtl[text_at]:
            yield index, text_at + 1, False
            index = text_at + 1
            continue
        end = text_at + 1
        while rtl[text_at] and end < size and not texts[end]:
            end += 1
        if end - text_at > 1:
            yield text_at, end, True
        index = end


def directions(texts: list[str]) -> list[bool]:
    """Whether each text is right-to-left: its first strong character's direction, or for
    marks and neutrals alone, that of the text before (else after) them."""
    strong = [next((unicodedata.bidirectional(c) in ("R", "AL") for c in text
                    if unicodedata.bidirectional(c) in ("L", "R", "AL")), None)
              for text in texts]
    known = [d for d in strong if d is not None]
    last = known[0] if known else False
    out = []
    for direction in strong:
        last = last if direction is None else direction
        out.append(last)
    return out
