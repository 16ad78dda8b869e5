"""PDF handout (WeasyPrint): the page clinicians print and hand to patients."""

from __future__ import annotations

import logging
from pathlib import Path

import pypdfium2 as pdfium
import weasyprint

from .article import Article
from .base import Context, Expectation, Rendered
from .disclaimers import Disclaimer
from .errors import InputError
from .fetch import LocalFetcher
from .templating import render

FILE = "handout.pdf"


class PdfHandout:
    name = "pdf"

    def render(self, article: Article, context: Context) -> Rendered:
        required = context.required_for(self.name)
        html = render(
            context.templates_dir, "pdf/handout.html",
            article=article, site=context.site, body=context.body.html_for(self.name),
            disclaimers=required, short_disclaimers=_short(required),
        )
        fetcher = LocalFetcher((context.templates_dir, context.article_dir))
        document = weasyprint.HTML(
            string=html, base_url=str(Path(context.templates_dir)) + "/", url_fetcher=fetcher,
        )
        with _capture_warnings() as warnings:
            pdf = document.write_pdf(pdf_variant="pdf/ua-1", uncompressed_pdf=False)
        if fetcher.refused:
            raise InputError(article.path, f"pdf: {fetcher.refused[0]}",
                             "use files under templates/ or next to the article")
        return Rendered(self.name, ((FILE, pdf),), tuple(warnings))

    def extract_text(self, rendered: Rendered) -> dict[str, str]:
        pages = page_texts(rendered.file(FILE))
        parts = {f"page {i}": text for i, text in enumerate(pages, start=1)}
        parts["document"] = "\n".join(pages)
        return parts

    def expectations(self, required: tuple[Disclaimer, ...]) -> list[Expectation]:
        full = [Expectation(d, "full", "any", "document") for d in required]
        short = [Expectation(d, "short", "each", "page ") for d in _short(required)]
        return full + short


def _short(required: tuple[Disclaimer, ...]) -> tuple[Disclaimer, ...]:
    """Disclaimers repeated in every page footer: all but the article-specific ones."""
    return tuple(d for d in required if d.id in ("not-medical-advice", "crisis-988"))


def page_texts(pdf: bytes) -> list[str]:
    """Text of every page, in reading order, as PDFium extracts it."""
    document = pdfium.PdfDocument(pdf)
    try:
        return [document[i].get_textpage().get_text_bounded() for i in range(len(document))]
    finally:
        document.close()


class _capture_warnings:
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
