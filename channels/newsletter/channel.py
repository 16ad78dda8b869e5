"""Email newsletter: inlined-CSS HTML and a text/plain alternative, packed as a .eml."""

from __future__ import annotations

import datetime as dt
import email.policy
import hashlib
import re
from email import message_from_bytes
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from pathlib import Path

import css_inline

from channels.base import Channel, Context, Expectation, Rendered, View
from channels.content.article import Article
from channels.content.disclaimers import Disclaimer
from channels.content.markdown import to_plain
from channels.content.site import Site
from channels.errors import InputError
from channels.gate.html_text import visible_text
from channels.rules import EMAIL
from channels.templating import render

HTML, TEXT, EML = "newsletter.html", "newsletter.txt", "newsletter.eml"
# Keep <style> so the @media rules for phones survive inlining.
_INLINER = css_inline.CSSInliner(keep_style_tags=True, load_remote_stylesheets=False)


class Newsletter(Channel):
    name = "email"
    files = (EML, HTML, TEXT)
    opens = HTML
    lone = (".eml", ".html", ".txt")

    def render(self, article: Article, context: Context) -> Rendered:
        required = context.required_for(self.name)
        site = context.site
        utm = f"?utm_source=newsletter&utm_medium=email&utm_campaign={article.slug}"
        values = dict(
            article=article,
            site=site,
            disclaimers=required,
            subject=article.email_subject,
            preheader=article.email_preheader,
            web_url=article.url + utm,
            unsubscribe_url=site.email.unsubscribe_url,
            container_px=EMAIL.container_px,
        )
        html = _INLINER.inline(
            render(
                context.templates_dir,
                "email/newsletter.html",
                body=context.body.html_for(self.name, image_base=article.url),
                **values,
            )
        )
        text = render(
            context.templates_dir,
            "email/newsletter.txt",
            body_text=to_plain(article.body, self.name, article.path),
            **values,
        )
        if len(html.encode("utf-8")) > EMAIL.max_html_bytes:
            raise InputError(
                article.path,
                f"email: the HTML is {len(html.encode()):,} bytes, over "
                f"{EMAIL.max_html_bytes:,} (Gmail clips it and hides the footer)",
                "shorten the article or keep long parts out of email with .only",
            )
        eml = build_message(article, site, html, text).as_bytes(policy=email.policy.SMTP)
        return Rendered(
            self.name, ((HTML, html.encode("utf-8")), (TEXT, text.encode("utf-8")), (EML, eml))
        )

    def extract_text(self, rendered: Rendered) -> dict[str, str]:
        """Both MIME parts of the message and both files, as far as Gmail shows the HTML."""
        files = dict(rendered.files)
        parts = _message_parts(files[EML]) if EML in files else {}
        if HTML in files:
            parts[HTML] = visible_text(clipped(files[HTML].decode("utf-8")))
        if TEXT in files:
            parts[TEXT] = files[TEXT].decode("utf-8")
        return parts

    def expectations(self, required: tuple[Disclaimer, ...]) -> list[Expectation]:
        return [Expectation(d, "full", "each") for d in required]

    def views(self, rendered: Rendered, shared: dict[str, bytes]) -> tuple[View, ...]:
        """Gmail's 600 px column (clipped) in light and dark, and Outlook's branch on its own."""
        files = dict(rendered.files)
        html = (files[HTML].decode("utf-8") if HTML in files
                else _message_html(files[EML]) if EML in files else "")
        if not html:
            return ()
        width = EMAIL.container_px
        gmail = (("a/gmail.html", clipped(html).encode("utf-8")),)
        outlook = (("a/outlook.html", outlook_branch(html).encode("utf-8")),)
        return (View("newsletter at 600 px as Gmail shows it", "a/gmail.html", gmail, width),
                View("newsletter at 600 px in dark mode", "a/gmail.html", gmail, width,
                     scheme="dark"),
                View("newsletter as Outlook shows it", "a/outlook.html", outlook, width,
                     script=HIDE_MSO))

    def recognize(self, path: Path, data: bytes) -> str | None:
        suffix = path.suffix.lower()
        if suffix == ".html":
            return None if b"<main" in data.lower() else HTML
        return {".eml": EML, ".txt": TEXT}.get(suffix)


