"""``publish mailbox process``: Maildir and mbox files with RFC 3464 reports and requests."""

from __future__ import annotations

import mailbox

import pytest
from conftest import run_cli

from channels.distribution import ledger, messages
from channels.distribution import store as subscribers

KEY = "test-signing-key-0123456789abcdef"


def dsn(number: int, recipient: str, action: str, status: str, code: str) -> bytes:
    """A delivery status notification laid out as RFC 3464 section 3 and its examples."""
    return (
        "From: Mail Delivery System <MAILER-DAEMON@mx.example.net>\r\n"
        "To: newsletter@pacificmindhealth.com\r\n"
        f"Subject: Delivery Status Notification ({action})\r\n"
        f"Message-ID: <dsn-{number}@mx.example.net>\r\n"
        "Date: Tue, 01 Dec 2026 10:00:00 +0000\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="RPT"\r\n\r\n'
        "--RPT\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"
        f"Your message to {recipient} could not be delivered.\r\n\r\n"
        "--RPT\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.example.net\r\n"
        "Arrival-Date: Tue, 01 Dec 2026 09:59:58 +0000\r\n\r\n"
        f"Original-Recipient: rfc822;{recipient}\r\n"
        f"Final-Recipient: rfc822; {recipient}\r\n"
        f"Action: {action}\r\n"
        f"Status: {status}\r\n"
        "Remote-MTA: dns; mail.example.org\r\n"
        f"Diagnostic-Code: smtp; {code}\r\n\r\n"
        "--RPT\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        "From: Pacific Mind Health <newsletter@pacificmindhealth.com>\r\n"
        f"To: {recipient}\r\nSubject: The gut-brain axis\r\n\r\n"
        "--RPT--\r\n").encode("ascii")


def request(number: int, sender: str, subject: str) -> bytes:
    return (f"From: {sender}\r\nTo: unsubscribe@pacificmindhealth.com\r\n"
            f"Subject: {subject}\r\nMessage-ID: <req-{number}@example.org>\r\n"
            "MIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nPlease remove me.\r\n"
            ).encode("ascii")


def mail(kind: str) -> list[bytes]:
    token = messages.token(KEY.encode(), "gut-brain-axis", "linked@example.org")
    return [
        dsn(1, "hard@example.org", "failed", "5.1.1", "550 5.1.1 No such user"),
        *(dsn(2 + i, "soft@example.org", "delayed", "4.2.2", "452 4.2.2 Mailbox full")
          for i in range(3)),
        dsn(5, "full@example.org", "delayed", "4.2.2", "452 4.2.2 Mailbox full"),
        dsn(6, "fine@example.org", "delivered", "2.0.0", "250 2.0.0 OK"),
        request(7, "Linked <someone-else@example.net>", f"unsubscribe {token}"),
        request(8, "Plain <plain@example.org>", "Unsubscribe"),
        request(9, "Stranger <fine@example.org>", "Re: your newsletter"),
    ]


@pytest.fixture(params=["maildir", "mbox"])
def box(request, tmp_path):
    path = tmp_path / ("Maildir" if request.param == "maildir" else "bounces.mbox")
    opened = mailbox.Maildir(path) if request.param == "maildir" else mailbox.mbox(path)
    for raw in mail(request.param):
        opened.add(raw)
    opened.close()
    return path


def test_bounces_and_requests_update_the_store_once(box, tmp_path, monkeypatch):
    monkeypatch.setenv("PUBLISH_SIGNING_KEY", KEY)
    db = tmp_path / "list.sqlite3"
    csv = tmp_path / "list.csv"
    csv.write_text("email,name,consent_date\n" + "".join(
        f"{who}@example.org,,2026-01-01\n" for who in
        ("hard", "soft", "full", "fine", "linked", "plain")))
    store = subscribers.connect(db)
    subscribers.import_csv(store, csv)
    handle = messages.handle(KEY.encode(), "gut-brain-axis", "linked@example.org")
    assert ledger.claim(store, "gut-brain-axis", "linked@example.org", "<m@x>", handle)

    first = run_cli("mailbox", "process", box, "--db", db, "--soft-limit", "3")
    again = run_cli("mailbox", "process", box, "--db", db)
    assert first.code == 0, first.err
    assert first.out == (f"{box}: 2 unsubscribed, 1 bounced, 4 soft bounce, 2 ignored, "
                         "0 already processed\n")
    assert again.out == (f"{box}: 0 unsubscribed, 0 bounced, 0 soft bounce, 0 ignored, "
                         "9 already processed\n")
    status = {s.email.split("@")[0]: s.status for s in subscribers.subscribers(store)}
    assert status == {"hard": "bounced", "soft": "bounced", "full": "subscribed",
                      "fine": "subscribed", "linked": "unsubscribed", "plain": "unsubscribed"}
    store.close()


def test_a_path_that_is_no_mailbox_is_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv("PUBLISH_SIGNING_KEY", KEY)
    result = run_cli("mailbox", "process", tmp_path, "--db", tmp_path / "s.sqlite3")
    assert (result.code, result.out) == (2, "")
    assert result.err == (f"publish: error: {tmp_path}: is neither a Maildir (a folder with cur/ "
                          "and new/) nor an mbox file (give the path of the bounce or "
                          "unsubscribe mailbox)\n")
