"""Done when: generated articles of many scripts, symbols, tables and lengths, and the seed,
each pass the glyph, pagination, PDF/UA and three-readers checks (one render set shared).

Every check reads the finished bytes with a reader we did not write: poppler (pdffonts,
pdftotext), PDFium (text positions, page images), zxing (the QR code), pypdf and pikepdf.
"""

from __future__ import annotations

import collections
import json
import subprocess

import pikepdf
import pypdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
import zxingcpp

from channels.pdf.channel import FILE, MARGINS, PdfHandout
from channels.pdf.glyphs import families, shipped_faces
from channels.pdf.pagination import NEAR_EMPTY
from tests.conftest import ROOT, TEMPLATES
from tests.pdf.generated import SCRIPTS, article_text, prepared
from tests.pdf.pdfua import (
    marked_content,
    orphans,
    pdfium_text,
    structure,
    text_objects,
    words,
)

SHIPPED = families(shipped_faces(str(TEMPLATES)))
TABLE = ("| Symptom → step | Ελληνικά | 中文 | Score ≥ 2 |\n|---|---|---|--:|\n"
         "| Sleep ✓ | ύπνος | 睡眠 | 3 |\n| Mood ± | διάθεση | 心情 | 2 |")
# (seed, paragraphs, scripts): lengths chosen to land near page boundaries (2 and 8 leave
# the closing block alone on the last page unless rebalanced), scripts spread over them.
ARTICLES = {"short-symbols-arabic": (2, 2, ("symbols", "arabic", "emoji")),
            "boundary-cjk-hebrew": (8, 8, ("cjk", "hebrew", "greek")),
            "long-devanagari": (13, 13, ("devanagari", "cyrillic", "symbols"))}


@pytest.fixture(scope="module")
def handouts(tmp_path_factory, settings, project, rendered):
    tmp = tmp_path_factory.mktemp("handouts")
    found = {"seed": rendered["pdf"].file(FILE)}
    for name, (seed, paragraphs, scripts) in ARTICLES.items():
        extra = "\n\n".join([SCRIPTS[s] for s in scripts] + [TABLE])
        article = prepared(tmp, name, article_text(seed, paragraphs, extra=extra),
                           settings, project)
        found[name] = PdfHandout().render(article.article, article.context).file(FILE)
    for name, pdf in found.items():
        (tmp / f"{name}.pdf").write_bytes(pdf)
    return {name: tmp / f"{name}.pdf" for name in found}


NAMES = ["seed", *ARTICLES]


