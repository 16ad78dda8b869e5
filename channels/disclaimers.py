"""The disclaimer registry and the policy of which disclaimers each output must carry.

The wording lives only in ``source/disclaimers.yaml``; templates render it and the
gate reads the same registry back, so the two can never disagree.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError
from .yamlsafe import YamlDoc, load_yaml

CHANNEL_NAMES = ("pdf", "email", "social", "web")


@dataclass(frozen=True)
class Disclaimer:
    """One required statement, in a full and a short form."""

    id: str
    version: int
    title: str
    text: str
    short: str


@dataclass(frozen=True)
class Registry:
    """Every disclaimer by id, and the policy that requires them."""

    disclaimers: dict[str, Disclaimer]
    always: dict[str, tuple[str, ...]]
    by_tag: dict[str, tuple[str, ...]]
    article_adds_to: tuple[str, ...]
    path: str = "source/disclaimers.yaml"

    def get(self, disclaimer_id: str) -> Disclaimer:
        return self.disclaimers[disclaimer_id]

    def suggest(self, unknown: str) -> str:
        """A "did you mean" hint for an unknown id ("" when nothing is close)."""
        close = difflib.get_close_matches(unknown, list(self.disclaimers), n=1)
        if close:
            return f"did you mean '{close[0]}'?"
        return "known ids: " + ", ".join(sorted(self.disclaimers))

    def required(
        self, channel: str, tags: tuple[str, ...], added: tuple[str, ...]
    ) -> tuple[Disclaimer, ...]:
        """The disclaimers ``channel`` must carry for an article with these tags and additions."""
        ids: list[str] = list(self.always.get(channel, ()))
        for tag in tags:
            ids.extend(self.by_tag.get(tag.casefold(), ()))
        if channel in self.article_adds_to:
            ids.extend(added)
        ordered = [self.disclaimers[i] for i in dict.fromkeys(ids)]
        return tuple(ordered)


def load_registry(path: Path) -> Registry:
    """Read and validate ``disclaimers.yaml``."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(
            name,
            f"cannot read the disclaimer registry: {exc.strerror}",
            "restore source/disclaimers.yaml",
        ) from None
    doc = load_yaml(text, name)
    if not isinstance(doc.data, dict):
        raise InputError(name, "the registry must be a mapping with 'disclaimers' and 'policy'")
    disclaimers = _parse_disclaimers(doc, name)
    always, by_tag, adds_to = _parse_policy(doc, name, disclaimers)
    return Registry(disclaimers, always, by_tag, adds_to, name)


def _parse_disclaimers(doc: YamlDoc, name: str) -> dict[str, Disclaimer]:
    raw = doc.data.get("disclaimers")
    if not isinstance(raw, dict) or not raw:
        raise InputError(
            f"{name}:{doc.line('disclaimers', 1)}", "'disclaimers' must be a non-empty mapping"
        )
    result = {}
    for key, entry in raw.items():
        where = f"{name}:{doc.line(f'disclaimers.{key}', 1)}"
        if not isinstance(entry, dict):
            raise InputError(where, f"disclaimer '{key}' must be a mapping")
        for field in ("text", "short", "title"):
            if not isinstance(entry.get(field), str) or not entry[field].strip():
                raise InputError(where, f"disclaimer '{key}' needs a non-empty '{field}'")
        version = entry.get("version")
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise InputError(where, f"disclaimer '{key}' needs an integer 'version' >= 1")
        result[str(key)] = Disclaimer(
            str(key),
            version,
            entry["title"].strip(),
            " ".join(entry["text"].split()),
            " ".join(entry["short"].split()),
        )
    return result


def _parse_policy(doc: YamlDoc, name: str, known: dict[str, Disclaimer]):  # type: ignore[no-untyped-def]
    policy = doc.data.get("policy")
    if not isinstance(policy, dict):
        raise InputError(f"{name}:{doc.line('policy', 1)}", "'policy' must be a mapping")

    def ids(path: str, value: object, allowed: Iterable[str] = known) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise InputError(f"{name}:{doc.line(path, 1)}", f"'{path}' must be a list of ids")
        for v in value:
            if v not in allowed:
                raise InputError(f"{name}:{doc.line(path, 1)}", f"unknown id '{v}' in '{path}'",
                                 "use one of " + ", ".join(sorted(allowed)))
        return tuple(value)

    always = {ch: ids(f"policy.always.{ch}", v) for ch, v in (policy.get("always") or {}).items()}
    unknown = set(always) - set(CHANNEL_NAMES)
    if unknown:
        raise InputError(
            f"{name}:{doc.line('policy.always', 1)}",
            f"unknown channel '{sorted(unknown)[0]}' in policy.always",
            "use one of " + ", ".join(CHANNEL_NAMES),
        )
    by_tag = {
        str(t).casefold(): ids(f"policy.tags.{t}", v) for t, v in (policy.get("tags") or {}).items()
    }
    adds_to = ids(
        "policy.article_adds_to",
        policy.get("article_adds_to", list(CHANNEL_NAMES)),
        CHANNEL_NAMES,
    )
    return always, by_tag, adds_to
