"""Read a Maildir or mbox: mailto unsubscribe requests and RFC 3464 bounce reports.

    multipart/report; report-type=delivery-status   per recipient: Action failed with a
        5.x.x Status is a hard bounce (bounced now); a 4.x.x Status is a soft bounce
        (counted; bounced at the policy's number)
    anything else                                   an unsubscribe request if it carries
        one of our unsubscribe tokens (the List-Unsubscribe mailto puts it in the subject),
        or its subject starts with "unsubscribe" (then the sender's own address leaves)

Each message is processed once: its Message-ID (or digest) is recorded in the store.
"""

from __future__ import annotations

import email.policy
import hashlib
import mailbox
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import parseaddr
from pathlib import Path

from sqlalchemy import insert, select

from channels.distribution import ledger, store
from channels.distribution.database import Store, now
from channels.distribution.messages import verify_token
from channels.distribution.schema import PROCESSED_MAIL
from channels.errors import InputError

TOKEN = re.compile(r"(?<![\w-])[A-Za-z0-9_-]{40}(?![\w-])")


@dataclass(frozen=True)
class Outcome:
    """What one message did: ``kind`` is unsubscribed, bounced, soft bounce or ignored."""

    kind: str
    address: str = ""


def open_mailbox(path: Path) -> mailbox.Mailbox:
    if (path / "cur").is_dir() and (path / "new").is_dir():
        return mailbox.Maildir(path, factory=None, create=False)
    if path.is_file():
        return mailbox.mbox(path, factory=None, create=False)
    raise InputError(str(path), "is neither a Maildir (a folder with cur/ and new/) nor an "
                     "mbox file", "give the path of the bounce or unsubscribe mailbox")


def process(db: Store, path: Path, key: bytes, limit: int = store.SOFT_BOUNCE_LIMIT) -> Counter:
    """Apply every new message in the mailbox to the store; count what was done."""
    done: Counter[str] = Counter()
    for raw in _messages(open_mailbox(path)):
        message = BytesParser(policy=email.policy.default).parsebytes(raw)
        if not _first_time(db, message, raw):
            done["already processed"] += 1
            continue
        for outcome in _apply(db, message, key, limit):
            done[outcome.kind] += 1
    return done


def _messages(box: mailbox.Mailbox) -> Iterator[bytes]:
    for message_key in box.iterkeys():
        yield box.get_bytes(message_key)


def _first_time(db: Store, message: Message, raw: bytes) -> bool:
    ident = str(message.get("Message-ID", "")).strip() or hashlib.sha256(raw).hexdigest()
    with db.engine.begin() as conn:
        if conn.scalar(select(PROCESSED_MAIL.c.ident).where(PROCESSED_MAIL.c.ident == ident)):
            return False
        conn.execute(insert(PROCESSED_MAIL).values(ident=ident, processed=now()))
    return True


def _apply(db: Store, message: EmailMessage, key: bytes, limit: int) -> list[Outcome]:
    if (message.get_content_type() == "multipart/report"
            and message.get_param("report-type") == "delivery-status"):
        return [_bounce(db, address, action, status, limit)
                for address, action, status in delivery_status(message)]
    return [_unsubscribe(db, message, key)]


def delivery_status(message: EmailMessage) -> list[tuple[str, str, str]]:
    """(recipient, action, status) per recipient block of an RFC 3464 report."""
    found = []
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        blocks = part.get_payload()
        for block in blocks[1:] if isinstance(blocks, list) else []:  # [0]: per message
            if not isinstance(block, Message):
                continue
            recipient = str(block.get("Final-Recipient") or block.get("Original-Recipient") or "")
            address = recipient.partition(";")[2].strip() or recipient.strip()
            found.append((address, str(block.get("Action", "")).strip().lower(),
                           str(block.get("Status", "")).strip()))
    return found


def _bounce(db: Store, address: str, action: str, status: str, limit: int) -> Outcome:
    reason = f"delivery status {status} ({action})"
    if action == "failed" and status.startswith("5."):
        changed = store.opt_out(db, address, "bounced", reason)
        return Outcome("bounced" if changed else "ignored", address)
    if status.startswith("4.") and action in ("delayed", "failed"):
        after = store.soft_bounce(db, address, reason, limit)
        return Outcome("ignored" if after is None else "soft bounce", address)
    return Outcome("ignored", address)


def _unsubscribe(db: Store, message: EmailMessage, key: bytes) -> Outcome:
    subject = str(message.get("Subject", ""))
    body = message.get_body(("plain",))
    text = subject + "\n" + (str(body.get_content()) if body is not None else "")
    for candidate in TOKEN.findall(text):
        handle = verify_token(key, candidate)
        if handle is not None:
            found = ledger.use_handle(db, handle)
            return Outcome("unsubscribed", found[1]) if found else Outcome("ignored")
    if subject.strip().lower().startswith("unsubscribe"):
        sender = parseaddr(str(message.get("From", "")))[1]
        if sender and store.opt_out(db, sender, "unsubscribed", "unsubscribe by email"):
            return Outcome("unsubscribed", sender)
    return Outcome("ignored")
