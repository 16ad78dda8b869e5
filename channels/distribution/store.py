"""The subscribers: import from CSV, statuses, bounces; on SQLite or PostgreSQL (database.py)."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, func, insert, select, update

from channels.distribution.addresses import check_address, has_control
from channels.distribution.database import Store, database_url, now, open_store
from channels.distribution.schema import STATUSES, SUBSCRIBERS
from channels.errors import InputError

_COLUMNS = {"email": "email", "name": "name", "consent_date": "consent_date",
            "consent date": "consent_date", "consent": "consent_date"}
SOFT_BOUNCE_LIMIT = 3  # soft bounces (4.x.x) in a row before an address counts as bounced


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


def default_db(project_root: Path) -> str:
    """``PUBLISH_DB`` if set (a path or a database URL), else ``subscribers.sqlite3`` here."""
    return database_url(None, project_root)


def connect(target: str | Path) -> Store:
    """Open (and create or migrate) the store at a path or database URL."""
    return open_store(target)


def _row_problem(row: dict[str, str]) -> tuple[Subscriber | None, str]:
    try:
        address = check_address(row.get("email") or "")
    except ValueError as exc:
        return None, str(exc)
    name = (row.get("name") or "").strip()
    if has_control(name):
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


def import_csv(store: Store, path: Path) -> ImportReport:
    """Add new subscribers; update names and consent dates of known ones (one transaction).

    An address that unsubscribed or bounced stays that way: a list import must never
    re-subscribe someone who opted out.
    """
    added = updated = 0
    rejected: list[Rejected] = []
    seen: set[str] = set()
    with store.engine.begin() as conn:
        for line, subscriber, reason in read_csv(path):
            if subscriber is None:
                rejected.append(Rejected(line, reason))
            elif subscriber.email.lower() in seen:
                rejected.append(Rejected(line, f"{subscriber.email} appears twice in the file"))
            else:
                seen.add(subscriber.email.lower())
                is_new = _upsert(conn, subscriber)
                added, updated = added + is_new, updated + (not is_new)
    return ImportReport(added, updated, tuple(rejected))


def _upsert(conn: Connection, s: Subscriber) -> bool:
    key = s.email.lower()
    changed = conn.execute(update(SUBSCRIBERS).where(SUBSCRIBERS.c.key == key).values(
        name=s.name, consent_date=s.consent_date, updated=now()))
    if changed.rowcount:
        return False
    conn.execute(insert(SUBSCRIBERS).values(
        email=s.email, key=key, name=s.name, status=s.status, consent_date=s.consent_date,
        soft_bounces=0, reason="", updated=now()))
    return True


def set_status(store: Store, address: str, status: str, reason: str = "") -> bool:
    """Mark one address; ``False`` if it is not in the store."""
    if status not in STATUSES:
        raise InputError("status", f"unknown status '{status}'",
                         f"use one of {', '.join(STATUSES)}")
    with store.engine.begin() as conn:
        done = conn.execute(update(SUBSCRIBERS).where(SUBSCRIBERS.c.key == _key(address)).values(
            status=status, soft_bounces=0, reason=reason, updated=now()))
    return done.rowcount == 1


def opt_out(store: Store, address: str, status: str, reason: str) -> bool:
    """Unsubscribe or bounce a subscribed address (never undoes an opt-out); ``True`` if changed."""
    with store.engine.begin() as conn:
        done = conn.execute(update(SUBSCRIBERS).where(
            SUBSCRIBERS.c.key == _key(address), SUBSCRIBERS.c.status == "subscribed").values(
            status=status, reason=reason, updated=now()))
    return done.rowcount == 1


def soft_bounce(store: Store, address: str, reason: str,
                limit: int = SOFT_BOUNCE_LIMIT) -> str | None:
    """Count a temporary failure report; at ``limit`` the address becomes bounced.

    Returns the address's status afterwards, or ``None`` if it is not in the store.
    """
    row = SUBSCRIBERS.c
    with store.engine.begin() as conn:
        conn.execute(update(SUBSCRIBERS).where(row.key == _key(address), row.status == "subscribed")
                     .values(soft_bounces=row.soft_bounces + 1, reason=reason, updated=now()))
        conn.execute(update(SUBSCRIBERS).where(
            row.key == _key(address), row.status == "subscribed", row.soft_bounces >= limit)
            .values(status="bounced", updated=now()))
        return conn.scalar(select(row.status).where(row.key == _key(address)))


def status_of(store: Store, address: str) -> str | None:
    with store.engine.connect() as conn:
        return conn.scalar(select(SUBSCRIBERS.c.status).where(SUBSCRIBERS.c.key == _key(address)))


def subscribers(store: Store, status: str | None = None) -> list[Subscriber]:
    """Everyone in the store (or with one status), in a stable order."""
    row = SUBSCRIBERS.c
    query = select(row.email, row.name, row.status, row.consent_date).order_by(row.id)
    if status:
        query = query.where(row.status == status)
    with store.engine.connect() as conn:
        return [Subscriber(*r) for r in conn.execute(query)]


def counts(store: Store) -> dict[str, int]:
    query = select(SUBSCRIBERS.c.status, func.count()).group_by(SUBSCRIBERS.c.status)
    with store.engine.connect() as conn:
        found = {status: int(n) for status, n in conn.execute(query)}
    return {status: found.get(status, 0) for status in STATUSES}


def _key(address: str) -> str:
    return address.strip().lower()
