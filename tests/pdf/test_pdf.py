"""The PDF handout: print design, QR code, accessible and reproducible file, previews,
and the conspicuousness check the gate relies on."""

from __future__ import annotations

import io
import json
import shutil
from dataclasses import replace

import pypdf
import pytest
import weasyprint
import zxingcpp
from PIL import Image

from channels.gate.match import contains
from channels.gate.pdf_text import conspicuous_pages
from channels.pdf.channel import FILE, MARGINS, PREVIEW_DPI, PdfHandout, page_texts
from channels.pdf.qr import handout_url
from channels.pipeline.steps import Checked, check_channel
from tests.conftest import TEMPLATES

LETTER, A4 = (612, 792), (595, 842)
NOT_ADVICE = "This information is for educational purposes only"


@pytest.fixture(scope="module")
def handout(rendered):
    return rendered["pdf"]


@pytest.fixture(scope="module")
def reader(handout):
    return pypdf.PdfReader(io.BytesIO(handout.file(FILE)))


def render_with(seed, tmp_path, css="", site=None):
    """The seed handout rendered from a copy of ``templates/`` with ``css`` appended."""
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    with (templates / "pdf" / "handout.css").open("a") as sheet:
        sheet.write(css)
    context = replace(seed.context, templates_dir=str(templates), site=site or seed.context.site)
    return PdfHandout().render(seed.article, context)


def sizes(reader):
    return [tuple(round(float(v)) for v in page.mediabox[2:]) for page in reader.pages]


def test_seed_is_letter_with_a_sensible_page_count(reader):
    assert len(reader.pages) <= 4  # with 12 pt body text
    assert set(sizes(reader)) == {LETTER}


def test_a4_comes_from_the_site_setting(seed, tmp_path):
    result = render_with(seed, tmp_path, site=replace(seed.context.site, page_size="A4"))
    assert set(sizes(pypdf.PdfReader(io.BytesIO(result.file(FILE))))) == {A4}


def test_every_font_is_embedded_and_shipped(reader):
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                descendant = descendant.get_object()
                fonts[descendant["/BaseFont"]] = descendant["/FontDescriptor"].get_object()
    assert fonts
    for name, descriptor in fonts.items():
        assert "+Atkinson-Hyperlegible" in name, name  # a subset of the shipped font
        assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), name


def test_tagged_with_language_title_and_author(reader, seed):
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert bool(root["/MarkInfo"]["/Marked"])
    assert root["/Lang"] == "en-US"
    assert reader.metadata.title == seed.article.title
    assert reader.metadata.author == "Pacific Mind Health"


def test_no_weasyprint_warning_on_the_seed(handout):
    assert handout.notes == ()


def test_a_preview_per_page_readable_and_small(handout, reader):
    names = [n for n in handout.names if n.endswith(".png")]
    assert names == [f"handout-{i}.png" for i in range(1, len(reader.pages) + 1)]
    for name in names:
        image = Image.open(io.BytesIO(handout.file(name)))
        assert image.size == (round(8.5 * PREVIEW_DPI), round(11 * PREVIEW_DPI))
        assert len(handout.file(name)) < 120_000, name


def test_qr_code_in_the_preview_decodes_to_the_tagged_article_url(handout, seed):
    found = {}
    for name in handout.names:
        if name.endswith(".png"):
            image = Image.open(io.BytesIO(handout.file(name))).convert("RGB")
            found.update({code.text: name for code in zxingcpp.read_barcodes(image)})
    url = "https://www.pacificmindhealth.com/gut-brain-axis/"
    assert seed.article.url == url
    expected = f"{url}?utm_source=handout&utm_medium=print&utm_campaign=gut-brain-axis"
    assert found == {expected: handout.names[-1]}
    assert handout_url(url, "gut-brain-axis") == expected


def test_url_printed_beside_the_qr_code(handout, reader):
    last = PdfHandout().extract_text(handout)[f"page {len(reader.pages)}"]
    # It may wrap, but only after a slash, never at the slug's own hyphens.
    assert ("www.pacificmindhealth.com/gut-brain-axis/\r\n" in last
            or "www.pacificmindhealth.com/\r\ngut-brain-axis/\r\n" in last)


def test_two_renders_are_byte_identical(handout, seed):
    again = PdfHandout().render(seed.article, seed.context)
    assert again.files == handout.files


def test_footer_on_every_page_and_disclaimers_whole_on_the_last(handout):
    parts = PdfHandout().extract_text(handout)
    pages = [name for name in parts if name.startswith("page ")]
    for number, name in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in parts[name]
        assert "Reviewed November 20, 2026." in parts[name]
        assert "Educational only, not medical advice." in parts[name]
    last_body = parts[f"document page {len(pages)}"]
    assert contains(last_body, "If you are in crisis")
    assert contains(last_body, "If you are in immediate danger, call 911.")
    assert "Page " not in last_body and "Reviewed November" not in last_body


