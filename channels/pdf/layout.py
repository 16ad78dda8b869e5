"""The handout's page-1 summary: the article's "Key takeaways" section, moved up front."""

from __future__ import annotations

import re

# The section pandoc makes of "## Key takeaways" (any {.takeaways} class is also accepted).
_TAKEAWAYS = re.compile(
    r'<section\b[^>]*(?:id="key-takeaways"|class="[^"]*\btakeaways\b[^"]*")[^>]*>'
    r"(?:(?!<section\b).)*?</section>\s*", re.S)


def split_takeaways(body: str) -> tuple[str, str]:
    """``(summary, rest)``: the Key takeaways section and the body without it."""
    found = _TAKEAWAYS.search(body)
    if not found:
        return "", body
    return found.group(0), body[:found.start()] + body[found.end():]
