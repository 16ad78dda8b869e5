"""The send ledger: one row per (campaign, recipient): claimed → delivered | deferred | failed.

A row is committed as ``claimed`` before the first byte goes to the server, and only if
the address is still subscribed at that moment: an unsubscribe or bounce recorded
before then (by the service, the mailbox reader or an earlier 5xx) always wins.
"""

from __future__ import annotations

import functools

from sqlalchemy import Executable, Integer, Text, bindparam, delete, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite

from channels.distribution.database import Store, now
from channels.distribution.schema import LEDGER, SUBSCRIBERS

DONE = ("delivered", "failed")  # a re-run skips these


def states(store: Store, campaign: str) -> dict[str, str]:
    """Each recipient's state in this campaign, by lower-case address."""
    query = select(LEDGER.c.key, LEDGER.c.state).where(LEDGER.c.newsletter == campaign)
    with store.engine.connect() as conn:
        return {key: state for key, state in conn.execute(query)}


def claim(store: Store, campaign: str, address: str, message_id: str, handle: str) -> bool:
    """Record one attempt (committed at once); ``False`` if the address is no longer subscribed."""
    with Book(store, campaign) as book:
        return book.claim(address, message_id, handle)


class Book:
    """One send's ledger on one held connection: a claim commits with the outcome before it.

    Per recipient one transaction of two statements: write the previous recipient's
    outcome; claim this one only if still subscribed (one INSERT ... SELECT); commit.
    The statements are built once (module constants), so SQLAlchemy compiles each once.
    An outcome waits in memory only from the server's reply to the next claim (or
    ``flush``/``close``): the same window as a separate commit right after the reply.
    """

    def __init__(self, store: Store, campaign: str) -> None:
        self.campaign = campaign
        self._conn = store.engine.connect()
        self._claim = _claim_statement(self._conn.dialect.name)
        self._outcomes: list[dict[str, str]] = []

    def claim(self, address: str, message_id: str, handle: str) -> bool:
        """Commit the pending outcomes and, if still subscribed, this recipient's claim."""
        with self._conn.begin():
            self._write_outcomes()
            claimed = self._conn.execute(self._claim, {
                "p_newsletter": self.campaign, "p_key": address.lower(), "p_email": address,
                "p_message_id": message_id, "p_handle": handle, "p_updated": now()}).first()
        self._outcomes.clear()
        return claimed is not None

    def mark(self, address: str, state: str, reason: str = "") -> None:
        """The server's answer: committed with the next claim, or by ``flush``."""
        self._outcomes.append({"p_newsletter": self.campaign, "p_key": address.lower(),
                               "p_state": state, "p_reason": reason, "p_updated": now()})

    def release(self, address: str) -> None:
        """Undo a claim whose message never left (the run stopped on a configuration error)."""
        where = {"p_newsletter": self.campaign, "p_key": address.lower()}
        with self._conn.begin():
            self._write_outcomes()
            self._conn.execute(_FORGET, where)
            self._conn.execute(_UNCLAIM, {**where, "p_updated": now()})
        self._outcomes.clear()

    def flush(self) -> None:
        """Commit the outcomes not yet written."""
        if self._outcomes:
            with self._conn.begin():
                self._write_outcomes()
            self._outcomes.clear()

    def close(self) -> None:
        try:
            self.flush()
        finally:
            self._conn.close()

    def __enter__(self) -> Book:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _write_outcomes(self) -> None:
        if self._outcomes:
            self._conn.execute(_MARK, self._outcomes)


_ROW = (LEDGER.c.newsletter == bindparam("p_newsletter"), LEDGER.c.key == bindparam("p_key"))
_MARK = update(LEDGER).where(*_ROW).values(
    state=bindparam("p_state"), reason=bindparam("p_reason"), updated=bindparam("p_updated"))
_FORGET = delete(LEDGER).where(*_ROW, LEDGER.c.attempts <= 1)
_UNCLAIM = update(LEDGER).where(*_ROW).values(
    state="deferred", attempts=LEDGER.c.attempts - 1, updated=bindparam("p_updated"))


@functools.cache
def _claim_statement(dialect: str) -> Executable:
    """One statement: claim the row only if the address is subscribed now, else change nothing.

    INSERT ... SELECT from the subscriber's row (locked FOR UPDATE on PostgreSQL: an
    unsubscribe waits for this claim, or wins; SQLite's BEGIN IMMEDIATE already serializes),
    and on a re-run reclaim the existing row (attempts + 1, same Message-ID and handle).
    """
    insert: sqlite.Insert | postgresql.Insert = (
        postgresql.insert(LEDGER) if dialect == "postgresql" else sqlite.insert(LEDGER))
    text, row = Text(), SUBSCRIBERS.c
    subscribed = select(
        bindparam("p_newsletter", type_=text), row.key, bindparam("p_email", type_=text),
        literal("claimed", text), literal(1, Integer()), bindparam("p_message_id", type_=text),
        bindparam("p_handle", type_=text), literal("", text), literal("", text),
        bindparam("p_updated", type_=text),
    ).where(row.key == bindparam("p_key"), row.status == "subscribed").with_for_update()
    columns = ("newsletter", "key", "email", "state", "attempts", "message_id", "handle",
               "used", "reason", "updated")
    return insert.from_select(columns, subscribed).on_conflict_do_update(
        index_elements=[LEDGER.c.newsletter, LEDGER.c.key],
        set_={"state": "claimed", "attempts": LEDGER.c.attempts + 1,
              "updated": insert.excluded.updated}).returning(LEDGER.c.key)


def mark(store: Store, campaign: str, address: str, state: str, reason: str = "") -> None:
    """Record one outcome at once (outside a send: tests and repairs)."""
    with Book(store, campaign) as book:
        book.mark(address, state, reason)


def use_handle(store: Store, handle: str) -> tuple[str, str] | None:
    """Unsubscribe the recipient an unsubscribe link was made for.

    Returns (outcome, address): ``unsubscribed``, or ``used`` when the link was used
    before, or ``not subscribed`` when the address had already left; ``None`` if no
    message with that link was ever sent.
    """
    with store.engine.begin() as conn:
        found = conn.execute(select(LEDGER.c.key, LEDGER.c.email, LEDGER.c.used)
                             .where(LEDGER.c.handle == handle)).first()
        if found is None:
            return None
        key, address, used = found
        if used:
            return "used", address
        conn.execute(update(LEDGER).where(LEDGER.c.handle == handle).values(used=now()))
        changed = conn.execute(update(SUBSCRIBERS).where(
            SUBSCRIBERS.c.key == key, SUBSCRIBERS.c.status == "subscribed").values(
            status="unsubscribed", reason="unsubscribe link", updated=now()))
    return ("unsubscribed" if changed.rowcount else "not subscribed"), address


def handle_state(store: Store, handle: str) -> str | None:
    """``ready`` or ``used`` for a link that was sent, ``None`` for one never sent (read only)."""
    with store.engine.connect() as conn:
        used = conn.scalar(select(LEDGER.c.used).where(LEDGER.c.handle == handle))
    return None if used is None else ("used" if used else "ready")
