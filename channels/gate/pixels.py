"""What the pixels say: the glyphs' own ink, found by painting the text with and without them."""

from __future__ import annotations

import io
from collections import Counter
from itertools import compress

from PIL import Image, ImageChops

from channels.gate.colour import contrast
from channels.rules import GATE

Box = tuple[float, float, float, float]  # x, y, width, height in the image, px


def ink_problem(shown_png: bytes, hidden_png: bytes, boxes: list[Box]) -> str:
    """Empty when the text's ink is there and contrasts with what is behind it, else why not.

    ``shown_png`` has the text painted, ``hidden_png`` the same region with the glyphs made
    transparent: the pixels that differ are the text's ink, and each is compared with the
    very pixel behind it (a box, an image, a gradient), not with an assumed white.
    """
    shown = Image.open(io.BytesIO(shown_png)).convert("RGB")
    hidden = Image.open(io.BytesIO(hidden_png)).convert("RGB")
    # Every line must be readable: a box of a few glyphs or more (not a lone space).
    return lines_problem(shown, hidden, [b for b in boxes if b[2] >= 1.5 * b[3]] or boxes)


def lines_problem(shown: Image.Image, hidden: Image.Image, lines: list[Box]) -> str:
    """``ink_problem`` on images, for each of ``lines`` (boxes in the images' pixels)."""
    mask = _ink(shown, hidden)
    for line in lines:
        box = _crop_box(line)
        area = (box[2] - box[0]) * (box[3] - box[1])
        problem = _line_problem(_ratios(shown.crop(box), hidden.crop(box), mask.crop(box)), area)
        if problem:
            return problem
    return ""


def glyph_problem(shown: Image.Image, hidden: Image.Image, glyphs: list[Box]) -> str:
    """Empty unless many glyphs' ink fills too little of their own outline box (clipped)."""
    mask = _ink(shown, hidden)
    sized = [g for g in glyphs if g[2] >= 2 and g[3] >= 2]
    cut = 0
    for glyph in sized:
        box = _crop_box(glyph)
        ink = mask.crop(box).getbbox()
        if ink is None or (ink[3] - ink[1]) < GATE.pixel_min_glyph_cover * (box[3] - box[1]) \
                or (ink[2] - ink[0]) < GATE.pixel_min_glyph_cover * (box[2] - box[0]):
            cut += 1
    if sized and cut > 0.1 * len(sized):
        return f"{cut} of its {len(sized)} letters are not painted whole (clipped or covered)"
    return ""


def _ink(shown: Image.Image, hidden: Image.Image) -> Image.Image:
    return ImageChops.difference(shown, hidden).convert("L").point(lambda v: 255 if v > 8 else 0)


def _crop_box(box: Box) -> tuple[int, int, int, int]:
    x, y, w, h = box
    return (int(x), int(y), max(int(x) + 1, round(x + w)), max(int(y) + 1, round(y + h)))


def _line_problem(ratios: list[float], area: int) -> str:
    if len(ratios) < GATE.pixel_min_ink * area:
        return "no glyphs are painted where it should be (covered, transparent or blank)"
    ratios.sort()
    best = ratios[int(len(ratios) * 0.9)]
    if best < GATE.pixel_min_contrast:
        return (f"its contrast with what is behind it is {best:.1f}:1, under "
                f"{GATE.pixel_min_contrast}:1")
    return ""


def _ratios(shown: Image.Image, hidden: Image.Image, mask: Image.Image) -> list[float]:
    """The contrast of each ink pixel with the pixel behind it (equal pairs computed once)."""
    ink, behind = shown.tobytes(), hidden.tobytes()
    pairs = Counter((ink[3 * i : 3 * i + 3], behind[3 * i : 3 * i + 3])
                    for i in compress(range(len(ink) // 3), mask.tobytes()))
    ratios: list[float] = []
    for (front, back), count in pairs.items():
        ratios += [contrast(_rgb(front), _rgb(back))] * count
    return ratios


def _rgb(pixel: bytes) -> tuple[float, float, float]:
    return (pixel[0] / 255, pixel[1] / 255, pixel[2] / 255)
