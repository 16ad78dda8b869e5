"""Web page: the article's canonical home, which every other channel links to."""

from __future__ import annotations

import json
from pathlib import Path

from channels.base import Channel, Context, Expectation, Rendered, SiteInputs, View
from channels.content.article import Article
from channels.content.disclaimers import Disclaimer
from channels.gate.html_text import visible_text
from channels.pdf.glyphs import check_coverage
from channels.templating import render
from channels.web.site_index import site_assets, site_pages

FILE = "index.html"
# The page's stylesheet ships beside it, so the gate reads exactly the CSS a reader gets.
STYLESHEET = "page.css"
SHARE_IMAGE = ("share.png", 1200, 630)  # written beside the page by the social channel


class WebPage(Channel):
    name = "web"
    files = (FILE, STYLESHEET)
    opens = FILE
    lone = (".html",)
    context_files = (STYLESHEET,)

    def render(self, article: Article, context: Context) -> Rendered:
        required = context.required_for(self.name)
        html = render(
            context.templates_dir, "web/page.html",
            article=article, site=context.site, body=context.body.html_for(self.name),
            disclaimers=required, short_disclaimers=required,
            json_ld=json_ld(article, context), share=share_image(article, context),
        )
        check_coverage(html, context.templates_dir, article.path, self.name)
        css = (Path(context.templates_dir) / "web" / STYLESHEET).read_bytes()
        images = context.body.image_files(self.name)
        return Rendered(self.name, ((FILE, html.encode("utf-8")), (STYLESHEET, css), *images))

    def extract_text(self, rendered: Rendered) -> dict[str, str]:
        css = dict(rendered.files).get(STYLESHEET, b"").decode("utf-8")
        return {"main": visible_text(rendered.file(FILE).decode("utf-8"), region="main", css=css)}

    def expectations(self, required: tuple[Disclaimer, ...]) -> list[Expectation]:
        return [Expectation(d, "full", "any", "main") for d in required]

    def views(self, rendered: Rendered, shared: dict[str, bytes]) -> tuple[View, ...]:
        """A phone, a desktop and the printed page, each with the page's own files."""
        files = (*((f"a/{n}", d) for n, d in rendered.files), *shared.items())
        page = f"a/{FILE}"
        return (View(f"{FILE} at 375 px", page, files, 375, region="main"),
                View(f"{FILE} at 1280 px", page, files, 1280, region="main"),
                View(f"{FILE} printed", page, files, 816, media="print", region="main"))

    def recognize(self, path: Path, data: bytes) -> str | None:
        return FILE if path.suffix.lower() == ".html" and b"<main" in data.lower() else None

    def site_files(self, inputs: SiteInputs) -> dict[str, bytes]:
        """The shared fonts and stylesheet, then the index, feed and sitemap of every page."""
        return {**site_assets(inputs.templates_dir), **site_pages(inputs)}


def share_image(article: Article, context: Context) -> dict[str, object]:
    """The Open Graph / Twitter card image: absolute URL, size and alt text."""
    name, width, height = SHARE_IMAGE
    alt = f"{article.title}, from {context.site.organization}"
    return {"url": f"{article.url}{name}", "width": width, "height": height, "alt": alt}


def json_ld(article: Article, context: Context) -> str:
    """Schema.org ``MedicalWebPage``, safe to embed in a ``<script>`` element."""
    site = context.site
    data = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "url": article.url,
        "name": article.title,
        "headline": article.title,
        "description": article.summary,
        "inLanguage": site.language,
        "datePublished": article.date.isoformat(),
        "lastReviewed": article.reviewed_on.isoformat(),
        "reviewedBy": {"@type": "Organization", "name": article.reviewed_by},
        "medicalAudience": {"@type": "MedicalAudience", "audienceType": "Patient"},
        "about": {"@type": "MedicalCondition", "name": article.title.split(":")[0]},
        "keywords": ", ".join(article.tags),
        "image": f"{article.url}{SHARE_IMAGE[0]}",
        "publisher": {"@type": "MedicalOrganization", "name": site.organization,
                      "url": site.base_url},
    }
    text = json.dumps(data, ensure_ascii=False, indent=2)
    # JSON escapes, so the text stays valid JSON and cannot close the <script> element.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
