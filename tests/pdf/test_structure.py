"""PDF/UA fixes on the finished file (channels/pdf/structure.py) and the pagination choice
(channels/pdf/pagination.py): each check fails on what WeasyPrint alone makes."""

from __future__ import annotations

import io

import pikepdf
import pypdfium2 as pdfium
import pytest
import weasyprint

from channels.gate.pdf_text import Margins
from channels.pdf.engine import PdfResult
from channels.pdf.pagination import NEAR_EMPTY, fill, paginate
from channels.pdf.structure import finish
from tests.pdf.pdfua import orphans, structure_of, text_objects

SMALL = """<html lang="en"><head><title>t</title><style>
  @page { margin: 1in; @bottom-left { content: element(footer); } }
  .footer { position: running(footer); }</style></head><body>
  <div class="footer">Footer words</div><p>Body words</p>
  <table><thead><tr><th>Habit</th><th>How often</th></tr></thead>
  <tbody><tr><td>Walks</td><td>Daily</td></tr></tbody></table></body></html>"""


@pytest.fixture(scope="module")
def raw_pdf() -> bytes:
    return weasyprint.HTML(string=SMALL).write_pdf(pdf_variant="pdf/ua-1")


def footer_marks(pdf: bytes) -> list[list[str]]:
    document = pdfium.PdfDocument(pdf)
    found = [marks for marks, text in text_objects(document[0]) if "Footer" in text]
    document.close()
    return found


def test_weasyprint_alone_tags_the_footer_outside_the_tree(raw_pdf):
    assert orphans(pikepdf.open(io.BytesIO(raw_pdf)))  # Matterhorn 01-004 would fail
    assert footer_marks(raw_pdf) != [["Artifact"]]


def test_finish_makes_the_running_footer_an_artifact_and_leaves_the_body_tagged(raw_pdf):
    done = finish(raw_pdf)
    assert orphans(pikepdf.open(io.BytesIO(done))) == []
    assert footer_marks(done) == [["Artifact"]]
    document = pdfium.PdfDocument(done)
    body = [marks for marks, text in text_objects(document[0]) if "Body" in text]
    document.close()
    assert body and "Artifact" not in body[0]


def header_scopes(pdf: bytes) -> list[object]:
    _, elements = structure_of(pikepdf.open(io.BytesIO(pdf)))
    return [e.A.get("/Scope") for e in elements if e.get("/S") == "/TH"]


def test_finish_gives_header_cells_a_column_scope(raw_pdf):
    assert header_scopes(raw_pdf) == [None, None]  # Matterhorn 15-003 would fail
    assert header_scopes(finish(raw_pdf)) == ["/Column", "/Column"]


def test_finish_is_deterministic_and_leaves_an_untagged_pdf_alone(raw_pdf):
    assert finish(raw_pdf) == finish(raw_pdf)
    plain = weasyprint.HTML(string="<p>x</p>").write_pdf()
    assert finish(plain) == plain


MARGINS = Margins(top=50, right=50, bottom=50, left=50)


def result(pages: int, closing_top: float, fit: str = "") -> PdfResult:
    """A layout of ``pages`` Letter pages whose closing block starts at ``closing_top``."""
    return PdfResult(fit.encode(), (), (), pages, 792.0, pages, closing_top)


def test_near_empty_is_body_below_a_fifth_of_the_text_area():
    area = 792 - 100
    assert fill(result(3, 50 + 0.19 * area), MARGINS).near_empty
    assert not fill(result(3, 50 + NEAR_EMPTY * area), MARGINS).near_empty
    assert not fill(result(1, 60), MARGINS).near_empty  # a one-page handout is never empty


def test_paginate_keeps_a_good_first_layout_and_tries_nothing_else():
    tried = []
    chosen = paginate(lambda fit: tried.append(fit) or result(3, 400, fit), MARGINS)
    assert tried == [""] and chosen.pdf == b""


def test_paginate_takes_the_first_fit_that_fills_the_last_page():
    layouts = {"": result(3, 55), "fit-tighter": result(3, 55), "fit-looser": result(3, 300)}
    tried = []
    chosen = paginate(lambda fit: tried.append(fit) or layouts[fit], MARGINS)
    assert chosen is layouts["fit-looser"]
    assert tried == ["", "fit-tighter", "fit-looser"]


def test_paginate_falls_back_to_the_fullest_last_page_when_nothing_fits():
    layouts = {"": result(3, 55), "fit-tighter": result(3, 70), "fit-looser": result(4, 60),
               "fit-carry-1": result(3, 90), "fit-carry-2": result(3, 80),
               "fit-carry-3": result(3, 52)}
    assert paginate(layouts.__getitem__, MARGINS) is layouts["fit-carry-1"]


LINKS = """<html lang="en"><head><title>t</title></head><body><p>See
  <a href="https://example.org/a"><span class="icon"></span>one</a>,
  <a href="https://example.org/b"><b><span></span></b>two</a> and
  <a href="https://example.org/c">www.example.org/<wbr>c/<wbr>d</a>.</p></body></html>"""


def links_and_empty_elements(pdf: bytes) -> tuple[list[str], list[str]]:
    """The structure type each link annotation hangs on, and empty reachable elements."""
    document, elements = structure_of(pikepdf.open(io.BytesIO(pdf)))
    nums = document.Root.StructTreeRoot.ParentTree.Nums
    tree = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    hung = [str(tree[int(a.StructParent)].S) for page in document.pages
            for a in page.obj.get("/Annots", []) if a.Subtype == "/Link"]
    empty = [str(e.S) for e in elements if e.get("/K") is None
             or (isinstance(e.K, pikepdf.Array) and len(e.K) == 0)]
    return hung, empty


def test_every_link_annotation_hangs_on_its_link_and_no_element_is_left_empty():
    raw = weasyprint.HTML(string=LINKS).write_pdf(pdf_variant="pdf/ua-1")
    hung, _ = links_and_empty_elements(raw)
    assert set(hung) != {"/Link"}  # WeasyPrint hangs some on the inner boxes' elements
    hung, empty = links_and_empty_elements(finish(raw))
    assert hung and set(hung) == {"/Link"}
    assert empty == []
