"""Incremental builds: a content hash over everything an article's outputs depend on.

An article's published outputs are reused only when its fingerprint is unchanged:
its source bytes, the files it links next to it, the disclaimers the policy requires
of it (wording and version), the site settings, every template and asset, the
pipeline's own code and version, and the versions of pandoc and WeasyPrint.  The
fingerprint is stored in ``build.json`` and in ``compliance.json`` beside the outputs,
so a reused gate result is always tied to the same hash.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from channels.content.article import Article
from channels.content.disclaimers import Policy
from channels.content.site import Site

BUILD_FILE = "build.json"
# Bump to rebuild every article when the pipeline changes in a way its code digest misses.
PIPELINE_VERSION = "1"
CODE_DIR = Path(__file__).parents[1]  # channels/: the whole pipeline's code
# Relative link or image targets in the Markdown body: ](file.png) or ](./img/a.svg "t").
_LOCAL_LINK = re.compile(r"\]\((?!\w+:|#|/)([^)\s]+)")


@dataclass(frozen=True)
class Fingerprint:
    """The digest of an article's inputs, with one digest per input for explaining rebuilds."""

    digest: str
    inputs: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class SharedInputs:
    """The inputs every article shares, hashed once per run."""

    inputs: tuple[tuple[str, str], ...]


def shared_inputs(templates_dir: Path, site: Site, channels: tuple[str, ...],
                  checks: object = None) -> SharedInputs:
    """Digests of the templates folder, site and check settings, pipeline code and tools."""
    return SharedInputs((
        ("templates", tree_digest(templates_dir)),
        ("site", _sha(repr(site).encode())),
        ("checks", _sha(repr(checks).encode())),
        ("pipeline", _sha(f"{PIPELINE_VERSION}\0{code_digest()}".encode())),
        ("tools", _sha(tool_versions().encode())),
        ("channels", ",".join(channels)),
    ))


def fingerprint(article: Article, policy: Policy, shared: SharedInputs) -> Fingerprint:
    """The fingerprint of ``article`` given the run's shared inputs."""
    inputs = (
        ("source", article.source_sha256),
        ("assets", _assets_digest(article)),
        ("disclaimers", _required_digest(article, policy)),
        *shared.inputs,
    )
    return Fingerprint(_sha(json.dumps(inputs).encode()), inputs)


def record(fp: Fingerprint, files: dict[str, bytes]) -> bytes:
    """``build.json``: the fingerprint, its inputs, and the digest of every output file."""
    data = {
        "fingerprint": fp.digest,
        "inputs": dict(fp.inputs),
        "files": {name: _sha(files[name]) for name in sorted(files)},
    }
    return (json.dumps(data, indent=2) + "\n").encode()


def reusable(current: dict[str, bytes], fp: Fingerprint) -> bool:
    """Whether the published files ``current`` were built from ``fp`` and passed the gate.

    The stored gate result counts only if it names the same fingerprint, and every
    file is still byte-for-byte what was checked (an edited output is rebuilt).
    """
    try:
        built = json.loads(current[BUILD_FILE])
        report = json.loads(current["compliance.json"])
    except (KeyError, ValueError):
        return False
    if built.get("fingerprint") != fp.digest or report.get("fingerprint") != fp.digest:
        return False
    files = {name: _sha(data) for name, data in current.items() if name != BUILD_FILE}
    return report.get("passed") is True and built.get("files") == files


def changed_inputs(current: dict[str, bytes], fp: Fingerprint) -> list[str]:
    """Names of the inputs that differ from the stored build (for ``--debug`` and tests)."""
    try:
        stored = json.loads(current[BUILD_FILE]).get("inputs", {})
    except (KeyError, ValueError):
        return ["no previous build"]
    return [name for name, digest in fp.inputs if stored.get(name) != digest]


def tree_digest(folder: Path) -> str:
    """Digest of every file under ``folder``: relative names and contents."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


@functools.cache
def code_digest() -> str:
    """Digest of the pipeline's own code (``channels/``); it cannot change within a process."""
    digest = hashlib.sha256()
    for path in sorted(CODE_DIR.rglob("*")):
        if path.suffix in (".py", ".lua"):  # not __pycache__: compiled files come and go
            digest.update(str(path.relative_to(CODE_DIR)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


@functools.cache
def tool_versions() -> str:
    """Installed versions of the renderers whose output the bytes depend on."""
    names = ("pypandoc-binary", "weasyprint", "pypdfium2", "css-inline", "nh3", "jinja2")
    return ";".join(f"{name}={_version(name)}" for name in names)


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "absent"


def _required_digest(article: Article, policy: Policy) -> str:
    # Only the disclaimers this article must carry: rewording one that applies to
    # other tags leaves this article's outputs, and its fingerprint, unchanged.
    required = [
        (name, [(d.id, d.version, d.title, d.text, d.short)
                for d in policy.required(name, article.tags, article.disclaimers)])
        for name in policy.channels
    ]
    return _sha(json.dumps(required).encode())


def _assets_digest(article: Article) -> str:
    folder = Path(article.path).parent
    digest = hashlib.sha256()
    for target in sorted(set(_LOCAL_LINK.findall(article.body))):
        path = folder / target
        if path.is_file():
            digest.update(target.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
