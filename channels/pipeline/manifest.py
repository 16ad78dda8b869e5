"""Evidence: ``manifest.json`` ties every output file's hash to the check that passed it.

``publish send`` and any later step call ``verify_manifest(folder)`` and use a file
only if its bytes still hash to what the gate checked.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

NAME = "manifest.json"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def build_manifest(files: dict[str, bytes]) -> bytes:
    """The manifest for an article's ``files`` (which include its ``compliance.json``)."""
    report = json.loads(files["compliance.json"])
    manifest = {
        "article": report["article"],
        "slug": report["slug"],
        "source_sha256": report["source_sha256"],
        "passed": report["passed"],
        "files": {name: sha256(data) for name, data in sorted(files.items()) if name != NAME},
        "disclaimers": _evidence(report),
    }
    return (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _evidence(report: dict) -> list[dict[str, object]]:  # type: ignore[type-arg]
    """Each disclaimer version and the pages, parts or posts it was found in, per channel."""
    return [
        {
            "channel": channel,
            "disclaimer": c["disclaimer"],
            "version": c["version"],
            "form": c["form"],
            "found_in": c["found_in"],
            "files": entry.get("files", []),
        }
        for channel, entry in sorted(report["channels"].items())
        for c in entry.get("checks", [])
    ]


def manifest_problems(folder: Path) -> list[str]:
    """Why the files in ``folder`` may not be used (empty when they match a passing manifest)."""
    path = folder / NAME
    if not path.is_file():
        return [f"{path}: no manifest (publish the article with 'publish render' first)"]
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        listed = dict(manifest["files"])
    except (ValueError, KeyError, TypeError):
        return [f"{path}: unreadable manifest (publish the article again)"]
    problems = [] if manifest.get("passed") is True else [f"{path}: the checks did not pass"]
    for name, digest in sorted(listed.items()):
        file = folder / name
        if not file.is_file() or sha256(file.read_bytes()) != digest:
            problems.append(f"{file}: changed since it was checked (publish the article again)")
    return problems


def verify_manifest(folder: Path | str) -> bool:
    """Whether every file listed in ``folder``'s manifest is unchanged and the checks passed."""
    return not manifest_problems(Path(folder))
