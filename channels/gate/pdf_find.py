"""Where a disclaimer stands in a PDF's text layer: the very characters PDFium reads, with boxes.

The text witness (``pdf_text``) says whether the words are there; this finds which
characters they are, so the pixel witness can look at exactly those on the page.
Matching folds text the way ``match.normalize`` does, keeping each folded character's
origin.
"""

from __future__ import annotations

import ctypes
import re
import unicodedata
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as raw

from channels.gate.match import _INVISIBLE, _QUOTES, normalize
from channels.gate.pdf_text import Box, Margins

_HYPHENS = "\u2010\u00ad\u0002"  # a word broken at a line end (WeasyPrint, soft, PDFium)


@dataclass(frozen=True)
class Glyph:
    """One character of a page's text layer, as PDFium reads it."""

    page: int  # 0-based
    index: int  # PDFium's character index on that page
    char: str
    x: float  # the glyph's origin on the page, in points
    y: float
    generated: bool  # a space or line break PDFium inserted, not drawn


@dataclass(frozen=True)
class Shape:
    """Where a glyph is painted and how it is set."""

    loose: Box  # the font's whole line box for it (ascent to descent), in points
    tight: Box  # the glyph's own outline box, in points
    matrix: tuple[float, float, float, float]  # a, b, c, d: text space to page


def page_glyphs(page: pdfium.PdfPage, number: int) -> list[Glyph]:
    """Every character PDFium reads on ``page``, in reading order."""
    textpage = page.get_textpage()
    try:
        return [_glyph(textpage.raw, number, i)
                for i in range(raw.FPDFText_CountChars(textpage.raw))]
    finally:
        textpage.close()


def _glyph(textpage: object, number: int, index: int) -> Glyph:
    x, y = ctypes.c_double(), ctypes.c_double()
    raw.FPDFText_GetCharOrigin(textpage, index, x, y)
    return Glyph(number, index, chr(raw.FPDFText_GetUnicode(textpage, index)), x.value, y.value,
                 raw.FPDFText_IsGenerated(textpage, index) == 1)


def shape(textpage: object, index: int) -> Shape:
    """The boxes and matrix PDFium gives for character ``index`` of ``textpage``."""
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    raw.FPDFText_GetCharBox(textpage, index, left, right, bottom, top)
    loose = raw.FS_RECTF()
    raw.FPDFText_GetLooseCharBox(textpage, index, loose)
    matrix = raw.FS_MATRIX()
    raw.FPDFText_GetMatrix(textpage, index, matrix)
    return Shape(Box(loose.left, loose.bottom, loose.right, loose.top),
                 Box(left.value, bottom.value, right.value, top.value),
                 (matrix.a, matrix.b, matrix.c, matrix.d))


def body_glyphs(glyphs: list[Glyph], margins: Margins, width: float, height: float
                ) -> list[Glyph]:
    """The characters between the running header and footer."""
    body = margins.body(width, height)
    return [g for g in glyphs if body.holds(g.x, g.y)]


@dataclass(frozen=True)
class Folded:
    """A part's text folded as ``normalize`` folds it, with the glyph of each character."""

    text: str
    origins: tuple[Glyph | None, ...]


def fold(glyphs: list[Glyph | None]) -> Folded:
    """Fold ``glyphs`` (``None``: a break between pages) once, to search it for many texts."""
    return Folded(*_fold(glyphs))


def occurrences(part: Folded, text: str) -> list[list[Glyph]]:
    """Each place ``text`` stands whole in ``part``: its drawn glyphs."""
    folded, origins = part.text, part.origins
    pattern = r"(?<!\w)" + re.escape(normalize(text)) + r"(?!\w)"
    found = []
    for match in re.finditer(pattern, folded):
        chosen = dict.fromkeys(o for o in origins[match.start():match.end()] if o is not None)
        found.append([g for g in chosen if not g.generated and not g.char.isspace()])
    return found


def _fold(glyphs: list[Glyph | None]) -> tuple[str, tuple[Glyph | None, ...]]:
    """The text as ``normalize`` folds it, and the glyph each folded character came from."""
    chars: list[str] = []
    origins: list[Glyph | None] = []
    skip_space = False
    for position, glyph in enumerate(glyphs):
        char = "\n" if glyph is None else glyph.char
        if char.isspace():
            if not skip_space and (not chars or chars[-1] != " "):
                chars.append(" ")
                origins.append(None)
            continue
        skip_space = False
        if char in _HYPHENS and _line_break_follows(glyphs, position):
            skip_space = True
            continue
        if char == "-" and _line_break_follows(glyphs, position):
            skip_space = True
        folded = unicodedata.normalize("NFKC", _INVISIBLE.sub("", char)).translate(_QUOTES)
        for one in folded.casefold():
            chars.append(one)
            origins.append(glyph)
    return "".join(chars), tuple(origins)


def _line_break_follows(glyphs: list[Glyph | None], position: int) -> bool:
    """Whether only spaces and tabs, then a line break, come after ``position``."""
    for glyph in glyphs[position + 1:]:
        char = "\n" if glyph is None else glyph.char
        if char in "\r\n":
            return True
        if char not in " \t":
            return False
    return False
