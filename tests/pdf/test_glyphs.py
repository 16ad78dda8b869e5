"""Glyph coverage: every character drawn with a shipped font, checked before rendering (the
fonts' cmaps) and after (the PDF's own fonts, read by poppler's pdffonts and by pypdf)."""

from __future__ import annotations

import shutil
import subprocess

import pypdf
import pytest
import weasyprint

from channels.errors import InputError
from channels.pdf.channel import FILE, PdfHandout
from channels.pdf.glyphs import families, shipped_faces, undrawn
from channels.pdf.pdffonts import GlyphProblem, glyph_problems
from channels.web.channel import WebPage
from tests.conftest import TEMPLATES
from tests.pdf.generated import SCRIPTS, article_text, prepared

EVERY_SCRIPT = "\n\n".join([f"**{name}:** {text}" for name, text in SCRIPTS.items()]
                             + ["**Next \u2192 step**"])
SHIPPED = families(shipped_faces(str(TEMPLATES)))


def pdffonts(pdf: bytes, tmp_path) -> list[list[str]]:
    """poppler's own listing: name, type, encoding, emb, sub, uni per font."""
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    lines = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    return [line.split() for line in lines]


@pytest.fixture(scope="module")
def many_scripts(tmp_path_factory, settings, project):
    tmp = tmp_path_factory.mktemp("scripts")
    article = prepared(tmp, "scripts", article_text(7, 6, extra=EVERY_SCRIPT), settings, project)
    return article, PdfHandout().render(article.article, article.context)


def test_every_script_is_drawn_with_a_shipped_font(many_scripts, tmp_path):
    fonts = pdffonts(many_scripts[1].file(FILE), tmp_path)
    names = {row[0].split("+", 1)[1] for row in fonts}
    assert {"PMH-Symbols", "PMH-Symbols-Bold", "PMH-CJK", "PMH-Arabic", "PMH-Hebrew",
            "PMH-Devanagari"} <= names
    assert any(name.startswith("PMH-Emoji") for name in names)
    for row in fonts:  # embedded, subset, with a ToUnicode map, and no custom encoding
        assert row[-5:-2] == ["yes", "yes", "yes"] and "Identity-H" in row, row
        assert any(row[0].split("+", 1)[1].startswith(f.replace(" ", "-")) for f in SHIPPED), row


def test_every_script_reads_back_whole_with_pypdf_and_pdftotext(many_scripts, tmp_path):
    pdf = many_scripts[1].file(FILE)
    (tmp_path / "s.pdf").write_bytes(pdf)
    poppler = subprocess.run(["pdftotext", str(tmp_path / "s.pdf"), "-"], capture_output=True,
                             text=True, check=True).stdout
    text = "".join(page.extract_text() for page in pypdf.PdfReader(tmp_path / "s.pdf").pages)
    assert "\x00" not in text
    for sample in ("CBT\u2011I", "Кириллица", "心理健康很重要", "😀", "Ελληνικά"):
        assert sample in text and sample in poppler, sample


def test_a_character_no_shipped_font_has_is_refused_with_its_line(tmp_path, settings, project):
    text = article_text(3, 2, extra="Korean: 한국어 안내")
    article = prepared(tmp_path, "korean", text, settings, project)
    line = text.splitlines().index("Korean: 한국어 안내") + 1
    for channel in (PdfHandout(), WebPage()):
        with pytest.raises(InputError) as refused:
            channel.render(article.article, article.context)
        assert str(refused.value) == (
            f"{tmp_path}/korean.md:{line}: {channel.name}: '한' (U+D55C HANGUL SYLLABLE HAN) "
            "has no glyph in the shipped fonts (add a font that has it to templates/fonts/ "
            "and templates/shared/fonts.css, or write the character another way)")


@pytest.mark.parametrize("char", ["\u2011", "\u2192", "Ω", "Ж", "中", "ع", "न", "😀", "✓", "ŭ"])
def test_the_cmap_model_finds_a_shipped_font_for(char):
    assert undrawn(char, shipped_faces(str(TEMPLATES))) == []


def test_the_cmap_model_refuses_a_range_that_claims_a_missing_glyph(tmp_path):
    """Atkinson's old unicode-range claimed U+2000-206F: U+2011 became an empty box."""
    templates = copy_templates(tmp_path, "U+2013-2014, U+2018-201A", "U+2000-206F, U+2018-201A")
    assert undrawn("CBT\u2011I \u2192", shipped_faces(str(templates))) == ["\u2011"]


def copy_templates(tmp_path, old: str, new: str, sheet: str = "shared/fonts.css"):
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    css = templates / sheet
    assert old in css.read_text()
    css.write_text(css.read_text().replace(old, new))
    return templates


def render_raw(templates, text: str) -> bytes:
    html = (f'<html><head><link rel="stylesheet" href="shared/fonts.css"><link rel="stylesheet"'
            f' href="pdf/handout.css"></head><body><p>{text}</p></body></html>')
    return weasyprint.HTML(string=html, base_url=f"{templates}/").write_pdf()


def test_the_pdf_check_finds_a_missing_glyph_that_poppler_also_sees(tmp_path):
    templates = copy_templates(tmp_path, "U+2013-2014, U+2018-201A", "U+2000-206F, U+2018-201A")
    pdf = render_raw(templates, "CBT\u2011I")
    assert glyph_problems(pdf, SHIPPED) == [GlyphProblem("\u2011", "drawn as a missing glyph")]
    assert any("Custom" in row for row in pdffonts(pdf, tmp_path))  # poppler: not Identity-H


def test_the_pdf_check_finds_a_machine_font(tmp_path):
    stack = '"PMH Hebrew", "PMH Symbols",\n    "PMH CJK", "PMH Emoji"'
    templates = copy_templates(tmp_path, stack, '"PMH Hebrew"', sheet="pdf/handout.css")
    pdf = render_raw(templates, "Sleep \u2192 mood")
    names = [row[0].split("+", 1)[1] for row in pdffonts(pdf, tmp_path)]
    machine = [n for n in names if not n.startswith(("Atkinson", "PMH"))]
    assert machine  # poppler sees a font no stylesheet ships
    assert GlyphProblem("\u2192", f"drawn with {machine[0]}, a font of this machine") in \
        glyph_problems(pdf, SHIPPED)


def test_the_seed_draws_only_shipped_fonts(rendered):
    assert glyph_problems(rendered["pdf"].file(FILE), SHIPPED) == []
