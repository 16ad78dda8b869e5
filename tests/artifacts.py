"""Read a published article back the way a reader meets it: every output, every part."""

from __future__ import annotations

import email
import email.policy
import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from channels.gate.html_text import visible_text
from channels.pdf.channel import page_texts

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "background", "srcset",
                  "xlink:href", "content"}
DANGEROUS_URL = re.compile(r"^(?:javascript|vbscript|data|file|livescript):", re.IGNORECASE)
FORBIDDEN_TAGS = {"iframe", "form", "input", "button", "object", "embed", "svg", "math", "base",
                  "frame", "frameset", "applet", "textarea", "select", "template"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[Element] = []
        self._open: Element | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append(Element(tag, {k.lower(): v or "" for k, v in attrs}))
        self._open = self.found[-1] if tag in ("script", "style") else None

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open.text += data


def elements(html: str) -> list[Element]:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser.found


@dataclass
class Outputs:
    """Every HTML document and every text a reader of ``folder`` can see."""

    html: dict[str, str] = field(default_factory=dict)
    text: dict[str, str] = field(default_factory=dict)
    raw: dict[str, bytes] = field(default_factory=dict)


def read_outputs(folder: Path) -> Outputs:
    out = Outputs(raw={p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()})
    out.html["index.html"] = out.raw["index.html"].decode()
    out.html["newsletter.html"] = out.raw["newsletter.html"].decode()
    message = email.message_from_bytes(out.raw["newsletter.eml"], policy=email.policy.default)
    out.html["eml text/html"] = message.get_body(("html",)).get_content()
    out.text["eml text/plain"] = message.get_body(("plain",)).get_content()
    out.text["newsletter.txt"] = out.raw["newsletter.txt"].decode()
    out.text["pdf"] = "\n".join(page_texts(out.raw["handout.pdf"]))
    for post in json.loads(out.raw["social.json"])["posts"]:
        out.text[f"social {post['platform']}"] = post["text"]
    out.text["web main"] = visible_text(out.html["index.html"], region="main")
    out.text["email visible"] = visible_text(out.html["newsletter.html"])
    return out


def unsafe_markup(name: str, html: str) -> list[str]:
    """Every script, handler, dangerous URL or forbidden element in one HTML document."""
    problems = []
    for element in elements(html):
        problems += _element_problems(name, element)
    return problems


def _element_problems(name: str, element: Element) -> list[str]:
    where = f"{name}: <{element.tag}>"
    if element.tag == "script":
        # The web page's one script is JSON-LD data, which browsers never execute.
        if element.attrs.get("type") != "application/ld+json" or name != "index.html":
            return [f"{where} script"]
        json.loads(element.text)
        return []
    problems = [f"{where} forbidden element"] if element.tag in FORBIDDEN_TAGS else []
    if element.tag == "meta" and "refresh" in element.attrs.get("http-equiv", "").lower():
        problems.append(f"{where} refresh")
    for attr, value in element.attrs.items():
        if attr.startswith("on"):
            problems.append(f"{where} handler {attr}")
        compact = re.sub(r"[\x00-\x20]", "", value)
        script_url = attr in URL_ATTRIBUTES and "javascript:" in compact.lower()
        if DANGEROUS_URL.match(compact) or script_url:
            problems.append(f"{where} {attr}={value!r}")
    return problems
