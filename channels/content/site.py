"""Site settings (``source/site.yaml``): organization, address, URLs, brand."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from channels.content.yamlsafe import YamlDoc, load_yaml_file
from channels.errors import InputError

PLACEHOLDER = "PLACEHOLDER"
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass(frozen=True)
class EmailSettings:
    """Who the newsletter is from, and where replies and unsubscribe requests go."""

    from_name: str
    from_address: str
    reply_to: str
    unsubscribe_url: str
    unsubscribe_mailto: str


@dataclass(frozen=True)
class Cta:
    """The call to action: a link, and optionally a heading and a line above it."""

    text: str
    url: str
    heading: str = ""
    body: str = ""


@dataclass(frozen=True)
class Site:
    """Everything about the publisher that is not about one article."""

    organization: str
    base_url: str
    language: str
    postal_address: str
    phone: str
    email: EmailSettings
    brand: Brand
    social: tuple[tuple[str, str], ...]
    page_size: str = "Letter"
    hours: str = ""
    cta: Cta | None = None  # the next step of an article that names none

    def placeholders(self) -> list[str]:
        """Names of the settings still marked ``PLACEHOLDER``."""
        found = [
            f.name
            for f in fields(self)
            if PLACEHOLDER in str(getattr(self, f.name))
            and f.name not in ("email", "social", "brand", "cta", "hours")
        ]
        found += [
            f"email.{f.name}"
            for f in fields(self.email)
            if PLACEHOLDER in getattr(self.email, f.name)
        ]
        return found

    def printed_placeholders(self) -> list[str]:
        """The contact settings still marked ``PLACEHOLDER``: handouts and pages print them."""
        return [name for name in ("postal_address", "phone", "hours")
                if PLACEHOLDER in getattr(self, name)]

    def url_for(self, slug: str) -> str:
        return f"{self.base_url}/{slug}/"


@dataclass(frozen=True)
class Brand:
    """The clinic's colours as #rrggbb: pages, the newsletter and the share card use them."""

    primary: str = "#1f4e5f"
    accent: str = "#2f7f6f"
    text: str = "#1b1b1b"
    background: str = "#ffffff"


def load_site(path: Path) -> Site:
    """Read and validate ``site.yaml``."""
    doc = load_yaml_file(path, "site settings")
    fields_of = _SiteFields(doc, str(path))
    base_url = fields_of.text("base_url").rstrip("/")
    if not base_url.startswith("https://"):
        raise InputError(fields_of.where("base_url"), "'base_url' must start with https://")
    return Site(
        organization=fields_of.text("organization"),
        base_url=base_url,
        language=fields_of.text("language"),
        postal_address=fields_of.text("postal_address"),
        phone=fields_of.text("phone"),
        email=EmailSettings(**{f.name: fields_of.text(f"email.{f.name}")
                               for f in fields(EmailSettings)}),
        brand=fields_of.brand(),
        social=tuple((str(k), str(v)) for k, v in fields_of.mapping("social").items()),
        page_size=fields_of.page_size(),
        hours=fields_of.text("hours") if "hours" in fields_of.doc.data else "",
        cta=fields_of.cta(),
    )


@dataclass(frozen=True)
class _SiteFields:
    """Typed access to ``site.yaml``, with file:line in every error."""

    doc: YamlDoc
    name: str

    def where(self, key: str) -> str:
        return f"{self.name}:{self.doc.line(key, 1)}"

    def mapping(self, key: str) -> dict[str, Any]:
        """``data[key]`` if it is a mapping, else an empty one (its fields then say so)."""
        data = self.doc.data if isinstance(self.doc.data, dict) else {}
        value = data.get(key)
        return value if isinstance(value, dict) else {}

    def text(self, path: str) -> str:
        parent, _, key = path.rpartition(".")
        source = self.mapping(parent) if parent else (
            self.doc.data if isinstance(self.doc.data, dict) else {})
        value = source.get(key)
        if not isinstance(value, str) or not value.strip():
            raise InputError(self.where(path), f"'{path}' is required and must be text",
                             f"add {path}: ... to site.yaml")
        return value.strip()

    def brand(self) -> Brand:
        raw = self.mapping("brand")
        for key, value in raw.items():
            if key not in {f.name for f in fields(Brand)} or not _COLOUR.match(str(value)):
                raise InputError(self.where(f"brand.{key}"),
                                 f"brand.{key} must be one of primary/accent/text/background "
                                 "as #rrggbb")
        return Brand(**raw)

    def cta(self) -> Cta | None:
        """The default call to action (``cta:`` with text, https url, optional heading, body)."""
        if "cta" not in self.doc.data:
            return None
        url = self.text("cta.url")
        if not url.startswith(("https://", "tel:", "mailto:")):
            raise InputError(self.where("cta.url"), "cta.url must start with https://, tel: "
                             "or mailto:", "write the full address of the page to open")
        raw = self.mapping("cta")
        return Cta(text=self.text("cta.text"), url=url, heading=str(raw.get("heading", "")),
                   body=str(raw.get("body", "")))

    def page_size(self) -> str:
        page_size = str(self.mapping("pdf").get("page_size", "Letter"))
        if page_size not in ("Letter", "A4"):
            raise InputError(self.where("pdf.page_size"), "pdf.page_size must be Letter or A4")
        return page_size
