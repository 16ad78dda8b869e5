"""The PDFium pixel witness: every edited handout in ``pdf_corpus`` gets the right verdict.

A bad case is refused by name (the PDF, the disclaimer and the witness that missed it);
a harmless one passes the text witness and the pixel witness alike.
"""

from __future__ import annotations

import dataclasses
import shutil

import pypdfium2 as pdfium
import pytest
from conftest import run_cli
from pdf_corpus import BAD, HARMLESS, PdfCase, mutate

from channels import registry
from channels.base import Rendered
from channels.gate.match import check
from channels.gate.pdf_pixels import pdf_pixel_checks
from channels.pdf.channel import FILE, MARGINS


def crisis(seed, form: str):  # type: ignore[no-untyped-def]
    channel = registry.get("pdf")
    return [e for e in channel.expectations(seed.context.required_for("pdf"))
            if e.disclaimer.id == "crisis-988" and e.form == form]


def judge(seed, rendered, case: PdfCase):  # type: ignore[no-untyped-def]
    """Both witnesses on the edited occurrence's form of the 988 line."""
    expectations = crisis(seed, case.form)
    pdf = mutate(rendered["pdf"].file(FILE), expectations[0].text, case)
    variant = dataclasses.replace(rendered["pdf"], files=((FILE, pdf),))
    texts = check("pdf", registry.get("pdf").extract_text(variant), expectations)
    return [*texts, *pdf_pixel_checks("pdf", pdf, expectations, MARGINS)]


@pytest.mark.parametrize("case", BAD, ids=[c.name for c in BAD])
def test_a_handout_disclaimer_a_reader_does_not_get_is_refused(seed, rendered, case):
    refused = [c for c in judge(seed, rendered, case) if not c.passed]
    assert refused, f"{case.name} passed, but {case.why}"
    line = refused[-1].describe()
    assert line.startswith(f"pdf: the {case.form} 'crisis-988' disclaimer (v1) is missing")
    assert line.endswith(("(the text witness)", "(the pdf pixels witness)"))


@pytest.mark.parametrize("case", HARMLESS, ids=[c.name for c in HARMLESS])
def test_a_readable_handout_disclaimer_passes_both_witnesses(seed, rendered, case):
    checks = judge(seed, rendered, case)
    assert [c.describe() for c in checks if not c.passed] == [], case.why
    assert any(c.witness == "pdf pixels" and c.found_in for c in checks)


def test_the_pixel_witness_names_the_page_and_what_is_wrong(seed, rendered):
    case = next(c for c in BAD if c.name == "pdf-mirrored")
    pixel = [c for c in judge(seed, rendered, case) if c.witness == "pdf pixels"]
    pages = len(registry.get("pdf").extract_text(rendered["pdf"])) // 2
    assert [c.describe() for c in pixel] == [
        "pdf: the full 'crisis-988' disclaimer (v1) is missing from document (on page "
        f"{pages}: its letters are mirrored) (the pdf pixels witness)"]


def test_white_text_on_a_dark_box_is_judged_against_the_box(seed, rendered):
    """The contrast is measured against the pixels behind the ink, not against white."""
    white = next(c for c in HARMLESS if c.name == "pdf-white-on-navy")
    on_white = next(c for c in BAD if c.name == "pdf-white-ink")
    assert all(c.passed for c in judge(seed, rendered, white))
    assert not all(c.passed for c in judge(seed, rendered, on_white))


def test_the_seed_handout_passes_the_pixel_witness(seed, rendered):
    expectations = registry.get("pdf").expectations(seed.context.required_for("pdf"))
    checks = pdf_pixel_checks("pdf", rendered["pdf"].file(FILE), expectations, MARGINS)
    assert [c.describe() for c in checks if not c.passed] == []
    assert isinstance(rendered["pdf"], Rendered) and len(checks) == len(expectations)


def test_publish_check_refuses_a_covered_handout_line_naming_pdf_disclaimer_and_witness(
        seed, published, tmp_path):
    """The text layer is intact; only the PDFium pixels show the box painted over it."""
    folder = tmp_path / "gut-brain-axis"
    shutil.copytree(published / "gut-brain-axis", folder)
    shutil.copytree(published / "assets", tmp_path / "assets")
    handout = folder / FILE
    case = next(c for c in BAD if c.name == "pdf-white-box-over")
    text = crisis(seed, "full")[0].text
    handout.write_bytes(mutate(handout.read_bytes(), text, case))
    result = run_cli("check", folder)
    assert result.code == 1, result.err
    failed = [line for line in result.out.splitlines() if line.startswith("FAIL  ")]
    assert len(failed) == 1 and failed[0].startswith(
        "FAIL  gut-brain-axis  pdf  crisis-988 v1 (full): missing from document (on page ")
    assert failed[0].endswith("no glyphs are painted where it should be (covered, "
                              "transparent or blank)) (the pdf pixels witness)"), failed[0]


def test_ocr_reads_the_seed_crop_and_not_its_mirror_image(rendered):
    from PIL import ImageOps

    from channels.gate.ocr import ocr_problem
    from channels.gate.pdf_find import fold, occurrences, page_glyphs, shape

    text = "In crisis? Call or text 988 or chat 988lifeline.org."
    document = pdfium.PdfDocument(rendered["pdf"].file(FILE))
    page = document[0]
    found = occurrences(fold(list(page_glyphs(page, 0))), text)[0]
    textpage = page.get_textpage()
    boxes = [shape(textpage.raw, g.index).loose for g in found]
    width, height = page.get_size()
    crop = (min(b.left for b in boxes) - 2, min(b.bottom for b in boxes) - 2,
            width - max(b.right for b in boxes) - 2, height - max(b.top for b in boxes) - 2)
    line = page.render(scale=2, crop=crop).to_pil().convert("RGB")
    textpage.close()
    document.close()
    assert ocr_problem(line, text) == ""
    assert ocr_problem(ImageOps.mirror(line), text).startswith("OCR of its pixels reads '")


def test_without_tesseract_the_gate_stops_with_one_line(monkeypatch):
    from PIL import Image

    from channels.gate import ocr

    monkeypatch.setattr(ocr, "TESSERACT", "no-such-tesseract")
    with pytest.raises(ocr.OcrMissing) as refused:
        ocr.ocr_problem(Image.new("RGB", (40, 10), "white"), "unseen words")
    assert str(refused.value) == (
        "the gate's OCR needs Tesseract, which is not installed (run apt-get install "
        "tesseract-ocr, as system-packages.txt lists)")
    assert refused.value.exit_code == 2
