"""Same inputs, same bytes: record the SHA-256 of every output, then compare after a change.

    python bench/same_bytes.py record hashes.json   # before a refactor
    python bench/same_bytes.py compare hashes.json  # after it: exit 1 and list what differs

It publishes, through the real ``publish render`` command, the seed article, the
three-article library of ``tests/test_incremental.py``, four variants of the seed
(other tags and section order, as ``make bench`` makes them) and the hostile input
corpus of ``tests/cases/hostile``, into a temporary folder, and hashes every file.

What is documented to vary is left out of the comparison: ``build.json`` (it records a
digest of the pipeline's own code, so any code change changes it), the ``fingerprint``
field of ``compliance.json`` (the same digest), and ``manifest.json``'s lines for those
two files.  Everything else must be byte-identical.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from measure import vary  # bench/measure.py: the same variants make bench publishes

ROOT = Path(__file__).resolve().parents[1]
VARYING = frozenset({"build.json", "compliance.json"})
LIBRARY = """---
title: "{title}"
summary: A short article about {title}, for the incremental build tests.
date: 2026-11-20
reviewed: {{by: Clinical team, on: 2026-11-20}}
tags: [{tags}]
disclaimers: [{adds}]
---

## About {title}

A first paragraph about {title}. See [the data](data-{slug}.csv).
"""
LIBRARY_ARTICLES = {"calm": ("mental-health", ""), "sleep": ("wellness", ""),
                    "food": ("nutrition", "individualized-treatment")}


def write_inputs(folder: Path) -> Path:
    """Every input article in one source folder (with the real settings and registry)."""
    source = folder / "source"
    shutil.copytree(ROOT / "source", source)
    seed = (ROOT / "source" / "gut-brain-axis.md").read_text(encoding="utf-8")
    for i in range(4):
        (source / f"variant-{i}.md").write_text(vary(seed, i), encoding="utf-8")
    for slug, (tags, adds) in LIBRARY_ARTICLES.items():
        text = LIBRARY.format(title=slug.title(), slug=slug, tags=tags, adds=adds)
        (source / f"{slug}.md").write_text(text, encoding="utf-8")
        (source / f"data-{slug}.csv").write_text("week,score\n1,3\n", encoding="utf-8")
    for case in sorted((ROOT / "tests/cases/hostile").iterdir()):
        data = case.read_bytes().replace(b"@SECRET@", b"/nonexistent/secret")
        (source / f"hostile-{case.name}" if case.suffix == ".md" else source / case.name) \
            .write_bytes(data.replace(b"@PORT@", b"9"))
    shutil.copytree(ROOT / "templates", folder / "templates")
    return source


def publish(folder: Path) -> Path:
    """``publish render`` of every input, relative paths, into ``folder/output``."""
    env = {**os.environ, "DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "PREFECT_HOME": str(folder / ".prefect")}
    command = [str(Path(sys.executable).parent / "publish"), "render", "--workers", "2",
               "--source-dir", "source", "--templates", "templates", "--out", "output"]
    done = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True,
                          check=False)
    if done.returncode != 0:
        sys.exit(f"same_bytes: publish render failed ({done.returncode}):\n{done.stderr}")
    return folder / "output"


def digests(out: Path) -> dict[str, str]:
    """SHA-256 of every published file (through the slug links), minus what may vary."""
    found = {}
    for folder, _, names in os.walk(out, followlinks=True):
        for name in names:
            path = Path(folder, name)
            relative = path.relative_to(out)
            if not relative.parts[0].startswith("."):
                found[str(relative)] = _digest(path)
    return {name: digest for name, digest in found.items() if digest}


def _digest(path: Path) -> str:
    data = path.read_bytes()
    if path.name == "build.json":
        return ""
    if path.name == "compliance.json":
        report = json.loads(data)
        report.pop("fingerprint", None)
        data = json.dumps(report, sort_keys=True).encode()
    elif path.name == "manifest.json":
        manifest = json.loads(data)
        manifest["files"] = {k: v for k, v in manifest["files"].items() if k not in VARYING}
        data = json.dumps(manifest, sort_keys=True).encode()
    return hashlib.sha256(data).hexdigest()


def measure() -> dict[str, str]:
    # A fixed folder, not a random one: the PDF's links to files next to an article are
    # absolute file: URLs, so the folder's name is part of the handout's bytes.
    folder = Path(tempfile.gettempdir()) / "pmh-same-bytes"
    shutil.rmtree(folder, ignore_errors=True)
    try:
        write_inputs(folder)
        return digests(publish(folder))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("record", "compare"))
    parser.add_argument("hashes", type=Path, help="the JSON file of recorded digests")
    args = parser.parse_args()
    now = measure()
    if args.action == "record":
        args.hashes.write_text(json.dumps(now, indent=1, sort_keys=True) + "\n")
        print(f"recorded {len(now)} files in {args.hashes}")
        return 0
    before = json.loads(args.hashes.read_text())
    differ = sorted(n for n in before.keys() | now.keys() if before.get(n) != now.get(n))
    for name in differ:
        state = "missing" if name not in now else "new" if name not in before else "differs"
        print(f"{state}: {name}")
    print(f"{len(now) - len(differ)} of {len(before | now)} files byte-identical")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
