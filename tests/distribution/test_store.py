"""The store on SQLite and on a real PostgreSQL: one code path, migrations, statuses, ledger."""

from __future__ import annotations

import pytest
from conftest import run_cli
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from channels.distribution import ledger
from channels.distribution import store as subscribers
from channels.distribution.database import exclusive
from channels.distribution.schema import MIGRATIONS
from channels.errors import SendRefused


def _import(db: str, tmp_path, rows: str) -> subscribers.Store:
    csv = tmp_path / "list.csv"
    csv.write_text("email,name,consent_date\n" + rows)
    store = subscribers.connect(db)
    subscribers.import_csv(store, csv)
    return store


def test_import_statuses_and_counts_are_the_same_on_both_engines(any_db, tmp_path):
    store = _import(any_db, tmp_path, "A@Example.org,A,2026-01-01\nb@example.org,B,2026-01-02\n"
                                      "c@example.org,C,2026-01-03\n")
    assert subscribers.set_status(store, "a@EXAMPLE.org", "unsubscribed")
    assert subscribers.opt_out(store, "b@example.org", "bounced", "550 5.1.1")
    # An opt-out is never undone by a bounce, a re-import or another opt-out.
    assert not subscribers.opt_out(store, "a@example.org", "bounced", "550 5.1.1")
    store.close()
    again = _import(any_db, tmp_path, "a@example.org,A again,2026-02-01\n")
    assert subscribers.counts(again) == {"subscribed": 1, "unsubscribed": 1, "bounced": 1}
    assert [s.email for s in subscribers.subscribers(again, "subscribed")] == ["c@example.org"]
    assert subscribers.subscribers(again)[0] == subscribers.Subscriber(
        "A@example.org", "A again", "unsubscribed", "2026-02-01")
    again.close()


def test_migrations_run_once_and_are_recorded(any_db):
    subscribers.connect(any_db).close()
    store = subscribers.connect(any_db)  # a second process opening the same store
    with store.engine.connect() as conn:
        rows = conn.execute(text("SELECT version, description FROM schema_version")).all()
    assert rows == [(m.version, m.description) for m in MIGRATIONS]
    store.close()


def test_soft_bounces_count_up_to_the_policy_then_bounce(any_db, tmp_path):
    store = _import(any_db, tmp_path, "soft@example.org,S,2026-01-01\n")
    outcomes = [subscribers.soft_bounce(store, "soft@example.org", "452 4.2.2 mailbox full",
                                        limit=3) for _ in range(3)]
    assert outcomes == ["subscribed", "subscribed", "bounced"]
    assert subscribers.soft_bounce(store, "nobody@example.org", "4.2.2") is None
    store.close()


def test_a_claim_is_refused_once_the_address_left_and_a_link_is_used_once(any_db, tmp_path):
    store = _import(any_db, tmp_path, "a@example.org,A,2026-01-01\nb@example.org,B,2026-01-01\n")
    assert ledger.claim(store, "c1", "a@example.org", "<m1@x>", "handle-a")
    assert ledger.use_handle(store, "handle-a") == ("unsubscribed", "a@example.org")
    assert ledger.use_handle(store, "handle-a") == ("used", "a@example.org")
    assert ledger.use_handle(store, "never-sent") is None
    assert not ledger.claim(store, "c2", "a@example.org", "<m2@x>", "handle-a2")
    assert ledger.states(store, "c2") == {}
    store.close()


def test_two_sends_on_one_postgresql_store_at_once_are_refused(pg_url):
    store, other = subscribers.connect(pg_url), subscribers.connect(pg_url)
    with exclusive(store), pytest.raises(SendRefused) as err, exclusive(other):
        pass
    assert str(err.value) == (f"{store.name}: another 'publish send' is using this "
                              "subscriber store (wait for it to finish, then run again)")
    with exclusive(other):  # released when the first send ended
        pass
    store.close()
    other.close()


