"""The one database of the mailing list: ``--db`` or ``PUBLISH_DB`` to a migrated engine.

    a path, or sqlite:///PATH             the embedded default (WAL, one writer at a time)
    postgresql+psycopg://user@host/db     a shared server: the unsubscribe service, the
                                          mailbox reader and the sender on other machines
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, insert, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError

from channels.distribution.schema import MIGRATIONS, SCHEMA_VERSION
from channels.errors import InputError, SendRefused

FIX = "pass --db with a writable SQLite file or a postgresql+psycopg:// URL, or set PUBLISH_DB"


@dataclass(frozen=True)
class Store:
    """An open, migrated store; ``name`` is how messages refer to it (never a password)."""

    engine: Engine
    name: str
    path: Path | None  # the SQLite file, None on a server

    def close(self) -> None:
        self.engine.dispose()


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def database_url(target: str | Path | None, project_root: Path) -> str:
    """``target`` (a path or URL), else ``PUBLISH_DB``, else ``subscribers.sqlite3`` here."""
    value = str(target or os.environ.get("PUBLISH_DB") or project_root / "subscribers.sqlite3")
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).expanduser().absolute()}"


def open_store(target: str | Path) -> Store:
    """Connect, bring the schema up to date, and return the store."""
    url_text = str(target) if "://" in str(target) else database_url(target, Path.cwd())
    name = url_text
    try:
        url = make_url(url_text)
        name = url.render_as_string(hide_password=True)
        engine = create_engine(url, pool_pre_ping=True)
    except (ArgumentError, NoSuchModuleError, ValueError) as exc:
        raise InputError(name, f"is not a database URL this program can open: {exc}",
                         FIX) from None
    path = Path(url.database) if url.get_backend_name() == "sqlite" and url.database else None
    if path is not None:
        name = str(path)
        _sqlite_settings(engine)
    try:
        migrate(engine)
    except OperationalError as exc:
        engine.dispose()
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise InputError(name, f"cannot open the subscriber store: {reason}", FIX) from None
    return Store(engine, name, path)


def _sqlite_settings(engine: Engine) -> None:
    """WAL (readers never wait), a commit survives a killed process, writers queue."""

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_conn, record) -> None:  # type: ignore[no-untyped-def]
        dbapi_conn.isolation_level = None  # SQLAlchemy's BEGIN, not the driver's own
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        # NORMAL in WAL mode: a commit survives SIGKILL; only a power cut can lose the last.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn) -> None:  # type: ignore[no-untyped-def]
        # Take the write lock at the start: no deadlock when two writers upgrade at once.
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def migrate(engine: Engine) -> None:
    """Apply every migration this store has not had yet, each in its own transaction."""
    with engine.begin() as conn:
        _serialize(conn)
        if not inspect(conn).has_table(SCHEMA_VERSION.name):
            SCHEMA_VERSION.create(conn)
        done = set(conn.scalars(select(SCHEMA_VERSION.c.version)))
        for step in MIGRATIONS:
            if step.version not in done:
                step.apply(conn)
                conn.execute(insert(SCHEMA_VERSION).values(
                    version=step.version, description=step.description, applied=now()))


def _serialize(conn) -> None:  # type: ignore[no-untyped-def]
    """Two processes starting on a new PostgreSQL store: one migrates, the other waits."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _lock_key("migrate")})


def _lock_key(name: str) -> int:
    return zlib.crc32(f"pmh-publish:{name}".encode())


@contextlib.contextmanager
def exclusive(store: Store) -> Iterator[None]:
    """One send per store at a time; released when the run ends or its process dies."""
    busy = SendRefused(f"{store.name}: another 'publish send' is using this subscriber store "
                       "(wait for it to finish, then run again)")
    if store.path is not None:
        with open(store.path.with_name(store.path.name + ".lock"), "w") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise busy from None
            yield
        return
    # On a server: a session lock, dropped by PostgreSQL when the connection goes away.
    with store.engine.connect() as conn:
        got = conn.scalar(text("SELECT pg_try_advisory_lock(:k)"), {"k": _lock_key("send")})
        conn.commit()
        if not got:
            raise busy
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _lock_key("send")})
            conn.commit()
