"""The audit log: who approved which hash, who released, who sent which campaign to how many.

Append-only, in the subscriber store (``--db`` or ``PUBLISH_DB``: a SQLite file or a
``postgresql+psycopg://...`` URL), opened through channels/distribution/database.py; the
table and its guards are migration 3 in schema.py. The only write is ``append``; the
database itself refuses UPDATE and DELETE on the table.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import getpass
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from channels.distribution.database import open_store
from channels.distribution.schema import AUDIT_LOG as audit_log

EVENTS = ("approve", "release", "send")


@dataclass(frozen=True)
class Entry:
    """One line of the log."""

    at: str
    event: str
    slug: str
    actor: str
    sha256: str = ""
    campaign: str = ""
    count: int = 0
    detail: str = ""


def engine_for(db: Path | str) -> sa.Engine:
    """The store's engine on ``db`` (a path or URL), migrated: the table and its guards exist."""
    return open_store(db).engine


@contextlib.contextmanager
def _connection(db: Path | str, write: bool = False) -> Iterator[sa.Connection]:
    store = open_store(db)
    try:
        with store.engine.begin() if write else store.engine.connect() as conn:
            yield conn
    finally:
        store.close()


def append(db: Path | str, event: str, slug: str, sha256: str = "", campaign: str = "",
           count: int = 0, detail: str = "", actor: str = "") -> Entry:
    """Add one entry at the end of the log (the time is now, the actor the OS user if unnamed)."""
    entry = Entry(dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), event, slug,
                  actor or getpass.getuser(), sha256, campaign, count, detail)
    with _connection(db, write=True) as conn:
        conn.execute(audit_log.insert().values(**entry.__dict__))
    return entry


def entries(db: Path | str, slug: str = "") -> list[Entry]:
    """The log, oldest first; only ``slug``'s entries if one is given."""
    query = sa.select(*[audit_log.c[f] for f in Entry.__dataclass_fields__])
    if slug:
        query = query.where(audit_log.c.slug == slug)
    with _connection(db) as conn:
        return [Entry(**row._mapping) for row in conn.execute(query.order_by(audit_log.c.id))]


def record_release(db: Path | str, slug: str, manifest: Path) -> Entry | None:
    """Log that the version ``manifest`` describes is live, unless that was the last release."""
    digest = hashlib.sha256(manifest.read_bytes()).hexdigest()
    released = [e for e in entries(db, slug) if e.event == "release"]
    if released and released[-1].sha256 == digest:
        return None
    return append(db, "release", slug, digest, detail=str(manifest.parent))
