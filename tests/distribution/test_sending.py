"""Sending the newsletter through a real SMTP server on loopback: once each, resumable."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, SEED, SOURCE, TEMPLATES, run_cli
from hypothesis import given, settings
from hypothesis import strategies as st
from smtp_server import Faults, Recorder, Server, free_port

from channels.distribution import messages
from channels.distribution import send as sending
from channels.distribution import store as subscribers
from channels.distribution.edition import check_edition, load_edition
from channels.distribution.smtp import smtp_settings
from channels.errors import SendRefused
from channels.pipeline.build import publish
from channels.pipeline.plan import gather
from channels.pipeline.project import Project
from channels.pipeline.writer import Writer

KEY = "test-signing-key-0123456789abcdef"
ADDRESS = "1200 Harbor Way, Suite 300, Portland, OR 97201"
REAL_SITE = {"PLACEHOLDER: clinic postal address (street, city, state, ZIP)": ADDRESS,
             "PLACEHOLDER: clinic phone number": "+1 503 555 0100",
             "PLACEHOLDER: reply-to address": "hello@pacificmindhealth.com",
             # These tests are about delivery; tests/approval/ covers the send approval.
             "send: [clinical]": "send: []"}
FAST = sending.Retry(attempts=6, base=0.001, cap=0.01)
CRISIS = "Call or text 988 or chat 988lifeline.org"


def real_source(target: Path) -> Path:
    """A copy of source/ whose site.yaml has a real-looking postal address."""
    target.mkdir(parents=True)
    for item in SOURCE.iterdir():
        (target / item.name).write_bytes(item.read_bytes())
    site = target / "site.yaml"
    text = site.read_text()
    for old, new in REAL_SITE.items():
        text = text.replace(old, new)
    site.write_text(text)
    return target


@pytest.fixture(scope="module")
def sendable(tmp_path_factory) -> tuple[Path, Path]:
    """(out_dir, source_dir): the seed newsletter published with a complete site.yaml."""
    base = tmp_path_factory.mktemp("sendable")
    source = real_source(base / "source")
    project = Project(source, TEMPLATES)
    plan = gather(project, [source / SEED.name], ("email",), base / "output")
    with Writer(base / "output") as writer:
        [verdict] = publish(plan, writer)
    assert verdict.status == "published", verdict.problems
    return base / "output", source


@pytest.fixture()
def edition(sendable) -> messages.Edition:
    out, source = sendable
    return load_edition(out, "gut-brain-axis", source / "site.yaml")


def make_list(path: Path, count: int, unsubscribed: int = 0, bounced: int = 0) -> Path:
    """A subscriber store with ``count`` subscribed and some opted-out addresses."""
    csv = path.with_suffix(".csv")
    rows = ["email,name,consent_date"] + [f"reader{i}@example.org,Reader {i},2026-01-0{1 + i % 9}"
                                          for i in range(count + unsubscribed + bounced)]
    csv.write_text("\n".join(rows) + "\n")
    conn = subscribers.connect(path)
    subscribers.import_csv(conn, csv)
    for i in range(count, count + unsubscribed + bounced):
        status = "unsubscribed" if i < count + unsubscribed else "bounced"
        subscribers.set_status(conn, f"reader{i}@example.org", status)
    conn.close()
    return path


def make_list_at(target: str, count: int) -> str:
    """``count`` subscribed addresses in the store at a path or database URL."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "list.csv"
        csv.write_text("email,name,consent_date\n" + "".join(
            f"reader{i}@example.org,Reader {i},2026-01-01\n" for i in range(count)))
        store = subscribers.connect(target)
        subscribers.import_csv(store, csv)
        store.close()
    return target


def subscribed(count: int) -> set[str]:
    return {f"reader{i}@example.org" for i in range(count)}


@pytest.fixture()
def env(monkeypatch):
    def apply(server: Server) -> None:
        for key, value in {**server.env, "PUBLISH_SIGNING_KEY": KEY}.items():
            monkeypatch.setenv(key, value)
        monkeypatch.delenv("SMTP_USER", raising=False)
    return apply


def send_args(out: Path, source: Path, db: Path, *extra: str) -> list[str | Path]:
    return ["send", "gut-brain-axis", "--out", out, "--source-dir", source, "--db", db, *extra]


# Delivery through the CLI and the Prefect flow.

