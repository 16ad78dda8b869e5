"""What the pixels say: the glyphs' own ink, found by painting the text with and without them."""

from __future__ import annotations

import io

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
    mask = ImageChops.difference(shown, hidden).convert("L").point(lambda v: 255 if v > 8 else 0)
    # Every line must be readable: a box of a few glyphs or more (not a lone space).
    lines = [b for b in boxes if b[2] >= 1.5 * b[3]] or boxes
    for x, y, w, h in lines:
        box = (int(x), int(y), max(int(x) + 1, round(x + w)), max(int(y) + 1, round(y + h)))
        area = (box[2] - box[0]) * (box[3] - box[1])
        problem = _line_problem(_ratios(shown.crop(box), hidden.crop(box), mask.crop(box)), area)
        if problem:
            return problem
    return ""


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
    """The contrast of each ink pixel with the pixel behind it (equal colours counted once)."""
    ink, behind = shown.tobytes(), hidden.tobytes()
    pairs = [(ink[3 * i : 3 * i + 3], behind[3 * i : 3 * i + 3])
             for i, marked in enumerate(mask.tobytes()) if marked]
    cache: dict[tuple[bytes, bytes], float] = {}
    for pair in pairs:
        if pair not in cache:
            cache[pair] = contrast(_rgb(pair[0]), _rgb(pair[1]))
    return [cache[pair] for pair in pairs]


def _rgb(pixel: bytes) -> tuple[float, float, float]:
    return (pixel[0] / 255, pixel[1] / 255, pixel[2] / 255)