def test_a_store_that_cannot_be_opened_is_one_line_without_a_password(tmp_path):
    result = run_cli("subscribers", "--db", "nosuchdb://u:secret@host/x", "count")
    assert (result.code, result.out) == (2, "")
    assert result.err.startswith("publish: error: nosuchdb://u:***@host/x: is not a database "
                                 "URL this program can open: ")
    assert result.err.count("\n") == 1
    closed = "postgresql+psycopg://pmh:secret@127.0.0.1:1/list"
    result = run_cli("subscribers", "--db", closed, "count")
    assert result.code == 2 and result.err.count("\n") == 1
    assert result.err.startswith("publish: error: postgresql+psycopg://pmh:***@127.0.0.1:1/list: "
                                 "cannot open the subscriber store: ")
    assert result.err.endswith("(pass --db with a writable SQLite file or a postgresql+psycopg:// "
                               "URL, or set PUBLISH_DB)\n")


def test_the_audit_log_is_a_migration_and_append_only_on_both_engines(any_db):
    from channels.approval import audit
    from channels.distribution.schema import AUDIT_LOG

    first = audit.append(any_db, "approve", "gut-brain-axis", "ab" * 32, actor="Dr. Ana Reyes")
    store = subscribers.connect(any_db)
    with store.engine.connect() as conn:
        versions = set(conn.scalars(text("SELECT version FROM schema_version")))
    assert versions == {m.version for m in MIGRATIONS} and 3 in versions
    for statement in (AUDIT_LOG.update().values(actor="someone else"), AUDIT_LOG.delete()):
        try:  # SQLite: a trigger aborts; PostgreSQL: a rule turns it into nothing
            with store.engine.begin() as conn:
                conn.execute(statement)
        except DatabaseError as exc:
            assert "audit_log is append-only" in str(exc)
            assert store.engine.dialect.name == "sqlite"
    store.close()
    assert audit.entries(any_db) == [first]


def test_a_store_whose_audit_log_predates_the_migration_gets_its_guards(tmp_path):
    import sqlite3

    from channels.approval import audit

    db = tmp_path / "old.sqlite3"
    subscribers.connect(db).close()
    with sqlite3.connect(db) as conn:  # as the old audit.py left it: a table, versions 1 and 2
        conn.execute("DELETE FROM schema_version WHERE version = 3")
        conn.execute("DROP TRIGGER audit_log_no_update")
        conn.execute("DROP TRIGGER audit_log_no_delete")
        conn.execute("INSERT INTO audit_log (at, event, slug, actor) VALUES "
                     "('2026-11-30T10:00:00+00:00', 'release', 'old', 'ana')")
    conn.close()
    assert [e.slug for e in audit.entries(db)] == ["old"]  # migrated on open, entry kept
    with sqlite3.connect(db) as conn, pytest.raises(sqlite3.DatabaseError,
                                                    match="audit_log is append-only"):
        conn.execute("DELETE FROM audit_log")
    conn.close()


def test_a_book_commits_each_outcome_with_the_next_claim_and_reclaims_on_a_rerun(any_db,
                                                                                 tmp_path):
    store = _import(any_db, tmp_path, "a@example.org,A,2026-01-01\nb@example.org,B,2026-01-01\n"
                                      "c@example.org,C,2026-01-01\n")
    reader = subscribers.connect(any_db)  # another process's view of the ledger
    with ledger.Book(store, "c1") as book:
        assert book.claim("a@example.org", "<a@x>", "handle-a")
        book.mark("a@example.org", "deferred", "451 4.3.0 try later")
        assert ledger.states(reader, "c1") == {"a@example.org": "claimed"}  # not yet written
        subscribers.opt_out(reader, "b@example.org", "unsubscribed", "link")
        assert not book.claim("b@example.org", "<b@x>", "handle-b")  # left: no row
        assert ledger.states(reader, "c1") == {"a@example.org": "deferred"}  # came with it
        assert book.claim("c@example.org", "<c@x>", "handle-c")
        book.mark("c@example.org", "delivered")
    assert ledger.states(reader, "c1") == {"a@example.org": "deferred",
                                           "c@example.org": "delivered"}  # flushed at close
    with ledger.Book(store, "c1") as book:  # the re-run: the same row, one more attempt
        assert book.claim("a@example.org", "<other@x>", "handle-other")
    with reader.engine.connect() as conn:
        row = conn.execute(text("SELECT state, attempts, message_id, handle FROM ledger "
                                "WHERE key = 'a@example.org'")).one()
    assert tuple(row) == ("claimed", 2, "<a@x>", "handle-a")
    store.close()
    reader.close()
