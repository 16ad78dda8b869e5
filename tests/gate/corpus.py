"""The browser-witness corpus as data: small mutations of the seed's rendered HTML outputs.

Each case: the channel, the views it concerns, the mutation, and why a reader does (or
does not) get the 988 crisis line.  Verdicts were checked once against Chromium
screenshots (.cache/witness/) when the cases were added.
"""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Callable
from dataclasses import dataclass

from conftest import TEMPLATES
from fontTools.subset import Subsetter
from fontTools.ttLib import TTFont
from fontTools.ttLib.tables._g_l_y_f import Glyph

CRISIS_BLOCK = re.compile(r'<div class="crisis"[^>]*>.*?</div>', re.DOTALL)
DESKTOP, PHONE, PRINT = "index.html at 1280 px", "index.html at 375 px", "index.html printed"
GMAIL, DARK, OUTLOOK = ("newsletter at 600 px as Gmail shows it",
                        "newsletter at 600 px in dark mode", "newsletter as Outlook shows it")


@dataclass(frozen=True)
class Case:
    name: str
    channel: str  # "web" or "email"
    views: tuple[str, ...]
    change: Callable[[str], str]
    bad: bool
    why: str


def block(change: Callable[[str], str]) -> Callable[[str], str]:
    """Apply ``change`` to the crisis-line block."""
    return lambda html: CRISIS_BLOCK.sub(lambda m: change(m.group(0)), html, count=1)


def wrap(style: str) -> Callable[[str], str]:
    """The crisis block inside a ``<div style=...>``."""
    return block(lambda b: f'<div style="{style}">{b}</div>')


def head_css(css: str) -> Callable[[str], str]:
    """A ``<style>`` rule at the end of ``<head>`` (after the page's own stylesheets)."""
    return lambda html: html.replace("</head>", f"<style>{css}</style></head>", 1)


def cover(style: str) -> Callable[[str], str]:
    """A box inside the crisis block, positioned over its text."""
    return block(lambda b: f'<div style="position:relative">{b}'
                           f'<div style="position:absolute;{style}"></div></div>')


def web(name, change, why, bad=True, views=(DESKTOP,)) -> Case:  # type: ignore[no-untyped-def]
    return Case(f"web-{name}", "web", views, change, bad, why)


def mail(name, change, why, bad=True, views=(GMAIL,)) -> Case:  # type: ignore[no-untyped-def]
    return Case(f"email-{name}", "email", views, change, bad, why)


def blank_font_css(selector: str) -> str:
    """``selector`` set in a real font whose outlines are all empty (DejaVu Sans, blanked
    with fontTools): the text is in the DOM, laid out at its width, and paints nothing."""
    font = TTFont(TEMPLATES / "fonts" / "dejavu-sans-400.ttf")
    del font["FFTM"]  # FontForge's timestamps: the subsetter would warn and drop them anyway
    subsetter = Subsetter()
    subsetter.populate(unicodes=range(0x20, 0x7F))
    subsetter.subset(font)
    for name in font.getGlyphOrder():
        font["glyf"][name] = Glyph()
    data = io.BytesIO()
    font.save(data)
    url = "data:font/ttf;base64," + base64.b64encode(data.getvalue()).decode()
    return (f"@font-face {{ font-family: Blank; src: url({url}) format('truetype') }} "
            f"{selector} {{ font-family: Blank !important }}")


