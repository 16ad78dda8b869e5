"""Where the parts of a post go: the hook first, the disclaimers before the "see more" cut.

A disclaimer the reader must tap "more" to see is not clear and conspicuous (FTC), and a
post that opens with its disclaimers loses its reader: so the hook always comes first.
Where hook and disclaimers do not both fit before the cut, the hook is the opening line,
else the title before its colon, else the opening line's first words with an ellipsis,
continued after the disclaimers.
"""

from __future__ import annotations

from channels.rules import PlatformRule
from channels.social.counting import graphemes

SEE_MORE_MARGIN = 10  # the cut is approximate and moves with the device
ELLIPSIS = "\u2026"


def arrange(rule: PlatformRule, text: str, link: str, disclaimer: str, tags: str) -> str | None:
    """The post's text; ``None`` if no hook fits before the cut with the disclaimers."""
    order = [text, disclaimer, link, tags]
    if rule.see_more is not None and graphemes(f"{text}\n\n{disclaimer}") > shown(rule):
        hook, rest = opener(text, room(rule, disclaimer))
        if not hook:
            return None
        order = [hook, disclaimer, rest, link, tags]
    return "\n\n".join(part for part in order if part)


def shown(rule: PlatformRule) -> int:
    """How many characters we count on being shown before "see more"."""
    return (rule.see_more or 0) - SEE_MORE_MARGIN


def room(rule: PlatformRule, disclaimer: str) -> int:
    """How long the hook may be for the disclaimers to show before the cut."""
    return shown(rule) - graphemes(f"\n\n{disclaimer}")


def opener(text: str, limit: int) -> tuple[str, str]:
    """The hook (at most ``limit`` characters) and the rest; ``("", text)`` if none fits."""
    head, _, rest = text.partition("\n\n")
    options = [(head, rest)]
    short, colon, subtitle = head.partition(": ")
    if colon:  # "Title: subtitle" opens with the title and keeps the subtitle below
        options.append((short, f"{subtitle[:1].upper()}{subtitle[1:]}\n\n{rest}"))
    for hook, remainder in options:
        if graphemes(hook) <= limit:
            return hook, remainder.strip()
    words = head.split(" ")
    count = max((n for n in range(1, len(words))
                 if graphemes(" ".join(words[:n]) + ELLIPSIS) <= limit), default=0)
    if not count:
        return "", text
    more = f"{ELLIPSIS}{' '.join(words[count:])}\n\n{rest}"
    return " ".join(words[:count]) + ELLIPSIS, more.strip()
