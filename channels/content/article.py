"""The canonical article: Markdown with YAML front matter, loaded and validated once."""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from channels.content.disclaimers import Policy
from channels.content.frontmatter import (
    Fields,
    check_unknown_keys,
    decode,
    read_bytes,
    split_front_matter,
)
from channels.content.resources import check_body_urls, points_to_local_network
from channels.content.shape import check_body_shape, check_only_divs
from channels.content.site import Cta, Site
from channels.content.yamlsafe import load_yaml
from channels.errors import InputError
from channels.rules import CONTENT


@dataclass(frozen=True)
class Article:
    """One validated article; plain data, hashable and picklable."""

    path: str
    slug: str
    title: str
    summary: str
    date: dt.date
    reviewed_by: str
    reviewed_on: dt.date
    tags: tuple[str, ...]
    disclaimers: tuple[str, ...]
    url: str
    email_subject: str
    email_preheader: str
    social: tuple[tuple[str, str], ...]
    cta: Cta | None
    body: str
    body_line: int
    source_sha256: str

    @property
    def summary_opens_body(self) -> bool:
        """Whether the body starts with the summary (then templates do not repeat it)."""
        return " ".join(self.body.split()).startswith(" ".join(self.summary.split())[:60])

    def authored_post(self, platform: str) -> str | None:
        return dict(self.social).get(platform)


def load_article(
    path: Path, site: Site, policy: Policy, max_bytes: int = CONTENT.max_source_bytes
) -> Article:
    """Read, decode and validate one source file.

    Raises:
        InputError: one line naming the file, the line or field, and the fix.
    """
    name = str(path)
    raw = read_bytes(path, name, max_bytes)
    # NFC, as the W3C character model asks of web text: an editor's decomposed "é" (e +
    # U+0301) is the same text as "é", and renders, counts and reads back as one.
    text = unicodedata.normalize("NFC", decode(raw, name)).replace("\r\n", "\n").replace("\r", "\n")
    front, body, body_line = split_front_matter(text, name)
    doc = load_yaml(front, name, first_line=2)
    if not isinstance(doc.data, dict):
        raise InputError(
            f"{name}:2",
            "front matter must be a mapping of fields",
            "write 'title: ...' and the other fields between the --- lines",
        )
    fields = Fields(doc, name)
    check_unknown_keys(fields)
    check_only_divs(body, body_line, name, policy.channels)
    check_body_shape(body, body_line, name)
    check_body_urls(body, body_line, name, path.parent)
    return _article(fields, path, site, policy, body, body_line, hashlib.sha256(raw).hexdigest())


def _article(fields: Fields, path: Path, site: Site, policy: Policy, body: str, body_line: int,
             sha256: str) -> Article:
    slug = fields.slug(path)
    return Article(
        path=fields.name,
        slug=slug,
        title=fields.text("title"),
        summary=fields.text("summary", max_len=CONTENT.summary_max),
        date=fields.date("date"),
        reviewed_by=fields.text("reviewed.by"),
        reviewed_on=fields.past_date("reviewed.on"),
        # Tags drive the policy (mental-health adds the 988 line): compare them casefolded.
        tags=tuple(tag.casefold() for tag in fields.str_list("tags")),
        disclaimers=_disclaimer_ids(fields, policy),
        url=_url(fields, "url", ("https://",), required=False) or site.url_for(slug),
        email_subject=fields.text("email.subject", required=False, oneline=True)
        or fields.text("title", oneline=True),
        email_preheader=fields.text("email.preheader", required=False, oneline=True)
        or fields.text("summary"),
        social=_social(fields),
        cta=_cta(fields),
        body=body,
        body_line=body_line,
        source_sha256=sha256,
    )


def _disclaimer_ids(fields: Fields, policy: Policy) -> tuple[str, ...]:
    ids = fields.str_list("disclaimers")
    for index, disclaimer_id in enumerate(ids):
        if disclaimer_id not in policy.disclaimers:
            raise InputError(
                fields.where(f"disclaimers.{index}"),
                f"unknown disclaimer id '{disclaimer_id}'",
                policy.suggest(disclaimer_id),
            )
    return ids


def _social(fields: Fields) -> tuple[tuple[str, str], ...]:
    raw = fields.get("social") or {}
    return tuple((platform, fields.text(f"social.{platform}")) for platform in raw)


def _cta(fields: Fields) -> Cta | None:
    if fields.get("cta") is None:
        return None
    url = _url(fields, "cta.url", ("https://", "mailto:", "tel:"))
    return Cta(
        text=fields.text("cta.text"),
        url=url,
        heading=fields.text("cta.heading", required=False),
        body=fields.text("cta.body", required=False),
    )


def _url(fields: Fields, path: str, schemes: tuple[str, ...], required: bool = True) -> str:
    url = fields.text(path, required=required, oneline=True)
    if url and not url.lower().startswith(schemes):
        names = [s.rstrip("/") for s in schemes]
        kinds = " or ".join(filter(None, (", ".join(names[:-1]), names[-1])))
        raise InputError(fields.where(path), f"{path} must be an {kinds} link, not {url!r}")
    if points_to_local_network(url):
        raise InputError(
            fields.where(path),
            f"{path} {url!r} points to this machine or the local network",
            "use the public https:// address",
        )
    return url
