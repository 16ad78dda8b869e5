"""PDF handout (WeasyPrint): the page clinicians print and hand to patients."""

from __future__ import annotations

import contextlib
import functools
import io
import signal
import threading
from collections.abc import Iterator
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image

from channels.base import Channel, Context, Expectation, Rendered
from channels.content.article import Article
from channels.content.disclaimers import Disclaimer
from channels.errors import InputError
from channels.gate.match import Check
from channels.gate.pdf_pixels import pdf_pixel_checks
from channels.gate.pdf_text import Margins, conspicuous_pages
from channels.pdf.engine import PDF_TIMEOUT_S, PdfResult, render_pdf
from channels.pdf.glyphs import check_coverage, families, refuse, shipped_faces
from channels.pdf.layout import split_takeaways
from channels.pdf.pagination import paginate
from channels.pdf.pdffonts import glyph_problems
from channels.pdf.qr import handout_url, qr_svg
from channels.pdf.worker import render_in_child
from channels.templating import render

FILE = "handout.pdf"
# One source for the page margins: the stylesheet gets them from here, and the
# gate uses them to tell the page body from the running header and footer.
MARGINS = Margins(top=0.6 * 72, right=0.6 * 72, bottom=0.8 * 72, left=0.6 * 72)
# Previews: readable on a screen, small on disk, and the QR code still decodes.
PREVIEW_DPI = 96


class PdfHandout(Channel):
    name = "pdf"
    files = (FILE,)
    opens = FILE
    lone = (".pdf",)

    def render(self, article: Article, context: Context) -> Rendered:
        required = context.required_for(self.name)
        online = handout_url(article.url, article.slug)
        summary, body = split_takeaways(context.body.html_for(self.name))
        page = functools.partial(
            render, context.templates_dir, "pdf/handout.html", summary=summary,
            article=article, site=context.site, body=body,
            disclaimers=required, short_disclaimers=_every_page(required), margins=MARGINS,
            qr=qr_svg(online, f"QR code: {article.url}"), online=online,
        )
        check_coverage(page(fit=""), context.templates_dir, article.path, self.name)
        roots = (context.templates_dir, context.article_dir)
        base = str(Path(context.templates_dir)) + "/"
        result = paginate(lambda fit: write_pdf(page(fit=fit), base, roots, article.path),
                          MARGINS)
        if result.refused:
            raise InputError(article.path, f"pdf: {result.refused[0]}",
                             "use files under templates/ or next to the article")
        for problem in glyph_problems(result.pdf, families(shipped_faces(context.templates_dir))):
            refuse(article.path, self.name, problem.char, problem.what)
        return Rendered(self.name, ((FILE, result.pdf), *previews(result.pdf)), result.warnings)

    def extract_text(self, rendered: Rendered) -> dict[str, str]:
        """Conspicuous text only; "page N" keeps the footer, "document…" is body text.

        "document" joins every page body, so a disclaimer may run across a page break
        without the footer interleaving; "document page N" names where one was found.
        """
        pages = conspicuous_pages(rendered.file(FILE), MARGINS)
        parts = {f"page {p.number}": p.whole for p in pages}
        parts["document"] = "\n".join(p.body for p in pages)
        parts.update({f"document page {p.number}": p.body for p in pages})
        return parts

    def expectations(self, required: tuple[Disclaimer, ...]) -> list[Expectation]:
        full = [Expectation(d, "full", "any", "document") for d in required]
        short = [Expectation(d, "short", "each", "page ") for d in _every_page(required)]
        return full + short

    def painted(self, rendered: Rendered, expectations: list[Expectation],
                shared: dict[str, bytes]) -> list[Check]:
        """The pixel witness: PDFium's own rendering of each disclaimer's characters."""
        return pdf_pixel_checks(self.name, rendered.file(FILE), expectations, MARGINS)

    def recognize(self, path: Path, data: bytes) -> str | None:
        return FILE if path.suffix.lower() == ".pdf" else None


def _every_page(required: tuple[Disclaimer, ...]) -> tuple[Disclaimer, ...]:
    """The disclaimers whose short form every page footer repeats (``every_page`` in the policy)."""
    return tuple(d for d in required if d.every_page)


def write_pdf(html: str, base_url: str, roots: tuple[str, ...], where: str) -> PdfResult:
    """Render with a time limit: a timer signal in a main thread (worker processes, the
    preview, tests), else a child process (a flow's task thread cannot take signals)."""
    if threading.current_thread() is not threading.main_thread():
        return render_in_child(html, base_url, roots, where)
    with _time_limit(PDF_TIMEOUT_S, where):
        return render_pdf(html, base_url, roots)


class _TooSlow(BaseException):
    """Raised by the timer; a BaseException so no ``except Exception`` inside WeasyPrint eats it."""


@contextlib.contextmanager
def _time_limit(seconds: float, where: str) -> Iterator[None]:
    def expire(signum: int, frame: object) -> None:
        raise _TooSlow

    previous = signal.signal(signal.SIGALRM, expire)
    # Repeat every 0.1 s: an exception raised while C code (cffi callbacks) runs is
    # swallowed there, so the timer keeps firing until one lands in Python code.
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.1)
    try:
        yield
    except _TooSlow:
        raise InputError(where, f"pdf: rendering did not finish within {seconds:g} s",
                         "shorten the article or simplify its tables and lists") from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def previews(pdf: bytes) -> list[tuple[str, bytes]]:
    """``handout-1.png``, … : every page as an image, for people who will not open the PDF."""
    document = pdfium.PdfDocument(pdf)
    try:
        return [(f"handout-{i + 1}.png", _png(document[i])) for i in range(len(document))]
    finally:
        document.close()


def _png(page: pdfium.PdfPage) -> bytes:
    image = page.render(scale=PREVIEW_DPI / 72).to_pil()
    out = io.BytesIO()
    # 64 colours keep antialiased text and the brand colours; the file is a third the size.
    palette = image.quantize(colors=64, method=Image.Quantize.FASTOCTREE)
    # zlib level 6, not optimize=True (level 9 and a filter search): 3× faster, ~1% larger.
    palette.save(out, format="PNG", compress_level=6)
    return out.getvalue()


def page_texts(pdf: bytes) -> list[str]:
    """Text of every page, in reading order, as PDFium extracts it."""
    document = pdfium.PdfDocument(pdf)
    try:
        return [document[i].get_textpage().get_text_bounded() for i in range(len(document))]
    finally:
        document.close()
