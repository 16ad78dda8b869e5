"""The one URL fetcher every renderer uses: local files under allowed folders, nothing else."""

from __future__ import annotations

import functools
import io
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlparse

from fontTools.ttLib import woff2
from weasyprint.urls import URLFetcher, URLFetcherResponse

mimetypes.add_type("font/woff2", ".woff2")
mimetypes.add_type("text/css", ".css")


class RefusedResource(Exception):
    """A renderer asked for something outside the allowed folders or off this machine."""


class LocalFetcher(URLFetcher):
    """Serves ``file:`` URLs under ``roots`` only; refuses http(s), data:, and everything else.

    WeasyPrint catches ordinary exceptions from a fetcher and logs a warning, so the
    refusal is also recorded in ``refused`` for the caller to turn into an error.
    """

    def __init__(self, roots: tuple[str, ...]) -> None:
        super().__init__(timeout=5, allowed_protocols=("file",), allow_redirects=False)
        self.roots = tuple(Path(r).resolve() for r in roots)
        self.refused: list[str] = []

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        parsed = urlparse(url)
        if parsed.scheme != "file" or parsed.netloc not in ("", "localhost"):
            return self._refuse(url, "only local files may be loaded")
        path = Path(unquote(parsed.path)).resolve()
        if not any(path.is_relative_to(root) for root in self.roots):
            return self._refuse(url, "outside templates/ and the article's folder")
        try:
            body = path.read_bytes()
        except OSError as exc:
            return self._refuse(url, exc.strerror or "cannot read")
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if body[:4] == b"wOF2":
            body, mime = unpacked_woff2(body), "font/ttf"
        return URLFetcherResponse(url, body, {"Content-Type": mime})

    def _refuse(self, url: str, why: str) -> URLFetcherResponse:
        self.refused.append(f"{url} ({why})")
        raise RefusedResource(f"refused {url}: {why}")


@functools.lru_cache(maxsize=32)
def unpacked_woff2(font: bytes) -> bytes:
    """The TrueType font inside a WOFF2 file, decompressed once per process.

    WeasyPrint would decompress it with the same fontTools call on every render (about
    0.45 s for the shipped fonts); keyed by the file's bytes, so an edited font is read anew.
    """
    out = io.BytesIO()
    woff2.decompress(io.BytesIO(font), out)
    return out.getvalue()
