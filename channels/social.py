"""Social posts: one per platform, each within that platform's exact limit.

Every post carries the short disclaimers in its own text, before the platform's
"see more" cut; a post that cannot fit them is refused, never truncated.
"""

from __future__ import annotations

import json
import re

from .article import Article
from .base import Context, Expectation, Rendered
from .counting import fits, length, linkedin_escape
from .disclaimers import Disclaimer
from .errors import ContentTooLong
from .rules import PLATFORMS, PlatformRule

FILE = "social.json"
HASHTAGS = {"x": 2, "bluesky": 2, "threads": 1, "mastodon": 3, "linkedin": 3, "instagram": 5,
            "facebook": 2}


class SocialPosts:
    name = "social"

    def render(self, article: Article, context: Context) -> Rendered:
        required = context.required_for(self.name)
        posts = [compose(rule, article, required) for rule in PLATFORMS]
        data = json.dumps({"article": article.slug, "url": article.url, "posts": posts},
                          indent=2, ensure_ascii=False) + "\n"
        return Rendered(self.name, ((FILE, data.encode("utf-8")),))

    def extract_text(self, rendered: Rendered) -> dict[str, str]:
        parts = {}
        for post in json.loads(rendered.file(FILE))["posts"]:
            parts[post["platform"]] = post["text"]
            cut = post.get("see_more")
            if cut:
                parts[f"{post['platform']} (before 'see more')"] = post["text"][:cut]
        return parts

    def expectations(self, required: tuple[Disclaimer, ...]) -> list[Expectation]:
        return [Expectation(d, "short", "each") for d in required]


def compose(rule: PlatformRule, article: Article, required: tuple[Disclaimer, ...]) -> dict:
    """The post for one platform, as data for ``social.json``."""
    link = _link(rule, article)
    disclaimer = " ".join(d.short for d in required)
    tags = " ".join(_hashtag(t) for t in article.tags[: HASHTAGS.get(rule.name, 2)])
    authored = article.authored_post(rule.name)
    candidates = [authored] if authored else _derived(article)
    # Hashtags are the first thing to go; the disclaimer and the link never are.
    layouts = [_layout(rule, c, link, disclaimer, t) for c in candidates for t in (tags, "")]
    text = next((t for t in layouts if fits(rule, t)), "")
    if not text:
        text = layouts[-1]
        over = length(rule, text) - rule.limit
        what = f"social.{rule.name}" if authored else "title"
        raise ContentTooLong(
            article.path,
            f"social: the {rule.label} post is {length(rule, text)} long, {over} over the limit of "
            f"{rule.limit} once the link and disclaimer are added",
            f"shorten {what} by at least {over}")
    post = {
        "platform": rule.name, "label": rule.label, "text": text,
        "length": length(rule, text), "limit": rule.limit, "counting": rule.counting,
        "link": link if rule.links_clickable else article.url, "see_more": rule.see_more,
        "source": rule.source, "checked": rule.checked,
    }
    if rule.name == "linkedin":
        post["api_text"] = linkedin_escape(text)
    return post


def _derived(article: Article) -> list[str]:
    """Post texts made from the article, longest first."""
    first_sentence = re.split(r"(?<=[.!?])\s", article.summary, maxsplit=1)[0]
    return [f"{article.title}\n\n{article.summary}", f"{article.title}\n\n{first_sentence}",
            article.title, first_sentence]


def _layout(rule: PlatformRule, text: str, link: str, disclaimer: str, tags: str) -> str:
    head, _, rest = text.partition("\n\n")
    order = [text, disclaimer, link, tags]
    if rule.see_more is not None and len(f"{text}\n\n{disclaimer}") > rule.see_more:
        # The disclaimer must show before the "more" cut (FTC: clear and conspicuous):
        # right after the opening line if that fits, else first of all.
        if len(f"{head}\n\n{disclaimer}") <= rule.see_more:
            order = [head, disclaimer, rest, link, tags]
        else:
            order = [disclaimer, text, link, tags]
    return "\n\n".join(part for part in order if part)


def _link(rule: PlatformRule, article: Article) -> str:
    if not rule.links_clickable:
        return "Link in bio."
    return f"{article.url}?utm_source={rule.name}&utm_medium=social&utm_campaign={article.slug}"


def _hashtag(tag: str) -> str:
    return "#" + "".join(word.capitalize() for word in re.split(r"[^A-Za-z0-9]+", tag) if word)
