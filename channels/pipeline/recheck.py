"""The gate again, on outputs that already exist (``publish check``): same policy, same matching.

A folder is read as one article's outputs; a lone file is recognised by its channel.
The required disclaimers come from the policy and the article's front matter, the
article found by the manifest's ``source_sha256`` (or slug) among the source files;
``compliance.json`` is evidence only, never authority.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from channels import registry
from channels.base import Rendered
from channels.content.article import Article
from channels.content.disclaimers import Disclaimer, Policy
from channels.errors import InputError
from channels.pipeline.manifest import NAME as MANIFEST
from channels.pipeline.manifest import manifest_problems
from channels.pipeline.sources import find_article
from channels.pipeline.steps import witnesses


@dataclass(frozen=True)
class Outputs:
    """One article's existing files, by channel, under their published names."""

    where: Path
    by_channel: dict[str, tuple[tuple[str, bytes], ...]]


def collect(path: Path) -> list[Outputs]:
    """The outputs at ``path``: a lone file, an article folder, or an output root."""
    if path.is_file():
        return [_from_files(path.parent, _with_context(path, _published_name(path)))]
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
    return Outputs(folder, {k: tuple(v) for k, v in by_channel.items()})


def _with_context(path: Path, name: str) -> list[tuple[str, Path]]:
    """A lone file and the files it needs to look as it does: a page's linked stylesheet."""
    channel = registry.get(_known_names()[name])
    needed = [n for n in channel.files if n != name and n in channel.context_files]
    missing = [n for n in needed if not (path.parent / n).is_file()]
    if missing:
        raise InputError(str(path), f"{missing[0]} is not beside it, so it cannot be seen as "
                         "a reader sees it", f"give the folder that holds both, "
                         f"{path.parent}/ as publish render wrote it")
    return [(name, path), *((n, path.parent / n) for n in needed)]


def required(article: Article, channel: str, policy: Policy) -> tuple[Disclaimer, ...]:
    """What ``channel`` must carry: the policy for the article's tags and additions."""
    return policy.required(channel, article.tags, article.disclaimers)


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


def check_outputs(outputs: Outputs, policy: Policy, source_dir: Path) -> dict[str, object]:
    """A ``compliance.json``-shaped report of the gate on ``outputs``."""
    read = {ch: extract(ch, files, outputs.where) for ch, files in outputs.by_channel.items()}
    article = find_article(outputs.where, source_dir, policy)
    channels: dict[str, object] = {}
    for channel, files in sorted(outputs.by_channel.items()):
        checks = witnesses(Rendered(channel, files), read[channel],
                           required(article, channel, policy), _shared(outputs.where))
        channels[channel] = {
            "passed": all(c.passed for c in checks),
            "files": [name for name, _ in files],
            "checks": [c.as_dict() for c in checks],
        }
    return {
        "article": str(outputs.where),
        "slug": article.slug,
        "channels": channels,
        "passed": all(c["passed"] for c in channels.values()),  # type: ignore[index]
        "manifest": _manifest_note(outputs.where),
    }


def _shared(folder: Path) -> dict[str, bytes]:
    """The site's shared files (``assets/...``) beside the article folder, as published."""
    root = Path(os.path.normpath(folder.absolute() / ".."))
    assets = root / "assets"
    if not assets.is_dir():
        return {}
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(assets.rglob("*")) if p.is_file()}


def _manifest_note(folder: Path) -> list[str]:
    if not (folder / MANIFEST).is_file():
        return ["no manifest.json: these files were never checked by publish render"]
    return manifest_problems(folder) or ["every file matches manifest.json"]
