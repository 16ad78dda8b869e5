"""The web page's structure and metadata, and the site around it: index, Atom feed, sitemap."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from conftest import SEED, prepare_file

from channels.base import SiteInputs
from channels.errors import InputError
from channels.pipeline.steps import render_channel
from channels.pipeline.writer import Writer
from channels.web.channel import WebPage, json_ld
from channels.web.site_index import entry_from_page, published_entries

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


class _Page(HTMLParser):
    """Collects meta/link tags, heading levels, landmark elements and the JSON-LD text."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: list[dict[str, str | None]] = []
        self.links: list[dict[str, str | None]] = []
        self.headings: list[int] = []
        self.tags: list[str] = []
        self.json_ld = ""
        self._in_json = False

    def handle_starttag(self, tag, attrs):
        attrs_d = dict(attrs)
        self.tags.append(tag)
        if tag == "meta":
            self.meta.append(attrs_d)
        elif tag in ("link", "a"):
            self.links.append({"tag": tag, **attrs_d})
        elif len(tag) == 2 and tag[0] == "h" and tag[1].isdigit():
            self.headings.append(int(tag[1]))
        self._in_json = tag == "script" and attrs_d.get("type") == "application/ld+json"

    def handle_data(self, data):
        if self._in_json:
            self.json_ld += data

    def handle_endtag(self, tag):
        self._in_json = False

    def content(self, key: str) -> list[str | None]:
        return [m.get("content") for m in self.meta
                if m.get("property") == key or m.get("name") == key]


def parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def page_of(rendered) -> _Page:
    return parse(rendered["web"].file("index.html").decode())


def test_canonical_og_url_and_json_ld_url_are_one_absolute_url(rendered, seed):
    page = page_of(rendered)
    canonical = [link["href"] for link in page.links if link.get("rel") == "canonical"]
    assert canonical == [seed.article.url]
    assert seed.article.url.startswith("https://") and seed.article.url.endswith("/gut-brain-axis/")
    assert page.content("og:url") == canonical
    assert json.loads(page.json_ld)["url"] == canonical[0]


def test_open_graph_and_twitter_card_carry_the_share_image(rendered, seed):
    page = page_of(rendered)
    image = f"{seed.article.url}share.png"
    assert page.content("og:image") == [image] and page.content("twitter:image") == [image]
    assert page.content("og:image:width") == ["1200"] and page.content("og:image:height") == ["630"]
    alt = page.content("og:image:alt")
    assert alt == page.content("twitter:image:alt") and seed.article.title in alt[0]
    assert page.content("twitter:card") == ["summary_large_image"]
    assert page.content("og:type") == ["article"]
    assert page.content("og:title") == [seed.article.title] == page.content("twitter:title")
    assert page.content("description") == [seed.article.summary]


def test_json_ld_is_a_reviewed_medical_web_page(rendered, seed, settings):
    data = json.loads(page_of(rendered).json_ld)
    assert data["@type"] == "MedicalWebPage"
    assert data["datePublished"] == "2026-11-20" == data["lastReviewed"]
    assert data["reviewedBy"] == {"@type": "Organization", "name": seed.article.reviewed_by}
    assert data["about"]["@type"] == "MedicalCondition" and data["about"]["name"]
    assert data["publisher"]["name"] == settings.site.organization
    assert data["medicalAudience"]["audienceType"] == "Patient"


def test_json_ld_cannot_close_its_script_element(seed):
    hostile = "Stress </script><script>alert(1)</script> & <!-- the gut"
    article = dataclasses.replace(seed.article, title=hostile)
    text = json_ld(article, seed.context)
    assert "<" not in text and ">" not in text
    assert json.loads(text)["name"] == hostile


def test_landmarks_skip_link_and_headings_in_order(rendered):
    html = rendered["web"].file("index.html").decode()
    page = parse(html)
    for landmark in ("header", "nav", "main", "article", "footer"):
        assert landmark in page.tags, landmark
    first_link = next(link for link in page.links if link["tag"] == "a")
    assert first_link["href"] == "#content" and '<main id="content">' in html
    assert page.headings.count(1) == 1 and page.headings[0] == 1
    jumps = [(a, b) for a, b in zip(page.headings, page.headings[1:], strict=False) if b > a + 1]
    assert jumps == []


