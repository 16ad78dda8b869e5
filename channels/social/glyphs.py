"""Text on images without a missing glyph: each character in the first shipped font that has it.

The card's font (Atkinson Hyperlegible) covers Latin; the fallbacks are fonts the templates
already ship, each with its licence in ``templates/fonts``: Noto Sans for Arabic, Devanagari
and Hebrew, DejaVu Sans, Droid Sans Fallback for Chinese, Japanese and Korean, and a Symbola
subset for symbols and emoji (drawn in outline: no colour emoji font is shipped).  A
character none of them has is refused, with its code point and where it came from.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import regex
from fontTools.ttLib import TTFont
from PIL import ImageFont, features

from channels.errors import InputError
from channels.fetch import LocalFetcher

FALLBACKS = ("fonts/noto-sans-arabic-{w}.ttf", "fonts/noto-sans-devanagari-{w}.ttf",
             "fonts/noto-sans-hebrew-{w}.ttf", "fonts/dejavu-sans-{w}.ttf",
             "fonts/droid-sans-fallback-400.ttf", "fonts/symbola-symbols-400.ttf")
LATIN = ("fonts/atkinson-hyperlegible-latin-{w}-normal.woff2",
         "fonts/atkinson-hyperlegible-latin-ext-{w}-normal.woff2")
# Variation selectors, joiners, tag characters: a font need not draw them (UAX #44).
_IGNORABLE = regex.compile(r"\p{Default_Ignorable_Code_Point}")
_COMMON = regex.compile(r"[\p{Zs}\p{P}]+")  # stays in the run it stands in


@dataclass(frozen=True)
class Face:
    """One shipped font: its name, its TrueType bytes, the code points it has."""

    name: str
    data: bytes
    points: frozenset[int]

    def font(self, size: int) -> ImageFont.FreeTypeFont:
        return _font(self.data, size)


@dataclass(frozen=True)
class Chain:
    """The card's font first, then the fallbacks, each read only when a character needs it."""

    templates_dir: str
    names: tuple[str, ...]

    def __iter__(self) -> Iterator[Face]:
        return (_face(self.templates_dir, name) for name in self.names)

    def first(self) -> Face:
        return next(iter(self))


def faces(templates_dir: str, weight: int) -> Chain:
    """The fonts for text at ``weight`` (400 or 700; the fallbacks' nearest where not shipped)."""
    return Chain(templates_dir, tuple(name.format(w=weight) for name in LATIN + FALLBACKS))


@cache
def _face(templates_dir: str, name: str) -> Face:
    path = Path(templates_dir) / name
    data = LocalFetcher((templates_dir,)).fetch(path.resolve().as_uri()).read()
    points = frozenset(TTFont(io.BytesIO(data), lazy=True).getBestCmap())
    return Face(name, data, points)


@cache
def _font(data: bytes, size: int) -> ImageFont.FreeTypeFont:
    # Raqm shapes Arabic and Devanagari and hides what a font need not draw; without it,
    # Pillow's basic layout (fine for the Latin title font).
    engine = ImageFont.Layout.RAQM if features.check("raqm") else ImageFont.Layout.BASIC
    return ImageFont.truetype(io.BytesIO(data), size, layout_engine=engine)


def runs(text: str, chain: Chain, where: str, what: str) -> list[tuple[Face, str]]:
    """``text`` cut into runs each drawn in one face: the first that has every character.

    Raises:
        InputError: a character no shipped font has, with its code point.
    """
    found: list[tuple[Face, str]] = []
    for cluster in regex.findall(r"\X", text):
        for face, drawn in _place(cluster, chain, found[-1][0] if found else None, where, what):
            if found and found[-1][0] is face:
                found[-1] = (face, found[-1][1] + drawn)
            else:
                found.append((face, drawn))
    return found


def _place(cluster: str, chain: Chain, current: Face | None, where: str,
           what: str) -> list[tuple[Face, str]]:
    """The face for one cluster (its characters apart if no face has them all)."""
    needed = {ord(c) for c in cluster if not _IGNORABLE.match(c)}
    if current and _COMMON.fullmatch(cluster) and needed <= current.points:
        return [(current, cluster)]
    face = next((f for f in chain if needed <= f.points), None)
    if face is not None:
        return [(face, "".join(c for c in cluster
                               if ord(c) in face.points or not _IGNORABLE.match(c)))]
    for char in cluster:
        if not _IGNORABLE.match(char) and not any(ord(char) in f.points for f in chain):
            raise InputError(
                where, f"the share card cannot draw {char!r} (U+{ord(char):04X}) in the "
                f"{what}: no shipped font has it",
                f"remove it from the {what}, or add a font that has it to templates/fonts")
    return [p for c in cluster if not _IGNORABLE.match(c)
            for p in _place(c, chain, None, where, what)]


def width(parts: list[tuple[Face, str]], size: int) -> float:
    return sum(face.font(size).getlength(text) for face, text in parts)
