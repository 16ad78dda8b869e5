"""The explicit list of channels. Adding one: a module, its templates, one line here."""

from __future__ import annotations

import difflib

from .base import Channel
from .errors import InputError
from .newsletter import Newsletter
from .pdf import PdfHandout
from .social import SocialPosts
from .web import WebPage

CHANNELS: dict[str, Channel] = {
    c.name: c for c in (PdfHandout(), Newsletter(), SocialPosts(), WebPage())
}


def get(name: str) -> Channel:
    """The channel called ``name``; an unknown name fails with a suggestion."""
    try:
        return CHANNELS[name]
    except KeyError:
        close = difflib.get_close_matches(name, list(CHANNELS), n=1)
        hint = f"did you mean '{close[0]}'?" if close else "choose from " + ", ".join(CHANNELS)
        raise InputError("--only", f"unknown channel '{name}'", hint) from None


def select(names: str | None) -> tuple[str, ...]:
    """Parse ``--only pdf,web`` into channel names (all of them when ``None``)."""
    if not names:
        return tuple(CHANNELS)
    chosen = tuple(dict.fromkeys(n.strip() for n in names.split(",") if n.strip()))
    for name in chosen:
        get(name)
    if not chosen:
        raise InputError("--only", "no channel named", "e.g. --only pdf,web")
    return chosen
