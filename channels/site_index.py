"""The site around the pages: ``index.html``, the Atom feed and ``sitemap.xml``.

Built from what is actually published: each ``output/<slug>/index.html`` carries its
own JSON-LD, which is read back here, so the index can never list a page that was
refused or describe one differently from the page itself.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .disclaimers import Registry
from .errors import InputError
from .promote import locked, write_site_file
from .site import Site
from .templating import render

if TYPE_CHECKING:
    from .build import Settings

PAGE = "index.html"
SITE_FILES = (("index.html", "web/index.html"), ("feed.xml", "web/feed.xml"),
              ("sitemap.xml", "web/sitemap.xml"))
_JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


@dataclass(frozen=True)
class Entry:
    """One published article, as its page describes itself."""

    slug: str
    url: str
    title: str
    summary: str
    published: dt.date
    reviewed: dt.date

    @property
    def updated(self) -> dt.date:
        return max(self.published, self.reviewed)


def published_entries(out_dir: Path) -> list[Entry]:
    """Every published article under ``out_dir``, newest first (then by title)."""
    entries = [entry_from_page(folder / PAGE)
               for folder in sorted(out_dir.iterdir())
               if not folder.name.startswith(".") and (folder / PAGE).is_file()]
    return sorted(entries, key=lambda e: (-e.published.toordinal(), e.title))


def entry_from_page(page: Path) -> Entry:
    """Read a published page's ``MedicalWebPage`` JSON-LD back into an ``Entry``."""
    slug = page.parent.name
    match = _JSON_LD.search(page.read_text(encoding="utf-8"))
    if match is None:
        raise InputError(str(page), "no JSON-LD block, so the site index cannot list it",
                         f"republish it: publish render source/{slug}.md --only web")
    data = json.loads(match.group(1))
    return Entry(slug=slug, url=data["url"], title=data["name"], summary=data["description"],
                 published=dt.date.fromisoformat(data["datePublished"]),
                 reviewed=dt.date.fromisoformat(data["lastReviewed"]))


def notices(registry: Registry) -> tuple[str, ...]:
    """Short forms of every disclaimer a web page can carry, for the index's footer."""
    return tuple(d.short for d in registry.required("web", tuple(registry.by_tag), ()))


def render_site(entries: list[Entry], site: Site, notices: tuple[str, ...],
                templates_dir: str) -> dict[str, bytes]:
    """The three site files, in memory."""
    updated = max((e.updated for e in entries), default=None)
    return {name: render(templates_dir, template, entries=entries, site=site, notices=notices,
                         updated=updated).encode("utf-8")
            for name, template in SITE_FILES}


def write_site(out_dir: Path, settings: Settings, templates_dir: str) -> list[Entry]:
    """Regenerate the index, feed and sitemap from what ``out_dir`` now publishes."""
    with locked(out_dir):
        entries = published_entries(out_dir)
        files = render_site(entries, settings.site, notices(settings.registry), templates_dir)
        for name, data in files.items():
            write_site_file(out_dir, name, data)
    return entries
