"""Social posts: one per platform, each within that platform's exact limit.

Every post carries the short disclaimers in its own text, before the platform's
"see more" cut; a post that cannot fit them is refused, never truncated.
"""

from __future__ import annotations

import json
from pathlib import Path

from channels.base import Channel, Context, Expectation, Rendered
from channels.content.article import Article
from channels.content.disclaimers import Disclaimer
from channels.rules import PLATFORMS
from channels.social.card import FILE as IMAGE
from channels.social.card import field_where, render_share_image
from channels.social.exports import CSV, MARKDOWN, social_csv, social_markdown
from channels.social.posts import Post, compose
from channels.social.readback import csv_parts, json_parts, markdown_parts

FILE = "social.json"


class SocialPosts(Channel):
    name = "social"
    files = (FILE, CSV, MARKDOWN)
    opens = MARKDOWN
    lone = (FILE,)

    def render(self, article: Article, context: Context) -> Rendered:
        required = context.required_for(self.name)
        posts = [compose(rule, article, required) for rule in PLATFORMS]
        image = render_share_image(article.title, context.site, context.templates_dir,
                                   field_where(article.path, "title"))
        return Rendered(self.name, (
            (FILE, _json(article, posts)),
            (CSV, social_csv(article, posts, IMAGE)),
            (MARKDOWN, social_markdown(article, posts, IMAGE)),
            (IMAGE, image),
        ))

    def extract_text(self, rendered: Rendered) -> dict[str, str]:
        """Every post of every export there is (``social.json``, ``.csv``, ``.md``)."""
        files = dict(rendered.files)
        readers = ((FILE, json_parts), (CSV, csv_parts), (MARKDOWN, markdown_parts))
        return {k: v for name, read in readers if name in files
                for k, v in read(files[name]).items()}

    def expectations(self, required: tuple[Disclaimer, ...]) -> list[Expectation]:
        return [Expectation(d, "short", "each") for d in required]

    def recognize(self, path: Path, data: bytes) -> str | None:
        return FILE if path.suffix.lower() == ".json" else None


def _json(article: Article, posts: list[Post]) -> bytes:
    data = {"article": article.slug, "url": article.url, "share_image": IMAGE,
            "posts": [p.as_json() for p in posts]}
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
