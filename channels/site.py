"""Site settings (``source/site.yaml``): organization, address, URLs, brand."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from .errors import InputError
from .yamlsafe import load_yaml

PLACEHOLDER = "PLACEHOLDER"
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass(frozen=True)
class Brand:
    primary: str = "#1f4e5f"
    accent: str = "#2f7f6f"
    text: str = "#1b1b1b"
    background: str = "#ffffff"


@dataclass(frozen=True)
class EmailSettings:
    from_name: str
    from_address: str
    reply_to: str
    unsubscribe_url: str
    unsubscribe_mailto: str


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

    def placeholders(self) -> list[str]:
        """Names of the settings still marked ``PLACEHOLDER``."""
        found = [
            f.name
            for f in fields(self)
            if PLACEHOLDER in str(getattr(self, f.name))
            and f.name not in ("email", "social", "brand")
        ]
        found += [
            f"email.{f.name}"
            for f in fields(self.email)
            if PLACEHOLDER in getattr(self.email, f.name)
        ]
        return found

    def url_for(self, slug: str) -> str:
        return f"{self.base_url}/{slug}/"


def load_site(path: Path) -> Site:
    """Read and validate ``site.yaml``."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(
            name, f"cannot read site settings: {exc.strerror}", "restore source/site.yaml"
        ) from None
    doc = load_yaml(text, name)
    data: dict[str, Any] = doc.data if isinstance(doc.data, dict) else {}

    def text_field(key: str, source: dict, prefix: str = "") -> str:
        value = source.get(key)
        if not isinstance(value, str) or not value.strip():
            line = doc.line(prefix + key, 1)
            raise InputError(
                f"{name}:{line}",
                f"'{prefix}{key}' is required and must be text",
                f"add {prefix}{key}: ... to site.yaml",
            )
        return value.strip()

    base_url = text_field("base_url", data).rstrip("/")
    if not base_url.startswith("https://"):
        raise InputError(f"{name}:{doc.line('base_url', 1)}", "'base_url' must start with https://")
    email_raw = _mapping(data, "email")
    email = EmailSettings(
        **{f.name: text_field(f.name, email_raw, "email.") for f in fields(EmailSettings)}
    )
    brand_raw = _mapping(data, "brand")
    for key, value in brand_raw.items():
        if key not in {f.name for f in fields(Brand)} or not _COLOUR.match(str(value)):
            raise InputError(
                f"{name}:{doc.line(f'brand.{key}', 1)}",
                f"brand.{key} must be one of primary/accent/text/background as #rrggbb",
            )
    social = _mapping(data, "social")
    pdf = _mapping(data, "pdf")
    page_size = str(pdf.get("page_size", "Letter"))
    if page_size not in ("Letter", "A4"):
        raise InputError(
            f"{name}:{doc.line('pdf.page_size', 1)}", "pdf.page_size must be Letter or A4"
        )
    return Site(
        organization=text_field("organization", data),
        base_url=base_url,
        language=text_field("language", data),
        postal_address=text_field("postal_address", data),
        phone=text_field("phone", data),
        email=email,
        brand=Brand(**brand_raw),
        social=tuple((str(k), str(v)) for k, v in social.items()),
        page_size=page_size,
    )


def _mapping(data: dict[str, Any], key: str) -> dict[str, Any]:
    """``data[key]`` if it is a mapping, else an empty one (its fields then say what is missing)."""
    value = data.get(key)
    return value if isinstance(value, dict) else {}