def _message_parts(eml: bytes) -> dict[str, str]:
    message = message_from_bytes(eml, policy=email.policy.default)
    plain = message.get_body(("plain",))
    parts = {"eml text/plain": plain.get_content() if plain else "",  # type: ignore[union-attr]
             "eml text/html": ""}
    # A mail client may show any text/html alternative: each one must carry the disclaimers.
    riches = [p for p in message.walk() if p.get_content_type() == "text/html"]
    for number, rich in enumerate(riches, 1):
        name = "eml text/html" + (f" ({number} of {len(riches)})" if len(riches) > 1 else "")
        parts[name] = visible_text(clipped(rich.get_content()))  # type: ignore[attr-defined]
    if len(riches) > 1:
        del parts["eml text/html"]
    return parts


def _message_html(eml: bytes) -> str:
    rich = message_from_bytes(eml, policy=email.policy.default).get_body(("html",))
    return rich.get_content() if rich else ""  # type: ignore[union-attr]


_MSO_ONLY = re.compile(r"<!--\[if\s+(?!!)[^\]]*mso[^\]]*\]>(.*?)<!\[endif\]-->", re.S | re.I)
_NOT_MSO = re.compile(r"<!--\[if\s+!mso\]><!-->(.*?)<!--<!\[endif\]-->", re.S | re.I)
HIDE_MSO = ("document.querySelectorAll('[style]').forEach(e => { "
            "if (/mso-hide\\s*:\\s*all/i.test(e.getAttribute('style'))) "
            "e.style.setProperty('display', 'none', 'important'); })")


def outlook_branch(html: str) -> str:
    """The document Outlook (Word) renders: ``[if mso]`` branches in, ``[if !mso]`` ones out."""
    return _MSO_ONLY.sub(r"\1", _NOT_MSO.sub("", html))


def clipped(html: str) -> str:
    """The part of the HTML Gmail shows: the rest is behind "[Message clipped]"."""
    return html.encode("utf-8")[: EMAIL.clip_bytes].decode("utf-8", "ignore")


def build_message(article: Article, site: Site, html: str, text: str) -> EmailMessage:
    """The newsletter as a standards-conforming multipart/alternative message.

    Date and Message-ID come from the article, so the same input gives the same bytes;
    ``publish send`` gives each recipient their own Message-ID and unsubscribe link.
    """
    domain = site.email.from_address.rpartition("@")[2]
    # Built with the default policy (LF), serialized with SMTP's (CRLF): the decoded
    # parts then carry plain LF text, not CRLF doubled inside the content.
    message = EmailMessage(policy=email.policy.default)
    message["Subject"] = article.email_subject
    message["From"] = formataddr((site.email.from_name, site.email.from_address))
    if "PLACEHOLDER" not in site.email.reply_to:
        message["Reply-To"] = site.email.reply_to
    sent = dt.datetime.combine(article.date, dt.time(9, 0), tzinfo=dt.UTC)
    message["Date"] = format_datetime(sent)
    message["Message-ID"] = f"<{article.slug}.{article.date:%Y%m%d}.newsletter@{domain}>"
    message["List-Unsubscribe"] = (
        f"<{site.email.unsubscribe_url}>, <mailto:{site.email.unsubscribe_mailto}>"
    )
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(text)  # text/plain first, text/html last (RFC 2046: preferred last)
    message.add_alternative(html, subtype="html")
    # A boundary derived from the content: same input, same bytes (and never in the body).
    digest = hashlib.sha256((html + text).encode("utf-8")).hexdigest()[:32]
    message.set_boundary(f"=_pmh_{digest}")
    return message
