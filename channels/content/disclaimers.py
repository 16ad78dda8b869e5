"""The disclaimers and the policy of which disclaimers each output must carry.

The wording lives only in ``source/disclaimers.yaml``; templates render it and the
gate reads the same policy back, so the two can never disagree.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from channels.content.yamlsafe import YamlDoc, load_yaml_file
from channels.errors import InputError


@dataclass(frozen=True)
class Disclaimer:
    """One required statement, in a full and a short form."""

    id: str
    version: int
    title: str
    text: str
    short: str
    every_page: bool = False  # its short form repeats on every page (the PDF's footer)


@dataclass(frozen=True)
class Policy:
    """Every disclaimer by id, and which of them each channel must carry."""

    disclaimers: dict[str, Disclaimer]
    always: dict[str, tuple[str, ...]]
    by_tag: dict[str, tuple[str, ...]]
    article_adds_to: tuple[str, ...]
    channels: tuple[str, ...]  # the registered channels the policy was checked against
    path: str = "source/disclaimers.yaml"

    def get(self, disclaimer_id: str) -> Disclaimer:
        return self.disclaimers[disclaimer_id]

    def suggest(self, unknown: str) -> str:
        """A "did you mean" hint for an unknown id."""
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
        return tuple(self.disclaimers[i] for i in dict.fromkeys(ids))


def load_policy(path: Path, channels: tuple[str, ...]) -> Policy:
    """Read and validate ``disclaimers.yaml`` against the registered ``channels``."""
    doc = load_yaml_file(path, "the disclaimer registry")
    name = str(path)
    if not isinstance(doc.data, dict):
        raise InputError(name, "the registry must be a mapping with 'disclaimers' and 'policy'")
    disclaimers = _parse_disclaimers(doc, name)
    policy = doc.data.get("policy")
    if not isinstance(policy, dict):
        raise InputError(f"{name}:{doc.line('policy', 1)}", "'policy' must be a mapping")
    ids = _IdLists(doc, name, disclaimers)
    always = {ch: ids.read(f"policy.always.{ch}", v) for ch, v in
              (policy.get("always") or {}).items()}
    _check_channels(doc, name, always, channels)
    return Policy(
        disclaimers,
        always,
        {str(t).casefold(): ids.read(f"policy.tags.{t}", v)
         for t, v in (policy.get("tags") or {}).items()},
        ids.read("policy.article_adds_to", policy.get("article_adds_to", list(channels)),
                 channels),
        channels,
        name,
    )


def _parse_disclaimers(doc: YamlDoc, name: str) -> dict[str, Disclaimer]:
    raw = doc.data.get("disclaimers")
    if not isinstance(raw, dict) or not raw:
        raise InputError(
            f"{name}:{doc.line('disclaimers', 1)}", "'disclaimers' must be a non-empty mapping"
        )
    return {str(key): _disclaimer(str(key), entry, f"{name}:{doc.line(f'disclaimers.{key}', 1)}")
            for key, entry in raw.items()}


def _disclaimer(key: str, entry: object, where: str) -> Disclaimer:
    if not isinstance(entry, dict):
        raise InputError(where, f"disclaimer '{key}' must be a mapping")
    for field in ("text", "short", "title"):
        if not isinstance(entry.get(field), str) or not entry[field].strip():
            raise InputError(where, f"disclaimer '{key}' needs a non-empty '{field}'")
    version = entry.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise InputError(where, f"disclaimer '{key}' needs an integer 'version' >= 1")
    every_page = entry.get("every_page", False)
    if not isinstance(every_page, bool):
        raise InputError(where, f"disclaimer '{key}': 'every_page' must be true or false")
    return Disclaimer(key, version, entry["title"].strip(), " ".join(entry["text"].split()),
                      " ".join(entry["short"].split()), every_page)


@dataclass(frozen=True)
class _IdLists:
    """Reads the policy's lists of ids, each checked against what is known."""

    doc: YamlDoc
    name: str
    known: dict[str, Disclaimer]

    def read(self, path: str, value: object, allowed: Iterable[str] | None = None
             ) -> tuple[str, ...]:
        allowed = list(self.known if allowed is None else allowed)
        where = f"{self.name}:{self.doc.line(path, 1)}"
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise InputError(where, f"'{path}' must be a list of ids")
        for v in value:
            if v not in allowed:
                raise InputError(where, f"unknown id '{v}' in '{path}'",
                                 "use one of " + ", ".join(sorted(allowed)))
        return tuple(value)


def _check_channels(doc: YamlDoc, name: str, always: dict[str, tuple[str, ...]],
                    channels: tuple[str, ...]) -> None:
    unknown = sorted(set(always) - set(channels))
    if unknown:
        raise InputError(f"{name}:{doc.line('policy.always', 1)}",
                         f"unknown channel '{unknown[0]}' in policy.always",
                         "use one of " + ", ".join(channels))
