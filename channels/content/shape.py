"""Body checks before pandoc: shape limits (so nothing stalls a renderer) and .only blocks."""

from __future__ import annotations

import difflib
import re

from channels.errors import InputError
from channels.rules import BODY, BodyLimits

_WORD = re.compile(rf"\S{{{BODY.max_word_chars + 1},}}")
_HEADING = re.compile(
    r"^ {0,3}#{1,6}(?:[ \t]|$)|^ {0,3}(?:=+|-+)[ \t]*$|<h[1-6]\b", re.MULTILINE | re.IGNORECASE
)
_ONLY_DIV = re.compile(r"^:{3,}\s*\{[^}]*\.only\b[^}]*\}", re.MULTILINE)
_CHANNELS_ATTR = re.compile(r"""channels\s*=\s*["']?([^"'}]*)["']?""")
_ITEM = re.compile(r"(?:[-+*]|\d{1,9}[.)])(?:[ \t]|$)")


def check_body_shape(body: str, body_line: int, name: str, limits: BodyLimits = BODY) -> None:
    """Refuse bodies whose shape would make pandoc or WeasyPrint take minutes.

    Raises:
        InputError: one line with the file, the line, the measure and the limit.
    """
    lines = body.split("\n")
    _check_words(body, body_line, name, limits)
    _check_headings(body, name, limits)
    _check_size(body, body.count("\n") + (not body.endswith("\n")), name, limits)
    _check_nesting(lines, body_line, name, limits)


def _check_words(body: str, body_line: int, name: str, limits: BodyLimits) -> None:
    word = _WORD.search(body)
    if word:
        line = body_line + body.count("\n", 0, word.start())
        size = len(re.match(r"\S*", body[word.start() :]).group(0))  # type: ignore[union-attr]
        raise InputError(
            f"{name}:{line}",
            f"a {size:,}-character word, over the limit of {limits.max_word_chars:,}",
            "add spaces or shorten it",
        )


def _check_size(body: str, lines: int, name: str, limits: BodyLimits) -> None:
    if len(body) > limits.max_body_chars:
        raise InputError(
            name,
            f"body is {len(body):,} characters, over the limit of {limits.max_body_chars:,}",
            "split the article",
        )
    if lines > limits.max_lines:
        raise InputError(
            name,
            f"body has {lines:,} lines, over the limit of {limits.max_lines:,}",
            "split the article",
        )


def _check_headings(body: str, name: str, limits: BodyLimits) -> None:
    count = sum(1 for _ in _HEADING.finditer(body))
    if count > limits.max_headings:
        raise InputError(
            name,
            f"body has {count:,} headings, over the limit of {limits.max_headings:,}",
            "split the article",
        )


def _check_nesting(lines: list[str], body_line: int, name: str, limits: BodyLimits) -> None:
    indents: list[int] = []  # indentation of the open list items
    for number, line in enumerate(lines):
        depth = _depth(line, indents)
        if depth > limits.max_nesting:
            raise InputError(
                f"{name}:{body_line + number}",
                f"lists or quotes nested {depth} levels deep, over the limit of "
                f"{limits.max_nesting}",
                "flatten the structure",
            )


def _depth(line: str, indents: list[int]) -> int:
    """Nesting depth of ``line``: quote markers plus the open list items it sits in."""
    quotes = len(re.match(r"[ \t>]*", line).group(0).replace(" ", "").replace("\t", ""))  # type: ignore[union-attr]
    stripped = line.lstrip("> \t")
    if not stripped:
        return quotes
    indent = len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip())
    while indents and indents[-1] >= indent:
        indents.pop()
    if _ITEM.match(stripped):
        indents.append(indent)
    return quotes + len(indents)


def check_only_divs(body: str, body_line: int, name: str, channels: tuple[str, ...]) -> None:
    """Every ``.only`` block names known ``channels`` (a typo would hide a block everywhere)."""
    for match in _ONLY_DIV.finditer(body):
        line = body_line + body.count("\n", 0, match.start())
        attr = _CHANNELS_ATTR.search(match.group(0))
        names = [n.strip() for n in (attr.group(1) if attr else "").split(",") if n.strip()]
        if not names:
            raise InputError(
                f"{name}:{line}",
                "'.only' block names no channels",
                'write ::: {.only channels="pdf,web"}',
            )
        for channel in names:
            if channel not in channels:
                close = difflib.get_close_matches(channel, channels, n=1)
                hint = f"did you mean '{close[0]}'?" if close else "use " + ", ".join(channels)
                raise InputError(
                    f"{name}:{line}", f"unknown channel '{channel}' in '.only' block", hint
                )
