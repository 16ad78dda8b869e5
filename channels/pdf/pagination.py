"""Pagination that keeps its promises: no near-empty last page under the closing block.

The closing block (QR code, full disclaimers, 988 box) never splits (``break-inside:
avoid``), so it always sits whole on the last page.  When the body content above it
there fills less than ``NEAR_EMPTY`` of the text area, the handout is laid out again:
tighter (to drop that page), looser, or with the body's last 1, 2 or 3 blocks carried
over to the last page (to fill it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from channels.gate.pdf_text import Margins
from channels.pdf.engine import PdfResult

# Less than this share of the last page's text area used by body content = near-empty.
NEAR_EMPTY = 0.20
# Classes on <body> (templates/pdf/handout.css), tried in this order after the default.
FITS = ("fit-tighter", "fit-looser", "fit-carry-1", "fit-carry-2", "fit-carry-3")


@dataclass(frozen=True)
class Fill:
    """How a layout ends: pages, and the body's share of the last page above the closing."""

    pages: int
    body_share: float

    @property
    def near_empty(self) -> bool:
        return self.pages > 1 and self.body_share < NEAR_EMPTY


def fill(result: PdfResult, margins: Margins) -> Fill:
    """The last page's body share, from where the closing block starts on it."""
    area = result.page_height - margins.top - margins.bottom
    if not result.closing_page or area <= 0:
        return Fill(result.pages, 1.0)
    share = max(0.0, result.closing_top - margins.top) / area
    return Fill(result.pages, share if result.closing_page == result.pages else 0.0)


def paginate(render: Callable[[str], PdfResult], margins: Margins) -> PdfResult:
    """The default layout unless its last page is near-empty; then the best other fit.

    ``render(fit)`` lays the handout out with ``fit`` as the class of ``<body>``.
    Best = not near-empty, then fewest pages, then the fuller last page.
    """
    first = render("")
    if not fill(first, margins).near_empty:
        return first
    tried = [first]
    for fit in FITS:
        tried.append(render(fit))
        if not fill(tried[-1], margins).near_empty:
            break
    return min(tried, key=lambda r: _rank(fill(r, margins)))


def _rank(found: Fill) -> tuple[bool, int, float]:
    return found.near_empty, found.pages, -found.body_share
