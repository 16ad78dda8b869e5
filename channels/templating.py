"""The Jinja2 environment: autoescaped, strict, loading only from ``templates/``."""

from __future__ import annotations

import datetime as dt
import functools
import re

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
    env.filters["tappable"] = tappable
    return env


def long_date(value: dt.date) -> str:
    """``2026-11-20`` as ``November 20, 2026``."""
    return f"{value:%B} {value.day}, {value.year}"


def render(templates_dir: str, name: str, **context: object) -> str:
    return environment(templates_dir).get_template(name).render(**context)


# Phrases of the crisis wording a phone can act on: the words stay as written in
# source/disclaimers.yaml, only wrapped in links (call, text, chat).
TAPPABLE = (
    (re.compile(r"\b(Call) or (text) 988\b"),
     r'<a href="tel:988">\1</a> or <a href="sms:988">\2</a> 988'),
    (re.compile(r"\b988lifeline\.org\b"), r'<a href="https://988lifeline.org">\g<0></a>'),
    (re.compile(r"\bcall 911\b"), r'<a href="tel:911">\g<0></a>'),
)


def tappable(text: str) -> markupsafe.Markup:
    """``text`` escaped, with the crisis line's number and address as tel:, sms:, https: links."""
    html = str(markupsafe.escape(text))
    for pattern, link in TAPPABLE:
        html = pattern.sub(link, html)
    return markupsafe.Markup(html)
