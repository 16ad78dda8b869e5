"""The pixel witness for the handout: each disclaimer PDFium reads, as PDFium paints it.

For every occurrence found in the text layer (``pdf_find``), the region under its
characters is rendered twice, once as it is and once with those characters' text objects
made invisible: the pixels that differ are the glyphs' own ink.  A disclaimer is seen when
its characters lie on the page, upright and unmirrored, at least the policy's size and not
squashed, every line's ink is there (not covered, clipped or blank) and contrasts with
the very pixels behind it (``pixels.ink_problem``), not with an assumed white paper, and
OCR of the crop reads its words (``ocr``).
"""

from __future__ import annotations

from collections.abc import Iterator

import pypdfium2 as pdfium
import pypdfium2.raw as raw
from PIL import Image

from channels.gate.expectations import Expectation
from channels.gate.match import Check
from channels.gate.ocr import ocr_problem
from channels.gate.pdf_find import (
    Folded,
    Glyph,
    Shape,
    body_glyphs,
    fold,
    occurrences,
    page_glyphs,
    shape,
)
from channels.gate.pdf_text import Box, Margins
from channels.gate.pixels import glyph_problem, lines_problem
from channels.rules import GATE

SCALE = 2.0  # 144 dpi: 9 pt type is 18 px tall
WITNESS = "pdf pixels"


def pdf_pixel_checks(channel: str, pdf: bytes, expectations: list[Expectation],
                     margins: Margins) -> list[Check]:
    """One check per expectation, as ``match.check`` names parts ("document", "page N")."""
    if not expectations:
        return []
    document = pdfium.PdfDocument(pdf)
    try:
        pages = [page_glyphs(document[i], i) for i in range(len(document))]
        bodies = [body_glyphs(g, margins, *document[i].get_size()) for i, g in enumerate(pages)]
    finally:
        document.close()
    parts = _parts(pages, bodies)
    return [_check(channel, pdf, exp, {n: f for n, f in parts.items() if n.startswith(exp.parts)})
            for exp in expectations]


def _parts(pages: list[list[Glyph]], bodies: list[list[Glyph]]) -> dict[str, Folded]:
    """The glyphs of each part, named as ``PdfHandout.extract_text`` names them."""
    joined: list[Glyph | None] = []
    for body in bodies:
        joined += [*body, None]
    parts = {f"page {i + 1}": fold(list(glyphs)) for i, glyphs in enumerate(pages)}
    return {"document": fold(joined), **parts}


def _check(channel: str, pdf: bytes, exp: Expectation, parts: dict[str, Folded]) -> Check:
    verdicts = [(name, _seen(pdf, part, exp.text)) for name, part in parts.items()]
    found = tuple(name for name, problem in verdicts if not problem)
    missing = tuple(f"{name} ({problem})" for name, problem in verdicts if problem)
    if exp.scope == "any" and found:
        missing = ()
    return Check(channel, exp.disclaimer.id, exp.disclaimer.version, exp.form, exp.scope,
                 found_in=found, missing_in=missing, witness=WITNESS)


def _seen(pdf: bytes, part: Folded, text: str) -> str:
    """Empty when one occurrence of ``text`` is painted readably; else what is wrong."""
    found = occurrences(part, text)
    if not found:
        return "not in the PDF's text layer"
    problems = [_problem(pdf, occurrence) for occurrence in found]
    return "" if "" in problems else problems[0]


def _problem(pdf: bytes, occurrence: list[Glyph]) -> str:
    document = pdfium.PdfDocument(pdf)
    try:
        for number in sorted({g.page for g in occurrence}):
            on_page = [g for g in occurrence if g.page == number]
            problem = _page_problem(document[number], on_page)
            if problem:
                return f"on page {number + 1}: {problem}"
        return ""
    finally:
        document.close()


def _page_problem(page: pdfium.PdfPage, glyphs: list[Glyph]) -> str:
    textpage = page.get_textpage()
    try:
        shapes = [shape(textpage.raw, g.index) for g in glyphs]
        problem = _shape_problem(shapes)
        if problem:
            return problem
        width, height = page.get_size()
        region = _region(shapes, width, height)
        if region is None:
            return "it lies outside the page"
        shown = _render(page, region, width, height)
        _hide(textpage.raw, glyphs)
        hidden = _render(page, region, width, height)
    finally:
        textpage.close()
    lines = [_pixels(_union(line), region) for line in _lines(shapes)]
    return (lines_problem(shown, hidden, lines)
            or glyph_problem(shown, hidden, [_pixels(s.tight, region) for s in shapes])
            or ocr_problem(shown, "".join(g.char for g in glyphs)))


def _shape_problem(shapes: list[Shape]) -> str:
    """What the characters' geometry alone says: mirrored, tilted, too small or squashed."""
    for one in shapes:
        a, b, c, d = one.matrix
        if a * d - b * c < 0:
            return "its letters are mirrored"
        if a <= abs(b):
            return "its letters are turned on their side or upside down"
    for line in _lines(shapes):
        height = sorted(s.loose.top - s.loose.bottom for s in line)[len(line) // 2]
        if height < GATE.pdf_min_disclaimer_pt:
            return f"its letters are {height:.1f} pt tall, under {GATE.pdf_min_disclaimer_pt} pt"
        advance = sum(s.loose.right - s.loose.left for s in line) / len(line)
        if advance < GATE.pdf_min_advance * height:
            return "its letters are squashed together"
    return ""


def _region(shapes: list[Shape], width: float, height: float) -> Box | None:
    """The glyphs' box with a margin, or ``None`` if any glyph lies off the page."""
    box = _union(shapes)
    if box.left < -1 or box.bottom < -1 or box.right > width + 1 or box.top > height + 1:
        return None
    pad = 2.0
    return Box(max(0, box.left - pad), max(0, box.bottom - pad),
               min(width, box.right + pad), min(height, box.top + pad))


def _render(page: pdfium.PdfPage, region: Box, width: float, height: float) -> Image.Image:
    crop = (region.left, region.bottom, width - region.right, height - region.top)
    return page.render(scale=SCALE, crop=crop).to_pil().convert("RGB")


def _hide(textpage: object, glyphs: list[Glyph]) -> None:
    """Make the text objects that draw ``glyphs`` invisible (render mode 3), in memory only."""
    for index in {g.index for g in glyphs}:
        text_object = raw.FPDFText_GetTextObject(textpage, index)
        if text_object:
            raw.FPDFTextObj_SetTextRenderMode(text_object, raw.FPDF_TEXTRENDERMODE_INVISIBLE)


def _lines(shapes: list[Shape]) -> Iterator[list[Shape]]:
    """The glyphs grouped into the lines they are set on."""
    line: list[Shape] = []
    for one in shapes:
        if line and abs(one.loose.bottom - line[-1].loose.bottom) > 0.3 * _tall(line[-1]):
            yield line
            line = []
        line.append(one)
    if line:
        yield line


def _tall(one: Shape) -> float:
    return max(one.loose.top - one.loose.bottom, 1.0)


def _union(shapes: list[Shape]) -> Box:
    return Box(min(s.loose.left for s in shapes), min(s.loose.bottom for s in shapes),
               max(s.loose.right for s in shapes), max(s.loose.top for s in shapes))


def _pixels(box: Box, region: Box) -> tuple[float, float, float, float]:
    """A box in points as x, y, width, height in the rendered region's pixels."""
    return ((box.left - region.left) * SCALE, (region.top - box.top) * SCALE,
            (box.right - box.left) * SCALE, (box.top - box.bottom) * SCALE)
