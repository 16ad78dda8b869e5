"""The disclaimer gate: find every required disclaimer in the text read back from an artifact.

Matching is truthful: both sides are normalized for how renderers and editors
legitimately change text (Unicode forms and ligatures, curly quotes, dashes,
soft hyphens, hyphenation at line breaks, wrapping), and then the whole
disclaimer must appear, word-bounded.  A truncated or reworded one never matches.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass

from channels.gate.expectations import Expectation

_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u2011": "-",
    }
)
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")


def normalize(text: str) -> str:
    """Fold away differences a reader would not see; keep every word and its order."""
    # Hyphenation at a line break joins a word: WeasyPrint's U+2010, a soft hyphen, or
    # PDFium's U+0002 marker for one.
    text = re.sub(r"[\u2010\u00ad\u0002][ \t]*\r?\n\s*", "", text)
    text = _INVISIBLE.sub("", text)
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    # A real hyphen that fell at a line break stays a hyphen, without the break.
    text = re.sub(r"-[ \t]*\r?\n\s*", "-", text)
    return " ".join(text.split()).casefold()


def contains(haystack: str, needle: str) -> bool:
    """Whether the normalized ``needle`` stands whole (word-bounded) in ``haystack``."""
    pattern = r"(?<!\w)" + re.escape(normalize(needle)) + r"(?!\w)"
    return re.search(pattern, normalize(haystack)) is not None


@dataclass(frozen=True)
class Check:
    """The outcome of one expectation on one channel's artifact."""

    channel: str
    disclaimer: str
    version: int
    form: str
    scope: str
    found_in: tuple[str, ...]
    missing_in: tuple[str, ...]
    witness: str = "text"  # "text": read back from the bytes; "pixel": as the engine paints it

    @property
    def passed(self) -> bool:
        if self.scope == "each":
            return bool(self.found_in) and not self.missing_in
        return bool(self.found_in)

    def describe(self) -> str:
        if self.scope == "any" and len(self.missing_in) > 1:
            more = len(self.missing_in) - 1
            where = f"every part of the output ({self.missing_in[0]} and {more} more)"
        else:
            where = ", ".join(self.missing_in) if self.missing_in else "the whole output"
        return (
            f"{self.channel}: the {self.form} '{self.disclaimer}' disclaimer (v{self.version}) "
            f"is missing from {where} (the {self.witness} witness)"
        )

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self), "passed": self.passed}


_PAGE = re.compile(r"^page \d+$")
_LIST_MARKER = re.compile(r"^\s*[\u2022\u25e6\u25aa\u2023\u2043-]?\s*$")


def join_pages(pages: list[str]) -> str:
    """The pages' text as one flow: running headers and footers and bare list markers removed.

    A paragraph split by a page break is interrupted by that page's footer and the
    next page's header; a line found on every page (digits aside, for "Page 2 of 6")
    is such running text, so dropping it rejoins the paragraph.
    """
    if len(pages) < 2:
        return "\n".join(pages)
    split = [page.splitlines() for page in pages]
    running = set.intersection(*({_shape(line) for line in lines} for lines in split))
    kept = [
        line
        for lines in split
        for line in lines
        if _shape(line) not in running and not _LIST_MARKER.match(line)
    ]
    return "\n".join(kept)


def _shape(line: str) -> str:
    return re.sub(r"\d+", "#", normalize(line))


def _texts(parts: dict[str, str], name: str) -> list[str]:
    """What to search for part ``name``: itself, and a whole document also as joined pages."""
    pages = [text for part, text in parts.items() if _PAGE.match(part)]
    if name == "document" and len(pages) > 1:
        return [parts[name], join_pages(pages)]
    return [parts[name]]


def check(channel: str, parts: dict[str, str], expectations: list[Expectation]) -> list[Check]:
    """Check every expectation against the extracted ``parts`` of one channel."""
    findings = []
    for exp in expectations:
        names = [name for name in parts if name.startswith(exp.parts)]
        found = tuple(n for n in names if any(contains(t, exp.text) for t in _texts(parts, n)))
        missing = tuple(n for n in names if n not in found)
        if exp.scope == "any" and found:
            missing = ()
        if not names:
            missing = (exp.parts or "every part",)
        findings.append(
            Check(
                channel,
                exp.disclaimer.id,
                exp.disclaimer.version,
                exp.form,
                exp.scope,
                found,
                missing,
            )
        )
    return findings