FADED = "faded to near-invisibility"
BAD = [
    web("opacity", wrap("opacity:0.08"), FADED),
    web("blur", wrap("filter:blur(6px)"), "blurred past reading"),
    web("squashed", wrap("transform:scaleY(0.05)"), "squashed to a line"),
    web("narrowed", wrap("transform:scaleX(0.1);transform-origin:0 0"), "letters overlap"),
    web("translated-away", wrap("transform:translateX(-4000px)"), "moved out of view"),
    web("margin-away", wrap("margin-left:-300vw"), "moved out of view by a margin"),
    web("rem-offset", wrap("position:relative;top:-500rem"), "moved above the document"),
    web("white-box-over", cover("inset:0;background:#fff4f2"), "a box painted over the text"),
    web("overlay-no-pointer", cover("inset:0;background:#fff4f2;pointer-events:none"),
        "a box over the text that ignores the pointer"),
    web("hsl-near-white", wrap("color:hsl(0 0% 98%)"), "HSL colour barely off the white"),
    web("named-colour", head_css(".crisis, .crisis * { color: seashell !important }"),
        "a named colour like the box's"),
    web("hex8-alpha", head_css(".crisis p { color: #00000010 !important }"),
        "8-digit hex alpha"),
    web("text-fill", head_css(".crisis p { -webkit-text-fill-color: #fff4f2 }"),
        "-webkit-text-fill-color like the background"),
    web("variable", head_css(":root { --ink: #fff3f1 } .crisis p { color: var(--ink) }"),
        "a colour reached through a variable"),
    web("clip-path", wrap("clip-path:inset(0 0 95% 0)"), "clipped away"),
    web("max-height", wrap("max-height:4px;overflow:hidden"), "clamped to nothing"),
    web("letter-overlap", wrap("letter-spacing:-0.55em"), "letters drawn over each other"),
    web("supports-rule", head_css("@supports (display:grid) { .crisis { opacity: .05 } }"),
        "faded through @supports"),
    web("nested-rule", head_css(".disclaimers { .crisis { color: #fff4f2 !important; "
                                "& * { color: #fff4f2 !important } } }"),
        "hidden through CSS nesting"),
    web("has-rule", head_css("main:has(.crisis) .crisis p { color: #fff4f2 !important }"),
        "hidden through :has()"),
    web("gradient-behind", head_css(".crisis p { background: linear-gradient(#111, #222); "
                                    "color: #1a1a1a !important }"),
        "dark text on a dark gradient"),
    web("hidden-on-phones", head_css("@media (max-width: 600px) { .crisis { opacity: 0 } }"),
        "invisible at phone width", views=(PHONE,)),
    web("hidden-in-print", head_css("@media print { .crisis p { color: #fff !important } }"),
        "white on white when printed", views=(PRINT,)),
    web("first-line", head_css(".crisis p::first-line { color: #fff4f2 }"),
        "its first line coloured like the box", views=(PHONE,)),
    web("line-clamp", head_css(".crisis p { display: -webkit-box; -webkit-line-clamp: 1; "
                               "-webkit-box-orient: vertical; overflow: hidden }"),
        "clamped to its first line"),
    web("content-visibility", wrap("content-visibility:hidden"), "never painted"),
    web("blank-web-font", head_css("@font-face { font-family: Blank; src: local('Nothing'), "
                                   "url(data:font/woff2;base64,AAAA) } .crisis p { font-family:"
                                   " Blank; color: transparent }"),
        "glyphs that paint nothing"),
    web("blank-glyph-font", head_css(blank_font_css(".crisis p")),
        "a font with no outlines: in the DOM, laid out, painted as nothing"),
    web("inherited-fade", head_css(".disclaimers { opacity: .1 }"), "the section faded"),
    web("white-on-white-hsl-alpha", head_css(".crisis p { color: hsla(0, 0%, 0%, 0.04) }"),
        "alpha almost zero"),
    web("text-indent-em", wrap("text-indent:-200em;overflow:hidden"),
        "pushed out of its box by an em indent"),
    web("zero-width-box", wrap("width:0;overflow:hidden;white-space:nowrap"),
        "a zero-width box"),
    web("shadow-only", head_css(".crisis p { color: transparent; text-shadow: 0 0 40px #eee }"),
        "only a faint glow painted"),
    web("image-over", cover("inset:0;background:linear-gradient(#fff4f2,#fff4f2)"),
        "a gradient box painted over"),
    web("fixed-banner-over", head_css(".crisis { position: fixed; top: 0; left: 0 } "
                                      "main::after { content: ''; position: fixed; inset: 0; "
                                      "background: #fff; z-index: 9 }"),
        "a fixed full-screen layer over it"),
    mail("dark-mode-only", head_css("@media (prefers-color-scheme: dark) { .crisis, .crisis * "
                                    "{ color: #fff4f2 !important } }"),
         "vanishes in dark mode", views=(DARK,)),
    mail("outlook-hidden", block(lambda b: f"<!--[if !mso]><!-->{b}<!--<![endif]-->"),
         "Outlook never shows a [if !mso] branch", views=(OUTLOOK,)),
    mail("mso-hide", wrap("mso-hide:all"), "Outlook hides mso-hide:all", views=(OUTLOOK,)),
    web("mirrored", wrap("transform:scaleX(-1)"), "mirrored left to right"),
    web("mirrored-3d", wrap("transform:rotateY(180deg)"), "turned over: a mirror image"),
    web("upside-down", wrap("transform:scale(-1,-1)"), "turned upside down", views=(PHONE,)),
    web("bidi-override", head_css(".crisis p { direction: rtl; unicode-bidi: bidi-override }"),
        "letters laid out right to left: reads backwards"),
    web("bdo-rtl", block(lambda b: b.replace("<p>", '<p><bdo dir="rtl">', 1)
                         .replace("</p>", "</bdo></p>", 1)),
        "a <bdo dir=rtl> element reverses the letters"),
    web("rlo-character", block(lambda b: b.replace("<p>", "<p>\u202e", 1)),
        "a right-to-left override character reverses the line"),
    mail("mirrored", wrap("transform:scaleX(-1)"), "mirrored left to right"),
    mail("bidi-override", head_css(".crisis p, .crisis td { direction: rtl; "
                                   "unicode-bidi: bidi-override }"),
         "letters laid out right to left", views=(GMAIL,)),
    mail("opacity", wrap("opacity:0.05"), FADED),
    mail("blank-glyph-font", head_css(blank_font_css(".crisis p, .crisis td")),
         "a font with no outlines: in the DOM, painted as nothing"),
    mail("white-box-over", cover("inset:0;background:#fff4f2"), "a box painted over the text"),
]

