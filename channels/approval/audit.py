"""The audit log: who approved which hash, who released, who sent which campaign to how many.

Append-only, in the subscriber store's database (``--db`` or ``PUBLISH_DB``: a SQLite file
or an SQLAlchemy URL such as ``postgresql+psycopg://...``), its own table, SQLAlchemy Core.
The only write is ``append``; the database itself refuses UPDATE and DELETE on the table.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

EVENTS = ("approve", "release", "send")
metadata = sa.MetaData()
audit_log = sa.Table(
    "audit_log", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.String(40), nullable=False),
    sa.Column("event", sa.String(16), nullable=False),
    sa.Column("slug", sa.String(200), nullable=False),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False, server_default=""),
    sa.Column("campaign", sa.String(200), nullable=False, server_default=""),
    sa.Column("count", sa.Integer, nullable=False, server_default="0"),
    sa.Column("detail", sa.Text, nullable=False, server_default=""),
)
_GUARDS = {
    "sqlite": [f"CREATE TRIGGER IF NOT EXISTS audit_log_no_{verb.lower()} BEFORE {verb} ON "
               "audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
               for verb in ("UPDATE", "DELETE")],
    "postgresql": [f"CREATE OR REPLACE RULE audit_log_no_{verb.lower()} AS ON {verb} TO "
                   "audit_log DO INSTEAD NOTHING" for verb in ("UPDATE", "DELETE")],
}


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
    """An engine on ``db``: a URL as given, anything else a SQLite file path."""
    text = str(db)
    url = text if "://" in text else f"sqlite:///{Path(text).resolve()}"
    engine = sa.create_engine(url)
    metadata.create_all(engine)
    with engine.begin() as conn:
        for guard in _GUARDS.get(engine.dialect.name, []):
            conn.exec_driver_sql(guard)
    return engine


def append(db: Path | str, event: str, slug: str, sha256: str = "", campaign: str = "",
           count: int = 0, detail: str = "", actor: str = "") -> Entry:
    """Add one entry at the end of the log (the time is now, the actor the OS user if unnamed)."""
    entry = Entry(dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), event, slug,
                  actor or getpass.getuser(), sha256, campaign, count, detail)
    engine = engine_for(db)
    with engine.begin() as conn:
        conn.execute(audit_log.insert().values(**entry.__dict__))
    engine.dispose()
    return entry


def entries(db: Path | str, slug: str = "") -> list[Entry]:
    """The log, oldest first; only ``slug``'s entries if one is given."""
    engine = engine_for(db)
    query = sa.select(*[audit_log.c[f] for f in Entry.__dataclass_fields__])
    if slug:
        query = query.where(audit_log.c.slug == slug)
    with engine.connect() as conn:
        rows = [Entry(**row._mapping) for row in conn.execute(query.order_by(audit_log.c.id))]
    engine.dispose()
    return rows


def record_release(db: Path | str, slug: str, manifest: Path) -> Entry | None:
    """Log that the version ``manifest`` describes is live, unless that was the last release."""
    digest = hashlib.sha256(manifest.read_bytes()).hexdigest()
    released = [e for e in entries(db, slug) if e.event == "release"]
    if released and released[-1].sha256 == digest:
        return None
    return append(db, "release", slug, digest, detail=str(manifest.parent))
