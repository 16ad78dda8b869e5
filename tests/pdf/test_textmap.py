"""Text reads back as written: each (glyph, text) pair gets its own character code.

The oracles are three PDF readers we did not write (PDFium, poppler's pdftotext, pypdf),
judged against the words we put in, and two rasterisers (PDFium, poppler) that must draw
the same pixels with and without the new codes.
"""

from __future__ import annotations

import hashlib
import subprocess
from types import SimpleNamespace

import pikepdf
import pikepdf.pdfa
import pypdf
import pypdfium2 as pdfium
import pytest
import weasyprint

from channels.pdf import textmap
from channels.pdf.clusters import spread
from channels.pdf.engine import render_pdf
from tests.conftest import TEMPLATES
from tests.pdf.pdfua import pdfium_text, words

# Reordered vowel signs (ि), conjuncts and half forms (क्ष, त्र, ज्ञ, श्र, द्द), reph (र्म),
# marks shifted back over their base (कृ, हृ, ु, ू), nukta (फ़, ड़), candrabindu (ँ), and
# anusvara over ि (चिंता: Noto draws it inside the ि glyph, its own glyph is empty).
HINDI = ("आंत और मस्तिष्क का संबंध हमारे मूड, नींद और पाचन को प्रभावित करता है। कृपया अपने "
         "डॉक्टर से बात करें। क्षमा त्रिकोण ज्ञान श्री कर्म पर्यावरण हृदय ऋषि फ़िल्म ड्रेस "
         "द्वार विद्या श्रद्धा अँधेरा चाँद राष्ट्र उद्देश्य शुरुआत पुरुष मुश्किल ज़रूरी दृष्टि "
         "प्रकृति मृत्यु सूचना भूख किताब पढ़ना स्त्री चिंता हिंदी किंतु")
SAMPLES = {
    "hindi": HINDI,
    "hebrew-points": "שָׁלוֹם בְּרִיאוּת נֶפֶשׁ חֲשׁוּבָה",
    "latin-combining": "cafe\u0301 nai\u0308ve Ame\u0301lie ma\u00f1ana re\u0301sume\u0301",
    "arabic": "العربية: الصحة النفسية مهمة جدا",
    "arabic-points": "مَرْحَبًا بِكُمْ فِي الْعِيَادَةِ لَا إِلَٰهَ",
}
FAMILIES = '"Atkinson Hyperlegible", "PMH Arabic", "PMH Devanagari", "PMH Hebrew", "PMH Symbols"'


def html(text: str) -> str:
    return ('<html lang="und"><head><title>t</title>'
            '<link rel="stylesheet" href="shared/fonts.css">'
            f"<style>body {{ font-family: {FAMILIES}; font-size: 14pt }}</style></head>"
            f"<body><p>{text}</p><p>{text}</p></body></html>")