def test_call_to_action_and_crisis_box_are_inside_main(rendered, seed):
    html = rendered["web"].file("index.html").decode()
    main = html[html.index("<main"):html.index("</main>")]
    assert f'href="{seed.article.cta.url}"' in main and seed.article.cta.text in main
    assert 'data-disclaimer="crisis-988"' in main


def _publish_web_page(out, settings, project, tmp_path, slug, date):
    """Render only the web channel of a dated copy of the seed and promote it as ``slug``."""
    source = tmp_path / f"{slug}.md"
    text = SEED.read_text().replace("date: 2026-11-20", f"date: {date}", 1)
    source.write_text(text.replace('title: "The', f'title: "{slug.title()}: the', 1))
    prepared = prepare_file(source, settings, project)
    with Writer(out) as writer:
        writer.promote(slug, dict(render_channel(prepared, "web").files))
    return prepared.article


def write_site(out, settings, project):
    """The web channel's site files, written as a publish run writes them."""
    inputs = SiteInputs(out, settings.site, settings.policy, str(project.templates_dir))
    with Writer(out) as writer:
        for name, data in WebPage().site_files(inputs).items():
            writer.write(name, data)
    return published_entries(out)


def test_site_lists_published_articles_newest_first(tmp_path, settings, project):
    out = tmp_path / "output"
    older = _publish_web_page(out, settings, project, tmp_path, "older", "2026-10-01")
    newer = _publish_web_page(out, settings, project, tmp_path, "newer", "2026-11-21")
    entries = write_site(out, settings, project)
    assert [e.slug for e in entries] == ["newer", "older"]
    index = (out / "index.html").read_text()
    assert index.index('href="newer/"') < index.index('href="older/"')
    feed = ET.fromstring((out / "feed.xml").read_bytes())
    assert [e.findtext(f"{ATOM}id") for e in feed.iter(f"{ATOM}entry")] == [newer.url, older.url]
    assert feed.findtext(f"{ATOM}updated") == "2026-11-21T00:00:00Z"
    sitemap = ET.fromstring((out / "sitemap.xml").read_bytes())
    locs = [u.findtext(f"{SITEMAP}loc") for u in sitemap.iter(f"{SITEMAP}url")]
    assert locs == [f"{settings.site.base_url}/", newer.url, older.url]


def test_site_forgets_an_article_that_is_no_longer_published(tmp_path, settings, project):
    out = tmp_path / "output"
    _publish_web_page(out, settings, project, tmp_path, "kept", "2026-10-01")
    _publish_web_page(out, settings, project, tmp_path, "withdrawn", "2026-10-02")
    write_site(out, settings, project)
    (out / "withdrawn").unlink()
    assert [e.slug for e in write_site(out, settings, project)] == ["kept"]
    assert "withdrawn" not in (out / "index.html").read_text()
    assert "withdrawn" not in (out / "feed.xml").read_text()


def test_empty_site_still_writes_valid_files(tmp_path, settings, project):
    out = tmp_path / "output"
    assert write_site(out, settings, project) == []
    assert "No articles are published yet." in (out / "index.html").read_text()
    assert ET.fromstring((out / "feed.xml").read_bytes()).find(f"{ATOM}entry") is None


def test_publish_writes_index_feed_and_sitemap_for_the_seed(published, seed):
    entries = published_entries(published)
    assert [(e.slug, e.url, e.title) for e in entries] == [
        ("gut-brain-axis", seed.article.url, seed.article.title)]
    assert entries[0].published == dt.date(2026, 11, 20)
    assert 'href="gut-brain-axis/"' in (published / "index.html").read_text()
    feed = ET.fromstring((published / "feed.xml").read_bytes())
    assert feed.find(f"{ATOM}entry/{ATOM}title").text == seed.article.title
    assert seed.article.url in (published / "sitemap.xml").read_text()


def test_index_footer_carries_the_short_disclaimers_from_the_registry(published, settings):
    index = (published / "index.html").read_text()
    for disclaimer_id in ("not-medical-advice", "crisis-988"):
        assert settings.policy.get(disclaimer_id).short in index


def test_a_page_without_json_ld_is_named_with_the_fix(tmp_path):
    page = tmp_path / "broken" / "index.html"
    page.parent.mkdir()
    page.write_text("<html><body>no data</body></html>")
    with pytest.raises(InputError) as caught:
        entry_from_page(page)
    assert str(caught.value) == (f"{page}: no JSON-LD block, so the site index cannot list it "
                                 "(republish it: publish render source/broken.md --only web)")
