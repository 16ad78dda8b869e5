"""The gate on outputs that already exist (``publish check``): same policy, same matching.

A folder is read as one article's outputs; a lone file is classified by its name.  The
required disclaimers come from the ``compliance.json`` next to the files (never fewer than
the policy's ``always`` list), or, without one, from the policy for mental-health content.
"""

from __future__ import annotations

import email.policy
import json
from dataclasses import dataclass
from email import message_from_bytes
from pathlib import Path

from . import registry as channel_registry
from .base import Rendered
from .disclaimers import Disclaimer, Registry
from .errors import InputError
from .gate import Finding, check
from .htmltext import visible_text
from .manifest import NAME as MANIFEST
from .manifest import manifest_problems

KNOWN = {
    "handout.pdf": "pdf",
    "newsletter.eml": "email",
    "newsletter.html": "email",
    "newsletter.txt": "email",
    "social.json": "social",
    "index.html": "web",
    "page.css": "web",
}
DEFAULT_TAGS = ("mental-health",)
_FIX = "give an output folder, or a .pdf, .eml, .html, .txt or social.json file"


@dataclass(frozen=True)
class Outputs:
    """One article's existing files, by channel, under their canonical names."""

    where: Path
    by_channel: dict[str, tuple[tuple[str, bytes], ...]]
    compliance: dict | None  # type: ignore[type-arg]


def collect(path: Path) -> list[Outputs]:
    """The outputs at ``path``: a lone file, an article folder, or an output root."""
    if path.is_file():
        return [_from_files(path.parent, [(_canonical(path), path)])]
    if not path.is_dir():
        raise InputError(str(path), "no such file or folder", _FIX)
    own = [(p.name, p) for p in sorted(path.iterdir()) if p.name in KNOWN and p.is_file()]
    articles = [p.parent for p in sorted(path.glob("*/compliance.json"))]
    # An output root has article folders (and its own site index.html, not an article).
    if own and ((path / "compliance.json").is_file() or not articles):
        return [_from_files(path, own)]
    if not articles:
        raise InputError(
            str(path),
            "no outputs found (handout.pdf, newsletter.eml, social.json, index.html)",
            _FIX,
        )
    return [outputs for folder in articles for outputs in collect(folder)]


def _canonical(path: Path) -> str:
    if path.name in KNOWN:
        return path.name
    suffix = path.suffix.lower()
    if suffix == ".html":
        text = path.read_bytes().decode("utf-8", "replace").lower()
        return "index.html" if "<main" in text else "newsletter.html"
    names = {
        ".pdf": "handout.pdf",
        ".eml": "newsletter.eml",
        ".txt": "newsletter.txt",
        ".json": "social.json",
    }
    if suffix not in names:
        raise InputError(
            str(path), f"'{suffix or path.name}' is not an output publish can check", _FIX
        )
    return names[suffix]


def _from_files(folder: Path, files: list[tuple[str, Path]]) -> Outputs:
    by_channel: dict[str, list[tuple[str, bytes]]] = {}
    for name, path in files:
        by_channel.setdefault(KNOWN[name], []).append((name, path.read_bytes()))
    report = folder / "compliance.json"
    compliance = json.loads(report.read_text(encoding="utf-8")) if report.is_file() else None
    return Outputs(folder, {k: tuple(v) for k, v in by_channel.items()}, compliance)


def required(outputs: Outputs, channel: str, registry: Registry) -> tuple[Disclaimer, ...]:
    """What ``channel`` must carry: the report's disclaimers plus the policy's ``always``."""
    if outputs.compliance is None:
        return registry.required(channel, DEFAULT_TAGS, ())
    entry = outputs.compliance.get("channels", {}).get(channel, {})
    ids = [*registry.always.get(channel, ()), *(c["disclaimer"] for c in entry.get("checks", []))]
    return tuple(registry.get(i) for i in dict.fromkeys(ids) if i in registry.disclaimers)


def extract(channel: str, files: tuple[tuple[str, bytes], ...], where: Path) -> dict[str, str]:
    """The channel's own reader when every file is there; each present file's text otherwise."""
    names = {name for name, _ in files}
    try:
        if channel == "email" and names != {"newsletter.eml", "newsletter.html", "newsletter.txt"}:
            return _email_parts(dict(files))
        return channel_registry.get(channel).extract_text(Rendered(channel, files))
    except (ValueError, KeyError, RuntimeError, UnicodeDecodeError) as exc:
        raise InputError(
            str(where),
            f"cannot read the {channel} output: {exc}",
            "give the file exactly as publish wrote it",
        ) from None


def _email_parts(files: dict[str, bytes]) -> dict[str, str]:
    parts: dict[str, str] = {}
    if "newsletter.eml" in files:
        message = message_from_bytes(files["newsletter.eml"], policy=email.policy.default)
        plain, rich = message.get_body(("plain",)), message.get_body(("html",))
        parts["eml text/plain"] = plain.get_content() if plain else ""  # type: ignore[union-attr]
        parts["eml text/html"] = visible_text(rich.get_content()) if rich else ""  # type: ignore[union-attr]
    if "newsletter.html" in files:
        parts["newsletter.html"] = visible_text(files["newsletter.html"].decode("utf-8"))
    if "newsletter.txt" in files:
        parts["newsletter.txt"] = files["newsletter.txt"].decode("utf-8")
    return parts


def check_outputs(outputs: Outputs, registry: Registry) -> dict[str, object]:
    """A ``compliance.json``-shaped report of the gate on ``outputs``."""
    channels: dict[str, object] = {}
    for channel, files in sorted(outputs.by_channel.items()):
        parts = extract(channel, files, outputs.where)
        expectations = channel_registry.get(channel).expectations(
            required(outputs, channel, registry)
        )
        findings: list[Finding] = check(channel, parts, expectations)
        channels[channel] = {
            "passed": all(f.passed for f in findings),
            "files": [name for name, _ in files],
            "checks": [f.as_dict() for f in findings],
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