def readers(path) -> dict[str, str]:
    document = pdfium.PdfDocument(path)
    texts = {"PDFium": "\n".join(pdfium_text(page) for page in document),
             "pdftotext": subprocess.run(["pdftotext", str(path), "-"], capture_output=True,
                                         text=True, check=True).stdout,
             "pypdf": "\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages)}
    document.close()
    return texts


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """Each sample twice: through our engine, and through bare WeasyPrint (no new codes)."""
    tmp = tmp_path_factory.mktemp("textmap")
    base = str(TEMPLATES) + "/"
    out = {}
    for name, text in SAMPLES.items():
        ours, bare = tmp / f"{name}.pdf", tmp / f"{name}-bare.pdf"
        ours.write_bytes(render_pdf(html(text), base, (str(TEMPLATES),)).pdf)
        bare.write_bytes(weasyprint.HTML(string=html(text), base_url=base).write_pdf(
            pdf_variant="pdf/ua-1"))
        out[name] = (ours, bare)
    return out


@pytest.mark.parametrize("name", SAMPLES)
def test_three_readers_read_the_words_written(rendered, name):
    want = words(SAMPLES[name] + " " + SAMPLES[name])
    for reader, text in readers(rendered[name][0]).items():
        got = words(text)
        assert got == want, (reader, list((got - want).elements()),
                             list((want - got).elements()))


def test_bare_weasyprint_misreads_hindi_so_the_check_can_fail(rendered):
    want = words(HINDI + " " + HINDI)
    assert all(words(text) != want for text in readers(rendered["hindi"][1]).values())


@pytest.mark.parametrize("name", SAMPLES)
def test_the_new_codes_draw_the_same_pixels(rendered, name, tmp_path):
    ours, bare = rendered[name]
    for path in (ours, bare):
        subprocess.run(["pdftoppm", "-r", "72", "-png", str(path), str(tmp_path / path.stem)],
                       check=True)

    def digest(path):
        document = pdfium.PdfDocument(path)
        image = document[0].render(scale=1.5).to_pil()
        document.close()
        poppler = (tmp_path / f"{path.stem}-1.png").read_bytes()
        return hashlib.sha256(image.tobytes()).hexdigest(), hashlib.sha256(poppler).hexdigest()

    assert digest(ours) == digest(bare)


def font_findings(document) -> list[str]:
    """pikepdf's PDF/A-2b checker, fonts only (ISO 19005-2 6.2.11: the handout is PDF/UA,
    not PDF/A, but 6.2.11.5, widths that agree with the font program, is ISO 14289-1
    7.21.5 too)."""
    return [str(f) for f in pikepdf.pdfa.check(document, "2b").findings if "6.2.11" in str(f)]


@pytest.mark.parametrize("name", SAMPLES)
def test_widths_agree_with_the_font_programs(rendered, name):
    with pikepdf.open(rendered[name][0]) as document:
        assert font_findings(document) == []


def test_the_font_check_sees_a_width_the_program_does_not_have(rendered):
    with pikepdf.open(rendered["hindi"][0]) as document:
        font = next(f for f in document.pages[0].Resources.Font.values()
                    if "Devanagari" in str(f.BaseFont))
        widths = font.DescendantFonts[0].W
        widths[1][0] = float(widths[1][0]) + 300
        assert any("6.2.11.5" in finding for finding in font_findings(document))


# Known, left to the readers: PDFium and pdftotext split pointed Hebrew and Arabic words
# where WeasyPrint raises a point with text rise (``Ts``); PDFium even starts new lines
# there.  Their characters are all right (above); pypdf keeps the words whole.
@pytest.mark.xfail(strict=True, reason="PDFium's line and word heuristics (see comment)")
def test_pdfium_keeps_pointed_words_whole(rendered):
    text = readers(rendered["hebrew-points"][0])["PDFium"]
    assert set(SAMPLES["hebrew-points"].split()) <= set(text.split())


@pytest.mark.parametrize(("said", "shares"), [
    (["", "", "क्षि"], ["क", "्", "षि"]),       # left to right: the cluster's text on its last glyph
    (["", "कि", "त"], ["क", "ि", "त"]),           # reordered ि before क
    (["ب\u0650", ""], ["\u0650", "ب"]),            # right to left: text on the first glyph
    (["\u05b0\u05bc", "", "ב"], ["\u05bc", "\u05b0", "ב"]),  # marks alone take the line's direction
    (["", "e"], ["", "e"]),                        # fewer characters than glyphs: left alone
    (["a", "b"], ["a", "b"]),
])
def test_spread_gives_every_glyph_a_share(said, shares):
    assert spread(said) == shares


def test_a_line_that_does_not_line_up_is_left_as_drawn():
    font = SimpleNamespace(hash="F1", glyph_count=10, missing={}, to_unicode={}, widths={},
                           type="ttf")
    record = textmap.Record(pending=[(font, 1, ""), (font, 2, "कि")], heard={"F1"})
    record.codes(font).first[1] = "x"  # glyph 1 was drawn for other text: it needs a new code
    chunks = [b"/F1 12 Tf", b"[<00010003>] TJ"]  # but the line drew glyph 3, not 2
    textmap._rewrite_line(record, chunks, 0, b"F1")
    assert chunks == [b"/F1 12 Tf", b"[<00010003>] TJ"]
    assert record.fonts["F1"].first == {1: "x", 2: "कि"} and not record.fonts["F1"].extra


def test_a_glyph_drawn_for_new_text_gets_a_new_code_in_the_line():
    font = SimpleNamespace(hash="F1", glyph_count=10, missing={}, to_unicode={}, widths={},
                           type="ttf")
    record = textmap.Record(pending=[(font, 1, ""), (font, 2, "कि")], heard={"F1"})
    record.codes(font).first[1] = "x"
    chunks = [b"/F1 12 Tf", b"[<0001>-12<0002>] TJ"]
    textmap._rewrite_line(record, chunks, 0, b"F1")
    new = 10 + 0x1000  # past the font's glyphs
    assert chunks == [b"/F1 12 Tf", b"[<%04x> -12 <0002>] TJ" % new]
    assert record.fonts["F1"].extra == {(1, "क", None): new}
    assert record.fonts["F1"].first == {1: "x", 2: "ि"}


def test_a_line_in_the_font_already_set_gets_its_codes_too():
    font = SimpleNamespace(hash="F1", glyph_count=10, missing={}, to_unicode={}, widths={},
                           type="ttf")
    record = textmap.Record(pending=[(font, 1, ""), (font, 2, "कि")], heard={"F1"})
    record.codes(font).first[1] = "x"
    chunks = [b"[<0001>-12<0002>] TJ"]  # no Tf in the line: WeasyPrint kept the font set
    textmap._rewrite_line(record, chunks, 0, b"F1")
    assert chunks == [b"[<%04x> -12 <0002>] TJ" % (10 + 0x1000)]


def test_an_ellipsis_reads_as_an_ellipsis_not_as_the_text_it_hides(tmp_path):
    page = html(HINDI).replace("<p>", '<p style="white-space: nowrap; overflow: hidden; '
                                     'text-overflow: ellipsis; width: 8em">', 1)
    path = tmp_path / "ellipsis.pdf"
    path.write_bytes(render_pdf(page, str(TEMPLATES) + "/", (str(TEMPLATES),)).pdf)
    for reader, text in readers(path).items():  # PDFium and pypdf read the clipped line last
        clipped = next(line for line in text.splitlines() if "…" in line).split()
        assert clipped == [*HINDI.split()[:len(clipped) - 1], "…"], (reader, clipped)


def test_a_cff_font_keeps_one_code_per_glyph():
    """CFF CID fonts have no /CIDToGIDMap (the code is the glyph), so no new codes."""
    font = SimpleNamespace(hash="F2", glyph_count=10, missing={}, to_unicode={}, widths={},
                           type="otf")
    record = textmap.Record()
    codes = record.codes(font)
    assert codes.code(1, "a") == 1 and codes.code(1, "b") == 1 and codes.extra == {}
