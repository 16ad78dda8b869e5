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

from channels.base import SiteInputs
from channels.content.disclaimers import Policy
from channels.content.site import Site
from channels.errors import InputError
from channels.templating import render

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
    if not out_dir.is_dir():
        return []
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


def notices(policy: Policy) -> tuple[str, ...]:
    """Short forms of every disclaimer a web page can carry, for the index's footer."""
    return tuple(d.short for d in policy.required("web", tuple(policy.by_tag), ()))


def render_site(entries: list[Entry], site: Site, notices: tuple[str, ...],
                templates_dir: str) -> dict[str, bytes]:
    """The three site files, in memory."""
    updated = max((e.updated for e in entries), default=None)
    return {name: render(templates_dir, template, entries=entries, site=site, notices=notices,
                         updated=updated).encode("utf-8")
            for name, template in SITE_FILES}


def site_pages(inputs: SiteInputs) -> dict[str, bytes]:
    """The index, feed and sitemap of what ``inputs.out_dir`` now publishes."""
    entries = published_entries(inputs.out_dir)
    return render_site(entries, inputs.site, notices(inputs.policy), inputs.templates_dir)


def site_assets(templates_dir: str) -> dict[str, bytes]:
    """Fonts and the page stylesheet, shared by every article's web page."""
    templates = Path(templates_dir)
    fonts = {f"assets/fonts/{font.name}": font.read_bytes()
             for font in sorted((templates / "fonts").iterdir())}
    return {**fonts,
            "assets/shared/fonts.css": (templates / "shared/fonts.css").read_bytes(),
            "assets/page.css": (templates / "web/page.css").read_bytes()}
