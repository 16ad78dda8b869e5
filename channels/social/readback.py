"""Every post in every social export, read back for the gate, one part per post and file.

The gate reads ``social.json`` (each post, the part before the platform's "see more"
cut, taken from ``rules.PLATFORMS`` and not from the file, and LinkedIn's ``api_text``
as LinkedIn shows it), every ``social.csv`` row and every ``social.md`` block.  A platform
with no post, a second post for one platform, or a post with an invisible format or
bidi control character becomes a part without text, named for what is wrong, so the
gate refuses it by name.
"""

from __future__ import annotations

import json
import re

from channels.content.invisible import first_invisible
from channels.rules import PLATFORMS
from channels.social.counting import LINKEDIN_RESERVED, before_cut
from channels.social.exports import csv_rows

_LABELS = {rule.label: rule.name for rule in PLATFORMS}
_SECTION = re.compile(r"^## (.+?): ", re.M)
_BLOCK = re.compile(r"^~~~~~?text\n(.*?)\n~~~~~~?$", re.S | re.M)


def json_parts(data: bytes) -> dict[str, str]:
    """Each post of ``social.json``, its part before "see more", and LinkedIn's API text."""
    posts = [(p.get("platform", ""), p.get("text", ""), p) for p in json.loads(data)["posts"]]
    parts = per_platform([(name, text) for name, text, _ in posts], "")
    for name, text, post in posts:
        cut = next((rule.see_more for rule in PLATFORMS if rule.name == name), None)
        if cut:
            parts[f"{name} (before 'see more')"] = before_cut(clean(text), cut)
        if "api_text" in post:
            parts[f"{name} (api_text, as shown)"] = clean(shown_api_text(post["api_text"]))
    return parts


def csv_parts(data: bytes) -> dict[str, str]:
    return per_platform(csv_rows(data), " (social.csv)")


def markdown_parts(data: bytes) -> dict[str, str]:
    """The full text of each post in ``social.md`` (the last fenced block of its section)."""
    text = data.decode("utf-8")
    heads = list(_SECTION.finditer(text))
    posts = []
    for head, after in zip(heads, [*heads[1:], None], strict=True):
        section = text[head.end(): after.start() if after else len(text)]
        blocks = _BLOCK.findall(section)
        posts.append((_LABELS.get(head.group(1), head.group(1)), blocks[-1] if blocks else ""))
    return per_platform(posts, " (social.md)")


def per_platform(posts: list[tuple[str, str]], suffix: str) -> dict[str, str]:
    """One part per platform; a missing or second post, or a hidden control, is an empty part."""
    parts: dict[str, str] = {}
    for name, text in posts:
        key, bad = f"{name}{suffix}", first_invisible(text)
        if key in parts or any(k.startswith(key + " (a second") for k in parts):
            key, bad = f"{key} (a second post: keep one per platform)", "x"
        elif bad:
            key = f"{key} (holds {bad}: remove it)"
        parts[key] = "" if bad else text
    seen = {name for name, _ in posts}
    for rule in PLATFORMS:
        if rule.name not in seen:
            parts[f"{rule.name}{suffix} (no post: add one)"] = ""
    return parts


def clean(text: str) -> str:
    return "" if first_invisible(text) else text


def shown_api_text(api_text: str) -> str:
    """What LinkedIn shows of a "little text" commentary: escapes undone, cut at the first
    reserved character left unescaped."""
    out, index = [], 0
    while index < len(api_text):
        char = api_text[index]
        if char == "\\" and index + 1 < len(api_text):
            out.append(api_text[index + 1])
            index += 2
            continue
        if char in LINKEDIN_RESERVED:
            break
        out.append(char)
        index += 1
    return "".join(out)
