"""The share card every network shows with a link: 1200x630 PNG, title and brand."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from channels.content.site import Site
from channels.fetch import LocalFetcher

FILE = "share.png"
WIDTH, HEIGHT = 1200, 630  # 1.91:1 serves Facebook, LinkedIn, Slack and X (CHANNEL-RULES.md)
MARGIN = 80
BAND = 120  # the organization's band along the bottom
BOLD = "fonts/atkinson-hyperlegible-latin-700-normal.woff2"
REGULAR = "fonts/atkinson-hyperlegible-latin-400-normal.woff2"
WHITE = "#ffffff"


def render_share_image(title: str, site: Site, templates_dir: str) -> bytes:
    """The card as PNG bytes; the same title and settings always give the same bytes."""
    image = Image.new("RGB", (WIDTH, HEIGHT), site.brand.primary)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, HEIGHT - BAND, WIDTH, HEIGHT), fill=site.brand.accent)
    draw.rectangle((MARGIN, MARGIN, MARGIN + 96, MARGIN + 8), fill=site.brand.accent)
    _draw_title(draw, title, _font_bytes(templates_dir, BOLD))
    org = _font(_font_bytes(templates_dir, REGULAR), 40)
    draw.text((MARGIN, HEIGHT - BAND / 2), site.organization, font=org, fill=WHITE, anchor="lm")
    out = io.BytesIO()
    # No text chunks, no timestamps: the bytes depend only on the pixels.
    image.save(out, "PNG", optimize=False, compress_level=9)
    return out.getvalue()


def _draw_title(draw: ImageDraw.ImageDraw, title: str, font_data: bytes) -> None:
    """The title as large as fits, wrapped, centred in the space above the band."""
    top, bottom = MARGIN + 40, HEIGHT - BAND - 40
    for size in range(76, 35, -4):
        font = _font(font_data, size)
        lines = _wrap(title, font, WIDTH - 2 * MARGIN)
        line_height = round(size * 1.2)
        if len(lines) * line_height <= bottom - top:
            break
    first = top + (bottom - top - len(lines) * line_height) // 2
    for number, line in enumerate(lines):
        draw.text((MARGIN, first + number * line_height), line, font=font, fill=WHITE)


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Greedy word wrap by rendered width."""
    lines: list[str] = []
    for word in text.split():
        if lines and font.getlength(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def _font(data: bytes, size: int) -> ImageFont.FreeTypeFont:
    # BASIC layout: the same glyph positions whether or not libraqm is installed.
    return ImageFont.truetype(io.BytesIO(data), size, layout_engine=ImageFont.Layout.BASIC)


def _font_bytes(templates_dir: str, name: str) -> bytes:
    """The shipped font, read through the one fetcher, as TrueType Pillow can open."""
    path = Path(templates_dir) / name
    data = LocalFetcher((templates_dir,)).fetch(path.resolve().as_uri()).read()
    try:
        _font(data, 12)
        return data
    except OSError:  # FreeType built without brotli cannot read WOFF2
        return _woff2_to_ttf(data)


def _woff2_to_ttf(data: bytes) -> bytes:
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(data))
    font.flavor = None
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()
