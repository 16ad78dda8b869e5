"""The second witness: each required disclaimer as a browser paints it, in every view."""

from __future__ import annotations

from channels.gate.browser import View, look
from channels.gate.expectations import Expectation
from channels.gate.match import Check


def pixel_checks(channel: str, views: tuple[View, ...], expectations: list[Expectation]
                 ) -> list[Check]:
    """One check per expectation: found in the views where a reader sees it painted."""
    if not views or not expectations:
        return []
    texts = tuple(dict.fromkeys(e.text for e in expectations))
    seen = {view.name: look(view, texts) for view in views}
    checks = []
    for exp in expectations:
        verdicts = [(name, seen[name][exp.text]) for name in seen]
        checks.append(Check(
            channel, exp.disclaimer.id, exp.disclaimer.version, exp.form, "each",
            found_in=tuple(name for name, problem in verdicts if not problem),
            missing_in=tuple(f"{name} ({problem})" for name, problem in verdicts if problem),
            witness="pixel",
        ))
    return checks
