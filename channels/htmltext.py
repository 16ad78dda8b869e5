"""The text a reader can actually see in an HTML document (for the gate).

Skips comments, ``<head>``, ``<script>``, ``<style>``, ``<template>``, ``<noscript>``,
and every element hidden by ``hidden``, ``aria-hidden="true"``, or an inline style
with ``display:none``, ``visibility:hidden``, ``opacity:0``, a font size under 6 px,
``max-height:0``/``height:0`` with overflow hidden, or a text colour equal to its
background colour.  Email HTML has all of its CSS inline, so inline styles are what
a mail client applies; the web page is also checked in a real browser by the tests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
INVISIBLE_TAGS = {"head", "script", "style", "template", "noscript", "title", "svg", "math"}
BLOCK = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "main",
         "header", "footer", "tr", "td", "th", "table", "ul", "ol", "aside", "nav", "br",
         "blockquote", "dt", "dd", "figure", "figcaption", "hr"}
_DECL = re.compile(r"\s*([a-zA-Z-]+)\s*:\s*([^;]+)")
_PX = re.compile(r"^(-?[\d.]+)\s*(px|pt|em|rem|%)?")


@dataclass
class _Frame:
    tag: str
    hidden: bool
    color: str
    background: str
    in_main: bool


def visible_text(html: str, region: str | None = None) -> str:
    """Visible text of ``html``; with ``region="main"``, only inside ``<main>``."""
    parser = _Visible(region)
    parser.feed(html)
    parser.close()
    return re.sub(r"[ \t]*\n[ \t\n]*", "\n", "".join(parser.out)).strip()


def _style(attrs: dict[str, str | None]) -> dict[str, str]:
    return {m.group(1).lower(): m.group(2).strip().lower()
            for m in _DECL.finditer(attrs.get("style") or "")}


def _hides(attrs: dict[str, str | None], style: dict[str, str]) -> bool:
    if "hidden" in attrs or (attrs.get("aria-hidden") or "").lower() == "true":
        return True
    if style.get("display", "").startswith("none") or style.get("visibility", "").startswith(("hidden", "collapse")):
        return True
    if _number(style.get("opacity")) == 0:
        return True
    size = style.get("font-size")
    if size is not None and (_size_px(size) or 0) < 6:
        return True
    clipped = style.get("overflow", "").startswith("hidden")
    return clipped and any(_number(style.get(p)) == 0 for p in ("max-height", "height", "width", "max-width"))


def _number(value: str | None) -> float | None:
    match = _PX.match(value or "")
    return float(match.group(1)) if match else None


def _size_px(value: str) -> float | None:
    match = _PX.match(value)
    if not match:
        return None
    number, unit = float(match.group(1)), match.group(2) or "px"
    return {"px": number, "pt": number * 4 / 3, "em": number * 16, "rem": number * 16,
            "%": number * 0.16}[unit]


def _colour(value: str | None) -> str:
    value = (value or "").split("!")[0].strip()
    if re.fullmatch(r"#[0-9a-f]{3}", value):
        value = "#" + "".join(c * 2 for c in value[1:])
    return {"white": "#ffffff", "black": "#000000", "#fff": "#ffffff"}.get(value, value)


class _Visible(HTMLParser):
    def __init__(self, region: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.region = region
        self.out: list[str] = []
        self.stack = [_Frame("#root", False, "#000000", "#ffffff", region is None)]

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = dict(attrs_list)
        parent = self.stack[-1]
        style = _style(attrs)
        color = _colour(style.get("color")) or parent.color
        background = _colour(style.get("background-color") or style.get("background")) or parent.background
        if attrs.get("bgcolor"):
            background = _colour(attrs["bgcolor"])
        hidden = (parent.hidden or tag in INVISIBLE_TAGS or _hides(attrs, style)
                  or (color == background and bool(style.get("color"))))
        frame = _Frame(tag, hidden, color, background, parent.in_main or tag == self.region)
        if tag in BLOCK:
            self.out.append("\n")
        if tag not in VOID:
            self.stack.append(frame)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                break
        if tag in BLOCK:
            self.out.append("\n")

    def handle_data(self, data: str) -> None:
        frame = self.stack[-1]
        if frame.in_main and not frame.hidden:
            self.out.append(data)
