"""The handout's QR code: the article's web address, tagged as coming from print, as inline SVG."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit, urlunsplit

import segno


def handout_url(article_url: str, slug: str) -> str:
    """The article URL with the campaign tags that let the clinic count scans of the handout."""
    parts = urlsplit(article_url)
    tags = urlencode({"utm_source": "handout", "utm_medium": "print", "utm_campaign": slug})
    query = f"{parts.query}&{tags}" if parts.query else tags
    return urlunsplit(parts._replace(query=query))


def qr_svg(url: str, title: str) -> str:
    """An ``<svg>`` element for HTML: sized by CSS, with the standard 4-module quiet zone.

    Error correction M survives a creased or smudged printout; the SVG has no fixed
    size so the stylesheet decides how large it prints.
    """
    code = segno.make(url, error="m", micro=False, boost_error=False)
    return code.svg_inline(scale=1, border=4, omitsize=True, dark="#000000", light="#ffffff",
                           title=title, svgclass="qr-code", lineclass=None)
