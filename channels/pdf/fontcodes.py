"""Character codes of one font file: which glyph each code draws, how wide, what text.

:class:`FontCodes` is filled while a PDF is drawn (``channels.pdf.textmap``); :func:`write`
puts the codes into the finished file's Type 0 fonts with pikepdf: ``/CIDToGIDMap`` (code
-> glyph, needed once a glyph has more than one code), ``/W`` and ``/ToUnicode``.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pikepdf
from fontTools.ttLib import TTFont

# New codes start this far past a font's last glyph (WeasyPrint numbers missing glyphs
# from the glyph count up) and stop at the two-byte limit of Identity-H.
_CODE_GAP = 0x1000
_CODE_LIMIT = 0xFFFF


@dataclass
class FontCodes:
    """One font file's codes: the first text of each glyph keeps the glyph's own number."""

    glyph_count: int
    first: dict[int, str] = field(default_factory=dict)  # glyph -> its text at code = glyph
    # (glyph, text, width or None for the glyph's own) -> code
    extra: dict[tuple[int, str, int | None], int] = field(default_factory=dict)
    sources: list[Any] = field(default_factory=list)  # WeasyPrint's fonts of this file

    @property
    def missing(self) -> set[int]:
        """Codes WeasyPrint drew as .notdef (glyphs no font had)."""
        return {code for font in self.sources for code in font.missing.values()}

    def code(self, glyph: int, text: str, width: int | None = None) -> int:
        if width is None and self.first.setdefault(glyph, text) == text:
            return glyph
        if any(font.type == "otf" for font in self.sources):  # CFF: no CIDToGIDMap, one code
            return glyph
        if (glyph, text, width) not in self.extra:
            code = self.glyph_count + _CODE_GAP + len(self.extra)
            if code > _CODE_LIMIT:
                return glyph
            self.extra[glyph, text, width] = code
        return self.extra[glyph, text, width]

    def said(self) -> dict[int, str]:
        """Glyph -> text as WeasyPrint would write it (its fonts' maps, first one last)."""
        merged: dict[int, str] = {}
        for font in reversed(self.sources):
            merged.update(font.to_unicode)
        return merged

    def width(self, glyph: int) -> float:
        """``glyph``'s width as WeasyPrint measured it (in /1000 em), from any of its fonts."""
        return float(max((font.widths.get(glyph, 0) for font in self.sources), default=0))

    def changed(self) -> bool:
        said = self.said()
        return bool(self.extra) or any(said.get(g) != t for g, t in self.first.items())

    def cid_to_gid(self, copies: dict[int, int]) -> bytes:
        """Two bytes per code: its glyph (codes WeasyPrint drew as .notdef go to glyph 0;
        ``copies``: code -> the glyph copied for it into the font program)."""
        top = max([self.glyph_count - 1, *self.missing, *self.extra.values()])
        glyphs = list(range(top + 1))
        for code in self.missing:
            glyphs[code] = 0
        for (glyph, _, _), code in self.extra.items():
            glyphs[code] = copies.get(code, 0 if glyph in self.missing else glyph)
        return b"".join(glyph.to_bytes(2, "big") for glyph in glyphs)

    def cmap(self) -> bytes:
        """The ``/ToUnicode`` CMap: each code's text, UTF-16BE, 100 entries a block."""
        texts = {**self.said(), **self.first}
        texts.update({code: text for (_, text, _), code in self.extra.items()})
        entries = [b"<%04x> <%s>" % (code, text.encode("utf-16-be").hex().encode())
                   for code, text in sorted(texts.items())]
        blocks = [b"%d beginbfchar\n%s\nendbfchar" % (len(chunk), b"\n".join(chunk))
                  for chunk in (entries[i:i + 100] for i in range(0, len(entries), 100))]
        return b"\n".join([_CMAP_HEAD, *blocks, _CMAP_TAIL])


_CMAP_HEAD = (b"/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
              b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
              b"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
              b"1 begincodespacerange\n<0000> <ffff>\nendcodespacerange")
_CMAP_TAIL = b"endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend"


def write(pdf: bytes, fonts: dict[str, FontCodes]) -> bytes:
    """``pdf`` with ``fonts``' codes (by resource name); unchanged when every glyph kept its own."""
    changed = {name: codes for name, codes in fonts.items() if codes.changed()}
    if not changed:
        return pdf
    with pikepdf.open(io.BytesIO(pdf)) as document:
        for name, font in _fonts(document):
            if name in changed:
                _rewrite_font(document, font, changed[name])
        out = io.BytesIO()
        document.save(out, deterministic_id=True)
        return out.getvalue()


def _fonts(document: pikepdf.Pdf) -> Iterator[tuple[str, pikepdf.Object]]:
    """Each Type 0 font once, with its resource name, from pages and their form XObjects."""
    seen: set[tuple[int, int]] = set()
    resources = [page.obj.get("/Resources") for page in document.pages]
    while resources:
        resource = resources.pop()
        if resource is None:
            continue
        for name, font in dict(resource.get("/Font", {})).items():
            if font.get("/Subtype") == "/Type0" and font.objgen not in seen:
                seen.add(font.objgen)
                yield name[1:], font
        for xobject in dict(resource.get("/XObject", {})).values():
            if xobject.objgen not in seen:
                seen.add(xobject.objgen)
                resources.append(xobject.get("/Resources"))


def _rewrite_font(document: pikepdf.Pdf, font: pikepdf.Object, codes: FontCodes) -> None:
    """Write ``codes`` into ``font``: code -> glyph, widths of the new codes, code -> text."""
    cid_font = font.DescendantFonts[0]
    if codes.extra or font.get("/Encoding") != "/Identity-H":
        font.Encoding = pikepdf.Name("/Identity-H")  # .notdef now comes from the map below
        copies, widths = _wide_copies(cid_font.FontDescriptor, codes)
        cid_font.CIDToGIDMap = document.make_stream(codes.cid_to_gid(copies))
        cid_font.W = _widths(cid_font.get("/W", pikepdf.Array()), codes, widths)
    font.ToUnicode = document.make_stream(codes.cmap())


def _wide_copies(descriptor: pikepdf.Object,
                 codes: FontCodes) -> tuple[dict[int, int], dict[int, float]]:
    """For each code that draws a glyph wider than the glyph is (a mark given its shift),
    a copy of the glyph in the font program with that advance, so ``/W`` and the program
    agree (ISO 14289-1 7.21.5): code -> new glyph, code -> its ``/W`` width."""
    wide = {code: (glyph, width) for (glyph, _, width), code in codes.extra.items()
            if width is not None}
    if not wide or "/FontFile2" not in descriptor:  # only TrueType programs are copied into
        return {}, {}
    program = TTFont(io.BytesIO(descriptor.FontFile2.read_bytes()))
    order, upem = list(program.getGlyphOrder()), program["head"].unitsPerEm
    copies, widths = {}, {}
    for code, (glyph, width) in sorted(wide.items()):
        name, advance = f"pmh.copy{len(order)}", round(width * upem / 1000)
        program["glyf"][name] = copy.deepcopy(program["glyf"][order[glyph]])
        program["hmtx"][name] = (advance, program["hmtx"][order[glyph]][1])
        copies[code], widths[code] = len(order), advance * 1000 / upem
        order.append(name)
    program.setGlyphOrder(order)
    program["glyf"].glyphOrder = order
    for table in ("hdmx", "LTSH", "VDMX"):  # per-glyph tables sized to the old count
        if table in program:
            del program[table]
    data = io.BytesIO()
    program.save(data)
    descriptor.FontFile2.write(data.getvalue())
    descriptor.FontFile2.Length1 = len(data.getvalue())
    return copies, widths


def _widths(array: pikepdf.Object, codes: FontCodes, wide: dict[int, float]) -> pikepdf.Array:
    """``/W`` with each new code as wide as its glyph (``wide``: as its copy)."""
    widths: dict[int, float] = {}
    items = list(array)
    index = 0
    while index < len(items):
        first = int(items[index])
        if isinstance(items[index + 1], pikepdf.Array):
            widths.update({first + i: float(w) for i, w in enumerate(items[index + 1])})
            index += 2
        else:
            last, width = int(items[index + 1]), float(items[index + 2])
            widths.update(dict.fromkeys(range(first, last + 1), width))
            index += 3
    widths.update({code: wide.get(code, widths.get(glyph, codes.width(glyph)))
                   for (glyph, _, _), code in codes.extra.items()})
    out = pikepdf.Array()
    for code in sorted(widths):
        if code - 1 not in widths:
            out.append(code)
            out.append(pikepdf.Array())
        out[-1].append(widths[code])
    return out