HARMLESS = [
    web("dark-box-light-text", head_css(".crisis, .crisis * { background: #1f2937 !important; "
                                        "color: #fff !important }"),
        "white on a dark box reads well", bad=False),
    web("print-only-rule", head_css("@media print { .crisis { border: 0 } }"),
        "a print rule that hides nothing", bad=False, views=(PRINT, DESKTOP)),
    web("font-size-zero-parent", head_css(".crisis { font-size: 0 } .crisis p "
                                          "{ font-size: 18px }"),
        "the child resets a readable size", bad=False),
    web("visible-child-of-hidden", head_css(".crisis { visibility: hidden } .crisis p "
                                            "{ visibility: visible }"),
        "a visible child of a hidden parent is painted", bad=False),
    web("rewrapped", block(lambda b: b.replace(" or chat ", "\n   or\tchat ")),
        "whitespace only", bad=False, views=(PHONE, DESKTOP)),
    web("narrow", head_css(".crisis { max-width: 14rem }"), "wraps more, still readable",
        bad=False),
    mail("outlook-wrapper", block(lambda b: f"<!--[if mso]><table><tr><td><![endif]-->{b}"
                                           "<!--[if mso]></td></tr></table><![endif]-->"),
         "an Outlook-only wrapper table", bad=False, views=(OUTLOOK, GMAIL)),
    web("bigger", head_css(".crisis p { font-size: 1.4rem; line-height: 1.6 }"),
        "bigger text", bad=False, views=(PHONE,)),
    web("centered", head_css(".crisis p { text-align: center }"), "centred", bad=False),
    web("link-inside", block(lambda b: b.replace("Call or text 988",
                                                 '<a href="tel:988">Call or text 988</a>')),
        "part of it is a link", bad=False),
    web("bold-inside", block(lambda b: b.replace("free and confidential",
                                                 "<strong>free and confidential</strong>")),
        "part of it in bold", bad=False, views=(PHONE,)),
    web("soft-hyphens", block(lambda b: b.replace("confidential", "confi&shy;dential")),
        "soft hyphens are invisible", bad=False, views=(PHONE,)),
    web("hsl-dark-ink", head_css(".crisis p { color: hsl(210 40% 15%) }"),
        "dark HSL ink on the light box", bad=False),
    web("style-media-print", lambda h: h.replace(
        "</head>", '<style media="print">.crisis p { color: #000; background: #fff }'
        "</style></head>", 1),
        "a print-only <style> block that keeps it readable", bad=False, views=(DESKTOP, PRINT)),
    web("hyphenated", head_css(".crisis { max-width: 11rem } .crisis p { hyphens: auto }"),
        "hyphenated at line ends", bad=False, views=(PHONE,)),
    web("rtl-page-ltr-block", head_css("main { direction: rtl } .crisis { direction: ltr }"),
        "a right-to-left page with the disclaimer set left to right", bad=False),
    web("slight-tilt", wrap("transform:rotate(-2deg)"), "tilted two degrees", bad=False),
    mail("dark-mode-readable", head_css("@media (prefers-color-scheme: dark) { .crisis, "
                                        ".crisis * { background: #111 !important; "
                                        "color: #eee !important } }"),
         "light on dark in dark mode", bad=False, views=(DARK,)),
]
