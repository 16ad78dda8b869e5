"""A new article's source file: every front-matter field commented in place, a body skeleton."""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from pathlib import Path

from channels.content.disclaimers import Policy
from channels.content.frontmatter import SLUG
from channels.content.site import PLACEHOLDER
from channels.errors import InputError
from channels.rules import CONTENT, EMAIL, PLATFORMS

_HEAD = """\
---
# A new article. Lines starting with '#' are comments: what each field is for, its limit and
# its default. It publishes as it is: `publish render {path}`. The warnings then
# list every {p} left to write. Optional fields are commented out: remove '# ' to use one.
title: {title}   # required: the headline on every channel; plain text, one line
# summary: required; at most {summary_max} characters: the page's description, the email
# preheader and the default social post
summary: "{p}: one or two sentences on what the reader will learn."   # required
date: {today}   # required: the publication date, YYYY-MM-DD
reviewed:   # required for health content: who reviewed it clinically, and when
  by: "{p}: the reviewing clinician or team"
  on: {today}   # YYYY-MM-DD; publishing is refused {review_months} months after it
tags: {tags}   # lower case; {crisis_tags} add the 988 crisis line
# disclaimers: more ids from source/disclaimers.yaml ({ids}) for the
# PDF, email and page; those the policy requires are always added, never removed
disclaimers: []   # optional; default none
# slug: {slug}   # default: the file name; only a-z, 0-9 and single hyphens
# url: {url}   # default: base_url of source/site.yaml + /slug/
# email:   # the newsletter
#   subject: ...   # default: the title; one line
#   preheader: ...   # default: the summary; inboxes show about {pre_min}-{pre_max} characters
# social:   # your own post per platform; default: the title and summary. The link,
#           # short disclaimers and hashtags are added and count towards each limit
"""
_CTA = """\
# cta:   # the call to action at the end of the page, email and handout
#   heading: ...   # optional
#   body: ...   # optional: a sentence or two above the link
#   text: Schedule a free consultation   # required in a cta: the link's text
#   url: https://...   # required in a cta: an https link
---

{p}: the opening paragraph. Say what this article is about and who it is for, in plain
words (the content checks warn above reading grade {grade:g}).

## What is it?

{p}: explain the condition or idea in everyday words. Short sentences help.

## What can help

{p}: what the reader can do, and what care is available.

- {p}: one thing that helps
- {p}: another thing that helps

## When to get help

{p}: when to talk to a clinician, and how to reach one.
"""


def slugify(title: str) -> str:
    """``"Sleep & Mood: a Guide"`` → ``"sleep-mood-a-guide"`` (ASCII, lower case, hyphens)."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:60].strip("-")


def scaffold(title: str, tags: tuple[str, ...], policy: Policy, base_url: str,
             today: dt.date, path: str = "source/<slug>.md") -> str:
    """The text of a new article titled ``title``; every field commented in place."""
    slug = slugify(title)
    values = {
        "p": PLACEHOLDER, "title": json.dumps(title, ensure_ascii=False), "today": today,
        "summary_max": CONTENT.summary_max, "review_months": CONTENT.review_max_months,
        "tags": "[" + ", ".join(tags) + "]", "crisis_tags": ", ".join(sorted(policy.by_tag)),
        "ids": ", ".join(sorted(policy.disclaimers)), "slug": slug,
        "url": f"{base_url.rstrip('/')}/{slug}/", "pre_min": EMAIL.preheader_min,
        "pre_max": EMAIL.preheader_max, "path": path,
        "grade": CONTENT.reading_grade_max,
    }
    posts = "".join(f"#   {rule.name}: ...   # {rule.limit:,} {rule.unit}\n" for rule in PLATFORMS)
    return _HEAD.format(**values) + posts + _CTA.format(**values)


def new_article(source_dir: Path, title: str, tags: tuple[str, ...], policy: Policy,
                base_url: str, today: dt.date) -> Path:
    """Write ``source_dir/<slug>.md``; never overwrite an existing file."""
    slug = slugify(title)
    if not title.strip() or not SLUG.match(slug):
        raise InputError("title", f"{title!r} gives no usable file name",
                         "use a title with letters or digits, e.g. \"Sleep and mood\"")
    bad = [t for t in tags if not SLUG.match(t)]
    if bad:
        raise InputError("--tags", f"bad tag {bad[0]!r}: only lowercase letters, digits "
                         "and single hyphens", "e.g. --tags mental-health,sleep")
    path = source_dir / f"{slug}.md"
    try:
        with path.open("x", encoding="utf-8") as file:
            file.write(scaffold(title, tags, policy, base_url, today, str(path)))
    except FileExistsError:
        raise InputError(str(path), "already exists; nothing was written",
                         "choose another title, or edit that file") from None
    return path
