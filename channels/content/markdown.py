"""Markdown to HTML and plain text through pandoc, with per-channel blocks.

One pandoc call makes the HTML for every channel (``.only`` blocks are marked with
unforgeable comments and cut per channel here); one more makes the plain text.
"""

from __future__ import annotations

import functools
import html as html_lib
import re
import secrets
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import pypandoc

from channels.content.sanitize import sanitize_html
from channels.errors import InputError

FILTER = Path(__file__).with_name("filters") / "only.lua"
READER = "markdown+smart-raw_tex"
PANDOC_TIMEOUT_S = 60


@dataclass(frozen=True)
class Body:
    """The article body converted once, ready to cut per channel."""

    marked_html: str
    nonce: str
    base_dir: str = ""

    def html_for(self, channel: str, image_base: str = "") -> str:
        """Sanitized HTML with only the blocks meant for ``channel``.

        Images: the PDF reads them from the article's folder; the web page and the
        newsletter point at copies published beside the page (``image_base`` + flat name).
        """
        html = _clean(self.marked_html, self.nonce, channel)
        if channel == "pdf" and self.base_dir:
            # The PDF is rendered with templates/ as its base URL, but an article's images
            # live next to the article: make them absolute (the sanitizer let only
            # relative paths through, and LocalFetcher still checks every one).
            return _IMG_SRC.sub(lambda m: m.group(1) + _file_url(self.base_dir, m.group(2)), html)
        return _IMG_SRC.sub(lambda m: m.group(1) + image_base + _flat(m.group(2)), html)

    def image_files(self, channel: str) -> tuple[tuple[str, bytes], ...]:
        """The images ``channel``'s HTML shows, as files to publish beside the page."""
        html = _clean(self.marked_html, self.nonce, channel)
        sources = dict.fromkeys(m.group(2) for m in _IMG_SRC.finditer(html))
        folder = Path(self.base_dir)
        return tuple(
            (_flat(src), (folder / unquote(html_lib.unescape(src))).read_bytes()) for src in sources
        )


@functools.lru_cache(maxsize=16)
def _clean(marked_html: str, nonce: str, channel: str) -> str:
    """The channel's cut of the body, sanitized once (the page asks for it twice)."""
    return sanitize_html(_cut(marked_html, nonce, channel))


def _flat(src: str) -> str:
    """``img/a b.png`` → ``img-a-b.png``: one folder level, safe in a URL."""
    name = unquote(html_lib.unescape(src)).strip("/").replace("/", "-")
    return re.sub(r"[^A-Za-z0-9._-]", "-", name)


def convert(markdown: str, where: str, base_dir: str | None = None) -> Body:
    """Convert the article body to marked HTML (one pandoc call).

    ``base_dir`` is the folder the body's images are relative to (default: ``where``'s).
    """
    nonce = secrets.token_hex(8)
    html = _pandoc(
        markdown, "html5", where, ["--section-divs", "--metadata", f"only_nonce={nonce}"]
    )
    folder = base_dir if base_dir is not None else str(Path(where).parent.resolve())
    return Body(html, nonce, folder)


def _file_url(folder: str, src: str) -> str:
    return html_lib.escape((Path(folder) / unquote(html_lib.unescape(src))).as_uri())


def to_plain(markdown: str, channel: str, where: str) -> str:
    """Plain text of the body for ``channel`` (used for the text/plain email)."""
    text = _pandoc(
        markdown,
        "plain",
        where,
        ["--metadata", f"only_channel={channel}", "--columns=72", "--wrap=auto"],
    )
    return text.strip() + "\n"


def _pandoc(markdown: str, to: str, where: str, extra: list[str]) -> str:
    # The binary comes from the pypandoc-binary wheel; calling it directly lets us
    # put a timeout on it.  --sandbox: the body may not include files or URLs.
    command = [
        _pandoc_path(),
        "--from",
        READER,
        "--to",
        to,
        "--sandbox",
        "--lua-filter",
        str(FILTER),
        *extra,
    ]
    try:
        done = subprocess.run(
            command,
            input=markdown.encode("utf-8"),
            capture_output=True,
            timeout=PANDOC_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise InputError(
            where,
            f"pandoc did not finish within {PANDOC_TIMEOUT_S} s",
            "simplify the body (deep nesting or huge blocks)",
        ) from None
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise InputError(
            where, f"pandoc could not convert the body: {lines[-1] if lines else done.returncode}"
        )
    return done.stdout.decode("utf-8")


@functools.cache
def _pandoc_path() -> str:
    return pypandoc.get_pandoc_path()


_IMG_SRC = re.compile(r'(<img\b[^>]*?\bsrc=")([^"]*)')
_MARK = re.compile(r"<!--(/?)only:(?:([^:>]*):)?([0-9a-f]{16})-->")


def _cut(html: str, nonce: str, channel: str) -> str:
    """Remove the ``.only`` blocks whose channel list does not include ``channel``."""
    out: list[str] = []
    stack: list[bool] = []  # keep-flags of the open blocks
    pos = 0
    for match in _MARK.finditer(html):
        if match.group(3) != nonce:
            continue
        if all(stack):
            out.append(html[pos : match.start()])
        if match.group(1):
            stack.pop()
        else:
            names = {n.strip() for n in (match.group(2) or "").split(",")}
            stack.append(channel in names)
        pos = match.end()
    if all(stack):
        out.append(html[pos:])
    return "".join(out)
