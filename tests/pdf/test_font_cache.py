"""Fonts are decompressed once per process, and the handout stays the same bytes."""

from __future__ import annotations

import io

from fontTools.ttLib import TTFont

from channels.fetch import LocalFetcher, unpacked_woff2
from channels.pdf.channel import PdfHandout
from tests.conftest import TEMPLATES

FONT = TEMPLATES / "fonts" / "atkinson-hyperlegible-latin-400-normal.woff2"


def test_fetcher_serves_the_shipped_woff2_as_the_same_truetype_font():
    body = LocalFetcher((str(TEMPLATES),)).fetch(FONT.as_uri()).read()
    served = TTFont(io.BytesIO(body))
    shipped = TTFont(FONT)  # fontTools reading the WOFF2 itself: the oracle
    assert body[:4] == b"\x00\x01\x00\x00" and served.flavor is None
    assert shipped.flavor == "woff2"
    assert served.getGlyphOrder() == shipped.getGlyphOrder()
    assert served.getBestCmap() == shipped.getBestCmap()
    assert served["glyf"]["A"].getCoordinates(served["glyf"])[0] == \
        shipped["glyf"]["A"].getCoordinates(shipped["glyf"])[0]


def test_each_font_is_decompressed_once_per_process():
    unpacked_woff2.cache_clear()
    fetcher = LocalFetcher((str(TEMPLATES),))
    for _ in range(3):
        fetcher.fetch(FONT.as_uri())
    info = unpacked_woff2.cache_info()
    assert (info.misses, info.hits) == (1, 2)


def test_a_cold_and_a_warm_cache_give_the_same_handout(rendered, seed):
    unpacked_woff2.cache_clear()
    cold = PdfHandout().render(seed.article, seed.context)
    assert unpacked_woff2.cache_info().misses >= 2  # regular and bold at least
    assert cold.files == rendered["pdf"].files
