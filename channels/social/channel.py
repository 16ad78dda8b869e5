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
from channels.social.card import render_share_image
from channels.social.counting import before_cut
from channels.social.exports import CSV, MARKDOWN, csv_rows, social_csv, social_markdown
from channels.social.posts import Post, compose

FILE = "social.json"


class SocialPosts(Channel):
    name = "social"
    files = (FILE, CSV)
    opens = MARKDOWN
    lone = (FILE,)

    def render(self, article: Article, context: Context) -> Rendered:
        required = context.required_for(self.name)
        posts = [compose(rule, article, required) for rule in PLATFORMS]
        image = render_share_image(article.title, context.site, context.templates_dir)
        return Rendered(self.name, (
            (FILE, _json(article, posts)),
            (CSV, social_csv(article, posts, IMAGE)),
            (MARKDOWN, social_markdown(article, posts, IMAGE)),
            (IMAGE, image),
        ))

    def extract_text(self, rendered: Rendered) -> dict[str, str]:
        """Each post from ``social.json``, the part before its "see more" cut, and each CSV row."""
        parts = {}
        for post in json.loads(rendered.file(FILE))["posts"]:
            parts[post["platform"]] = post["text"]
            cut = post.get("see_more")
            if cut:
                parts[f"{post['platform']} (before 'see more')"] = before_cut(post["text"], cut)
        for platform, text in csv_rows(dict(rendered.files).get(CSV, b"")):
            parts[f"{platform} ({CSV})"] = text
        return parts

    def expectations(self, required: tuple[Disclaimer, ...]) -> list[Expectation]:
        return [Expectation(d, "short", "each") for d in required]

    def recognize(self, path: Path, data: bytes) -> str | None:
        return FILE if path.suffix.lower() == ".json" else None


def _json(article: Article, posts: list[Post]) -> bytes:
    data = {"article": article.slug, "url": article.url, "share_image": IMAGE,
            "posts": [p.as_json() for p in posts]}
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
