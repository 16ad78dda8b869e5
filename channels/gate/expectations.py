"""Expectations: where a disclaimer must be found in a channel's extracted parts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from channels.content.disclaimers import Disclaimer


@dataclass(frozen=True)
class Expectation:
    """Where a disclaimer must be found in a channel's extracted parts.

    ``scope="each"``: in every part whose name starts with ``parts``;
    ``scope="any"``: in at least one of them.
    """

    disclaimer: Disclaimer
    form: Literal["full", "short"]
    scope: Literal["each", "any"]
    parts: str = ""

    @property
    def text(self) -> str:
        return self.disclaimer.text if self.form == "full" else self.disclaimer.short

    @property
    def where(self) -> str:
        """The place in words, as the reports print it."""
        return where(self.scope, self.parts)


def where(scope: str, parts: str) -> str:
    """Words for an expectation's place: ``each``/``any`` part whose name starts with ``parts``."""
    named = f" named '{parts.strip()}…'" if parts.strip() else ""
    if scope == "each":
        return f"in every part{named}" if named else "in every part"
    return (
        f"in the part '{parts}'"
        if parts and not parts.endswith(" ")
        else f"in at least one part{named}"
    )