def test_gate_reports_the_page_of_each_full_disclaimer(seed, handout, reader):
    result = check_channel(seed, handout)
    assert isinstance(result, Checked) and result.passed
    last = f"document page {len(reader.pages)}"
    full = {f.disclaimer: f.found_in for f in result.checks
            if f.form == "full" and f.witness == "text"}
    # The article's own text also says treatment should be individualized (page 3).
    assert full == {"not-medical-advice": ("document", last), "crisis-988": ("document", last),
                    "individualized-treatment": ("document", "document page 3", last)}
    short = [f.found_in for f in result.checks if f.form == "short"]
    assert short == [tuple(f"page {i}" for i in range(1, len(reader.pages) + 1))] * 4


SABOTAGE = {
    "6 pt": '[data-disclaimer="not-medical-advice"] { font-size: 6pt; }',
    "8.5 pt": '[data-disclaimer="not-medical-advice"] { font-size: 8.5pt; }',
    "white": '[data-disclaimer="not-medical-advice"] { color: #fff; }',
    "light grey": '[data-disclaimer="not-medical-advice"] { color: #b0b0b0; }',
    "faded": '[data-disclaimer="not-medical-advice"] { color: rgba(0, 0, 0, 0.2); }',
    "off the page": '[data-disclaimer="not-medical-advice"] { position: relative; left: 9in; }',
}


@pytest.mark.parametrize("how", list(SABOTAGE))
def test_gate_refuses_an_inconspicuous_full_disclaimer(seed, tmp_path, how):
    result = check_channel(seed, render_with(seed, tmp_path, SABOTAGE[how]))
    assert isinstance(result, Checked) and not result.passed
    failed = {(f.disclaimer, f.form, f.found_in) for f in result.checks if not f.passed}
    assert failed == {("not-medical-advice", "full", ())}
    # The text is still in the file: only its prominence was taken away.
    file = pypdf.PdfReader(io.BytesIO(result.rendered.file(FILE)))
    assert any(NOT_ADVICE in " ".join(page.extract_text().split()) for page in file.pages)


def test_gate_refuses_a_footer_too_small_to_read(seed, tmp_path):
    result = check_channel(seed, render_with(seed, tmp_path, ".running-footer { font-size: 6pt; }"))
    assert isinstance(result, Checked)
    failed = {(f.disclaimer, f.form): f.missing_in for f in result.checks
              if not f.passed and f.witness == "text"}
    count = len(page_texts(result.rendered.file(FILE)))
    pages = tuple(f"page {i}" for i in range(1, count + 1))
    assert failed == {("not-medical-advice", "short"): pages, ("crisis-988", "short"): pages}


def test_a_disclaimer_split_by_a_page_break_is_whole_in_document_only(tmp_path):
    sentence = " ".join(["Plain words fill this disclaimer sentence across the break."] * 12)
    html = f"""<html lang="en"><head><title>t</title><style>
      @page {{ size: Letter; margin: {MARGINS.top}pt {MARGINS.right}pt {MARGINS.bottom}pt
               {MARGINS.left}pt; @bottom-left {{ content: element(footer); }} }}
      body {{ font-size: 12pt; line-height: 1.5; orphans: 1; widows: 1; }}
      .footer {{ position: running(footer); }} .spacer {{ height: 8.3in; }}
    </style></head><body><div class="footer">Footer line</div><div class="spacer"></div>
    <p>{sentence}</p></body></html>"""
    pages = conspicuous_pages(weasyprint.HTML(string=html).write_pdf(), MARGINS)
    assert len(pages) == 2
    assert not any(contains(p.body, sentence) or contains(p.whole, sentence) for p in pages)
    assert not contains(pages[0].whole + pages[1].whole, sentence)  # the footer interleaves
    assert contains("\n".join(p.body for p in pages), sentence)
    assert all("Footer line" in p.whole and "Footer line" not in p.body for p in pages)


def test_published_handout_has_previews_and_pages_in_compliance(published):
    folder = published / "gut-brain-axis"
    pngs = sorted(p.name for p in folder.glob("handout-*.png"))
    assert (folder / "handout.pdf").is_file() and pngs[0] == "handout-1.png"
    report = json.loads((folder / "compliance.json").read_text())["channels"]["pdf"]
    assert set(pngs) < set(report["files"])
    crisis = next(c for c in report["checks"]
                  if c["disclaimer"] == "crisis-988" and c["form"] == "full")
    assert crisis["found_in"] == ["document", f"document page {len(pngs)}"]