def test_200_recipients_each_get_one_personal_message_and_opted_out_get_none(
        tmp_path, sendable, env):
    out, source = sendable
    db = make_list(tmp_path / "list.sqlite3", 200, unsubscribed=3, bounced=2)
    with Server(Recorder()) as server:
        env(server)
        result = run_cli(*send_args(out, source, db))
        again = run_cli(*send_args(out, source, db))
    assert (result.code, result.err) == (0, "")
    assert result.out.startswith("sent 200, skipped 0 (already done), failed 0, deferred 0, "
                                 "not subscribed 5; ")
    assert "messages/s, 1 connection(s)" in result.out
    assert again.code == 0 and again.out.startswith("sent 0, skipped 200 (already done)")
    rec = server.recorder
    assert rec.per_recipient() == {a: 1 for a in subscribed(200)}
    messages = rec.messages()
    assert len({m["Message-ID"] for m in messages}) == 200
    for (rcpt, _), message in zip(rec.accepted, messages, strict=True):
        check_personal_message(message, rcpt)


def check_personal_message(message, rcpt: str) -> None:
    number = rcpt.removeprefix("reader").split("@")[0]
    assert message["To"] == f"Reader {number} <{rcpt}>"
    assert message["From"] == "Pacific Mind Health <newsletter@pacificmindhealth.com>"
    assert message["Subject"].startswith("The gut-brain axis")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    secret = messages.token(KEY.encode(), "gut-brain-axis", rcpt)
    url = f"https://www.pacificmindhealth.com/unsubscribe/{secret}"
    assert message["List-Unsubscribe"].startswith(f"<{url}>, <mailto:unsubscribe@")
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    for part in message.iter_parts():
        body = part.get_content()
        assert re.search(re.escape(url) + r'(?=["\r\n])', body)
        assert CRISIS in body and ADDRESS in body
        assert "https://www.pacificmindhealth.com/unsubscribe\"" not in body


