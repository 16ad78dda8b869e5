"""WeasyPrint in a child process with a time limit (no threads, no signals in the caller).

``write_pdf`` starts ``python -m channels.pdfworker``, sends the HTML on stdin and
kills the child when the limit passes.  The child loads resources only through
``LocalFetcher`` and reports what it refused and warned, so callers keep their checks.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from dataclasses import dataclass

from .errors import InputError

PDF_TIMEOUT_S = 60


@dataclass(frozen=True)
class PdfResult:
    pdf: bytes
    warnings: tuple[str, ...]
    refused: tuple[str, ...]


def write_pdf(html: str, base_url: str, roots: tuple[str, ...], where: str,
              timeout_s: float = PDF_TIMEOUT_S) -> PdfResult:
    """Render ``html`` to PDF/UA-1 in a child process that may run ``timeout_s`` at most.

    Raises:
        InputError: the render took too long, or the child failed (its last line).
    """
    request = json.dumps({"html": html, "base_url": base_url, "roots": list(roots)}).encode()
    try:
        done = subprocess.run([sys.executable, "-m", "channels.pdfworker"], input=request,
                              capture_output=True, timeout=timeout_s, check=False)
    except subprocess.TimeoutExpired:
        raise InputError(where, f"pdf: rendering did not finish within {timeout_s:g} s",
                         "shorten the article or simplify its tables and lists") from None
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines() or ["no message"]
        raise InputError(where, f"pdf: the renderer failed: {lines[-1]}")
    header, _, pdf = done.stdout.partition(b"\n")
    notes = json.loads(header)
    return PdfResult(pdf, tuple(notes["warnings"]), tuple(notes["refused"]))


def _serve() -> None:
    import weasyprint

    from .fetch import LocalFetcher

    request = json.loads(sys.stdin.buffer.read())
    fetcher = LocalFetcher(tuple(request["roots"]))
    warnings: list[str] = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = lambda record: warnings.append(record.getMessage())  # type: ignore[method-assign]
    logging.getLogger("weasyprint").addHandler(handler)
    document = weasyprint.HTML(string=request["html"], base_url=request["base_url"],
                               url_fetcher=fetcher)
    pdf = document.write_pdf(pdf_variant="pdf/ua-1")
    header = json.dumps({"warnings": warnings, "refused": fetcher.refused}).encode()
    sys.stdout.buffer.write(header + b"\n" + pdf)


if __name__ == "__main__":
    _serve()
