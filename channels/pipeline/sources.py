"""Which source article an existing output folder came from, so the policy, not an output,
says what it must carry (``publish check``)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from channels.content.article import Article, load_article
from channels.content.disclaimers import Policy
from channels.content.site import load_site
from channels.errors import InputError
from channels.pipeline.manifest import NAME as MANIFEST


def find_article(folder: Path, source_dir: Path, policy: Policy) -> Article:
    """The article whose source hashes to the manifest's ``source_sha256`` (or has its slug)."""
    record = _manifest(folder)
    wanted, slug = record.get("source_sha256"), str(record.get("slug") or folder.name)
    sources = sorted(source_dir.glob("*.md"))
    by_hash = [p for p in sources if hashlib.sha256(p.read_bytes()).hexdigest() == wanted]
    by_slug = [p for p in sources if p.stem == slug]
    chosen = [*by_hash, *by_slug]
    if not chosen:
        raise InputError(str(folder / MANIFEST), f"no article in {source_dir}/ has this "
                         f"output's source (slug '{slug}')",
                         "give --source-dir the folder that holds the article's .md file")
    return load_article(chosen[0], load_site(source_dir / "site.yaml"), policy)


def _manifest(folder: Path) -> dict:  # type: ignore[type-arg]
    path = folder / MANIFEST
    if not path.is_file():
        raise InputError(str(folder), "no manifest.json here, so the article (and what it must "
                         "carry) is unknown", "give the article's output folder, "
                         "output/<slug>/, as publish render wrote it")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise InputError(str(path), "unreadable manifest", "publish the article again")
    return data
