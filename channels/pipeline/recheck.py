"""The gate again, on outputs that already exist (``publish check``): same policy, same matching.

A folder is read as one article's outputs; a lone file is recognised by its channel.
The required disclaimers come from the ``compliance.json`` next to the files (never
fewer than the policy's ``always`` list), or, without one, from the policy for an
article with the policy's ``lone_file_tags``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from channels import registry
from channels.base import Rendered
from channels.content.disclaimers import Disclaimer, Policy
from channels.errors import InputError
from channels.gate.match import check
from channels.pipeline.manifest import NAME as MANIFEST
from channels.pipeline.manifest import manifest_problems


@dataclass(frozen=True)
class Outputs:
    """One article's existing files, by channel, under their published names."""

    where: Path
    by_channel: dict[str, tuple[tuple[str, bytes], ...]]
    compliance: dict | None  # type: ignore[type-arg]


def collect(path: Path) -> list[Outputs]:
    """The outputs at ``path``: a lone file, an article folder, or an output root."""
    if path.is_file():
        return [_from_files(path.parent, [(_published_name(path), path)])]
    if not path.is_dir():
        raise InputError(str(path), "no such file or folder", _fix())
    known = _known_names()
    own = [(p.name, p) for p in sorted(path.iterdir()) if p.name in known and p.is_file()]
    articles = [p.parent for p in sorted(path.glob("*/compliance.json"))]
    # An output root has article folders (and its own site index.html, not an article).
    if own and ((path / "compliance.json").is_file() or not articles):
        return [_from_files(path, own)]
    if not articles:
        firsts = ", ".join(ch.files[0] for ch in registry.CHANNELS.values())
        raise InputError(str(path), f"no outputs found ({firsts})", _fix())
    return [outputs for folder in articles for outputs in collect(folder)]


def _known_names() -> dict[str, str]:
    """Every file name the gate reads back, with its channel."""
    return {name: channel.name for channel in registry.CHANNELS.values()
            for name in channel.files}


def _fix() -> str:
    kinds = list(dict.fromkeys(k for ch in registry.CHANNELS.values() for k in ch.lone))
    named = " or ".join(filter(None, (", ".join(kinds[:-1]), kinds[-1])))
    return f"give an output folder, or a {named} file"


def _published_name(path: Path) -> str:
    if path.name in _known_names():
        return path.name
    data = path.read_bytes()
    for channel in registry.CHANNELS.values():
        name = channel.recognize(path, data)
        if name:
            return name
    raise InputError(str(path), f"'{path.suffix or path.name}' is not an output publish can "
                     "check", _fix())


def _from_files(folder: Path, files: list[tuple[str, Path]]) -> Outputs:
    known = _known_names()
    by_channel: dict[str, list[tuple[str, bytes]]] = {}
    for name, path in files:
        by_channel.setdefault(known[name], []).append((name, path.read_bytes()))
    report = folder / "compliance.json"
    compliance = json.loads(report.read_text(encoding="utf-8")) if report.is_file() else None
    return Outputs(folder, {k: tuple(v) for k, v in by_channel.items()}, compliance)


def required(outputs: Outputs, channel: str, policy: Policy) -> tuple[Disclaimer, ...]:
    """What ``channel`` must carry: the report's disclaimers plus the policy's ``always``."""
    if outputs.compliance is None:
        return policy.required(channel, policy.lone_file_tags, ())
    entry = outputs.compliance.get("channels", {}).get(channel, {})
    ids = [*policy.always.get(channel, ()), *(c["disclaimer"] for c in entry.get("checks", []))]
    return tuple(policy.get(i) for i in dict.fromkeys(ids) if i in policy.disclaimers)


def extract(channel: str, files: tuple[tuple[str, bytes], ...], where: Path) -> dict[str, str]:
    """The channel's own reader on whichever of its files are there."""
    try:
        return registry.get(channel).extract_text(Rendered(channel, files))
    except (ValueError, KeyError, RuntimeError, UnicodeDecodeError) as exc:
        raise InputError(
            str(where),
            f"cannot read the {channel} output: {exc}",
            "give the file exactly as publish wrote it",
        ) from None


def check_outputs(outputs: Outputs, policy: Policy) -> dict[str, object]:
    """A ``compliance.json``-shaped report of the gate on ``outputs``."""
    channels: dict[str, object] = {}
    for channel, files in sorted(outputs.by_channel.items()):
        parts = extract(channel, files, outputs.where)
        expectations = registry.get(channel).expectations(required(outputs, channel, policy))
        checks = check(channel, parts, expectations)
        channels[channel] = {
            "passed": all(c.passed for c in checks),
            "files": [name for name, _ in files],
            "checks": [c.as_dict() for c in checks],
        }
    slug = (outputs.compliance or {}).get("slug", outputs.where.name)
    return {
        "article": str(outputs.where),
        "slug": slug,
        "channels": channels,
        "passed": all(c["passed"] for c in channels.values()),  # type: ignore[index]
        "manifest": _manifest_note(outputs.where),
    }


def _manifest_note(folder: Path) -> list[str]:
    if not (folder / MANIFEST).is_file():
        return ["no manifest.json: these files were never checked by publish render"]
    return manifest_problems(folder) or ["every file matches manifest.json"]
