"""Allow-list sanitizing of the HTML that comes out of the article body (nh3/ammonia)."""

from __future__ import annotations

import re

import nh3

TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "div", "dl",
    "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins",
    "li", "mark", "ol", "p", "pre", "q", "s", "section", "small", "span", "strong", "sub",
    "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}
ATTRIBUTES = {
    "*": {"id", "class", "lang", "title"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start", "type"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}
# No javascript:, data:, file: or protocol-relative URLs.
URL_SCHEMES = {"https", "http", "mailto", "tel"}
# Classes pandoc itself writes.  Any other class could borrow a template rule that hides
# text (the e-mail preheader, print-only rules), so it is dropped.
PANDOC_CLASS = re.compile(
    r"^(?:level[1-6]|footnotes?|footnote-(?:ref|back)|footnote-return|task-list|sourceCode|"
    r"smallcaps|header-section-number|unnumbered|uri|email|only|csl-[a-z-]+|[a-z]+-table)$"
)
# Values that act as code or inline data wherever they appear, after the controls and
# whitespace browsers ignore are removed.
_DANGEROUS_VALUE = re.compile(r"^(?:javascript|vbscript|data|file|livescript):", re.IGNORECASE)
_IGNORED = re.compile(r"[\x00-\x20\x7f]|&#?[a-z0-9]+;?", re.IGNORECASE)


def sanitize_html(html: str) -> str:
    """Keep only allow-listed tags, attributes, classes and URLs; drop comments and scripts."""
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        attribute_filter=_attribute,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
        clean_content_tags={"script", "style", "template", "noscript", "iframe", "object",
                            "embed", "textarea", "select", "title", "svg", "math"},
    )


def _attribute(tag: str, name: str, value: str) -> str | None:
    """Per-attribute policy nh3 cannot express with lists alone."""
    if _DANGEROUS_VALUE.match(_IGNORED.sub("", value)):
        return None
    if name == "class":
        return " ".join(c for c in value.split() if PANDOC_CLASS.match(c)) or None
    if tag == "img" and name == "src":
        return value if _is_relative_path(value) else None
    if tag == "img" and name in ("width", "height"):
        # A 0- or 1-pixel image hides nothing but tracks; sizes are digits only.
        return value if value.isdigit() and int(value) > 1 else None
    return value


def _is_relative_path(url: str) -> bool:
    """Images come only from the article's folder: no scheme, no root, no way up."""
    clean = _IGNORED.sub("", url)
    return bool(clean) and ":" not in clean.split("/")[0] and not clean.startswith(("/", "\\")) \
        and ".." not in clean.replace("\\", "/").split("/")
