"""WeasyPrint in a child process with a time limit (no threads, no signals in the caller).

``render_in_child`` starts ``python -m channels.pdf.worker``, sends the HTML on stdin
and kills the child when the limit passes.  The child renders through the same
hermetic engine and reports what it refused and warned, so callers keep their checks.
"""

from __future__ import annotations

import json
import subprocess
import sys

from channels.errors import InputError
from channels.pdf.engine import PDF_TIMEOUT_S, PdfResult, render_pdf


def render_in_child(html: str, base_url: str, roots: tuple[str, ...], where: str,
                    timeout_s: float = PDF_TIMEOUT_S) -> PdfResult:
    """Render ``html`` to PDF/UA-1 in a child process that may run ``timeout_s`` at most.

    Raises:
        InputError: the render took too long, or the child failed (its last line).
    """
    request = json.dumps({"html": html, "base_url": base_url, "roots": list(roots)}).encode()
    try:
        done = subprocess.run([sys.executable, "-m", "channels.pdf.worker"], input=request,
                              capture_output=True, timeout=timeout_s, check=False)
    except subprocess.TimeoutExpired:
        raise InputError(where, f"pdf: rendering did not finish within {timeout_s:g} s",
                         "shorten the article or simplify its tables and lists") from None
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines() or ["no message"]
        raise InputError(where, f"pdf: the renderer failed: {lines[-1]}")
    header, _, pdf = done.stdout.partition(b"\n")
    notes = json.loads(header)
    return PdfResult(pdf, tuple(notes["warnings"]), tuple(notes["refused"]), *notes["layout"])


def _serve() -> None:
    request = json.loads(sys.stdin.buffer.read())
    result = render_pdf(request["html"], request["base_url"], tuple(request["roots"]))
    layout = [result.pages, result.page_height, result.closing_page, result.closing_top]
    header = json.dumps({"warnings": result.warnings, "refused": result.refused,
                         "layout": layout}).encode()
    sys.stdout.buffer.write(header + b"\n" + result.pdf)


if __name__ == "__main__":
    _serve()
