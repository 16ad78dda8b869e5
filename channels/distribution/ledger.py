"""The send ledger: one row per (campaign, recipient): claimed → delivered | deferred | failed.

A row is committed as ``claimed`` before the first byte goes to the server, and only if
the address is still subscribed at that moment: an unsubscribe or bounce recorded
before then (by the service, the mailbox reader or an earlier 5xx) always wins.
"""

from __future__ import annotations

from sqlalchemy import Connection, delete, insert, select, update

from channels.distribution.database import Store, now
from channels.distribution.schema import LEDGER, SUBSCRIBERS

DONE = ("delivered", "failed")  # a re-run skips these


def states(store: Store, campaign: str) -> dict[str, str]:
    """Each recipient's state in this campaign, by lower-case address."""
    query = select(LEDGER.c.key, LEDGER.c.state).where(LEDGER.c.newsletter == campaign)
    with store.engine.connect() as conn:
        return {key: state for key, state in conn.execute(query)}


def claim(store: Store, campaign: str, address: str, message_id: str, handle: str) -> bool:
    """Record the attempt (committed at once); ``False`` if the address is no longer subscribed."""
    key = address.lower()
    with store.engine.begin() as conn:
        status = select(SUBSCRIBERS.c.status).where(SUBSCRIBERS.c.key == key)
        if conn.dialect.name == "postgresql":
            status = status.with_for_update()  # an unsubscribe waits for this claim, or wins
        if conn.scalar(status) != "subscribed":
            return False
        _upsert_claim(conn, campaign, address, message_id, handle)
    return True


def _upsert_claim(conn: Connection, campaign: str, address: str, message_id: str,
                  handle: str) -> None:
    row, key = LEDGER.c, address.lower()
    where = (row.newsletter == campaign, row.key == key)
    again = conn.execute(update(LEDGER).where(*where).values(
        state="claimed", attempts=row.attempts + 1, updated=now()))
    if not again.rowcount:
        conn.execute(insert(LEDGER).values(
            newsletter=campaign, key=key, email=address, state="claimed", attempts=1,
            message_id=message_id, handle=handle, used="", reason="", updated=now()))


def mark(store: Store, campaign: str, address: str, state: str, reason: str = "") -> None:
    """Record the outcome once the server has answered."""
    with store.engine.begin() as conn:
        conn.execute(update(LEDGER).where(
            LEDGER.c.newsletter == campaign, LEDGER.c.key == address.lower()).values(
            state=state, reason=reason, updated=now()))


def release(store: Store, campaign: str, address: str) -> None:
    """Undo a claim whose message never left (the run stopped on a configuration error)."""
    row = LEDGER.c
    where = (row.newsletter == campaign, row.key == address.lower())
    with store.engine.begin() as conn:
        conn.execute(delete(LEDGER).where(*where, row.attempts <= 1))
        conn.execute(update(LEDGER).where(*where).values(
            state="deferred", attempts=row.attempts - 1, updated=now()))


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
