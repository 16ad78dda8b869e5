"""The Jinja2 environment: autoescaped, strict, loading only from ``templates/``."""

from __future__ import annotations

import datetime as dt
import functools

import jinja2


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
    return env


def long_date(value: dt.date) -> str:
    """``2026-11-20`` as ``November 20, 2026``."""
    return f"{value:%B} {value.day}, {value.year}"


def render(templates_dir: str, name: str, **context: object) -> str:
    return environment(templates_dir).get_template(name).render(**context)
