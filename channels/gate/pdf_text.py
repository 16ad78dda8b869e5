"""Read back only the text a reader of the printed page would actually notice.

PDFium reports, for every character, its font size, render mode and box.  A character
smaller than ``rules.GATE.pdf_min_disclaimer_pt``, invisible, or off the page is replaced
by a space, so a disclaimer set in 6 pt can no longer be "found" by the gate.  Colour is
the pixel witness's to judge (``pdf_pixels``): against the pixels behind the text, since
white text on a dark box is readable and dark text on a dark box is not.
"""

from __future__ import annotations

import ctypes
import math
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as raw

from channels import rules

# Text render modes that paint nothing: 3 invisible, 7 clip only.
_UNPAINTED = (3, 7)


@dataclass(frozen=True)
class Box:
    """A rectangle in PDF points, origin at the bottom left."""

    left: float
    bottom: float
    right: float
    top: float

    def holds(self, x: float, y: float) -> bool:
        return self.left <= x <= self.right and self.bottom <= y <= self.top


@dataclass(frozen=True)
class PageText:
    """One page's conspicuous text: all of it, and only what lies in the body area."""

    number: int
    whole: str
    body: str


@dataclass(frozen=True)
class Margins:
    """Page margins in points; the band outside them holds the running header and footer."""

    top: float
    right: float
    bottom: float
    left: float

    def body(self, width: float, height: float) -> Box:
        """The band between header and footer, full width: PDFium puts a line's generated
        break just past the last glyph, which may poke into the right margin."""
        return Box(0, self.bottom, width, height - self.top)


def conspicuous_pages(pdf: bytes, margins: Margins) -> list[PageText]:
    """Every page's conspicuous text, in PDFium's reading order."""
    document = pdfium.PdfDocument(pdf)
    try:
        return [_page_text(document[i], i + 1, margins) for i in range(len(document))]
    finally:
        document.close()


def _page_text(page: pdfium.PdfPage, number: int, margins: Margins) -> PageText:
    width, height = page.get_size()
    body_box = margins.body(width, height)
    page_box = Box(0, 0, width, height)
    textpage = page.get_textpage()
    whole, body = [], []
    for index in range(raw.FPDFText_CountChars(textpage.raw)):
        char, (x, y) = _char(textpage.raw, index, page_box)
        whole.append(char)
        if body_box.holds(x, y):
            body.append(char)
    return PageText(number, "".join(whole), "".join(body))


def _char(textpage: object, index: int, page_box: Box) -> tuple[str, tuple[float, float]]:
    """The character at ``index`` (a space if a reader would not notice it) and its centre."""
    char = chr(raw.FPDFText_GetUnicode(textpage, index))
    centre = _centre(textpage, index)
    # PDFium's own spaces and line breaks carry no style; they keep words apart.
    if raw.FPDFText_IsGenerated(textpage, index) == 1:
        return char, centre
    if not page_box.holds(*centre) or not _noticeable(textpage, index):
        return " ", centre
    return char, centre


def _centre(textpage: object, index: int) -> tuple[float, float]:
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    raw.FPDFText_GetCharBox(textpage, index, left, right, bottom, top)
    return (left.value + right.value) / 2, (bottom.value + top.value) / 2


def _noticeable(textpage: object, index: int) -> bool:
    return _size_pt(textpage, index) >= rules.GATE.pdf_min_disclaimer_pt and _painted(
        textpage, index)


def _size_pt(textpage: object, index: int) -> float:
    """The printed size: PDFium's font size is in text space, so apply the CTM's scale.

    WeasyPrint writes sizes in CSS px under a 0.75 page matrix; 12 pt comes back as 16.
    """
    matrix = raw.FS_MATRIX()
    if not raw.FPDFText_GetMatrix(textpage, index, matrix):
        return 0.0
    return raw.FPDFText_GetFontSize(textpage, index) * math.hypot(matrix.c, matrix.d)


def _painted(textpage: object, index: int) -> bool:
    text_object = raw.FPDFText_GetTextObject(textpage, index)
    return bool(text_object) and raw.FPDFTextObj_GetTextRenderMode(text_object) not in _UNPAINTED