def test_tokens_are_opaque_bound_to_campaign_and_recipient_and_verify_only_unchanged():
    key = KEY.encode()
    value = messages.token(key, "gut-brain-axis", "Reader1@Example.org")
    handle = messages.handle(key, "gut-brain-axis", "reader1@example.org")
    assert messages.verify_token(key, value) == handle
    assert value == messages.token(key, "gut-brain-axis", "reader1@example.org")
    assert value != messages.token(key, "gut-brain-axis-2", "reader1@example.org")
    assert value != messages.token(key, "gut-brain-axis", "reader2@example.org")
    assert messages.verify_token(b"another-key-0123456789", value) is None
    forged = messages.token(b"another-key-0123456789", "gut-brain-axis", "victim@example.org")
    assert messages.verify_token(key, forged) is None
    assert messages.verify_token(key, value[:-2] + "AA") is None
    # Nothing of the address can be read back: not in any base64 decoding, not as text.
    import base64
    for start in range(4):
        chunk = value[start:][:(len(value) - start) // 4 * 4]
        assert b"reader1" not in base64.urlsafe_b64decode(chunk).lower()
    assert "reader" not in value.lower() and "example" not in value.lower()


def test_to_sends_one_test_message_and_leaves_the_ledger_alone(tmp_path, sendable, env):
    out, source = sendable
    db = make_list(tmp_path / "list.sqlite3", 3)
    with Server(Recorder()) as server:
        env(server)
        result = run_cli(*send_args(out, source, db, "--to", "marketer@example.org"))
    assert result.code == 0, result.err
    assert result.out == "sent one test message to marketer@example.org\n"
    assert list(server.recorder.per_recipient()) == ["marketer@example.org"]
    assert sqlite3.connect(db).execute("SELECT COUNT(*) FROM ledger").fetchone() == (0,)


def test_dry_run_counts_and_sends_nothing(tmp_path, sendable, env):
    out, source = sendable
    db = make_list(tmp_path / "list.sqlite3", 7, unsubscribed=2)
    with Server(Recorder()) as server:
        env(server)
        result = run_cli(*send_args(out, source, db, "--dry-run"))
    assert result.code == 0, result.err
    assert result.out.startswith("dry run: would send 'The gut-brain axis")
    assert result.out.endswith("(campaign gut-brain-axis) to 7 of 7 subscribed addresses\n")
    assert server.recorder.accepted == []


# A misbehaving server: no duplicate, no loss.

def test_dropped_connections_and_4xx_answers_end_with_each_recipient_once(tmp_path, edition):
    db = make_list(tmp_path / "list.sqlite3", 120)
    faults = Faults(drop_after_accepting={10, 40, 41, 90}, data_421={20, 21, 70},
                    rcpt_451_first=4)
    with Server(Recorder(faults)) as server:
        summary = sending.send_all(db, edition, KEY.encode(), smtp_settings(server.env), FAST)
    assert server.recorder.per_recipient() == {a: 1 for a in subscribed(120)}
    assert (summary.sent, summary.failed, summary.deferred, summary.stopped) == (120, (), (), "")
    assert summary.connections >= 9  # one at the start, then one after every drop or 4xx


def test_5xx_is_failed_once_never_retried_and_the_address_bounced_for_later_campaigns(
        tmp_path, edition):
    db = make_list(tmp_path / "list.sqlite3", 5)
    faults = Faults(rcpt_550={"reader2@example.org"})
    with Server(Recorder(faults)) as server:
        settings = smtp_settings(server.env)
        first = sending.send_all(db, edition, KEY.encode(), settings, FAST)
        second = sending.send_all(db, edition, KEY.encode(), settings, FAST)
    assert first.failed == (("reader2@example.org", "550 5.1.1 No such mailbox"),)
    assert "failed: reader2@example.org: 550 5.1.1 No such mailbox" in first.lines()
    assert (first.sent, second.sent, second.skipped, second.not_subscribed) == (4, 0, 4, 1)
    assert server.recorder.rcpt_seen["reader2@example.org"] == 1
    store = subscribers.connect(db)
    assert subscribers.status_of(store, "reader2@example.org") == "bounced"
    store.close()
    delivered = subscribed(5) - {"reader2@example.org"}
    assert server.recorder.per_recipient() == {a: 1 for a in delivered}


def test_a_server_that_stays_down_stops_the_run_and_a_rerun_finishes(tmp_path, edition):
    db = make_list(tmp_path / "list.sqlite3", 10)
    retry = sending.Retry(attempts=2, base=0.001, cap=0.001, give_up_after=3)
    with Server(Recorder(Faults(rcpt_451_first=6))) as server:
        settings = smtp_settings(server.env)
        first = sending.send_all(db, edition, KEY.encode(), settings, retry)
        second = sending.send_all(db, edition, KEY.encode(), settings, retry)
    assert first.sent == 0 and len(first.deferred) == 3
    assert first.stopped == "3 recipients in a row deferred: 451 4.3.0 Try again later"
    assert (second.sent, second.skipped) == (10, 0)
    assert server.recorder.per_recipient() == {a: 1 for a in subscribed(10)}


KILLED_SEND = """
import sys
from pathlib import Path
from channels.distribution import send as sending
from channels.distribution.edition import load_edition, signing_key
from channels.distribution.smtp import smtp_settings
out, source, db = map(Path, sys.argv[1:4])
edition = load_edition(out, "gut-brain-axis", source / "site.yaml")
summary = sending.send_all(db, edition, signing_key(), smtp_settings())
print("\\n".join(summary.lines()))
"""


def test_a_send_killed_with_sigkill_then_rerun_delivers_exactly_once(tmp_path, sendable, env):
    out, source = sendable
    db = make_list(tmp_path / "list.sqlite3", 60)
    faults = Faults(hold_at=31)  # message 31 is in flight when the process dies
    with Server(Recorder(faults)) as server:
        env(server)
        child = subprocess.Popen([sys.executable, "-c", KILLED_SEND, out, source, db],
                                 cwd=ROOT, env=dict(os.environ))
        assert faults.holding.wait(60), "the send never reached message 31"
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(10) == -signal.SIGKILL
        faults.release.set()
        states = dict(sqlite3.connect(db).execute(
            "SELECT state, COUNT(*) FROM ledger GROUP BY state").fetchall())
        assert states == {"delivered": 30, "claimed": 1}
        result = run_cli(*send_args(out, source, db))
    assert result.code == 0, result.err
    assert result.out.startswith("sent 30, skipped 30 (already done)")
    assert server.recorder.per_recipient() == {a: 1 for a in subscribed(60)}


def test_ctrl_c_finishes_the_message_in_flight_records_it_and_stops(tmp_path, sendable, env):
    out, source = sendable
    db = make_list(tmp_path / "list.sqlite3", 40)
    faults = Faults(hold_at=21, hold_accepts=True)
    with Server(Recorder(faults)) as server:
        env(server)
        child = subprocess.Popen([sys.executable, "-c", KILLED_SEND, out, source, db],
                                 cwd=ROOT, env=dict(os.environ), stdout=subprocess.PIPE, text=True)
        assert faults.holding.wait(60), "the send never reached message 21"
        child.send_signal(signal.SIGINT)
        time.sleep(0.2)
        faults.release.set()
        printed, _ = child.communicate(timeout=60)
        result = run_cli(*send_args(out, source, db))
    assert child.returncode == 0
    assert printed.startswith("sent 21, skipped 0 (already done), failed 0, deferred 0")
    assert printed.endswith("stopped early: interrupted (re-run to resume)\n")
    assert result.out.startswith("sent 19, skipped 21 (already done)")
    assert server.recorder.per_recipient() == {a: 1 for a in subscribed(40)}


def _descendants(pid: int) -> set[int]:
    found, todo = set(), [pid]
    while todo:
        for thread in Path(f"/proc/{todo.pop()}/task").glob("*"):
            with contextlib.suppress(OSError):
                children = {int(c) for c in (thread / "children").read_text().split()}
                todo += children - found
                found |= children
    return found


def _stray(pid: int, server: int) -> bool:
    """Alive (not a zombie) and not in the reusable server's process group."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return False
    return stat[0] != "Z" and int(stat[2]) != server  # state, ppid, pgrp


def test_a_sigkilled_publish_send_leaves_no_process_but_the_recorded_server(tmp_path, sendable):
    out, source = sendable
    db = make_list(tmp_path / "list.sqlite3", 5)
    folder = tmp_path / "server"
    environ = {k: v for k, v in os.environ.items()
               if k not in ("PUBLISH_SERVER", "PREFECT_API_URL", "PREFECT_HOME")}
    environ.update(PUBLISH_SERVER_DIR=str(folder), PUBLISH_SIGNING_KEY=KEY)
    publish_cli = [str(Path(sys.executable).parent / "publish")]
    faults = Faults(hold_at=2)  # the SMTP server keeps message 2 waiting: the send is mid-run
    try:
        with Server(Recorder(faults)) as server:
            run = subprocess.Popen([*publish_cli, *map(str, send_args(out, source, db))],
                                   env={**environ, **server.env}, cwd=tmp_path,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            seen: set[int] = set()
            deadline = time.monotonic() + 400
            while (not faults.holding.is_set() and run.poll() is None
                   and time.monotonic() < deadline):
                seen |= _descendants(run.pid)
                faults.holding.wait(0.2)
            assert faults.holding.is_set(), f"the send never reached message 2 (exit {run.poll()})"
            seen |= _descendants(run.pid)
            run.kill()
            assert run.wait(10) == -signal.SIGKILL
        record = folder / "server.json"
        recorded = json.loads(record.read_text())["pid"] if record.exists() else -1
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and any(_stray(p, recorded) for p in seen):
            time.sleep(0.2)
        # Only the reusable server (its own process group, recorded, ended by 'publish server
        # stop') outlives the run; no per-process Prefect server or worker is orphaned.
        assert {p for p in seen if _stray(p, recorded)} == set()
        assert recorded in seen and _stray(recorded, 0)  # the server itself serves on
    finally:
        subprocess.run([*publish_cli, "server", "stop"], env=environ, capture_output=True,
                       timeout=60)


# Refusals: one line, exit 2, nothing sent.

def test_header_injection_in_the_subject_is_refused(edition):
    import dataclasses

    bad = dataclasses.replace(edition, subject="Hello\r\nBcc: everyone@example.org")
    with pytest.raises(SendRefused) as err:
        check_edition(bad)
    assert str(err.value) == ("the newsletter's subject contains a line break or control "
                              "character (header injection refused; fix the article)")


def test_header_injection_in_a_name_is_rejected_at_import_and_at_send(tmp_path, edition):
    csv = tmp_path / "list.csv"
    csv.write_text('email,name,consent_date\nok@example.org,Ok,2026-01-02\n'
                   '"eve@example.org","Eve\r\nBcc: all@example.org",2026-01-02\n'
                   'not-an-address,Nobody,2026-01-02\nlate@example.org,Late,yesterday\n')
    result = run_cli("subscribers", "--db", tmp_path / "s.sqlite3", "import", csv)
    assert result.code == 0
    assert result.out == f"imported {csv}: 1 added, 0 updated, 3 rejected\n"
    assert result.err.splitlines() == [
        f"{csv}:4: rejected: the name contains a line break or control character (remove it)",
        f"{csv}:5: rejected: 'not-an-address' is not a valid email address: An email address "
        "must have an @-sign.",
        f"{csv}:6: rejected: consent date 'yesterday' is not a date (write it as YYYY-MM-DD)"]
    conn = sqlite3.connect(tmp_path / "s.sqlite3")  # someone edits the store by hand
    conn.execute("INSERT INTO subscribers (email, key, name, status, consent_date, updated) "
                 "VALUES ('eve@example.org', 'eve@example.org', 'Eve\nBcc: all@example.org', "
                 "'subscribed', '2026-01-02', '')")
    conn.commit()
    with Server(Recorder()) as server:
        summary = sending.send_all(tmp_path / "s.sqlite3", edition, KEY.encode(),
                                   smtp_settings(server.env), FAST)
    assert summary.failed == (("eve@example.org", "header injection refused: a line break or "
                               "control character in the recipient's name or address"),)
    assert list(server.recorder.per_recipient()) == ["ok@example.org"]


def test_import_never_resubscribes_an_opted_out_address(tmp_path):
    db = make_list(tmp_path / "s.sqlite3", 2, unsubscribed=1)
    csv = tmp_path / "again.csv"
    csv.write_text("Email,Name,Consent date\nreader2@example.org,Back Again,2026-03-01\n")
    result = run_cli("subscribers", "--db", db, "import", csv)
    assert result.out == f"imported {csv}: 0 added, 1 updated, 0 rejected\n"
    counted = run_cli("subscribers", "--db", db, "count").out
    assert counted == "subscribed 2, unsubscribed 1, bounced 0\n"


def refusal(tmp_path, sendable, env, *extra: str, out: Path | None = None,
            source: Path | None = None, unset: str = "") -> tuple[str, Recorder]:
    db = make_list(tmp_path / "list.sqlite3", 3)
    with Server(Recorder()) as server:
        env(server)
        os.environ.pop(unset, None)
        result = run_cli(*send_args(out or sendable[0], source or sendable[1], db, *extra))
    assert result.code == 2 and result.out == ""
    assert server.recorder.accepted == [] and result.err.count("\n") == 1
    return result.err.removeprefix("publish: error: ").rstrip("\n"), server.recorder


def test_refused_when_the_email_channel_failed_the_gate(tmp_path, sendable, env):
    out = tmp_path / "output"
    (out / "gut-brain-axis").mkdir(parents=True)
    for name in ("newsletter.eml", "compliance.json"):
        original = sendable[0] / "gut-brain-axis" / name
        (out / "gut-brain-axis" / name).write_bytes(original.read_bytes())
    report = json.loads((out / "gut-brain-axis" / "compliance.json").read_text())
    report["channels"]["email"]["passed"] = False
    (out / "gut-brain-axis" / "compliance.json").write_text(json.dumps(report))
    line, _ = refusal(tmp_path, sendable, env, out=out)
    assert line == (f"{out}/gut-brain-axis/compliance.json: the email channel did not pass the "
                    "disclaimer gate (fix the newsletter and publish it again)")


def test_refused_when_the_published_newsletter_was_edited_after_the_gate(tmp_path, sendable, env):
    out = tmp_path / "output"
    shutil.copytree(sendable[0], out, symlinks=True)
    eml = out / "gut-brain-axis" / "newsletter.eml"
    eml.write_bytes(eml.read_bytes().replace(b"988", b"898"))
    line, _ = refusal(tmp_path, sendable, env, out=out)
    assert line == f"{eml}: changed since it was checked (publish the article again)"


def test_refused_while_site_yaml_has_a_placeholder_address(tmp_path, sendable, env):
    line, _ = refusal(tmp_path, sendable, env, source=SOURCE)
    assert line == (f"{SOURCE / 'site.yaml'} still has PLACEHOLDER values: postal_address, "
                    "phone, email.reply_to "
                    "(CAN-SPAM requires a real postal address; fill them in before sending)")


def test_refused_without_signing_key_or_with_a_bad_to(tmp_path, sendable, env):
    line, _ = refusal(tmp_path, sendable, env, "--to", "me@example.org\r\nBcc: all@example.org")
    assert line == ("--to: the address contains a line break or control character "
                    "(give one plain address, e.g. you@example.org)")
    (tmp_path / "2").mkdir()
    line, _ = refusal(tmp_path / "2", sendable, env, unset="PUBLISH_SIGNING_KEY")
    assert line == ("PUBLISH_SIGNING_KEY is not set or shorter than 16 characters "
                    "(export a long random secret; it signs the unsubscribe links)")


def test_smtp_settings_refuse_cleartext_passwords_to_remote_hosts():
    with pytest.raises(SendRefused) as err:
        smtp_settings({"SMTP_HOST": "smtp.example.org", "SMTP_SECURITY": "none", "SMTP_USER": "u"})
    assert str(err.value) == ("SMTP_SECURITY=none would send the password unencrypted to "
                              "smtp.example.org (use starttls or ssl)")
    assert smtp_settings({"SMTP_HOST": "smtp.example.org"}).port == 587
    assert smtp_settings({"SMTP_HOST": "h", "SMTP_SECURITY": "ssl"}).port == 465


def test_sending_keeps_prefect_out_of_the_core():
    code = ("import channels.distribution.send, channels.distribution.store, sys; "
            "print('prefect' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    assert done.stdout == "False\n"


def test_the_flow_retries_crashes_but_never_a_refusal():
    from prefect.states import Failed

    from flows.send import _not_user_error

    assert _not_user_error(None, None, Failed(data=ConnectionResetError("lost"))) is True
    assert _not_user_error(None, None, Failed(data=SendRefused("fix it"))) is False


def test_two_sends_on_one_store_at_once_are_refused(tmp_path, sendable, env):
    import fcntl

    with open(tmp_path / "list.sqlite3.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # another send holds the store
        line, _ = refusal(tmp_path, sendable, env)
    assert line == (f"{tmp_path / 'list.sqlite3'}: another 'publish send' is using this "
                    "subscriber store (wait for it to finish, then run again)")


def test_refused_when_the_published_newsletter_lacks_the_current_address(tmp_path, sendable, env):
    source = tmp_path / "source"
    shutil.copytree(sendable[1], source)
    site = source / "site.yaml"
    site.write_text(site.read_text().replace(ADDRESS, "77 New Street, Salem, OR 97301"))
    line, _ = refusal(tmp_path, sendable, env, source=source)
    assert line == (f"{sendable[0]}/gut-brain-axis/newsletter.eml: the text/plain part does not "
                    "show the postal address from site.yaml (publish the newsletter again)")


def test_the_store_comes_from_publish_db_when_no_db_is_given(tmp_path, monkeypatch):
    monkeypatch.setenv("PUBLISH_DB", str(tmp_path / "env.sqlite3"))
    csv = tmp_path / "one.csv"
    csv.write_text("email,name,consent_date\nsomeone@example.org,Someone,2026-04-01\n")
    assert run_cli("subscribers", "import", csv).code == 0
    conn = subscribers.connect(tmp_path / "env.sqlite3")
    assert subscribers.subscribers(conn) == [
        subscribers.Subscriber("someone@example.org", "Someone", "subscribed", "2026-04-01")]


def test_a_250_that_comes_too_late_is_uncertain_and_never_resent_in_the_run():
    from channels.distribution.send import Retry, send_one
    from channels.distribution.smtp import Connection, SmtpSettings, Uncertain

    with Server(Recorder(Faults(slow_accept={1}))) as server:
        conn = Connection(SmtpSettings("127.0.0.1", server.port, "none", "", timeout=0.3))
        with pytest.raises(Uncertain):
            send_one(conn, "news@example.org", b"Subject: x\r\n\r\nhello\r\n",
                     "reader@example.org", Retry(attempts=5, base=0.01))
        conn.close()
        time.sleep(1.2)  # let the slow server finish its reply
        assert server.recorder.data_count == 1  # one DATA: no retry after an unknown outcome
    assert server.recorder.per_recipient() == {"reader@example.org": 1}


# The defects found by a list operator: each fails without its fix.

INTERNATIONAL = ("jürgen@example.de", "info@bücher.de", "plain@example.org")


def international_list(tmp_path: Path) -> Path:
    csv = tmp_path / "intl.csv"
    csv.write_text("email,name,consent_date\n" + "".join(
        f"{a},Jürgen Ö,2026-01-01\n" for a in INTERNATIONAL), encoding="utf-8")
    store = subscribers.connect(tmp_path / "intl.sqlite3")
    assert subscribers.import_csv(store, csv).rejected == ()
    store.close()
    return tmp_path / "intl.sqlite3"


def test_international_addresses_go_with_smtputf8_and_idna(tmp_path, edition):
    db = international_list(tmp_path)
    with Server(Recorder(), smtputf8=True) as server:
        summary = sending.send_all(db, edition, KEY.encode(), smtp_settings(server.env), FAST)
    assert (summary.sent, summary.failed) == (3, ())
    # The domain in its IDNA (ASCII) form; a non-ASCII local part only with SMTPUTF8.
    assert server.recorder.per_recipient() == {
        "jürgen@example.de": 1, "info@xn--bcher-kva.de": 1, "plain@example.org": 1}
    import email

    # An SMTPUTF8 message has UTF-8 headers (RFC 6532): read them as such.
    to = [email.message_from_string(data.decode("utf-8"), policy=email.policy.default)["To"]
          .addresses[0].addr_spec for _, data in server.recorder.accepted]
    assert to == ["jürgen@example.de", "info@xn--bcher-kva.de", "plain@example.org"]


def test_without_smtputf8_only_that_recipient_fails_and_the_list_goes_on(tmp_path, edition):
    db = international_list(tmp_path)
    with Server(Recorder()) as server:
        summary = sending.send_all(db, edition, KEY.encode(), smtp_settings(server.env), FAST)
    assert summary.sent == 2
    assert summary.failed == (("jürgen@example.de", "the address needs SMTPUTF8, which 127.0.0.1 "
                               "does not offer (ask the subscriber for an ASCII address)"),)
    assert server.recorder.per_recipient() == {"info@xn--bcher-kva.de": 1, "plain@example.org": 1}
    store = subscribers.connect(db)
    assert subscribers.status_of(store, "jürgen@example.de") == "subscribed"  # not a bounce
    store.close()


def ledger_rows(db: Path) -> list[tuple]:
    return sqlite3.connect(db).execute("SELECT email, state FROM ledger").fetchall()


def test_a_wrong_password_stops_the_run_as_a_configuration_error_marking_no_one(
        tmp_path, sendable, env, monkeypatch):
    out, source = sendable
    db = make_list(tmp_path / "list.sqlite3", 4)
    with Server(Recorder(), password="right-password") as server:
        env(server)
        monkeypatch.setenv("SMTP_USER", "newsletter")
        monkeypatch.setenv("SMTP_PASSWORD", "wrong-password")
        refused = run_cli(*send_args(out, source, db))
        dry = run_cli(*send_args(out, source, db, "--dry-run"))
        monkeypatch.setenv("SMTP_PASSWORD", "right-password")
        fixed = sending.send_all(db, load_edition(out, "gut-brain-axis", source / "site.yaml"),
                                 KEY.encode(), smtp_settings(), FAST)
    line = (f"publish: error: 127.0.0.1:{server.port} refused the login: 535 5.7.8 "
            "Authentication credentials invalid (check SMTP_USER and SMTP_PASSWORD)\n")
    assert (refused.code, refused.out, refused.err) == (2, "", line)
    assert (dry.code, dry.out, dry.err) == (2, "", line)
    assert fixed.sent == 4 and server.recorder.per_recipient() == {a: 1 for a in subscribed(4)}


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_530_authentication_required_stops_the_run_and_marks_no_one(tmp_path, edition):
    from channels.distribution.smtp import ConfigError

    db = make_list(tmp_path / "list.sqlite3", 3)
    with Server(Recorder(), auth_required=True) as server, pytest.raises(ConfigError) as err:
        sending.send_all(db, edition, KEY.encode(), smtp_settings(server.env), FAST)
    assert str(err.value) == (f"127.0.0.1:{server.port} refused to send: 530 5.7.0 "
                              "Authentication required (check SMTP_USER and SMTP_PASSWORD)")
    assert ledger_rows(db) == [] and server.recorder.accepted == []


def test_nothing_listening_is_a_configuration_error_not_a_list_of_failures(tmp_path, edition):
    from channels.distribution.smtp import ConfigError

    db = make_list(tmp_path / "list.sqlite3", 3)
    port = free_port()
    with pytest.raises(ConfigError) as err:
        sending.send_all(db, edition, KEY.encode(), smtp_settings(
            {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(port), "SMTP_SECURITY": "none"}), FAST)
    assert str(err.value) == (f"cannot connect to 127.0.0.1:{port}: [Errno 111] Connection "
                              "refused (check SMTP_HOST and SMTP_PORT, and that the server is up)")
    assert ledger_rows(db) == []


def test_a_connection_dropped_after_data_is_uncertain_never_resent_and_exits_1(
        tmp_path, sendable, env):
    out, source = sendable
    db = make_list(tmp_path / "list.sqlite3", 5)
    with Server(Recorder(Faults(drop_before_reply={3}))) as server:
        env(server)
        result = run_cli(*send_args(out, source, db))
    assert result.code == 1, result.err
    assert server.recorder.per_recipient() == {a: 1 for a in subscribed(5)}  # no second copy
    assert result.out.startswith("sent 4, skipped 0 (already done), failed 0, deferred 0")
    assert ("uncertain (the server may have it; check its log before a re-run resends): "
            "reader2@example.org: the connection was lost after the message was sent "
            "(Connection unexpectedly closed)") in result.out.splitlines()
    assert ("reader2@example.org", "claimed") in ledger_rows(db)


def test_dry_run_checks_the_smtp_settings_too(tmp_path, sendable, env, monkeypatch):
    out, source = sendable
    db = make_list(tmp_path / "list.sqlite3", 2)
    with Server(Recorder()) as server:
        env(server)
        monkeypatch.delenv("SMTP_HOST")
        result = run_cli(*send_args(out, source, db, "--dry-run"))
    assert (result.code, result.out) == (2, "")
    assert result.err == ("publish: error: SMTP_HOST is not set (export SMTP_HOST, SMTP_PORT, "
                          "SMTP_SECURITY, SMTP_USER and SMTP_PASSWORD for your mail provider)\n")


ENCODED_CRLF = "=?utf-8?q?Eve=0D=0ABcc:_all@example.org?="


def test_a_display_name_that_is_an_encoded_word_with_a_line_break_is_refused(tmp_path, edition):
    csv = tmp_path / "list.csv"
    csv.write_text(f"email,name,consent_date\neve@example.org,{ENCODED_CRLF},2026-01-02\n"
                   "ok@example.org,=?utf-8?q?J=C3=BCrgen?=,2026-01-02\n")
    result = run_cli("subscribers", "--db", tmp_path / "s.sqlite3", "import", csv)
    assert result.err == (f"{csv}:2: rejected: the name contains a line break or control "
                          "character (remove it)\n")
    conn = sqlite3.connect(tmp_path / "s.sqlite3")  # someone edits the store by hand
    conn.execute("INSERT INTO subscribers (email, key, name, status, consent_date, updated) "
                 f"VALUES ('eve@example.org', 'eve@example.org', '{ENCODED_CRLF}', "
                 "'subscribed', '2026-01-02', '')")
    conn.commit()
    with Server(Recorder()) as server:
        summary = sending.send_all(tmp_path / "s.sqlite3", edition, KEY.encode(),
                                   smtp_settings(server.env), FAST)
    assert [a for a, _ in summary.failed] == ["eve@example.org"]
    assert list(server.recorder.per_recipient()) == ["ok@example.org"]


def test_pacing_from_the_environment_caps_messages_per_connection_and_per_second(
        tmp_path, edition):
    db = make_list(tmp_path / "list.sqlite3", 10)
    with Server(Recorder()) as server:
        env = {**server.env, "SMTP_PER_CONNECTION": "4", "SMTP_RATE": "20"}
        summary = sending.send_all(db, edition, KEY.encode(), smtp_settings(env), FAST)
    assert (summary.sent, summary.connections) == (10, 3)
    times = server.recorder.times  # as the server saw them: 10 messages at most 20 a second
    # Paced, not bursting: unpaced, ten messages take a few hundredths of a second.  The
    # server's receipt times jitter against the sender's clock, hence the margin.
    assert times[-1] - times[0] >= 9 / 20 * 0.8
    with pytest.raises(SendRefused) as err:
        smtp_settings({**env, "SMTP_RATE": "fast"})
    assert str(err.value) == "SMTP_RATE is 'fast' (set it to a number of messages, 0 for no limit)"


# For any interleaving: nobody who left before their message's send began receives it.

PEOPLE = 6


@pytest.fixture(scope="module")
def sink():
    with Server(Recorder()) as server:
        yield server


@settings(max_examples=25, deadline=None)
@given(initial=st.lists(st.sampled_from(subscribers.STATUSES), min_size=PEOPLE,
                        max_size=PEOPLE),
       events=st.lists(st.tuples(st.integers(0, PEOPLE), st.sampled_from(("unsubscribed",
                                                                          "bounced")),
                                 st.integers(0, PEOPLE - 1)), max_size=10))
def test_nobody_who_left_before_their_send_began_receives_it(sendable, sink, initial, events):
    import tempfile

    out, source = sendable
    edition = load_edition(out, "gut-brain-axis", source / "site.yaml")
    with tempfile.TemporaryDirectory() as tmp:
        db = make_list_at(str(Path(tmp) / "list.sqlite3"), PEOPLE)
        other = subscribers.connect(db)  # the service or mailbox reader: another connection
        for i, status in enumerate(initial):
            subscribers.set_status(other, f"reader{i}@example.org", status)
        log: list[tuple[str, str]] = []

        def apply(step: int) -> None:
            for at, status, who in events:
                if at == step:
                    address = f"reader{who}@example.org"
                    if subscribers.opt_out(other, address, status, "test"):
                        log.append(("left", address))

        def on_rcpt(address: str) -> None:
            log.append(("rcpt", address))
            apply(len([e for e in log if e[0] == "rcpt"]))

        rec = sink.recorder
        rec.accepted.clear()
        rec.on_rcpt = on_rcpt
        apply(0)
        sending.send_all(db, edition, KEY.encode(), smtp_settings(sink.env), FAST)
        other.close()
    for address in rec.per_recipient():
        assert ("left", address) not in log[:log.index(("rcpt", address))]
        assert initial[int(address.removeprefix("reader").split("@")[0])] == "subscribed"
    assert len(rec.accepted) == len(set(rec.per_recipient()))
