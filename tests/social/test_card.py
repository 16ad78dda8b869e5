"""The share card draws every character of a title in a shipped font, or refuses the title."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import pytest
from PIL import Image

from channels.errors import InputError
from channels.social import card, glyphs
from channels.social.channel import SocialPosts

TITLES = {
    "emoji": "Sleep \U0001F634 and mood \u2764\ufe0f: 5 tips \u2705 for calmer nights \u2600\ufe0f",
    "symbols": ("Caf\u00e9\u2122 \u00a9 2026 \u2194 \u2013 \u201cquotes\u201d \u2026 "
                "\u2192 50\u202f%"),
    "scripts": ("Salud mental \u00b7 \u0635\u062d\u0629 \u0646\u0641\u0633\u064a\u0629 "
                "\u00b7 \u092e\u093e\u0928\u0938\u093f\u0915 \u00b7 "
                "\u05d1\u05e8\u05d9\u05d0\u05d5\u05ea \u00b7 \u5fc3\u7406\u5065\u5eb7 "
                "\u00b7 \u041f\u0441\u0438\u0445\u0438\u043a\u0430"),
    "no spaces": "\u8178\u3068\u8133\u306e\u3064\u306a\u304c\u308a" * 5,
}
ABSENT = chr(0x10FFFD)  # a private-use character no shipped font has: drawn as .notdef


@pytest.fixture(scope="module")
def cards(seed) -> dict[str, bytes]:
    site, templates = seed.context.site, seed.context.templates_dir
    return {name: card.render_share_image(title, site, templates)
            for name, title in TITLES.items()}


@pytest.mark.parametrize("name", TITLES)
def test_no_character_of_the_title_is_drawn_as_a_missing_glyph(seed, name):
    """FreeType's own .notdef box is the oracle: no drawn cluster may look like it."""
    chain = glyphs.faces(seed.context.templates_dir, 700)
    parts = glyphs.runs(TITLES[name], chain, "", "title")
    assert "".join(text for _, text in parts).replace("\ufe0f", "") == (
        TITLES[name].replace("\ufe0f", ""))
    for face, text in parts:
        assert ord(ABSENT) not in face.points
        font = face.font(60)
        notdef = bytes(font.getmask(ABSENT))
        for cluster in (c for c in text if not c.isspace()):
            mask = font.getmask(cluster)
            assert bytes(mask) != notdef and mask.getbbox(), (face.name, ascii(cluster))


def test_each_script_and_symbol_gets_the_shipped_font_that_has_it(seed):
    chain = glyphs.faces(seed.context.templates_dir, 700)
    runs = glyphs.runs(TITLES["scripts"] + " \U0001F9E0", chain, "", "t")
    used = {text.strip(" \u00b7"): face.name.split("/")[1] for face, text in runs
            if text.strip(" \u00b7")}
    assert used == {
        "Salud mental": "atkinson-hyperlegible-latin-700-normal.woff2",
        "\u0635\u062d\u0629 \u0646\u0641\u0633\u064a\u0629": "noto-sans-arabic-700.ttf",
        "\u092e\u093e\u0928\u0938\u093f\u0915": "noto-sans-devanagari-700.ttf",
        "\u05d1\u05e8\u05d9\u05d0\u05d5\u05ea": "noto-sans-hebrew-700.ttf",
        "\u5fc3\u7406\u5065\u5eb7": "droid-sans-fallback-400.ttf",
        "\u041f\u0441\u0438\u0445\u0438\u043a\u0430": "dejavu-sans-700.ttf",
        "\U0001F9E0": "symbola-symbols-400.ttf",
    }


@pytest.mark.parametrize("name", TITLES)
def test_every_title_is_drawn_inside_the_card_above_the_band(cards, seed, name):
    image = Image.open(io.BytesIO(cards[name])).convert("RGB")
    assert image.size == (1200, 630)
    primary = tuple(int(seed.context.site.brand.primary[i:i + 2], 16) for i in (1, 3, 5))
    ink = [(x, y) for y in range(0, 510, 3) for x in range(0, 1200, 3)
           if image.getpixel((x, y)) != primary]
    assert ink  # the title is drawn...
    xs = [x for x, _ in ink]
    assert min(xs) >= card.MARGIN and max(xs) <= 1200 - card.MARGIN + 4  # ...within the margins


@pytest.mark.parametrize(("title", "missing"), [
    ("Mental health \uc815\uc2e0 \uac74\uac15", "'\uc815' (U+C815)"),  # no Hangul shipped
    ("Shaking \U0001FAE8 less", r"'\U0001fae8' (U+1FAE8)"),  # Emoji 15, newer than Symbola
])
def test_a_title_with_a_character_no_font_has_is_refused_with_its_code_point_and_line(
        seed, title, missing):
    article = dataclasses.replace(seed.article, title=title)
    with pytest.raises(InputError) as err:
        SocialPosts().render(article, seed.context)
    lines = Path(article.path).read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if text.startswith("title:"))
    assert str(err.value) == (
        f"{article.path}:{line}: the share card cannot draw {missing} in the title: "
        "no shipped font has it (remove it from the title, or add a font that has it to "
        "templates/fonts)")


def test_the_latin_font_reaches_pillow_unpacked_from_woff2(seed):
    face = glyphs.faces(seed.context.templates_dir, 700).first()
    assert face.name.endswith(".woff2") and face.data[:4] == b"\x00\x01\x00\x00"
