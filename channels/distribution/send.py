"""Send a published newsletter once to each subscriber, through the ledger.

The ledger makes a run resumable: a recipient is claimed (committed) before the message
goes out and marked delivered after the server's 250.  A re-run skips delivered and
failed recipients and sends to everyone else, with the same Message-ID as before.
"""

from __future__ import annotations

import contextlib
import fcntl
import signal
import sqlite3
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from channels.distribution import store
from channels.distribution.messages import Composer, Edition, composer, message_id
from channels.distribution.smtp import Connection, Permanent, SmtpSettings, Temporary, Uncertain
from channels.errors import SendRefused


@dataclass(frozen=True)
class Retry:
    """Bounded exponential backoff for temporary failures (tests use tiny delays)."""

    attempts: int = 5
    base: float = 1.0
    cap: float = 30.0
    give_up_after: int = 3  # consecutive recipients deferred: the server is down, stop

    def delay(self, attempt: int) -> float:
        return min(self.cap, self.base * 2 ** (attempt - 1))


@dataclass(frozen=True)
class Summary:
    sent: int = 0
    skipped: int = 0
    failed: tuple[tuple[str, str], ...] = ()
    deferred: tuple[tuple[str, str], ...] = ()
    uncertain: tuple[tuple[str, str], ...] = ()
    seconds: float = 0.0
    stopped: str = ""
    connections: int = 0
    not_subscribed: int = 0

    def lines(self) -> list[str]:
        rate = self.sent / self.seconds if self.seconds else 0.0
        head = (f"sent {self.sent}, skipped {self.skipped} (already done), "
                f"failed {len(self.failed)}, deferred {len(self.deferred)}, "
                f"not subscribed {self.not_subscribed}; "
                f"{self.seconds:.1f} s, {rate:.0f} messages/s, {self.connections} connection(s)")
        out = [head] + [f"failed: {a}: {r}" for a, r in self.failed]
        out += [f"deferred (re-run to retry): {a}: {r}" for a, r in self.deferred]
        out += [f"uncertain (the server may have it; check its log before a re-run resends): "
                f"{a}: {r}" for a, r in self.uncertain]
        return out + ([f"stopped early: {self.stopped} (re-run to resume)"] if self.stopped else [])


def send_one(conn: Connection, sender: str, data: bytes, address: str, retry: Retry,
             stop: threading.Event | None = None) -> None:
    """Send with bounded retries; raise the last ``Temporary`` or the ``Permanent``.

    ``stop`` (set by Ctrl-C) cuts the backoff short and gives up on this message.
    """
    stop = stop or threading.Event()
    for attempt in range(1, retry.attempts + 1):
        try:
            return conn.send(sender, address, data)
        except Temporary:
            if attempt == retry.attempts or stop.wait(retry.delay(attempt)):
                raise


def send_test(edition: Edition, address: str, key: bytes, settings: SmtpSettings,
              retry: Retry) -> None:
    """``--to``: one message to one address, outside the ledger."""
    try:
        normalized = store.check_address(address)
    except ValueError as exc:
        raise SendRefused(f"--to: {exc} (give one plain address, e.g. you@example.org)") from None
    conn = Connection(settings)
    try:
        data = composer(edition, key).compose(store.Subscriber(normalized, "", "subscribed", ""))
        send_one(conn, edition.envelope_from, data, normalized, retry)
    except (Temporary, Permanent, Uncertain) as exc:
        raise SendRefused(f"the test message to {normalized} was not accepted: {exc} "
                          "(check SMTP_HOST and the credentials)") from None
    finally:
        conn.close()


def send_all(db: Path, edition: Edition, key: bytes, settings: SmtpSettings,
             retry: Retry = Retry()) -> Summary:
    """Send to every subscribed address not yet delivered for this campaign.

    Ctrl-C (or SIGTERM) lets the message in flight finish and be recorded, then stops;
    a second Ctrl-C stops at once (the ledger still makes the re-run safe).
    """
    with _exclusive(db), _interruptible() as stop:
        return _send_all(db, edition, key, settings, retry, stop)


@contextlib.contextmanager
def _interruptible() -> Iterator[threading.Event]:
    stop = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield stop  # signal handlers can only be set from the main thread
        return

    def handle(signum: int, frame: object) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()

    previous = {sig: signal.signal(sig, handle) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@contextlib.contextmanager
def _exclusive(db: Path) -> Iterator[None]:
    """One send per store at a time; the kernel drops the lock when a run is killed."""
    with open(db.with_name(db.name + ".lock"), "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SendRefused(f"{db}: another 'publish send' is using this subscriber store "
                              "(wait for it to finish, then run again)") from None
        yield


def _send_all(db: Path, edition: Edition, key: bytes, settings: SmtpSettings, retry: Retry,
              stop: threading.Event) -> Summary:
    conn_db = store.connect(db)
    started = time.perf_counter()
    done = store.ledger_states(conn_db, edition.campaign)
    everyone = store.subscribers(conn_db)
    listed = [s for s in everyone if s.status == "subscribed"]
    todo = [s for s in listed if done.get(s.email.lower()) not in ("delivered", "failed")]
    smtp = Connection(settings)
    try:
        outcomes = _run(conn_db, smtp, composer(edition, key), todo, retry, stop)
    finally:
        smtp.close()
        conn_db.close()
    return Summary(
        sent=sum(1 for _, state, _ in outcomes if state == "delivered"),
        skipped=len(listed) - len(todo),
        failed=tuple((a, r) for a, state, r in outcomes if state == "failed"),
        deferred=tuple((a, r) for a, state, r in outcomes if state == "deferred"),
        uncertain=tuple((a, r) for a, state, r in outcomes if state == "uncertain"),
        seconds=time.perf_counter() - started,
        stopped="interrupted" if stop.is_set() else _stopped(outcomes, retry),
        connections=smtp.opened, not_subscribed=len(everyone) - len(listed))


def _run(conn_db: sqlite3.Connection, smtp: Connection, compose: Composer,
         todo: list[store.Subscriber], retry: Retry,
         stop: threading.Event) -> list[tuple[str, str, str]]:
    """(address, state, reason) per recipient tried; stops when the server seems down."""
    outcomes: list[tuple[str, str, str]] = []
    for recipient in todo:
        state, reason = _deliver(conn_db, smtp, compose, recipient, retry, stop)
        outcomes.append((recipient.email, state, reason))
        if stop.is_set() or _stopped(outcomes, retry):
            break
    return outcomes


def _stopped(outcomes: list[tuple[str, str, str]], retry: Retry) -> str:
    last = outcomes[-retry.give_up_after:]
    if len(last) < retry.give_up_after or any(state != "deferred" for _, state, _ in last):
        return ""
    return f"{len(last)} recipients in a row deferred: {last[-1][2]}"


def _deliver(conn_db: sqlite3.Connection, smtp: Connection, compose: Composer,
             recipient: store.Subscriber, retry: Retry,
             stop: threading.Event) -> tuple[str, str]:
    address, edition = recipient.email, compose.edition
    store.claim(conn_db, edition.campaign, address, message_id(edition, address))
    try:
        send_one(smtp, edition.envelope_from, compose.compose(recipient), address, retry, stop)
    except Permanent as exc:
        store.mark(conn_db, edition.campaign, address, "failed", str(exc))
        return "failed", str(exc)
    except Temporary as exc:
        store.mark(conn_db, edition.campaign, address, "deferred", str(exc))
        return "deferred", str(exc)
    except Uncertain as exc:
        return "uncertain", str(exc)  # stays "claimed": never resent within this run
    store.mark(conn_db, edition.campaign, address, "delivered")
    return "delivered", ""
