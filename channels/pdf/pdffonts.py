"""The fonts a finished PDF draws with, from its bytes: machine fonts and missing glyphs."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pypdf

_BFCHAR = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>")
_SECTION = re.compile(rb"beginbfchar(.*?)endbfchar", re.S)
_NOTDEF = re.compile(rb"<([0-9a-fA-F]+)>\s+0\s*$", re.M)


@dataclass(frozen=True)
class GlyphProblem:
    """A character the PDF draws wrongly, and how."""

    char: str
    what: str


def glyph_problems(pdf: bytes, families: tuple[str, ...]) -> list[GlyphProblem]:
    """Characters drawn with a font not in ``families`` (a machine font) or as ``.notdef``."""
    problems: dict[tuple[str, str], GlyphProblem] = {}
    for font in _fonts(pypdf.PdfReader(io.BytesIO(pdf))):
        name = str(font["/BaseFont"]).lstrip("/").split("+", 1)[-1]
        chars = _to_unicode(font)
        if not any(_is_family(name, family) for family in families):
            for char in chars.values():
                problems.setdefault((char, name), GlyphProblem(char, f"drawn with {name}, "
                                                           "a font of this machine"))
        for code in _notdef_codes(font):
            char = chars.get(code, "\ufffd")
            problems.setdefault((char, "notdef"), GlyphProblem(char, "drawn as a missing glyph"))
    return list(problems.values())


def font_names(pdf: bytes) -> set[str]:
    """Every font's name without its subset prefix."""
    return {str(f["/BaseFont"]).lstrip("/").split("+", 1)[-1]
            for f in _fonts(pypdf.PdfReader(io.BytesIO(pdf)))}


def _is_family(name: str, family: str) -> bool:
    stem = family.replace(" ", "-")
    return name == stem or name.startswith(stem + "-")


def _fonts(reader: pypdf.PdfReader) -> Iterator[Any]:
    seen: set[int] = set()
    for page in reader.pages:
        yield from _fonts_in(page.get("/Resources"), seen)


def _fonts_in(resources: Any, seen: set[int]) -> Iterator[Any]:
    resources = resources.get_object() if resources is not None else {}
    for font in (resources.get("/Font") or {}).values():
        if font.idnum not in seen:
            seen.add(font.idnum)
            yield font.get_object()
    for xobject in (resources.get("/XObject") or {}).values():
        if xobject.idnum not in seen:
            seen.add(xobject.idnum)
            yield from _fonts_in(xobject.get_object().get("/Resources"), seen)


def _to_unicode(font: Any) -> dict[bytes, str]:
    """Code (hex, lower case) → text, from the font's ``/ToUnicode`` bfchar entries."""
    stream = font.get("/ToUnicode")
    if stream is None:
        return {}
    data = stream.get_object().get_data()
    pairs = [pair for section in _SECTION.findall(data) for pair in _BFCHAR.findall(section)]
    return {code.lower(): bytes.fromhex(text.decode()).decode("utf-16-be", "replace")
            for code, text in pairs}


def _notdef_codes(font: Any) -> list[bytes]:
    """Codes a custom ``/Encoding`` CMap sends to CID 0, the missing glyph."""
    encoding = font.get("/Encoding")
    if encoding is None or not hasattr(encoding.get_object(), "get_data"):
        return []
    data = encoding.get_object().get_data()
    return [code.lower() for code in _NOTDEF.findall(data)]
