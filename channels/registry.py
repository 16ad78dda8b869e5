"""The explicit list of channels. Adding one: a package, its templates, one line here.

Everything else that needs the channels (the disclaimer policy, ``.only`` blocks,
``--only``, ``publish check``, the preview's links, the site files) asks this module.
"""

from __future__ import annotations

import difflib

from channels.base import Channel
from channels.errors import InputError
from channels.newsletter.channel import Newsletter
from channels.pdf.channel import PdfHandout
from channels.social.channel import SocialPosts
from channels.web.channel import WebPage

CHANNELS: dict[str, Channel] = {
    c.name: c for c in (PdfHandout(), Newsletter(), SocialPosts(), WebPage())
}


def names() -> tuple[str, ...]:
    """Every registered channel's name, in registry order."""
    return tuple(CHANNELS)


def get(name: str) -> Channel:
    """The channel called ``name``; an unknown name fails with a suggestion."""
    try:
        return CHANNELS[name]
    except KeyError:
        close = difflib.get_close_matches(name, list(CHANNELS), n=1)
        hint = f"did you mean '{close[0]}'?" if close else "choose from " + ", ".join(CHANNELS)
        raise InputError("--only", f"unknown channel '{name}'", hint) from None


def select(only: str | None) -> tuple[str, ...]:
    """Parse ``--only pdf,web`` into channel names (all of them when ``None``)."""
    if not only:
        return tuple(CHANNELS)
    chosen = tuple(dict.fromkeys(n.strip() for n in only.split(",") if n.strip()))
    for name in chosen:
        get(name)
    if not chosen:
        raise InputError("--only", "no channel named", "e.g. --only pdf,web")
    return chosen
