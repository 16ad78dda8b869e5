"""The social channel's exports: a bulk-scheduler CSV and a Markdown preview."""

from __future__ import annotations

import csv
import io

from channels.content.article import Article
from channels.social.counting import before_cut, graphemes
from channels.social.posts import Post

CSV = "social.csv"
MARKDOWN = "social.md"
CSV_COLUMNS = ("platform", "date", "time", "text", "link", "image")
POST_TIME = "09:00"  # local time of the scheduler account; editors change it there
FENCE = "~~~~~"


def social_csv(article: Article, posts: list[Post], image: str) -> bytes:
    """One row per post: date, time, text, link and image URL, as bulk schedulers import."""
    out = io.StringIO()
    # RFC 4180 line ends; newlines inside a post stay inside its quoted cell.
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for post in posts:
        writer.writerow((post.platform, article.date.isoformat(), POST_TIME, post.text,
                         post.link, article.url + image))
    return out.getvalue().encode("utf-8")


def csv_rows(data: bytes) -> list[tuple[str, str]]:
    """``(platform, text)`` of every row, read back from the CSV bytes."""
    rows = csv.DictReader(io.StringIO(data.decode("utf-8"), newline=""))
    return [(row["platform"], row["text"]) for row in rows]


def social_markdown(article: Article, posts: list[Post], image: str) -> bytes:
    """Each post as the reader will see it, with its count, its cut and its share card."""
    lines = [f"# Social posts: {article.title}", "",
             f"![Share card: {article.title}]({image})", "",
             f"Share card `{image}` (1200 × 630) shows with every link to {article.url}", ""]
    for post in posts:
        lines += _preview(post)
    return ("\n".join(lines).rstrip() + "\n").encode("utf-8")


def _preview(post: Post) -> list[str]:
    lines = [f"## {post.label}: {post.length} of {post.limit} {post.unit}", ""]
    if post.content_warning:
        lines += [f"Content warning (readers tap to open): **{post.content_warning}**", ""]
    if post.see_more and graphemes(post.text) > post.see_more:
        shown = before_cut(post.text, post.see_more)
        lines += ["As first shown, before “see more”:", "", FENCE + "text", f"{shown}… see more",
                  FENCE, "", "In full:", ""]
    lines += [FENCE + "text", post.text, FENCE, ""]
    if post.facets:
        lines += [f"Clickable through {len(post.facets)} facets (links and tags).", ""]
    lines += [f"Link: {post.link}", ""]
    return lines
