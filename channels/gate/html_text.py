"""The text a reader can actually see in an HTML document (for the gate).

Skips comments, ``<head>``, ``<script>``, ``<style>``, ``<template>``, ``<noscript>``,
and every element hidden by ``hidden``, ``aria-hidden="true"``, ``display:none``,
``visibility:hidden``, ``opacity:0``, a font size under 9 px, ``max-height:0``/
``height:0`` with overflow hidden, or text whose colour barely contrasts with its
background.  The document's own ``<style>`` rules are inlined first (``css_inline``),
so a class selector hides text exactly as an inline style would; a mail client applies
the same rules.  The web page is also checked in a real browser by the tests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

import css_inline
import tinycss2  # type: ignore[import-untyped]

from channels.gate.colour import contrast, parse_colour
from channels.rules import GATE

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
INVISIBLE_TAGS = {"head", "script", "style", "template", "noscript", "title", "svg", "math"}
BLOCK = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "main",
         "header", "footer", "tr", "td", "th", "table", "ul", "ol", "aside", "nav", "br",
         "blockquote", "dt", "dd", "figure", "figcaption", "hr"}
_DECL = re.compile(r"\s*([a-zA-Z-]+)\s*:\s*([^;]+)")
_PX = re.compile(r"^(-?[\d.]+)\s*(px|pt|em|rem|%)?")
# Never fetch: only the document's own <style> elements are applied.
_INLINER = css_inline.CSSInliner(keep_style_tags=False, load_remote_stylesheets=False)


@dataclass
class _Frame:
    tag: str
    hidden: bool
    color: tuple[float, float, float]
    background: tuple[float, float, float]
    in_main: bool
    closed: bool = False  # a <details> without ``open``: only its <summary> shows
    # Inherited, and a child may set them back: ``visibility`` and the font size.
    unseen: bool = False
    font_px: float = 16.0


def visible_text(html: str, region: str | None = None, css: str = "") -> str:
    """Visible text of ``html``; with ``region="main"``, only inside ``<main>``.

    ``css``: the document's linked stylesheets, applied like its own ``<style>``.
    """
    parser = _Visible(region)
    parser.feed(apply_styles(html, css))
    parser.close()
    return re.sub(r"[ \t]*\n[ \t\n]*", "\n", "".join(parser.out)).strip()


def apply_styles(html: str, css: str = "") -> str:
    """``html`` with its ``<style>`` rules (and ``css``) written into each element's ``style``."""
    if "<style" not in html.lower() and not css:
        return html
    extra = css + "\n" + hiding_media_rules(_style_text(html) + "\n" + css)
    try:
        if extra.strip():
            inliner = css_inline.CSSInliner(keep_style_tags=False, load_remote_stylesheets=False,
                                            extra_css=extra)
            return inliner.inline(html)
        return _INLINER.inline(html)
    except ValueError:
        # Unparseable CSS applies nothing in a browser either; read the inline styles.
        return html


def _style_text(html: str) -> str:
    return "\n".join(re.findall(r"<style[^>]*>(.*?)</style>", html, re.DOTALL | re.IGNORECASE))


def hiding_media_rules(css: str) -> str:
    """The rules inside ``@media`` blocks that hide text, as plain rules.

    Text hidden on some screens (a phone, say) is hidden from those readers, so a hiding
    rule counts whatever its media query; print-only rules do not concern a screen reader.
    """
    hiding = []
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type != "at-rule" or rule.lower_at_keyword != "media" or rule.content is None:
            continue
        media = tinycss2.serialize(rule.prelude).lower()
        if "print" in media and "screen" not in media:
            continue
        inners = tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True)
        for inner in inners:
            if inner.type != "qualified-rule":
                continue
            declarations = tinycss2.serialize(inner.content)
            style = _style({"style": declarations})
            small = _font_px(style, 16) < GATE.html_min_font_px
            if _hides({}, style) or _unseen(style, False) or small:
                hiding.append(f"{tinycss2.serialize(inner.prelude)} {{ {declarations} }}")
    return "\n".join(hiding)


def _style(attrs: dict[str, str | None]) -> dict[str, str]:
    return {m.group(1).lower(): m.group(2).split("!")[0].strip().lower()
            for m in _DECL.finditer(attrs.get("style") or "")}


