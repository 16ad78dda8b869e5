"""Readers of a PDF's structure for the PDF/UA tests: pikepdf's objects and PDFium's marks."""

from __future__ import annotations

import collections
import ctypes
import unicodedata

import pikepdf
import pypdfium2.raw as raw


def structure(path):
    """The opened document and every structure element reachable from its root."""
    return structure_of(pikepdf.open(path))


def structure_of(document):
    elements, stack = [], [document.Root.StructTreeRoot]
    while stack:
        kids = stack.pop().get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids] if kids else []:
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") not in ("/MCR", "/OBJR"):
                elements.append(kid)
                stack.append(kid)
    return document, elements


def marked_content(page):
    """(tag, MCID or None, text shown inside) for each outermost marked-content sequence."""
    found, depth, current = [], 0, None
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op in ("BDC", "BMC"):
            if depth == 0:
                props = operands[1] if len(operands) > 1 else None
                has_id = isinstance(props, pikepdf.Dictionary) and "/MCID" in props
                mcid = int(props.MCID) if has_id else None
                current = [str(operands[0]), mcid, 0]
            depth += 1
        elif op == "EMC":
            depth -= 1
            if depth == 0:
                found.append(tuple(current))
        elif op in ("Tj", "TJ") and depth == 0:
            found.append(("none", None, 1))
        elif op in ("Tj", "TJ"):
            current[2] += 1
    return found


def orphans(document) -> list[tuple[int, str, int]]:
    """(page, tag, MCID) of tagged content whose element is not in the structure tree."""
    _, elements = structure_of(document)
    tree = {e.objgen for e in elements}
    nums = document.Root.StructTreeRoot.ParentTree.Nums
    parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    found = []
    for number, page in enumerate(document.pages, start=1):
        entries = parents[int(page.StructParents)]
        for tag, mcid, _ in marked_content(page):
            if tag != "/Artifact" and (mcid is None or entries[mcid].objgen not in tree):
                found.append((number, tag, mcid))
    return found


def _utf16(call, size: int) -> str:
    buffer = (ctypes.c_ushort * max(size // 2, 1))()
    call(buffer, size)
    return bytes(buffer).decode("utf-16-le").rstrip("\x00")


def text_objects(page) -> list[tuple[list[str], str]]:
    """PDFium's view: (marked-content tags, text) of every text object on ``page``."""
    textpage, found = page.get_textpage(), []
    for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_TEXT]):
        marks = []
        for i in range(raw.FPDFPageObj_CountMarks(obj.raw)):
            mark, size = raw.FPDFPageObj_GetMark(obj.raw, i), ctypes.c_ulong()
            raw.FPDFPageObjMark_GetName(mark, None, 0, ctypes.byref(size))
            marks.append(_utf16(lambda b, n, m=mark, s=size: raw.FPDFPageObjMark_GetName(
                m, b, n, ctypes.byref(s)), size.value))
        size = raw.FPDFTextObj_GetText(obj.raw, textpage.raw, None, 0)
        found.append((marks, _utf16(lambda b, n, o=obj: raw.FPDFTextObj_GetText(
            o.raw, textpage.raw, b, n), size)))
    return found


def pdfium_text(page) -> str:
    """PDFium's text of ``page``: its own character list, each character's full code point.

    Not ``get_text_bounded``: that selects characters by their boxes and drops those whose
    glyph has no ink of its own (Noto Devanagari draws ं over ि inside the ि glyph, so the
    ं glyph is empty), nor ``get_text_range``, which stops at UCS-2 (emoji)."""
    textpage = page.get_textpage()
    codes = (raw.FPDFText_GetUnicode(textpage, i) for i in range(textpage.count_chars()))
    units = "".join(chr(code) for code in codes if code > 2 and code != 0xFFFE)
    return units.encode("utf-16-le", "surrogatepass").decode("utf-16-le")  # pairs: emoji


def right_to_left(word: str) -> bool:
    """A word of a right-to-left script: one strong right-to-left letter, or only Hebrew and
    Arabic points (readers split pointed words at raised points, see test_textmap)."""
    return (any(unicodedata.bidirectional(c) in ("R", "AL") for c in word)
            or all("\u0590" <= c <= "\u08ff" for c in word))


BIDI_CONTROLS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


def words(text: str) -> collections.Counter:
    """Words in any order; right-to-left words as their letters (readers order runs of
    Arabic and Hebrew differently, poppler wraps them in embedding marks, and PDFium and
    pdftotext split pointed words at raised points: see test_textmap)."""
    text = text.replace("\u2010\r\n", "").replace("\u2010\n", "").translate(BIDI_CONTROLS)
    found: collections.Counter = collections.Counter()
    for word in unicodedata.normalize("NFKC", text).split():
        found.update(word if right_to_left(word) else [word])
    return found
