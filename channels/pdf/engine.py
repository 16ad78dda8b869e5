"""WeasyPrint, hermetic: local files only, warnings collected, PDF/UA-1 out."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import weasyprint

from channels.fetch import LocalFetcher

PDF_TIMEOUT_S = 60


@dataclass(frozen=True)
class PdfResult:
    """The PDF, what WeasyPrint warned about, and what the fetcher refused to load."""

    pdf: bytes
    warnings: tuple[str, ...]
    refused: tuple[str, ...]


def render_pdf(html: str, base_url: str, roots: tuple[str, ...]) -> PdfResult:
    """Render ``html`` in this thread, loading only files under ``roots``."""
    fetcher = LocalFetcher(roots)
    document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher)
    with _CapturedWarnings() as warnings:
        pdf = document.write_pdf(pdf_variant="pdf/ua-1", uncompressed_pdf=False)
    return PdfResult(pdf, tuple(warnings), tuple(fetcher.refused))


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
