"""The handout corpus as data: small edits of the seed's rendered PDF, made with PDFium.

Each case edits the page objects that draw one occurrence of the 988 crisis line (the
full form on the last page, or the short form in one page's footer) the way a careless
or hostile PDF editor would, and says why a reader does (or does not) still get it.
Verdicts were checked once against poppler renders (``pdftoppm``, a second engine) of
each variant when the cases were added.
"""

from __future__ import annotations

import ctypes
import io
from collections.abc import Callable
from dataclasses import dataclass

import pikepdf
import pypdfium2 as pdfium
import pypdfium2.raw as raw
from fontTools.ttLib import TTFont
from fontTools.ttLib.tables._g_l_y_f import Glyph

from channels.gate.pdf_find import fold, occurrences, page_glyphs, shape
from channels.gate.pdf_text import Box


@dataclass
class Target:
    """The occurrence being edited: its page, its text objects and their box (points)."""

    page: pdfium.PdfPage
    objects: list[object]
    box: Box


Edit = Callable[[Target], None]


@dataclass(frozen=True)
class PdfCase:
    name: str
    form: str  # "full" (last page) or "short" (the footer of page ``page``)
    edit: Edit
    bad: bool
    why: str
    page: int = 0  # 0-based; -1 for the last page
    after: Callable[[bytes], bytes] | None = None  # a file-level edit after PDFium's


def mutate(pdf: bytes, text: str, case: PdfCase) -> bytes:
    """The seed ``pdf`` with ``case.edit`` applied to the first occurrence of ``text``."""
    document = pdfium.PdfDocument(pdf)
    number = len(document) - 1 if case.page == -1 else case.page
    page = document[number]
    found = occurrences(fold(list(page_glyphs(page, number))), text)
    textpage = page.get_textpage()
    shapes = [shape(textpage.raw, g.index) for g in found[0]]
    addresses = {}
    for glyph in found[0]:
        obj = raw.FPDFText_GetTextObject(textpage.raw, glyph.index)
        addresses[ctypes.cast(obj, ctypes.c_void_p).value] = obj
    textpage.close()
    box = Box(min(s.loose.left for s in shapes), min(s.loose.bottom for s in shapes),
              max(s.loose.right for s in shapes), max(s.loose.top for s in shapes))
    case.edit(Target(page, list(addresses.values()), box))
    assert raw.FPDFPage_GenerateContent(page.raw)
    out = io.BytesIO()
    document.save(out)
    document.close()
    return case.after(out.getvalue()) if case.after else out.getvalue()


def blank_fonts(pdf: bytes) -> bytes:
    """Every embedded TrueType program with its outlines emptied: same glyph ids, same
    widths, same text layer, nothing painted (an editor's or a converter's font swap)."""
    blanked = 0
    with pikepdf.open(io.BytesIO(pdf)) as document:
        for obj in document.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor" \
                    and "/FontFile2" in obj:
                font = TTFont(io.BytesIO(obj.FontFile2.read_bytes()))
                for name in font.getGlyphOrder():
                    font["glyf"][name] = Glyph()  # no contours
                data = io.BytesIO()
                font.save(data)
                obj.FontFile2.write(data.getvalue())
                blanked += 1
        assert blanked, "no TrueType font program to blank"
        out = io.BytesIO()
        document.save(out)
        return out.getvalue()


def _rect(box: Box, rgb: tuple[int, int, int], alpha: int) -> object:
    rect = raw.FPDFPageObj_CreateNewRect(box.left, box.bottom, box.right - box.left,
                                         box.top - box.bottom)
    raw.FPDFPageObj_SetFillColor(rect, *rgb, alpha)
    raw.FPDFPath_SetDrawMode(rect, raw.FPDF_FILLMODE_WINDING, 0)
    return rect


def cover(rgb: tuple[int, int, int], alpha: int = 255, share: float = 1.0,
          dx: float = 0.0) -> Edit:
    """A box painted over the top ``share`` of the text (moved ``dx`` points right)."""
    def edit(t: Target) -> None:
        b = t.box
        top = Box(b.left + dx, b.top - share * (b.top - b.bottom), b.right + dx, b.top)
        raw.FPDFPage_InsertObject(t.page.raw, _rect(top, rgb, alpha))
    return edit


def behind(rgb: tuple[int, int, int]) -> Edit:
    """A box painted just before the text, so the text is drawn on it."""
    def edit(t: Target) -> None:
        ours = {_address(obj) for obj in t.objects}
        index = next(i for i in range(raw.FPDFPage_CountObjects(t.page.raw))
                     if _address(raw.FPDFPage_GetObject(t.page.raw, i)) in ours)
        raw.FPDFPage_InsertObjectAtIndex(t.page.raw, _rect(t.box, rgb, 255), index)
    return edit


def _address(obj: object) -> int | None:
    return ctypes.cast(obj, ctypes.c_void_p).value


def fill(rgb: tuple[int, int, int], alpha: int = 255) -> Edit:
    """The text's fill colour (and alpha) changed."""
    def edit(t: Target) -> None:
        for obj in t.objects:
            raw.FPDFPageObj_SetFillColor(obj, *rgb, alpha)
    return edit


def mode(render_mode: int) -> Edit:
    """The text's render mode changed (3: invisible, 7: clip only)."""
    def edit(t: Target) -> None:
        for obj in t.objects:
            raw.FPDFTextObj_SetTextRenderMode(obj, render_mode)
    return edit


