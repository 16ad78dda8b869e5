"""One post per platform: the hook, the short disclaimers before any "see more" cut, the link.

A post that cannot carry its disclaimers within the platform's limit is refused,
never truncated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from channels.content.article import Article
from channels.content.disclaimers import Disclaimer
from channels.errors import ContentTooLong
from channels.rules import PlatformRule
from channels.social import bluesky
from channels.social.counting import (
    fits,
    hashtags,
    length,
    linkedin_escape,
    links,
    overflows,
    utf8_bytes,
)
from channels.social.layout import arrange, room

# Mastodon convention: mental-health topics go behind a content warning, which the
# server counts toward the limit.  It hides the claim and its disclaimer alike.
CONTENT_WARNING = "Mental health"


@dataclass(frozen=True)
class Post:
    """One platform's post exactly as it will be submitted."""

    platform: str
    label: str
    text: str
    length: int
    limit: int
    unit: str
    link: str
    see_more: int | None
    source: str
    checked: str
    content_warning: str = ""
    utf8_bytes: int | None = None
    facets: tuple[dict, ...] = ()
    api_text: str = ""

    def as_json(self) -> dict:
        data = {k: v for k, v in self.__dict__.items() if v not in ("", None, ())}
        if self.facets:
            data["facets"] = list(self.facets)
        return data


def compose(rule: PlatformRule, article: Article, required: tuple[Disclaimer, ...]) -> Post:
    """The post for one platform; ``ContentTooLong`` if even the shortest layout does not fit."""
    link = _link(rule, article)
    shown = _display(rule, link)
    disclaimer = " ".join(d.short for d in required)
    warning = CONTENT_WARNING if rule.content_warning else ""
    authored = article.authored_post(rule.name)
    candidates = [authored] if authored else _derived(article)
    tags = _tags(rule, article, authored or "")
    # Hashtags are the first thing to go; the disclaimer and the link never are.
    arranged = [arrange(rule, c, shown, disclaimer, t) for c in candidates for t in (tags, "")]
    layouts = [text for text in arranged if text is not None]
    if not layouts:
        raise _no_hook(rule, article, disclaimer, authored is not None)
    text = next((t for t in layouts if fits(rule, t, warning)), None)
    if text is None:
        raise _too_long(rule, article, layouts[-1], warning, authored is not None)
    return Post(
        rule.name, rule.label, text, length(rule, text, warning), rule.limit, rule.unit,
        link if rule.links_clickable else article.url, rule.see_more, rule.source, rule.checked,
        content_warning=warning,
        utf8_bytes=utf8_bytes(text) if rule.max_bytes else None,
        facets=_facets(text, {shown: link} | _disclaimer_links(disclaimer))
        if rule.link_facets else (),
        api_text=linkedin_escape(text) if rule.escaped else "",
    )


def _too_long(rule: PlatformRule, article: Article, text: str, warning: str,
              authored: bool) -> ContentTooLong:
    problem = overflows(rule, text, warning)[0]
    field = f"social.{rule.name}"
    where = _where(article, rule.name) if authored else article.path
    fix = (f"shorten {field} {problem.fix}" if authored
           else f"write a shorter {field} in the front matter, or shorten the title")
    return ContentTooLong(
        where, f"social: the {rule.label} post is {problem.what} once the link and "
        f"disclaimer are added", fix)


def _no_hook(rule: PlatformRule, article: Article, disclaimer: str,
             authored: bool) -> ContentTooLong:
    where = _where(article, rule.name) if authored else article.path
    space = room(rule, disclaimer)
    fix = (f"open social.{rule.name} with a line of at most {space} characters" if space > 1
           else "shorten the short wording of the disclaimers in source/disclaimers.yaml")
    return ContentTooLong(
        where, f"social: the {rule.label} post cannot open with its hook and still show the "
        f"disclaimers before 'see more' ({rule.see_more} characters)", fix)


def _where(article: Article, platform: str) -> str:
    """``file:line`` of ``social.<platform>`` in the front matter (the file alone if not found)."""
    try:
        lines = Path(article.path).read_text(encoding="utf-8-sig").splitlines()
    except OSError:
        return article.path
    start = next((i for i, line in enumerate(lines) if line.startswith("social:")), None)
    if start is None:
        return article.path
    for number in range(start + 1, min(len(lines), article.body_line)):
        line = lines[number]
        if line.strip() and not line[0].isspace():
            break
        if re.match(rf"\s+{re.escape(platform)}\s*:", line):
            return f"{article.path}:{number + 1}"
    return f"{article.path}:{start + 1}"


def _derived(article: Article) -> list[str]:
    """Post texts made from the article, longest first."""
    first_sentence = re.split(r"(?<=[.!?])\s", article.summary, maxsplit=1)[0]
    return [f"{article.title}\n\n{article.summary}", f"{article.title}\n\n{first_sentence}",
            article.title, first_sentence]


def _display(rule: PlatformRule, link: str) -> str:
    """The link as the post shows it: where a facet carries the target, a short address."""
    if not rule.link_facets:
        return link
    parts = urlsplit(link)
    return (parts.hostname or "").removeprefix("www.") + parts.path.rstrip("/")


def _disclaimer_links(disclaimer: str) -> dict[str, str]:
    return {link.text: link.uri for link in links(disclaimer)}


def _facets(text: str, targets: dict[str, str]) -> tuple[dict, ...]:
    """Bluesky's own facets, each link opening its target; every target's text linked.

    ``detectFacets`` skips a domain starting with a digit (988lifeline.org), so such a
    link of ours gets its facet here, exactly over its text.
    """
    found = bluesky.facets(text, {f"https://{shown}": uri for shown, uri in targets.items()})
    uris = {f["features"][0].get("uri") for f in found}
    for shown, uri in targets.items():
        start = text.find(shown)
        if uri not in uris and start >= 0:
            found.append(bluesky.link(text, start, start + len(shown), uri))
    return tuple(sorted(found, key=lambda f: f["index"]["byteStart"]))


def _link(rule: PlatformRule, article: Article) -> str:
    if not rule.links_clickable:
        return "Link in bio."
    return f"{article.url}?utm_source={rule.name}&utm_medium=social&utm_campaign={article.slug}"


def _tags(rule: PlatformRule, article: Article, authored: str) -> str:
    """The article's tags as hashtags, as many as the platform suits, none twice."""
    present = {t.lower() for t in hashtags(authored)}
    budget = rule.hashtags
    if rule.max_hashtags is not None:
        budget = min(budget, rule.max_hashtags - len(present))
    tags = [t for t in map(_hashtag, article.tags) if t[1:].lower() not in present]
    return " ".join(tags[:max(budget, 0)])


def _hashtag(tag: str) -> str:
    # Only the first letter is raised: an acronym (TMS, ADHD) keeps its case.
    return "#" + "".join(word[:1].upper() + word[1:]
                         for word in re.split(r"[^A-Za-z0-9]+", tag) if word)
