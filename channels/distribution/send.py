"""Send a published newsletter once to each subscriber, through the ledger.

The ledger makes a run resumable: a recipient is claimed (committed) before the message
goes out and marked delivered after the server's 250.  A re-run skips delivered and
failed recipients and sends to everyone else, with the same Message-ID as before.
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from channels.distribution import ledger, store
from channels.distribution.addresses import check_address
from channels.distribution.database import Store, exclusive
from channels.distribution.messages import Composer, Edition, composer, handle, message_id
from channels.distribution.smtp import (
    ConfigError,
    Connection,
    Permanent,
    SmtpSettings,
    Temporary,
    Uncertain,
)
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
        normalized = check_address(address)
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


Progress = Callable[[int, int], None]  # (recipients done, recipients to do)


def send_all(db: str | Path, edition: Edition, key: bytes, settings: SmtpSettings,
             retry: Retry = Retry(), progress: Progress | None = None) -> Summary:
    """Send to every subscribed address not yet delivered for this campaign.

    Ctrl-C (or SIGTERM) lets the message in flight finish and be recorded, then stops;
    a second Ctrl-C stops at once (the ledger still makes the re-run safe).
    """
    opened = store.connect(db)
    try:
        with exclusive(opened), _interruptible() as stop:
            return _send_all(opened, edition, key, settings, retry, stop, progress)
    finally:
        opened.close()


@contextlib.contextmanager
def _interruptible() -> Iterator[threading.Event]:
    stop = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield stop  # signal handlers can only be set from the main thread
        return

    def on_signal(signum: int, frame: object) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _send_all(db: Store, edition: Edition, key: bytes, settings: SmtpSettings, retry: Retry,
              stop: threading.Event, progress: Progress | None) -> Summary:
    started = time.perf_counter()
    done = ledger.states(db, edition.campaign)
    everyone = store.subscribers(db)
    listed = [s for s in everyone if s.status == "subscribed"]
    todo = [s for s in listed if done.get(s.email.lower()) not in ledger.DONE]
    smtp = Connection(settings)
    try:
        if todo:
            smtp.open()  # a wrong password or host stops here, before anyone is claimed
        outcomes = _run(db, smtp, composer(edition, key), todo, retry, stop,
                        progress or (lambda done, total: None))
    finally:
        smtp.close()
    gone = sum(1 for _, state, _ in outcomes if state == "not subscribed")
    return Summary(
        sent=sum(1 for _, state, _ in outcomes if state == "delivered"),
        skipped=len(listed) - len(todo),
        failed=tuple((a, r) for a, state, r in outcomes if state == "failed"),
        deferred=tuple((a, r) for a, state, r in outcomes if state == "deferred"),
        uncertain=tuple((a, r) for a, state, r in outcomes if state == "uncertain"),
        seconds=time.perf_counter() - started,
        stopped="interrupted" if stop.is_set() else _stopped(outcomes, retry),
        connections=smtp.opened, not_subscribed=len(everyone) - len(listed) + gone)


def _run(db: Store, smtp: Connection, compose: Composer, todo: list[store.Subscriber],
         retry: Retry, stop: threading.Event, progress: Progress) -> list[tuple[str, str, str]]:
    """(address, state, reason) per recipient tried; stops when the server seems down."""
    outcomes: list[tuple[str, str, str]] = []
    with ledger.Book(db, compose.edition.campaign) as book:
        for recipient in todo:
            state, reason = _deliver(db, book, smtp, compose, recipient, retry, stop)
            outcomes.append((recipient.email, state, reason))
            progress(len(outcomes), len(todo))
            if stop.is_set() or _stopped(outcomes, retry):
                break
    return outcomes


def _stopped(outcomes: list[tuple[str, str, str]], retry: Retry) -> str:
    last = outcomes[-retry.give_up_after:]
    if len(last) < retry.give_up_after or any(state != "deferred" for _, state, _ in last):
        return ""
    return f"{len(last)} recipients in a row deferred: {last[-1][2]}"


def _deliver(db: Store, book: ledger.Book, smtp: Connection, compose: Composer,
             recipient: store.Subscriber, retry: Retry, stop: threading.Event) -> tuple[str, str]:
    address, campaign = recipient.email, compose.edition.campaign
    # Claimed only if still subscribed now: an unsubscribe made during the run wins.
    if not book.claim(address, message_id(compose.edition, address),
                      handle(compose.key, campaign, address)):
        return "not subscribed", ""
    try:
        data = compose.compose(recipient)
        send_one(smtp, compose.edition.envelope_from, data, address, retry, stop)
    except ConfigError:
        book.release(address)  # nothing went out: mark no one
        raise
    except Permanent as exc:
        book.mark(address, "failed", str(exc))
        if exc.bounce:  # a dead address: no later campaign goes to it either
            store.opt_out(db, address, "bounced", str(exc))
        return "failed", str(exc)
    except Temporary as exc:
        book.mark(address, "deferred", str(exc))
        return "deferred", str(exc)
    except Uncertain as exc:
        return "uncertain", str(exc)  # stays "claimed": never resent within this run
    book.mark(address, "delivered")
    return "delivered", ""
