"""The numbers every output must meet, in one table, each with its source and check date.

Platform limits change: when one does, change it here (and the date), nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PlatformRule:
    """How one social network counts a post, what it refuses, and where it cuts it off."""

    name: str
    label: str
    limit: int
    counting: str  # "twitter" | "graphemes" | "utf8-emoji" | "mastodon" | "utf16"
    unit: str  # what ``limit`` counts, as said in messages
    source: str
    checked: str
    hashtags: int = 2  # how many tags the platform's conventions suit
    max_bytes: int | None = None
    max_links: int | None = None
    max_hashtags: int | None = None
    see_more: int | None = None  # characters shown before the "more" cut-off
    links_clickable: bool = True
    link_facets: bool = False  # links are only clickable with byte-offset facets
    content_warning: bool = False  # the content warning counts toward the limit
    escaped: bool = False  # the API wants reserved characters backslash-escaped


PLATFORMS: tuple[PlatformRule, ...] = (
    PlatformRule("x", "X", 280, "twitter", "weighted characters", hashtags=2, checked="2026-11",
                 source="twitter-text config v3 (github.com/twitter/twitter-text, "
                 "config/v3.json): NFC first; U+FFFE, U+FEFF, U+FFFF invalid"),
    PlatformRule("bluesky", "Bluesky", 300, "graphemes", "characters", hashtags=2,
                 max_bytes=3000, link_facets=True, checked="2026-11",
                 source="AT Protocol lexicon app.bsky.feed.post: text maxGraphemes 300, "
                 "maxLength 3000 (UTF-8 bytes); links need app.bsky.richtext.facet#link "
                 "with byte offsets"),
    PlatformRule("threads", "Threads", 500, "utf8-emoji", "characters", hashtags=1, max_links=5,
                 checked="2026-12", source="Meta for Developers, Threads API, Posts (text posts): "
                 "500 characters, an emoji counted as its UTF-8 bytes, at most 5 links; what is "
                 "an emoji: Unicode UTS #51 presentation (text symbols such as \u00a9, \u2122, "
                 "\u2194 without VS16 are one character)"),
    PlatformRule("mastodon", "Mastodon", 500, "mastodon", "characters", hashtags=3,
                 content_warning=True, checked="2026-12",
                 source="Mastodon StatusLengthValidator (app/validators/"
                 "status_length_validator.rb): 500 by server default; content warning + text "
                 "in graphemes; URLs with a scheme (Mastodon's pattern, config/initializers/"
                 "twitter_regex.rb) count 23, bare domains in full; @user@domain counts @user"),
    PlatformRule("linkedin", "LinkedIn", 3000, "utf16", "UTF-16 code units", hashtags=3,
                 see_more=210, escaped=True, checked="2026-12", source="LinkedIn Posts API, "
                 "commentary (3,000; Microsoft Learn 'Little Text Format': the reserved "
                 "characters | { } @ [ ] ( ) < > # \\ * _ ~ backslash-escaped, or the text is "
                 "cut or read as markup there)"),
    PlatformRule("instagram", "Instagram", 2200, "graphemes", "characters", hashtags=5,
                 max_hashtags=5, see_more=125, links_clickable=False, checked="2026-11",
                 source="Instagram Help Center: caption 2,200; at most 5 hashtags (announced "
                 "Dec 2025); 'How do I use hashtags on Instagram?': numbers are allowed in "
                 "hashtags, spaces and special characters like $ or % are not; links in captions "
                 "are not clickable. No published parser: every # or \uff03 outside a link or "
                 "keycap counts (never fewer tags than Instagram)"),
    PlatformRule("facebook", "Facebook", 63206, "graphemes", "characters", hashtags=2,
                 see_more=400, checked="2026-11",
                 source="Facebook post text limit 63,206; 'See more' after about 400 characters"),
)


@dataclass(frozen=True)
class EmailRules:
    """Limits for the newsletter; see CHANNEL-RULES.md, Email."""

    max_html_bytes: int = 100_000  # Gmail clips at about 102 KB (checked 2026-11)
    # Gmail shows only this much of the HTML part ("[Message clipped]"); what follows is
    # hidden, so the gate reads only this much.  Gmail Help, "message clipped"; 2026-11.
    clip_bytes: int = 102_000
    preheader_min: int = 40
    preheader_max: int = 100
    container_px: int = 600
    source: str = "Gmail clipping; RFC 8058; CAN-SPAM (16 CFR 316); checked 2026-11"


@dataclass(frozen=True)
class ContentRules:
    """Limits on the canonical source and the defaults of the content checks."""

    summary_max: int = 300
    max_source_bytes: int = 2 * 1024 * 1024
    reading_grade_max: float = 8.0  # AMA 6th, NIH 6th-8th grade; FKGL via pyphen
    review_max_months: int = 12  # a clinical review older than this blocks publishing
    # FTC Health Products Compliance Guidance (2022): absolute efficacy words.
    absolute_claims: tuple[str, ...] = ("cure", "cures", "cured", "guaranteed", "guarantee",
                                        "miracle", "proven to", "clinically proven", "100%")
    source: str = "AMA/NIH readability guidance; FTC health claims (2022); checked 2026-11"


@dataclass(frozen=True)
class BodyLimits:
    """Far above any patient handout; low enough that every renderer finishes in seconds."""

    max_body_chars: int = 400_000  # ~400 PDF pages, rendered in ~30 s; the seed has 10,000
    max_word_chars: int = 2_000  # the longest URL we link to is ~200 characters
    max_headings: int = 500  # the seed article has 8
    max_nesting: int = 12  # lists and block quotes, counted together
    max_lines: int = 50_000
    source: str = "measured here (bench/pathological.py), 2026-11"


@dataclass(frozen=True)
class GateRules:
    """What counts as readable when the gate reads a disclaimer back from an output."""

    pdf_min_disclaimer_pt: float = 9.0
    pdf_min_body_pt: float = 12.0
    html_min_font_px: float = 9  # smaller nobody reads (x-small is 10 px)
    html_min_contrast: float = 1.5  # below it text is coloured like its background
    # The pixel witness (Chromium screenshots, PDFium renders): the 90th percentile of the
    # glyphs' ink pixels against the pixels behind them must reach this (WCAG 2.2 SC 1.4.3
    # asks 4.5:1 of text colours; anti-aliased edges lower the pixel ratio).
    pixel_min_contrast: float = 3.0
    pixel_min_ink: float = 0.03  # share of the text's boxes the glyphs must cover
    html_min_advance_px: float = 2.5  # average width of a character box (squeezed text)
    # PDF pixel witness: a line's average character advance against its height (the seed's
    # Atkinson Hyperlegible: 0.37), and how much of its outline box a glyph's ink must span.
    pdf_min_advance: float = 0.2
    pixel_min_glyph_cover: float = 0.5
    # OCR of the crop (Tesseract) must read the disclaimer's letters and digits this alike
    # (difflib ratio): the seed's crops read 0.93-1.0, mirrored or squashed ones 0-0.25.
    ocr_min_similarity: float = 0.8
    source: str = "FTC clear and conspicuous; WCAG 2.2 SC 1.4.3; checked 2026-11"


EMAIL = EmailRules()
CONTENT = ContentRules()
BODY = BodyLimits()
GATE = GateRules()


def platform(name: str) -> PlatformRule:
    """The rule for one platform by name (``KeyError`` if unknown)."""
    return {rule.name: rule for rule in PLATFORMS}[name]
