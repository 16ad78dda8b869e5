"""Approval records: the signed statement and its signature, one JSON line each.

``source/approvals/<slug>.jsonl`` is append-only; each line keeps the statement's exact
signed text, so any edit to it (or to the signature) makes ``ssh-keygen -Y verify`` fail.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from channels.pipeline.manifest import NAME as MANIFEST
from channels.pipeline.manifest import manifest_problems

FOLDER = "approvals"


@dataclass(frozen=True)
class Evidence:
    """What an approval signs: the source hash, every checked output's SHA-256, the
    disclaimer versions and the gate's verdict, as ``manifest.json`` lists them."""

    slug: str
    source_sha256: str
    passed: bool
    files: tuple[tuple[str, str], ...]
    disclaimers: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class Statement:
    """Who approves what, in which role, when: the exact text that is signed."""

    slug: str
    role: str
    principal: str
    signed_at: str  # ISO 8601, UTC
    note: str
    evidence: Evidence

    def text(self) -> bytes:
        body = asdict(self)
        return json.dumps(body, sort_keys=True, separators=(",", ":"),
                          ensure_ascii=False).encode("utf-8")

    @property
    def when(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.signed_at)


@dataclass(frozen=True)
class Record:
    """One line of an approvals file, as stored; ``number`` counts from 1."""

    statement: str
    signature: str
    where: str
    number: int


def evidence_of(folder: Path) -> tuple[Evidence | None, list[str]]:
    """The evidence of the outputs in ``folder``, or None and why they cannot be approved."""
    problems = manifest_problems(folder)
    if problems:
        return None, problems
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    versions = {row["disclaimer"]: int(row["version"]) for row in manifest["disclaimers"]}
    return Evidence(manifest["slug"], manifest["source_sha256"], manifest["passed"] is True,
                    tuple(sorted(manifest["files"].items())),
                    tuple(sorted(versions.items()))), []


def parse_statement(text: str) -> Statement:
    """The statement a record signed. Raises ValueError, KeyError or TypeError if malformed."""
    data = json.loads(text)
    evidence = data.pop("evidence")
    return Statement(**data, evidence=Evidence(
        evidence["slug"], evidence["source_sha256"], evidence["passed"],
        tuple((str(n), str(h)) for n, h in evidence["files"]),
        tuple((str(d), int(v)) for d, v in evidence["disclaimers"])))


def records_file(source_dir: Path, slug: str) -> Path:
    return source_dir / FOLDER / f"{slug}.jsonl"


def read_records(source_dir: Path, slug: str) -> list[Record]:
    """Every approval recorded for ``slug``, oldest first (a bad line is kept, to be refused)."""
    path = records_file(source_dir, slug)
    if not path.is_file():
        return []
    records = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        try:
            data = json.loads(line)
            statement, signature = str(data["statement"]), str(data["signature"])
        except (ValueError, KeyError, TypeError):
            statement, signature = line, ""
        records.append(Record(statement, signature, f"{path}:{number}", number))
    return records


def append_record(source_dir: Path, statement: Statement, signature: str) -> Record:
    """Add one approval at the end of the slug's file; earlier lines are never rewritten."""
    path = records_file(source_dir, statement.slug)
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps({"statement": statement.text().decode("utf-8"), "signature": signature},
                      ensure_ascii=False)
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(line + "\n")
    number = len(path.read_text(encoding="utf-8").splitlines())
    return Record(statement.text().decode("utf-8"), signature, f"{path}:{number}", number)
