"""The share card every network shows with a link: 1200x630 PNG, title and brand."""

from __future__ import annotations

import io
from pathlib import Path

import regex
from PIL import Image, ImageDraw

from channels.content.site import Site
from channels.social.glyphs import Chain, Face, faces, runs, width

FILE = "share.png"
WIDTH, HEIGHT = 1200, 630  # 1.91:1 serves Facebook, LinkedIn, Slack and X (CHANNEL-RULES.md)
MARGIN = 80
BAND = 120  # the organization's band along the bottom
WHITE = "#ffffff"


def render_share_image(title: str, site: Site, templates_dir: str, where: str = "") -> bytes:
    """The card as PNG bytes; the same title and settings always give the same bytes.

    Raises:
        InputError: the title (at ``where``) or the organization has a character no
            shipped font can draw.
    """
    image = Image.new("RGB", (WIDTH, HEIGHT), site.brand.primary)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, HEIGHT - BAND, WIDTH, HEIGHT), fill=site.brand.accent)
    draw.rectangle((MARGIN, MARGIN, MARGIN + 96, MARGIN + 8), fill=site.brand.accent)
    _draw_title(draw, title, faces(templates_dir, 700), where)
    org = runs(site.organization, faces(templates_dir, 400), "site.yaml", "organization")
    _draw_line(draw, org, 40, HEIGHT - BAND // 2 + 14)
    out = io.BytesIO()
    # No text chunks, no timestamps: the bytes depend only on the pixels.
    image.save(out, "PNG", optimize=False, compress_level=9)
    return out.getvalue()


def _draw_title(draw: ImageDraw.ImageDraw, title: str, chain: Chain,
                where: str) -> None:
    """The title as large as fits, wrapped, centred in the space above the band."""
    top, bottom = MARGIN + 40, HEIGHT - BAND - 40
    runs(title, chain, where, "title")  # refuse a missing glyph before any layout
    for size in range(76, 35, -4):
        lines = _wrap(title, chain, size, WIDTH - 2 * MARGIN)
        line_height = round(size * 1.2)
        if len(lines) * line_height <= bottom - top:
            break
    first = top + (bottom - top - len(lines) * line_height) // 2
    ascent = chain.first().font(size).getmetrics()[0]
    for number, line in enumerate(lines):
        _draw_line(draw, line, size, first + number * line_height + ascent)


def _draw_line(draw: ImageDraw.ImageDraw, parts: list[tuple[Face, str]], size: int,
               baseline: int) -> None:
    """One line of runs, left to right, on one baseline, each run in its own face."""
    x = float(MARGIN)
    for face, text in parts:
        font = face.font(size)
        draw.text((x, baseline), text, font=font, fill=WHITE, anchor="ls")
        x += font.getlength(text)


def _wrap(text: str, chain: Chain, size: int,
          limit: int) -> list[list[tuple[Face, str]]]:
    """Greedy wrap by rendered width; a word wider than a line (CJK) breaks between clusters."""
    lines: list[str] = []
    for word, continued in _pieces(text, chain, size, limit):
        joined = f"{lines[-1]} {word}" if lines and not continued else ""
        if joined and _width(joined, chain, size) <= limit:
            lines[-1] = joined
        else:
            lines.append(word)
    return [runs(line, chain, "", "title") for line in lines]


def _pieces(text: str, chain: Chain, size: int,
            limit: int) -> list[tuple[str, bool]]:
    """The words, a too-wide word cut into pieces that fit (``True``: goes on a new line)."""
    pieces = []
    for word in text.split():
        chars, continued = regex.findall(r"\X", word), False
        while len(chars) > 1 and _width("".join(chars), chain, size) > limit:
            cut = max(n for n in range(1, len(chars))
                      if n == 1 or _width("".join(chars[:n]), chain, size) <= limit)
            pieces.append(("".join(chars[:cut]), continued))
            chars, continued = chars[cut:], True
        pieces.append(("".join(chars), continued))
    return pieces


def _width(text: str, chain: Chain, size: int) -> float:
    return width(runs(text, chain, "", "title"), size)


def field_where(path: str, field: str) -> str:
    """``path:line`` of a top-level front-matter ``field`` (the path alone if not found)."""
    try:
        lines = Path(path).read_text(encoding="utf-8-sig").splitlines()
    except OSError:
        return path
    number = next((n for n, line in enumerate(lines, 1) if line.startswith(f"{field}:")), None)
    return f"{path}:{number}" if number else path
