"""Glyph coverage: every character an output draws comes from a shipped font, or it is refused."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from fontTools.ttLib import TTFont

from channels.errors import InputError

FONTS_CSS = "shared/fonts.css"
FIX = ("add a font that has it to templates/fonts/ and templates/shared/fonts.css, "
       "or write the character another way")
_FACE = re.compile(r"@font-face\s*{(.*?)}", re.S)
_FAMILY = re.compile(r'font-family:\s*"([^"]+)"')
_SRC = re.compile(r'url\("\.\./fonts/([^"]+)"\)')
_RANGE = re.compile(r"unicode-range:([^;]+);")
# Drawn without a glyph: controls, format characters (ZWJ, soft hyphen) and variation selectors.
_UNDRAWN = {"Cc", "Cf", "Zl", "Zp"}


@dataclass(frozen=True)
class Face:
    """One ``@font-face`` rule: its family, file, the characters it claims and those it has."""

    family: str
    file: str
    claims: frozenset[int]
    has: frozenset[int]


@functools.lru_cache(maxsize=4)
def shipped_faces(templates_dir: str) -> tuple[Face, ...]:
    """Every face ``shared/fonts.css`` declares, in its order (the stylesheets' fallback order)."""
    css = (Path(templates_dir) / FONTS_CSS).read_text(encoding="utf-8")
    faces = []
    for rule in _FACE.findall(css):
        family, file = _FAMILY.search(rule), _SRC.search(rule)
        if not family or not file:
            continue
        has = frozenset(_cmap(str(Path(templates_dir) / "fonts" / file.group(1))))
        declared = _RANGE.search(rule)
        claims = _ranges(declared.group(1)) if declared else has
        faces.append(Face(family.group(1), file.group(1), frozenset(claims), has))
    return tuple(faces)


@functools.lru_cache(maxsize=32)
def _cmap(path: str) -> frozenset[int]:
    return frozenset(TTFont(path, lazy=True).getBestCmap())


def _ranges(text: str) -> set[int]:
    points: set[int] = set()
    for part in text.split(","):
        low, _, high = part.strip().removeprefix("U+").partition("-")
        points.update(range(int(low, 16), int(high or low, 16) + 1))
    return points


def families(faces: tuple[Face, ...]) -> tuple[str, ...]:
    """The shipped family names, in fallback order."""
    return tuple(dict.fromkeys(face.family for face in faces))


def drawn_by(char: str, faces: tuple[Face, ...]) -> str | None:
    """The family that draws ``char`` (the first that claims it), or None if it would be a
    missing glyph (claimed without a glyph) or left to the machine's fonts (claimed by none)."""
    point = ord(char)
    for family in families(faces):
        claiming = [f for f in faces if f.family == family and point in f.claims]
        if claiming:
            return family if any(point in f.has for f in claiming) else None
    return None


def undrawn(text: str, faces: tuple[Face, ...]) -> list[str]:
    """The distinct characters of ``text`` no shipped font draws, in order of appearance."""
    seen = dict.fromkeys(c for c in text if _drawn(c))
    return [c for c in seen if drawn_by(c, faces) is None]


def _drawn(char: str) -> bool:
    return not (unicodedata.category(char) in _UNDRAWN or 0xFE00 <= ord(char) <= 0xFE0F
                or 0xE0100 <= ord(char) <= 0xE01EF)


def describe(char: str) -> str:
    """``'→' (U+2192 RIGHTWARDS ARROW)``."""
    return f"{char!r} (U+{ord(char):04X} {unicodedata.name(char, 'UNNAMED')})"


def where_in(path: str, char: str) -> str:
    """``path:line`` of the first line of the source file holding ``char`` (else the path)."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return path
    for number, line in enumerate(lines, start=1):
        if char in line:
            return f"{path}:{number}"
    return path


def check_coverage(html: str, templates_dir: str, path: str, channel: str) -> None:
    """Refuse ``html`` if any character of its text would be drawn with no shipped font.

    Raises:
        InputError: names the character, its code point and the source line.
    """
    missing = undrawn(visible_text(html), shipped_faces(templates_dir))
    if missing:
        refuse(path, channel, missing[0], "has no glyph in the shipped fonts")


def refuse(path: str, channel: str, char: str, what: str) -> None:
    """Raise the one-line refusal for ``char``, at the source line that holds it."""
    raise InputError(where_in(path, char), f"{channel}: {describe(char)} {what}", FIX)


def visible_text(html: str) -> str:
    """The text of ``html`` a reader sees: no style, script, title or SVG."""
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


class _TextParser(HTMLParser):
    _HIDDEN = {"style", "script", "title", "svg", "head"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.hidden += tag in self._HIDDEN

    def handle_endtag(self, tag: str) -> None:
        self.hidden -= tag in self._HIDDEN and self.hidden > 0

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)
