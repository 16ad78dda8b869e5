"""The subscriber store and the send ledger: one SQLite file, path from --db or PUBLISH_DB."""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from email_validator import EmailNotValidError, validate_email

from channels.errors import InputError

STATUSES = ("subscribed", "unsubscribed", "bounced")
LEDGER_STATES = ("claimed", "delivered", "deferred", "failed")
# CR, LF and every other control character: any of them in a header is an injection.
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_COLUMNS = {"email": "email", "name": "name", "consent_date": "consent_date",
            "consent date": "consent_date", "consent": "consent_date"}

SCHEMA = """
CREATE TABLE IF NOT EXISTS subscribers (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('subscribed', 'unsubscribed', 'bounced')),
    consent_date TEXT NOT NULL,
    updated TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS ledger (
    newsletter TEXT NOT NULL,
    email TEXT NOT NULL COLLATE NOCASE,
    state TEXT NOT NULL CHECK (state IN ('claimed', 'delivered', 'deferred', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    message_id TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    updated TEXT NOT NULL,
    PRIMARY KEY (newsletter, email)
);
"""


@dataclass(frozen=True)
class Subscriber:
    email: str
    name: str
    status: str
    consent_date: str


@dataclass(frozen=True)
class ImportReport:
    """What an import did: rows added, rows updated, rows rejected with the reason."""

    added: int
    updated: int
    rejected: tuple[Rejected, ...]


@dataclass(frozen=True)
class Rejected:
    """A CSV row that was not imported, with the reason and how to fix it."""

    line: int
    reason: str


def default_db(project_root: Path) -> Path:
    """``PUBLISH_DB`` if set, else ``subscribers.sqlite3`` at the project root."""
    return Path(os.environ.get("PUBLISH_DB") or project_root / "subscribers.sqlite3")


