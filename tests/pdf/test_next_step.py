"""Tappable crisis help in every long-form channel, the clinic's contact block on the handout,
and the site's default call to action for an article that names none."""

from __future__ import annotations

import html as html_lib
import io
import re

import pypdf

from channels.pdf.channel import FILE, PdfHandout
from tests.pdf.generated import article_text, prepared

CRISIS_LINKS = {"tel:988", "sms:988", "https://988lifeline.org"}


def words(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
                    .split())


def hrefs(html: str) -> set[str]:
    return set(re.findall(r'href="([^"]+)"', html))


def test_the_handout_has_crisis_link_annotations_with_alt_text(rendered):
    reader = pypdf.PdfReader(io.BytesIO(rendered["pdf"].file(FILE)))
    links = [a.get_object() for a in reader.pages[-1].get("/Annots") or []]  # the 988 box
    uris = {link["/A"]["/URI"] for link in links if link["/Subtype"] == "/Link"}
    assert uris >= CRISIS_LINKS
    assert all(link.get("/Contents") for link in links)


def test_the_page_and_both_newsletter_parts_carry_crisis_links(rendered):
    assert hrefs(rendered["web"].file("index.html").decode()) >= CRISIS_LINKS
    assert hrefs(rendered["email"].file("newsletter.html").decode()) >= CRISIS_LINKS
    text = rendered["email"].file("newsletter.txt").decode()
    assert all(link in text for link in CRISIS_LINKS)


def test_links_keep_the_wording_of_the_disclaimer(settings, rendered):
    crisis = next(d for d in settings.policy.disclaimers.values() if d.id == "crisis-988")
    for html in (rendered["web"].file("index.html"), rendered["email"].file("newsletter.html")):
        assert html_lib.escape(crisis.text, quote=False) in html.decode()


def test_the_handout_prints_the_clinic_contact_block(rendered, settings):
    text = words(rendered["pdf"].file(FILE))
    site = settings.site
    assert f"Phone: {site.phone}" in text and site.hours in text


def test_an_article_without_cta_gets_the_site_default_and_its_own_overrides(
        tmp_path, settings, project):
    plain = prepared(tmp_path, "plain", article_text(1, 2), settings, project)
    assert plain.article.cta is None and settings.site.cta is not None
    own = prepared(tmp_path, "own", article_text(1, 2, cta=True), settings, project)
    assert own.article.cta.text == "Book a visit"
    handout = PdfHandout().render(plain.article, plain.context).file(FILE)
    assert settings.site.cta.text in words(handout)


def test_key_takeaways_open_page_one_as_a_summary(rendered):
    pages = [p.extract_text() for p in
             pypdf.PdfReader(io.BytesIO(rendered["pdf"].file(FILE))).pages]
    assert "Key takeaways" in pages[0]
    assert not any("Key takeaways" in page for page in pages[1:])  # moved, not repeated