def _hides(attrs: dict[str, str | None], style: dict[str, str]) -> bool:
    if "hidden" in attrs or (attrs.get("aria-hidden") or "").lower() == "true":
        return True
    if style.get("display", "").startswith("none"):
        return True
    if _number(style.get("opacity")) == 0 or _transparent(style.get("color", "")):
        return True
    if _moved_away(style):
        return True
    clipped = style.get("overflow", "").startswith(("hidden", "clip"))
    boxes = ("max-height", "height", "width", "max-width")
    return clipped and any(_number(style.get(p)) == 0 for p in boxes)


def _unseen(style: dict[str, str], inherited: bool) -> bool:
    """``visibility`` as inherited, unless this element sets it (a child may show again)."""
    value = style.get("visibility", "")
    return value.startswith(("hidden", "collapse")) if value else inherited


def _font_px(style: dict[str, str], inherited: float) -> float:
    """The font size, inherited unless set (``em`` and ``%`` are relative to the parent's)."""
    value = style.get("font-size", "")
    match = _PX.match(value)
    if not match:
        return inherited
    number, unit = float(match.group(1)), match.group(2) or "px"
    if unit in ("em", "%"):
        return number * inherited / (100 if unit == "%" else 1)
    return _size_px(value) or 0.0


_FAR = -999.0  # px: "off-screen" positioning, as screen-reader-only tricks use


def _moved_away(style: dict[str, str]) -> bool:
    """Text pushed off-screen, clipped to nothing, or scaled to nothing."""
    if re.search(r"rect\(\s*0\D*0\D*0\D*0", style.get("clip", "")):
        return True
    if re.search(r"inset\(\s*50%|circle\(\s*0", style.get("clip-path", "")):
        return True
    if re.search(r"scale[xy]?\(\s*0(\.0*)?\s*[,)]", style.get("transform", "")):
        return True
    if (_size_px(style.get("text-indent", "")) or 0) <= _FAR:
        return True
    positioned = style.get("position", "") in ("absolute", "fixed")
    offsets = (_size_px(style.get(side, "")) for side in ("left", "top", "right"))
    return positioned and any((o or 0) <= _FAR for o in offsets)


def _transparent(value: str) -> bool:
    alpha = re.search(r"rgba\([^)]*[,/]\s*0?\.?0*\s*\)$", value)
    return value == "transparent" or alpha is not None


def _number(value: str | None) -> float | None:
    match = _PX.match(value or "")
    return float(match.group(1)) if match else None


def _size_px(value: str) -> float | None:
    """The size in CSS px; None for what cannot be known here (keywords, ``clamp()``)."""
    match = _PX.match(value)
    if not match:
        return None
    number, unit = float(match.group(1)), match.group(2) or "px"
    return {"px": number, "pt": number * 4 / 3, "em": number * 16, "rem": number * 16,
            "%": number * 0.16}[unit]


def _background(style: dict[str, str], attrs: dict[str, str | None]):  # type: ignore[no-untyped-def]
    for value in (style.get("background-color"), style.get("background"), attrs.get("bgcolor")):
        colour = _first_colour(value)
        if colour is not None:
            return colour
    return None


def _first_colour(value: str | None):  # type: ignore[no-untyped-def]
    """The colour in a value such as ``url(x.png) #fff no-repeat`` (None if there is none)."""
    for token in re.findall(r"rgba?\([^)]*\)|#[0-9a-fA-F]{3,8}\b|[a-zA-Z]+", value or ""):
        colour = parse_colour(token)
        if colour is not None:
            return colour
    return None


class _Visible(HTMLParser):
    def __init__(self, region: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.region = region
        self.out: list[str] = []
        self.stack = [_Frame("#root", False, (0, 0, 0), (1, 1, 1), region is None)]

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = dict(attrs_list)
        parent = self.stack[-1]
        style = _style(attrs)
        color = _first_colour(style.get("color")) or parent.color
        background = _background(style, attrs) or parent.background
        unseen, font_px = _unseen(style, parent.unseen), _font_px(style, parent.font_px)
        hidden = (parent.hidden or tag in INVISIBLE_TAGS or _hides(attrs, style)
                  or (parent.closed and tag != "summary")
                  or (tag == "dialog" and "open" not in attrs)
                  or contrast(color, background) < GATE.html_min_contrast)
        frame = _Frame(tag, hidden, color, background, parent.in_main or tag == self.region,
                       closed=tag == "details" and "open" not in attrs, unseen=unseen,
                       font_px=font_px)
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
        seen = not frame.unseen and frame.font_px >= GATE.html_min_font_px
        if frame.in_main and not frame.hidden and not frame.closed and seen:
            self.out.append(data)