def connect(path: Path) -> sqlite3.Connection:
    """Open (and create) the store; autocommit, WAL, so a killed run loses nothing committed."""
    try:
        conn = sqlite3.connect(path, isolation_level=None, timeout=30)
        conn.execute("PRAGMA journal_mode=WAL")
        # NORMAL in WAL mode: a commit survives a killed process (SIGKILL); only a power cut can
        # lose the last few, so FULL (an fsync per row, 10x slower) buys little here.
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.executescript(SCHEMA)
    except sqlite3.DatabaseError as exc:
        raise InputError(str(path), f"cannot open the subscriber store: {exc}",
                         "pass --db with a writable SQLite file, or set PUBLISH_DB") from None
    return conn


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def check_address(address: str) -> str:
    """The normalized address; ``ValueError`` with a readable reason if it is not one."""
    if CONTROL.search(address):
        raise ValueError("the address contains a line break or control character")
    try:
        return validate_email(address.strip(), check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise ValueError(f"'{address}' is not a valid email address: {exc}") from None


def _row_problem(row: dict[str, str]) -> tuple[Subscriber | None, str]:
    try:
        address = check_address(row.get("email") or "")
    except ValueError as exc:
        return None, str(exc)
    name = (row.get("name") or "").strip()
    if CONTROL.search(name):
        return None, "the name contains a line break or control character (remove it)"
    consent = (row.get("consent_date") or "").strip()
    try:
        dt.date.fromisoformat(consent)
    except ValueError:
        return None, f"consent date '{consent}' is not a date (write it as YYYY-MM-DD)"
    return Subscriber(address, name, "subscribed", consent), ""


def read_csv(path: Path) -> Iterator[tuple[int, Subscriber | None, str]]:
    """Each data row as (line number, subscriber or None, reason it was rejected)."""
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise InputError(str(path), f"cannot read the CSV: {exc.strerror}",
                         "check the path") from None
    with handle:
        reader = csv.DictReader(handle)
        header = {_COLUMNS.get((h or "").strip().lower(), h) for h in reader.fieldnames or []}
        if not {"email", "consent_date"} <= header:
            raise InputError(f"{path}:1", "the header needs the columns email, name, consent_date",
                             "add a first line: email,name,consent_date")
        for row in reader:
            clean = {_COLUMNS.get((k or "").strip().lower(), k): (v or "") for k, v in row.items()
                     if isinstance(v, str)}
            subscriber, reason = _row_problem(clean)
            yield reader.line_num, subscriber, reason


def import_csv(conn: sqlite3.Connection, path: Path) -> ImportReport:
    """Add new subscribers; update names and consent dates of known ones.

    An address that unsubscribed or bounced stays that way: a list import must never
    re-subscribe someone who opted out.
    """
    added = updated = 0
    rejected: list[Rejected] = []
    seen: set[str] = set()
    conn.execute("BEGIN IMMEDIATE")
    try:
        for line, subscriber, reason in read_csv(path):
            if subscriber is None:
                rejected.append(Rejected(line, reason))
            elif subscriber.email.lower() in seen:
                rejected.append(Rejected(line, f"{subscriber.email} appears twice in the file"))
            else:
                seen.add(subscriber.email.lower())
                is_new = _upsert(conn, subscriber)
                added, updated = added + is_new, updated + (not is_new)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return ImportReport(added, updated, tuple(rejected))


def _upsert(conn: sqlite3.Connection, s: Subscriber) -> bool:
    known = conn.execute("SELECT 1 FROM subscribers WHERE email = ?", (s.email,)).fetchone()
    conn.execute(
        "INSERT INTO subscribers (email, name, status, consent_date, updated)"
        " VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (email) DO UPDATE SET name = excluded.name,"
        " consent_date = excluded.consent_date, updated = excluded.updated",
        (s.email, s.name, s.status, s.consent_date, now()))
    return known is None


def set_status(conn: sqlite3.Connection, address: str, status: str) -> bool:
    """Mark one address; ``False`` if it is not in the store."""
    if status not in STATUSES:
        raise InputError("status", f"unknown status '{status}'",
                         f"use one of {', '.join(STATUSES)}")
    cursor = conn.execute("UPDATE subscribers SET status = ?, updated = ? WHERE email = ?",
                          (status, now(), address.strip()))
    return cursor.rowcount == 1


def subscribers(conn: sqlite3.Connection, status: str | None = None) -> list[Subscriber]:
    """Everyone in the store (or with one status), in a stable order."""
    sql = "SELECT email, name, status, consent_date FROM subscribers"
    rows = conn.execute(sql + (" WHERE status = ?" if status else "") + " ORDER BY id",
                        (status,) if status else ())
    return [Subscriber(*row) for row in rows]


def counts(conn: sqlite3.Connection) -> dict[str, int]:
    rows = conn.execute("SELECT status, COUNT(*) FROM subscribers GROUP BY status")
    return {status: 0 for status in STATUSES} | dict(rows.fetchall())


# The ledger: one row per (newsletter, recipient).  claim → delivered | deferred | failed.

def ledger_states(conn: sqlite3.Connection, newsletter: str) -> dict[str, str]:
    rows = conn.execute("SELECT lower(email), state FROM ledger WHERE newsletter = ?",
                        (newsletter,))
    return dict(rows.fetchall())


def claim(conn: sqlite3.Connection, newsletter: str, address: str, message_id: str) -> None:
    """Record the attempt before the first byte goes to the server (committed at once)."""
    conn.execute(
        "INSERT INTO ledger (newsletter, email, state, attempts, message_id, updated)"
        " VALUES (?, ?, 'claimed', 1, ?, ?) ON CONFLICT (newsletter, email) DO UPDATE"
        " SET state = 'claimed', attempts = attempts + 1, updated = excluded.updated",
        (newsletter, address, message_id, now()))


def mark(conn: sqlite3.Connection, newsletter: str, address: str, state: str,
         reason: str = "") -> None:
    """Record the outcome once the server has answered."""
    conn.execute("UPDATE ledger SET state = ?, reason = ?, updated = ? "
                 "WHERE newsletter = ? AND email = ?", (state, reason, now(), newsletter, address))
