"""WeasyPrint, hermetic: local files only, warnings collected, PDF/UA-1 out."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import weasyprint

from channels.fetch import LocalFetcher
from channels.pdf import textmap
from channels.pdf.structure import finish

PDF_TIMEOUT_S = 60
PT_PER_PX = 0.75  # WeasyPrint's page geometry is in CSS px (96 per inch), PDF's in pt


# The element whose page and top the pagination reads (the handout's closing block).
CLOSING_ID = "closing"


@dataclass(frozen=True)
class PdfResult:
    """The PDF, what WeasyPrint warned about, what the fetcher refused to load, and where
    the closing block landed (page number from 1, its top in pt; 0 when there is none)."""

    pdf: bytes
    warnings: tuple[str, ...]
    refused: tuple[str, ...]
    pages: int = 0
    page_height: float = 0.0
    closing_page: int = 0
    closing_top: float = 0.0


def render_pdf(html: str, base_url: str, roots: tuple[str, ...]) -> PdfResult:
    """Render ``html`` in this thread, loading only files under ``roots``."""
    fetcher = LocalFetcher(roots)
    document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher)
    with _CapturedWarnings() as warnings:
        laid_out = document.render(pdf_variant="pdf/ua-1")
        with textmap.recording() as heard:
            pdf = laid_out.write_pdf(pdf_variant="pdf/ua-1", uncompressed_pdf=False)
        pdf = textmap.apply(pdf, heard)
    page, top = _anchor(laid_out.pages, CLOSING_ID)
    height = laid_out.pages[0].height * PT_PER_PX if laid_out.pages else 0.0
    return PdfResult(finish(pdf), tuple(warnings), tuple(fetcher.refused),
                     len(laid_out.pages), height, page, top)


def _anchor(pages: list, name: str) -> tuple[int, float]:  # type: ignore[type-arg]
    """The page number (from 1) and top (pt) of the element with id ``name``, or (0, 0)."""
    for number, page in enumerate(pages, start=1):
        if name in page.anchors:
            return number, page.anchors[name][1] * PT_PER_PX
    return 0, 0.0


class _CapturedWarnings:
    """Collect WeasyPrint's warnings (refused fetches, missing glyphs) for the report."""

    def __enter__(self) -> list[str]:
        self.records: list[str] = []
        self.handler = logging.Handler(logging.WARNING)
        self.handler.emit = lambda record: self.records.append(record.getMessage())  # type: ignore[method-assign]
        self.logger = logging.getLogger("weasyprint")
        self.logger.addHandler(self.handler)
        self.propagate = self.logger.propagate
        self.logger.propagate = False
        return self.records

    def __exit__(self, *exc: object) -> None:
        self.logger.removeHandler(self.handler)
        self.logger.propagate = self.propagate
