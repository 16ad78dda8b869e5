"""The physical floor per article: the least work making a PDF and a web page, PDF read back.

    .venv/bin/python bench/floor.py [--reps 5] [ARTICLE.md ...]

In one warm process, per article: one pypandoc conversion of the Markdown to a
standalone HTML page, one WeasyPrint PDF of that HTML with a plain print stylesheet,
and PDFium's text extraction of every page. No templates, no gate, no other channel:
what any pipeline making these two outputs must at least do. Prints the median seconds
per article over ``--reps`` rounds, after one warm-up round (imports, fonts).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import pypandoc
import pypdfium2 as pdfium
import weasyprint

from channels.fetch import LocalFetcher

ROOT = Path(__file__).resolve().parents[1]
PRINT_CSS = weasyprint.CSS(string="@page { size: Letter; margin: 0.9in } "
                           "body { font: 12pt sans-serif; line-height: 1.5 }")


def one_article(source: Path, folder: Path) -> int:
    """HTML page and PDF of ``source`` written to ``folder``; returns the PDF's text length."""
    html = pypandoc.convert_file(str(source), "html5", extra_args=["-s", "--sandbox"])
    (folder / "page.html").write_text(html)
    fetcher = LocalFetcher((str(source.parent),))  # local files only, as the pipeline
    pdf = weasyprint.HTML(string=html, base_url=f"{source.parent}/",
                          url_fetcher=fetcher).write_pdf(stylesheets=[PRINT_CSS])
    (folder / "page.pdf").write_bytes(pdf)
    document = pdfium.PdfDocument(pdf)
    try:
        return sum(len(document[i].get_textpage().get_text_bounded())
                   for i in range(len(document)))
    finally:
        document.close()


def floor_seconds(sources: list[Path], reps: int) -> float:
    """Median wall seconds per article over ``reps`` rounds, after one warm-up round."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for source in sources:
            one_article(source, folder)
        rounds = []
        for _ in range(reps):
            started = time.perf_counter()
            for source in sources:
                one_article(source, folder)
            rounds.append((time.perf_counter() - started) / len(sources))
    return statistics.median(rounds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sources", nargs="*", type=Path)
    parser.add_argument("--reps", type=int, default=5)
    args = parser.parse_args()
    sources = args.sources or sorted((ROOT / "source").glob("*.md"))
    print(f"floor: {floor_seconds(sources, args.reps):.3f} s per article "
          f"({len(sources)} article(s), median of {args.reps})")


if __name__ == "__main__":
    main()
