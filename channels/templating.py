"""The Jinja2 environment: autoescaped, strict, loading only from ``templates/``."""

from __future__ import annotations

import datetime as dt
import functools

import jinja2
import markupsafe


@functools.lru_cache(maxsize=8)
def environment(templates_dir: str) -> jinja2.Environment:
    """One cached environment per templates folder (never passed into tasks)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir),
        # Decided by the final extension: name templates page.html, not page.html.j2.
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined,  # a typo must not render an empty disclaimer
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["longdate"] = long_date
    env.globals["crisis_links"] = crisis_links
    return env


def long_date(value: dt.date) -> str:
    """``2026-11-20`` as ``November 20, 2026``."""
    return f"{value:%B} {value.day}, {value.year}"


def render(templates_dir: str, name: str, **context: object) -> str:
    return environment(templates_dir).get_template(name).render(**context)



CRISIS_LINKS = (("tel:988", "Call 988"), ("sms:988", "Text 988"),
                ("https://988lifeline.org", "Chat at 988lifeline.org"))


def crisis_links() -> markupsafe.Markup:
    """The 988 line as links a phone can tap, beside (never inside) the disclaimer's wording."""
    return markupsafe.Markup(" · ".join(f'<a href="{href}">{text}</a>'
                                        for href, text in CRISIS_LINKS))
