"""The numbers every output must meet, in one table, each with its source and check date.

Platform limits change: when one does, change it here (and the date), nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PlatformRule:
    """How one social network counts a post and where it cuts it off."""

    name: str
    label: str
    limit: int
    counting: str  # "twitter" | "graphemes" | "utf8-emoji" | "mastodon" | "utf16"
    source: str
    checked: str
    max_bytes: int | None = None
    max_links: int | None = None
    max_hashtags: int | None = None
    see_more: int | None = None  # characters shown before the "more" cut-off
    links_clickable: bool = True


PLATFORMS: tuple[PlatformRule, ...] = (
    PlatformRule(
        "x", "X", 280, "twitter",
        "twitter-text config v3 (github.com/twitter/twitter-text, config/v3.json)",
        "2026-11",
    ),
    PlatformRule(
        "bluesky", "Bluesky", 300, "graphemes",
        "AT Protocol app.bsky.feed.post lexicon (maxGraphemes 300, maxLength 3000)",
        "2026-11", max_bytes=3000,
    ),
    PlatformRule(
        "threads", "Threads", 500, "utf8-emoji",
        "Meta Threads API, Posts: text limit 500, emoji counted as UTF-8 bytes, 5 links",
        "2026-11", max_links=5,
    ),
    PlatformRule(
        "mastodon", "Mastodon", 500, "mastodon",
        "Mastodon docs, statuses API (server default 500; URLs with a scheme count 23)",
        "2026-11",
    ),
    PlatformRule(
        "linkedin", "LinkedIn", 3000, "utf16",
        "LinkedIn Posts API, commentary field (3,000; little-text escaping)",
        "2026-11", see_more=210,
    ),
    PlatformRule(
        "instagram", "Instagram", 2200, "graphemes",
        "Instagram Help Center: caption 2,200; 5 hashtags (announced Dec 2025)",
        "2026-11", max_hashtags=5, see_more=125, links_clickable=False,
    ),
    PlatformRule(
        "facebook", "Facebook", 63206, "graphemes",
        "Facebook post text limit 63,206",
        "2026-11", see_more=400,
    ),
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
    """Limits on the canonical source."""

    summary_max: int = 300
    max_source_bytes: int = 2 * 1024 * 1024
    reading_grade_max: float = 8.0  # AMA 6th, NIH 6th-8th grade; FKGL via pyphen
    review_max_age_days: int = 365
    pdf_min_disclaimer_pt: float = 9.0
    pdf_min_body_pt: float = 12.0
    source: str = "AMA/NIH readability guidance; FTC clear and conspicuous; checked 2026-11"


EMAIL = EmailRules()
CONTENT = ContentRules()


def platform(name: str) -> PlatformRule:
    """The rule for one platform by name (``KeyError`` if unknown)."""
    return {rule.name: rule for rule in PLATFORMS}[name]
