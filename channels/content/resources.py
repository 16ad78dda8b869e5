"""What an article body may point at: local images next to it, links off the local network."""

from __future__ import annotations

import bisect
import html
import ipaddress
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

from channels.errors import InputError

# ![alt](src "title") and ![alt](<src with spaces>)
_MD_IMAGE = re.compile(r"!\[(?:[^\]\\]|\\.)*\]\(\s*(<[^>\n]*>|[^)\s]+)")
# ![alt][label], ![label][] and ![label]
_MD_IMAGE_REF = re.compile(r"!\[((?:[^\]\\]|\\.)*)\](?:\[([^\]]*)\])?")
_REF_DEF = re.compile(r"^ {0,3}\[([^\]]+)\]:\s*(<[^>\n]*>|\S+)", re.MULTILINE)
_MD_LINK = re.compile(r"\]\(\s*(<[^>\n]*>|[^)\s]+)|<((?:https?|ftp|file)://[^>\s]+)>",
                      re.IGNORECASE)
# Any attribute of raw HTML that can name a URL (the sanitizer drops most; refuse early anyway).
_HTML_URL = re.compile(r"""\b(src|href|srcset|poster|action|formaction|background|xlink:href)\s*=\s*
                           (?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE | re.VERBOSE)
# Code blocks and spans, except raw HTML ones ({=html}), which pandoc passes through.
_CODE = re.compile(r"^(`{3,}|~{3,})(?![^\n]*=html)[^\n]*\n.*?^\1[`~]*[ \t]*$|`[^`\n]+`(?!\{=html)",
                   re.MULTILINE | re.DOTALL)
_LOCAL_NAMES = ("localhost", ".localhost", ".local", ".internal", ".lan", ".home.arpa",
                ".localdomain")


@dataclass(frozen=True)
class Ref:
    """One URL found in the body, with the line it is on and whether it is loaded."""

    url: str
    line: int
    image: bool


def check_body_urls(body: str, body_line: int, name: str, article_dir: Path) -> None:
    """Refuse missing or outside images and any URL that points at the local network.

    Raises:
        InputError: ``file:line``, the URL, and what to do instead.
    """
    for ref in find_refs(body, body_line):
        where = f"{name}:{ref.line}"
        if points_to_local_network(ref.url):
            raise InputError(where,
                             f"'{_short(ref.url)}' points to this machine or the local network",
                             "link only to public https:// addresses")
        if ref.image:
            _check_image(ref.url, where, article_dir)


def find_refs(body: str, body_line: int) -> list[Ref]:
    """Every image source and link target in the Markdown and its raw HTML."""
    line_of = _LineIndex(body, body_line)
    body = _CODE.sub(_blank, body)  # code shows URLs as text; offsets and lines are kept
    refs = [Ref(_unbracket(m.group(1)), line_of(m.start()), True) for m in _MD_IMAGE.finditer(body)]
    image_labels = _image_labels(body)
    for match in _REF_DEF.finditer(body):
        image = _norm_label(match.group(1)) in image_labels
        refs.append(Ref(_unbracket(match.group(2)), line_of(match.start()), image))
    for match in _MD_LINK.finditer(body):
        url = _unbracket(match.group(1) or match.group(2))
        refs.append(Ref(url, line_of(match.start()), False))
    for match in _HTML_URL.finditer(body):
        value = html.unescape(next(g for g in match.groups()[1:] if g is not None))
        image = match.group(1).lower() in ("src", "srcset", "poster", "background")
        refs.append(Ref(value.strip(), line_of(match.start()), image))
    return refs


def points_to_local_network(url: str) -> bool:
    """Whether ``url`` names this machine or a private network (by name or address; no DNS)."""
    host = (urlparse(_clean(url)).hostname or "").rstrip(".").lower()
    if not host:
        return False
    if host == "localhost" or host.endswith(_LOCAL_NAMES):
        return True
    address = _as_address(host)
    return address is not None and not address.is_global


IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp"})


def _check_image(url: str, where: str, article_dir: Path) -> None:
    parsed = urlparse(_clean(url))
    scheme = parsed.scheme.lower()
    if scheme in ("http", "https", "ftp") or url.startswith("//"):
        raise InputError(where, f"image '{_short(url)}' is on the internet; "
                         "renderers load only local files",
                         "save the image next to the article and use its file name")
    if scheme not in ("", "file"):
        raise InputError(where, f"image '{_short(url)}' uses a {scheme}: URL, which is not allowed",
                         "save the image next to the article and use its file name")
    folder = article_dir.resolve()
    target = (folder / unquote(parsed.path)).resolve()
    if not target.is_relative_to(folder):
        raise InputError(where, f"image '{_short(url)}' is outside the article's folder {folder}",
                         "copy the image next to the article and use its file name")
    if not target.is_file():
        raise InputError(where, f"image '{_short(url)}' not found in {folder}",
                         "check the file name or add the image next to the article")
    if target.suffix.lower() not in IMAGE_SUFFIXES:
        raise InputError(where, f"'{_short(url)}' is not an image file",
                         "use a " + ", ".join(sorted(IMAGE_SUFFIXES)) + " file")


def _as_address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        pass
    # 2130706433, 0x7f000001, 127.1: forms browsers and curl still accept for IPv4.
    try:
        return ipaddress.IPv4Address(_inet_aton(host))
    except (ValueError, ipaddress.AddressValueError):
        return None


def _inet_aton(host: str) -> int:
    parts = [int(p, 0) if not re.fullmatch(r"0\d+", p) else int(p, 8) for p in host.split(".")]
    if not 1 <= len(parts) <= 4:
        raise ValueError(host)
    value = 0
    for part in parts[:-1]:
        value = value * 256 + part
    return value * 256 ** (5 - len(parts)) + parts[-1]


def _blank(match: re.Match[str]) -> str:
    return re.sub(r"[^\n]", " ", match.group(0))


def _image_labels(body: str) -> set[str]:
    labels = set()
    for match in _MD_IMAGE_REF.finditer(body):
        if body[match.end(): match.end() + 1] != "(":
            labels.add(_norm_label(match.group(2) or match.group(1)))
    return labels


def _norm_label(label: str) -> str:
    return " ".join(label.lower().split())


def _unbracket(url: str) -> str:
    return url[1:-1].strip() if url.startswith("<") and url.endswith(">") else url


def _clean(url: str) -> str:
    # Browsers ignore tabs, newlines and leading controls inside URLs; so must we.
    return re.sub(r"[\x00-\x20\x7f]", "", url)


def _short(url: str) -> str:
    return url if len(url) <= 80 else url[:77] + "..."


class _LineIndex:
    """Offset in the body to line number in the file."""

    def __init__(self, body: str, body_line: int) -> None:
        self.starts = [0] + [m.end() for m in re.finditer("\n", body)]
        self.first = body_line

    def __call__(self, offset: int) -> int:
        return self.first + bisect.bisect_right(self.starts, offset) - 1