def transform(a: float, b: float, c: float, d: float, dx: float = 0, dy: float = 0) -> Edit:
    """The text objects transformed about the text's centre, then moved by ``dx``, ``dy``."""
    def edit(t: Target) -> None:
        cx, cy = (t.box.left + t.box.right) / 2, (t.box.bottom + t.box.top) / 2
        e, f = cx - (a * cx + c * cy) + dx, cy - (b * cx + d * cy) + dy
        for obj in t.objects:
            raw.FPDFPageObj_Transform(obj, a, b, c, d, e, f)
    return edit


def clip_above() -> Edit:
    """A clip path over the whole page that ends just above the text."""
    def edit(t: Target) -> None:
        width, height = t.page.get_size()
        clip = raw.FPDF_CreateClipPath(0, t.box.top + 1, width, height)
        raw.FPDFPage_InsertClipPath(t.page.raw, clip)
        raw.FPDF_DestroyClipPath(clip)
    return edit


def nothing(t: Target) -> None:
    """Re-saved through PDFium with its content streams written anew."""


def full(name: str, edit: Edit, why: str, bad: bool = True) -> PdfCase:
    return PdfCase(f"pdf-{name}", "full", edit, bad, why, page=-1)


def short(name: str, edit: Edit, why: str, page: int, bad: bool = True) -> PdfCase:
    return PdfCase(f"pdf-footer-{name}", "short", edit, bad, why, page=page)


PINK, WHITE = (0xFF, 0xF4, 0xF2), (255, 255, 255)
BAD = [
    full("box-over", cover(PINK), "a box in the crisis box's colour painted over the text"),
    full("white-box-over", cover(WHITE), "a white box painted over the text"),
    full("veil-over", cover(WHITE, alpha=235), "a nearly opaque white veil over the text"),
    full("top-half-covered", cover(PINK, share=0.55), "the top half of every line covered"),
    full("invisible-mode", mode(3), "text render mode 3 paints nothing"),
    full("clip-mode", mode(7), "text render mode 7 only clips"),
    full("pink-ink", fill(PINK), "ink the colour of the box"),
    full("white-ink", fill(WHITE), "white ink on the light box"),
    full("pale-grey-ink", fill((0xD8, 0xD0, 0xCE)), "pale grey on pink: about 1.4:1"),
    full("faint-ink", fill((0, 0, 0), alpha=30), "black at 12 % opacity"),
    full("yellow-ink", fill((0xFF, 0xF0, 0x60)), "yellow on the light box"),
    full("dark-box-behind-dark-ink", behind((0x18, 0x18, 0x18)),
         "dark ink drawn on a dark box"),
    full("navy-box-behind", behind((0x1B, 0x1B, 0x3A)), "near-black ink on navy"),
    full("squashed-narrow", transform(0.15, 0, 0, 1), "letters squeezed to 15 % width"),
    full("third-width", transform(0.3, 0, 0, 1), "letters squeezed to 30 % width"),
    full("squashed-flat", transform(1, 0, 0, 0.2), "lines flattened to a fifth"),
    full("shrunk", transform(0.5, 0, 0, 0.5), "set at half size: 6 pt"),
    full("mirrored", transform(-1, 0, 0, 1), "mirrored left to right"),
    full("upside-down", transform(-1, 0, 0, -1), "turned upside down"),
    full("flipped-vertically", transform(1, 0, 0, -1), "mirrored top to bottom"),
    full("sideways", transform(0, 1, -1, 0), "turned on its side"),
    full("off-right", transform(1, 0, 0, 1, dx=900), "moved off the right of the page"),
    full("off-bottom", transform(1, 0, 0, 1, dy=-900), "moved below the page"),
    full("clipped-away", clip_above(), "a page clip path ends above it"),
    short("box-over", cover(WHITE), "page 2's footer line painted over", page=1),
    short("white-ink", fill(WHITE), "page 3's footer line in white", page=2),
    short("mirrored", transform(-1, 0, 0, 1), "page 1's footer line mirrored", page=0),
    short("off-page", transform(1, 0, 0, 1, dy=-200), "page 4's footer pushed off", page=3),
    short("squashed", transform(0.12, 0, 0, 1), "page 2's footer squeezed", page=1),
    short("faint", fill((0, 0, 0), alpha=25), "page 5's footer at 10 % opacity", page=-1),
    short("invisible", mode(3), "page 1's footer in render mode 3", page=0),
    PdfCase("pdf-blank-glyph-fonts", "full", nothing, True,
            "the fonts' outlines emptied: the text layer reads, the page shows nothing",
            page=-1, after=blank_fonts),
]

HARMLESS = [
    full("re-saved", nothing, "content streams rewritten, nothing changed", bad=False),
    full("navy-ink", fill((0x12, 0x34, 0x56)), "dark blue ink reads well", bad=False),
    full("white-on-navy", lambda t: (behind((0x12, 0x22, 0x44))(t), fill(WHITE)(t)),
         "white text on a dark box", bad=False),
    full("box-beside", cover(WHITE, dx=500), "a box painted beside it, not over it",
         bad=False),
    full("faint-tint-over", cover((0xFF, 0xE0, 0x80), alpha=40),
         "a faint highlighter tint over the text", bad=False),
    full("moved-a-little", transform(1, 0, 0, 1, dx=4, dy=-3), "nudged by a few points",
         bad=False),
    full("bigger", transform(1.15, 0, 0, 1.15), "scaled up 15 %", bad=False),
    full("slightly-narrow", transform(0.85, 0, 0, 1), "85 % width: condensed, readable",
         bad=False),
    short("grey-ink", fill((0x44, 0x44, 0x44)), "dark grey footer", page=1, bad=False),
]
