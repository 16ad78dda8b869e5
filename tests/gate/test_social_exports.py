"""The gate reads every export and every entry (social posts, newsletter HTML alternatives)."""

from __future__ import annotations

import csv
import io
import json

import pytest

from channels.base import Rendered
from channels.pipeline.steps import Checked, check_channel

SHORT = "In crisis? Call or text 988 or chat 988lifeline.org."
NOT_ADVICE = "Educational only, not medical advice."


def edit(rendered: Rendered, name: str, change) -> Rendered:
    files = tuple((n, change(d.decode()).encode() if n == name else d)
                  for n, d in rendered.files)
    assert files != rendered.files, f"{name}: the edit changed nothing"
    return Rendered("social", files)


def posts(change):
    """Change the list of posts in ``social.json``."""
    def apply(text: str) -> str:
        data = json.loads(text)
        data["posts"] = change(data["posts"])
        return json.dumps(data, ensure_ascii=False)
    return apply


def on(platform: str, field: str, change):
    def each(items):
        for post in items:
            if post["platform"] == platform:
                post[field] = change(post[field])
        return items
    return posts(each)


def csv_row(platform: str, change):
    def apply(text: str) -> str:
        rows = list(csv.reader(io.StringIO(text, newline="")))
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerows([r[:3] + [change(r[3])] + r[4:] if r[0] == platform else r
                          for r in rows])
        return out.getvalue()
    return apply


def drop_see_more_and_move(post):
    post.pop("see_more", None)
    post["text"] = post["text"].replace(SHORT + "\n\n", "") + "\n\n" + SHORT
    return post


REFUSED = {
    # file, edit, the part the refusal must name
    "csv-row-without-line": ("social.csv", csv_row("x", lambda t: t.replace(SHORT, "")),
                             "x (social.csv)"),
    "markdown-without-line": ("social.md", lambda t: t.replace(SHORT, "Call us.", 3),
                              "x (social.md)"),
    "api-text-cut-by-unescaped-char": (
        "social.json", on("linkedin", "api_text", lambda t: "(" + t), "linkedin (api_text, "
        "as shown)"),
    "see-more-metadata-removed": (
        "social.json", posts(lambda ps: [drop_see_more_and_move(p) if p["platform"] ==
                                         "instagram" else p for p in ps]),
        "instagram (before 'see more')"),
    "second-entry-for-a-platform": (
        "social.json", posts(lambda ps: ps + [dict(ps[0])]),
        "x (a second post: keep one per platform)"),
    "platform-missing": ("social.json", posts(lambda ps: ps[1:]), "x (no post: add one)"),
    "bidi-override": (
        "social.json", on("x", "text", lambda t: t.replace("In crisis", "\u202eIn crisis")),
        "x (holds U+202E RIGHT-TO-LEFT OVERRIDE: remove it)"),
    "zero-width-space": (
        "social.json", on("bluesky", "text", lambda t: t.replace("988 ", "988\u200b ", 1)),
        "bluesky (holds U+200B ZERO WIDTH SPACE: remove it)"),
    "line-separator": (
        "social.json", on("threads", "text", lambda t: t.replace(". ", ".\u2028", 1)),
        "threads (holds U+2028 LINE SEPARATOR: remove it)"),
}


@pytest.mark.parametrize("case", REFUSED, ids=REFUSED.keys())
def test_every_export_and_entry_is_read(seed, rendered, case):
    name, change, part = REFUSED[case]
    result = check_channel(seed, edit(rendered["social"], name, change))
    assert isinstance(result, Checked)
    missing = {p for c in result.checks if not c.passed for p in c.missing_in}
    assert part in missing


def test_an_emoji_joined_with_zero_width_joiners_is_fine(seed, rendered):
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    with_family = on("facebook", "text", lambda t: t.replace(NOT_ADVICE, f"{family} {NOT_ADVICE}"))
    variant = edit(rendered["social"], "social.json", with_family)
    result = check_channel(seed, variant)
    assert [c.describe() for c in result.checks if not c.passed] == []


def test_posts_in_another_order_are_fine(seed, rendered):
    result = check_channel(seed, edit(rendered["social"], "social.json",
                                      posts(lambda ps: ps[::-1])))
    assert [c.describe() for c in result.checks if not c.passed] == []


def test_a_second_html_alternative_without_the_line_is_refused(seed, rendered):
    """A client may show either text/html part: each one must carry the disclaimers."""
    from email import message_from_bytes, policy

    from channels.newsletter.channel import build_message

    html = rendered["email"].file("newsletter.html").decode()
    text = rendered["email"].file("newsletter.txt").decode()
    message = build_message(seed.article, seed.context.site, html, text)
    message.add_alternative("<html><body><p>Hello.</p></body></html>", subtype="html")
    eml = message_from_bytes(message.as_bytes(), policy=policy.default).as_bytes()
    result = check_channel(seed, Rendered("email", (("newsletter.eml", eml),)))
    missing = {p for c in result.checks if not c.passed for p in c.missing_in}
    assert "eml text/html (2 of 2)" in missing
    assert "eml text/html (1 of 2)" not in missing
