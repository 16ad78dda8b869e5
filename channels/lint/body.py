"""The checks on an article's body: list intros, health claims, alt text, safe messaging, links."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from channels.content.article import Article
from channels.gate.html_text import visible_text

Raw = tuple[str, str, str, str]  # check, where, what, fix
_LIST_START = re.compile(r"^\s*([-*+]|\d+[.)]|#\.)\s")
_SUICIDE = re.compile(
    r"\bsuicid\w*|\bself[- ]harm\w*|\bkill(?:ing)? (?:myself|themselves|himself|herself)",
    re.IGNORECASE,
)
_COMMITTED = re.compile(r"\bcommit(?:s|ted|ting)? suicide\b", re.IGNORECASE)
# Method and location details (safe-messaging guidance: never describe them).
_METHODS = re.compile(
    r"\b(overdos\w*|hang(?:ed|ing)\b|jump(?:ed|ing)? (?:off|from)|bridge|firearm|"
    r"gun|pills?|rope|wrists?)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Source:
    """An article with its body as HTML, and what the link check needs to know of the site."""

    article: Article
    body_html: str
    site_base: str
    slugs: tuple[str, ...]
    crisis_line: bool = True
    crisis_disclaimer: str = ""

    @cached_property
    def plain_text(self) -> str:
        # One line per block (heading, paragraph, list item): pandoc's own wrapping undone.
        return visible_text(re.sub(r"\s+", " ", self.body_html))

    def line_of(self, needle: str) -> str:
        """``file:line`` of the first body line containing ``needle`` (the body start if none)."""
        lowered = needle.casefold()
        for index, line in enumerate(self.article.body.splitlines()):
            if lowered in line.casefold():
                return f"{self.article.path}:{self.article.body_line + index}"
        return self.start

    @property
    def start(self) -> str:
        """``file:line`` of the body's first non-blank line."""
        lines = self.article.body.splitlines()
        index = next((i for i, line in enumerate(lines) if line.strip()), 0)
        return f"{self.article.path}:{self.article.body_line + index}"


def body_checks(source: Source, claims: tuple[str, ...], known_paths: tuple[str, ...]) -> list[Raw]:
    return [
        *list_intros(source),
        *health_claims(source, claims),
        *image_alts(source),
        *safe_messaging(source),
        *internal_links(source, known_paths),
    ]


def list_intros(source: Source) -> list[Raw]:
    """A paragraph ending in ':' that is followed by another paragraph, not a list."""
    article, found = source.article, []
    blocks = _blocks(article.body)
    nexts = [text for _, text in blocks[1:]] + [""]
    for (line, text), following in zip(blocks, nexts, strict=True):
        if text.rstrip().endswith(":") and not _LIST_START.match(following):
            found.append(
                (
                    "list_intro",
                    f"{article.path}:{article.body_line + line}",
                    f"'{_tail(text)}' introduces a list that never comes",
                    "add the list, or end the sentence with a full stop",
                )
            )
    return found


def _blocks(body: str) -> list[tuple[int, str]]:
    """(first line index, text) of every blank-line-separated block outside fenced divs."""
    blocks: list[tuple[int, str]] = []
    current: list[str] = []
    start = 0
    for index, line in enumerate([*body.splitlines(), ""]):
        if line.strip() and not line.lstrip().startswith(":::"):
            start = index if not current else start
            current.append(line)
        elif current:
            blocks.append((start, " ".join(current)))
            current = []
    return blocks


def _tail(text: str) -> str:
    words = text.split()
    return ("…" if len(words) > 6 else "") + " ".join(words[-6:])


def health_claims(source: Source, claims: tuple[str, ...]) -> list[Raw]:
    found = []
    text = "\n".join((source.article.title, source.article.summary, source.plain_text))
    for phrase in claims:
        pattern = r"(?<!\w)" + re.escape(phrase) + r"(?!\w)"
        if re.search(pattern, text, re.IGNORECASE):
            found.append(
                (
                    "health_claims",
                    source.line_of(phrase),
                    f"absolute health claim '{phrase}'",
                    'qualify it ("may help", "studies suggest") or cite the evidence',
                )
            )
    return found


def safe_messaging(source: Source) -> list[Raw]:
    text = source.plain_text
    mention = _SUICIDE.search(text)
    if not mention:
        return []
    where = source.line_of(mention.group(0))
    found = [
        (
            "safe_messaging",
            source.line_of(m.group(0)),
            f"'{m.group(0)}'",
            "write 'died by suicide' (safe-messaging guidance)",
        )
        for m in _COMMITTED.finditer(text)
    ]
    found += [
        (
            "safe_messaging",
            source.line_of(m.group(0)),
            f"'{m.group(0)}' may describe a method or location of suicide",
            "remove method and location details",
        )
        for m in _METHODS.finditer(text)
    ]
    if not source.crisis_line:
        found.append(
            (
                "safe_messaging",
                where,
                "suicide or self-harm is mentioned without the 988 line",
                f"add a mental-health tag or the {source.crisis_disclaimer} disclaimer",
            )
        )
    return found


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.images: list[dict[str, str | None]] = []
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(str(values["id"]))
        if tag == "img":
            self.images.append(values)
        if tag == "a" and values.get("href"):
            self.links.append(str(values["href"]))


def _refs(html: str) -> _Refs:
    refs = _Refs()
    refs.feed(html)
    refs.close()
    return refs


def image_alts(source: Source) -> list[Raw]:
    return [
        (
            "image_alt",
            source.line_of(str(img.get("src") or "![")),
            f"the image '{img.get('src')}' has no alt text",
            "describe it: ![what the image shows](file.png)",
        )
        for img in _refs(source.body_html).images
        if not (img.get("alt") or "").strip()
    ]


def internal_links(source: Source, known_paths: tuple[str, ...]) -> list[Raw]:
    refs = _refs(source.body_html)
    cta = source.article.cta.url if source.article.cta else None
    targets = [*refs.links, *([cta] if cta else [])]
    return [
        (
            "internal_links",
            source.line_of(href),
            f"the link '{href}' does not resolve inside the site",
            "link to an existing article (/slug/) or page, or fix the anchor",
        )
        for href in targets
        if not _resolves(source, refs.ids, known_paths, href)
    ]


def _resolves(source: Source, ids: set[str], known_paths: tuple[str, ...], href: str) -> bool:
    if href.startswith("#"):
        return href[1:] in ids
    url = urlsplit(urljoin(source.article.url, href))
    if url.netloc != urlsplit(source.site_base).netloc:
        return True  # outside the site: not ours to resolve offline
    path = "/" + url.path.strip("/")
    known = {"/" + p.strip("/") for p in known_paths}
    return path in known or path.strip("/") in source.slugs
