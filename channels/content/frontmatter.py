"""Front matter: the source file read and decoded, split at its ``---`` lines, typed fields.

Every problem is an ``InputError`` naming the file, the line or field, and the fix.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from pathlib import Path
from typing import Any

from channels.content.invisible import first_invisible
from channels.content.yamlsafe import YamlDoc
from channels.errors import InputError
from channels.rules import PLATFORMS

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
KNOWN_KEYS = (
    "title",
    "summary",
    "date",
    "reviewed",
    "tags",
    "disclaimers",
    "slug",
    "url",
    "email",
    "social",
    "cta",
)
_MARKUP = re.compile(r"<[A-Za-z!/?]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
_BREAK = re.compile(r"[\r\n\u0085\u2028\u2029]")


def read_bytes(path: Path, name: str, max_bytes: int) -> bytes:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(
                name,
                f"file is {size:,} bytes, over the {max_bytes:,}-byte limit",
                "split the article, or raise the limit with --max-bytes",
            )
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(name, "no such file", "check the path") from None
    except IsADirectoryError:
        raise InputError(name, "is a directory, not a Markdown file", "name a .md file") from None
    except OSError as exc:
        raise InputError(name, f"cannot read: {exc.strerror}") from None
    if not raw.strip():
        raise InputError(name, "file is empty", "start it with front matter between --- lines")
    return raw


def decode(raw: bytes, name: str) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(name, "file is UTF-16, not UTF-8", "save it as UTF-8")
    if b"\x00" in raw:
        raise InputError(
            name,
            "file looks binary (it contains NUL bytes), not Markdown text",
            "name the .md source file",
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        guess = "Windows-1252 (Latin-1)" if _decodes(raw, "cp1252") else "an unknown encoding"
        raise InputError(
            f"{name}:{line}",
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); it looks like {guess}",
            "re-save the file as UTF-8",
        ) from None


def _decodes(raw: bytes, encoding: str) -> bool:
    try:
        raw.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def split_front_matter(text: str, name: str) -> tuple[str, str, int]:
    if not text.startswith("---\n"):
        raise InputError(
            f"{name}:1",
            "missing front matter",
            "start the file with a '---' line, the fields, then another '---' line",
        )
    match = re.search(r"^(?:---|\.\.\.)[ \t]*$", text[4:], re.MULTILINE)
    if match is None:
        raise InputError(
            f"{name}:1", "front matter is not closed", "add a '---' line after the last field"
        )
    front = text[4 : 4 + match.start()]
    body = text[4 + match.end() :].lstrip("\n")
    body_line = text[: len(text) - len(body)].count("\n") + 1
    return front, body, body_line


class Fields:
    """Typed access to front-matter fields, with file:line in every error."""

    def __init__(self, doc: YamlDoc, name: str) -> None:
        self.doc, self.name, self.data = doc, name, doc.data

    def where(self, path: str) -> str:
        return f"{self.name}:{self.doc.line(path, 2)}"

    def get(self, path: str) -> Any:
        value: Any = self.data
        for part in path.split("."):
            if not isinstance(value, dict):
                return None
            value = value.get(part)
        return value

    def text(
        self, path: str, required: bool = True, max_len: int | None = None, oneline: bool = False
    ) -> str:
        value = self.get(path)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                raise InputError(
                    self.name,
                    f"front matter field '{path}' is required",
                    f"add '{path}: ...' to the front matter",
                )
            return ""
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise InputError(self.where(path), f"field '{path}' must be text, not {_kind(value)}")
        if _CONTROL.search(str(value)) or oneline and _BREAK.search(str(value)):
            raise InputError(
                self.where(path),
                f"field '{path}' contains a line break or control character",
                "write it as one plain line",
            )
        invisible = first_invisible(str(value))
        if invisible:
            raise InputError(self.where(path), f"field '{path}' holds {invisible}, which a "
                             "reader cannot see (platforms keep it)", "remove it")
        value = " ".join(str(value).split())
        markup = _MARKUP.search(value)
        if markup:
            snippet = value[markup.start() : markup.start() + 12]
            raise InputError(
                self.where(path),
                f"field '{path}' contains markup '{snippet}'; front matter is plain text",
                "remove the angle brackets",
            )
        if max_len is not None and len(value) > max_len:
            raise InputError(
                self.where(path),
                f"field '{path}' is {len(value)} characters, over the limit of {max_len}",
                f"shorten it by {len(value) - max_len}",
            )
        return value

    def past_date(self, path: str) -> dt.date:  # e.g. a review: not later than today
        value = self.date(path)
        if value > dt.date.today():
            raise InputError(self.where(path), f"field '{path}' is {value}, a date still to come",
                             "give the day it took place")
        return value

    def date(self, path: str) -> dt.date:
        value = self.get(path)
        if value is None:
            raise InputError(
                self.name, f"front matter field '{path}' is required", f"add '{path}: YYYY-MM-DD'"
            )
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value).strip())
        except ValueError:
            raise InputError(
                self.where(path),
                f"field '{path}' is not a valid date: {value!r}",
                "write it as YYYY-MM-DD",
            ) from None

    def str_list(self, path: str) -> tuple[str, ...]:
        value = self.get(path)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise InputError(
                self.where(path),
                f"field '{path}' must be a list of text values",
                f"write '{path}: [first, second]'",
            )
        return tuple(v.strip() for v in value)

    def slug(self, path: Path) -> str:
        value = self.get("slug")
        slug = path.stem if value is None else value
        if not isinstance(slug, str) or not SLUG.match(slug):
            where = self.where("slug") if value is not None else self.name
            raise InputError(
                where,
                f"bad slug {slug!r}: only lowercase letters, digits and single hyphens",
                "set 'slug: like-this' or rename the file",
            )
        return slug


def _kind(value: object) -> str:
    return {dict: "a mapping", list: "a list", bool: "true/false"}.get(
        type(value), type(value).__name__
    )


def check_unknown_keys(fields: Fields) -> None:
    for key in fields.data:
        if key not in KNOWN_KEYS:
            close = difflib.get_close_matches(str(key), KNOWN_KEYS, n=1)
            hint = (
                f"did you mean '{close[0]}'?" if close else "known fields: " + ", ".join(KNOWN_KEYS)
            )
            raise InputError(fields.where(str(key)), f"unknown front matter field '{key}'", hint)
    for parent, allowed in (
        ("reviewed", ("by", "on")),
        ("email", ("subject", "preheader")),
        ("cta", ("text", "url", "heading", "body")),
        ("social", tuple(p.name for p in PLATFORMS)),
    ):
        value = fields.get(parent)
        if value is None:
            continue
        if not isinstance(value, dict):
            raise InputError(
                fields.where(parent),
                f"field '{parent}' must be a mapping",
                f"write '{parent}:' with {', '.join(allowed)} indented below it",
            )
        for key in value:
            if key not in allowed:
                close = difflib.get_close_matches(str(key), allowed, n=1)
                hint = f"did you mean '{close[0]}'?" if close else "allowed: " + ", ".join(allowed)
                raise InputError(
                    fields.where(f"{parent}.{key}"), f"unknown field '{parent}.{key}'", hint
                )