def run(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


# --- glyphs: poppler's pdffonts, not our cmap model ------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_every_font_is_a_shipped_embedded_subset(handouts, name):
    rows = [line.split() for line in run("pdffonts", str(handouts[name])).splitlines()[2:]]
    assert rows
    for row in rows:
        family = row[0].split("+", 1)[1]
        assert any(family.startswith(f.replace(" ", "-")) for f in SHIPPED), row
        assert row[-5:-2] == ["yes", "yes", "yes"], row  # embedded, subset, ToUnicode


# --- pagination: PDFium's text positions and zxing's QR code ---------------------------


def pages_of(path):
    document = pdfium.PdfDocument(path)
    return document, [document[i] for i in range(len(document))]


def qr_pages(pages) -> dict[int, float]:
    """Page index -> top of the QR code in pt from the page top, where zxing finds one."""
    found = {}
    for index, page in enumerate(pages):
        for code in zxingcpp.read_barcodes(page.render(scale=2).to_pil()):
            found[index] = min(p.y for p in (code.position.top_left, code.position.top_right)) / 2
    return found


def body_bottom_above(page, limit: float) -> float:
    """The lowest text bottom (pt from the top) in the text area above ``limit``."""
    text, height, bottoms = page.get_textpage(), page.get_height(), [MARGINS.top]
    for i in range(text.count_chars()):
        _, bottom, _, top = text.get_charbox(i)
        if not text.get_text_range(i, 1).isspace() and MARGINS.top < height - top < limit:
            bottoms.append(height - bottom)
    return max(bottoms)


@pytest.mark.parametrize("name", NAMES)
def test_qr_disclaimers_and_988_box_together_on_a_last_page_that_is_not_near_empty(
        handouts, name):
    document, pages = pages_of(handouts[name])
    last = len(pages) - 1
    texts = [" ".join(p.get_textpage().get_text_bounded().split()) for p in pages]
    for phrase in ("Important information", "Not medical advice.", "If you are in crisis",
                   "call 911.", "Call 988 · Text 988 · Chat at 988lifeline.org"):
        assert [i for i, t in enumerate(texts) if phrase in t] == [last], phrase
    qr = qr_pages(pages)
    assert list(qr) == [last]
    if len(pages) > 1:
        area = pages[last].get_height() - MARGINS.top - MARGINS.bottom
        # The QR box's padding and the block's top margin sit between body and code.
        share = (body_bottom_above(pages[last], qr[last] - 12) - MARGINS.top) / area
        assert share >= NEAR_EMPTY, f"{name}: body fills {share:.0%} of the last page"
    document.close()


def body_sizes(page) -> list[float]:
    """PDFium's font size (pt) of every visible character inside the text area."""
    text, height, sizes = page.get_textpage(), page.get_height(), []
    for i in range(text.count_chars()):
        _, bottom, _, top = text.get_charbox(i)
        inside = MARGINS.top < height - top and height - bottom < height - MARGINS.bottom
        if inside and not text.get_text_range(i, 1).isspace():
            # WeasyPrint draws in CSS px under a 0.75 page matrix that PDFium's size omits.
            sizes.append(round(pdfium_c.FPDFText_GetFontSize(text.raw, i) * 0.75, 1))
    return sizes


@pytest.mark.parametrize("name", NAMES)
def test_body_text_is_12_pt_or_larger(handouts, name):
    document, pages = pages_of(handouts[name])
    sizes = [size for page in pages for size in body_sizes(page)]
    document.close()
    assert collections.Counter(sizes).most_common(1)[0][0] == 12.0
    # Smaller print is the byline, the QR box's note and the typed address only.
    assert sum(size < 12 for size in sizes) / len(sizes) < 0.08


# --- PDF/UA: pikepdf assertions, one per Matterhorn condition ---------------------------


@pytest.mark.parametrize("name", NAMES)
def test_matterhorn_01_004_all_text_is_tagged_or_artifact(handouts, name):
    document = pikepdf.open(handouts[name])
    assert orphans(document) == []
    for page in document.pages:
        sequences = marked_content(page)
        assert not [s for s in sequences if s[0] == "none"]  # text outside marked content
        assert sum(shown for tag, _, shown in sequences if tag == "/Artifact") >= 2
    document.close()


@pytest.mark.parametrize("name", NAMES)
def test_pdfium_reads_the_running_header_and_footer_as_artifacts_only(handouts, name):
    document, pages = pages_of(handouts[name])
    for number, page in enumerate(pages, start=1):
        marked = text_objects(page)
        footer = [marks for marks, text in marked if f"Page {number} of" in text]
        assert footer == [["Artifact"]]
        body = [marks for marks, text in marked if "Artifact" not in marks]
        assert body and all(marks for marks in body)  # the rest is tagged content
    document.close()


@pytest.mark.parametrize("name", NAMES)
def test_matterhorn_06_07_11_metadata_title_and_language(handouts, name):
    document, _ = structure(handouts[name])
    with document.open_metadata() as xmp:
        assert xmp.get("pdfuaid:part") == "1"  # 06-002
        assert xmp.get("dc:title")  # 06-003
    assert bool(document.Root.ViewerPreferences.DisplayDocTitle)  # 07-001
    assert str(document.Root.Lang)  # 11-001 (natural language of the document)
    document.close()


@pytest.mark.parametrize("name", ARTICLES)
def test_matterhorn_15_003_header_cells_have_scope_and_data_cells_headers(handouts, name):
    _, elements = structure(handouts[name])
    headers = [e for e in elements if e.get("/S") == "/TH"]
    cells = [e for e in elements if e.get("/S") == "/TD"]
    assert len(headers) >= 4 and len(cells) >= 8
    ids = {str(h.ID) for h in headers}
    for header in headers:
        assert header.A.Scope in ("/Column", "/Row", "/Both")
    for cell in cells:
        assert cell.A.Headers and {str(h) for h in cell.A.Headers} <= ids


@pytest.mark.parametrize("name", NAMES)
def test_matterhorn_28_011_28_012_links_in_link_tags_with_contents(handouts, name):
    document, elements = structure(handouts[name])
    linked = set()
    for element in elements:
        if element.get("/S") == "/Link":
            kids = element.K if isinstance(element.K, pikepdf.Array) else [element.K]
            linked |= {k.Obj.objgen for k in kids if isinstance(k, pikepdf.Dictionary)
                       and k.get("/Type") == "/OBJR"}
    annotations = [a for page in document.pages for a in page.get("/Annots", [])
                   if a.Subtype == "/Link"]
    assert len(annotations) >= 3  # tel:988, sms:988, 988lifeline.org
    for annotation in annotations:
        assert annotation.objgen in linked  # 28-011
        assert str(annotation.get("/Contents", ""))  # 28-012
    document.close()


# --- three readers: PDFium, poppler's pdftotext and pypdf get the same words ------------


@pytest.mark.parametrize("name", NAMES)
def test_three_readers_get_the_same_words(handouts, name):
    path = handouts[name]
    document, pages = pages_of(path)
    pdfium = "\n".join(pdfium_text(p) for p in pages)
    document.close()
    poppler = run("pdftotext", str(path), "-")
    pypdf_text = "\n".join(p.extract_text() for p in pypdf.PdfReader(path).pages)
    assert "\x00" not in pypdf_text
    reference = words(poppler)
    assert sum(reference.values()) > 200
    for script in ARTICLES.get(name, (0, 0, ()))[2]:  # and they are the words written
        assert not words(SCRIPTS[script]) - reference, (script, words(SCRIPTS[script]) - reference)
    for reader, text in (("PDFium", pdfium), ("pypdf", pypdf_text)):
        assert words(text) == reference, (reader, (words(text) - reference),
                                          (reference - words(text)))


# --- PDF/UA: outloud, a PDF/UA-1 and WCAG checker we did not write ---------------------

OUTLOUD = ROOT / ".cache" / "outloud-0.2.1" / "bin" / "outloud"
# Known and accepted: WeasyPrint paints list bullets (outside ::marker) after the lines of
# their page, so paint order differs from the tag tree there.  Assistive technology reads
# the tree, which has each Lbl before its LBody (checked by outloud's other rules).
ACCEPTED = {"ORD-001"}


def outloud(path) -> list[dict]:
    """outloud's findings for ``path`` above info level; `make test` installs it."""
    if not OUTLOUD.is_file():
        pytest.fail(f"{OUTLOUD} missing: run `make test` (it installs outloud 0.2.1)")
    report = path.parent / f"{path.stem}.outloud.json"
    subprocess.run([str(OUTLOUD), "--json", str(report), "--fail-on", "never", "-q", str(path)],
                   capture_output=True, check=True)
    (result,) = json.loads(report.read_text())["results"]
    assert not result["error"], result["error"]
    return [f for f in result["findings"] if f["severity"] in ("error", "warning")]


@pytest.mark.parametrize("name", NAMES)
def test_outloud_finds_nothing_but_the_accepted_paint_order(handouts, name):
    found = outloud(handouts[name])
    assert [f for f in found if f["rule"] not in ACCEPTED] == [], found


def test_outloud_refuses_a_handout_without_language_or_printable_links(handouts, tmp_path):
    broken = tmp_path / "broken.pdf"
    with pikepdf.open(handouts["seed"]) as document:
        del document.Root["/Lang"]
        for page in document.pages:
            for annotation in page.obj.get("/Annots", []):
                annotation.F = 0
        document.save(broken)
    rules = {f["rule"] for f in outloud(broken)}
    assert {"DOC-013", "LNK-004"} <= rules, rules  # no /Lang; links missing from print
