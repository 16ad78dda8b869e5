"""Sends need a send approval that still holds; the audit log records approvals, releases and
sends, and nothing can rewrite it.  Real SMTP on loopback, the real Prefect flows."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import ROOT, SEED, TEMPLATES, run_cli
from signoff_fixtures import SLUG, approve, keys, project, render
from smtp_server import Recorder, Server

__all__ = ["keys", "project"]  # fixtures used by name


def make_list(db: Path, count: int) -> Path:
    """``count`` subscribers, imported through the CLI."""
    rows = [f"reader{i}@example.org,Reader {i},2026-01-02" for i in range(count)]
    db.with_suffix(".csv").write_text("\n".join(["email,name,consent_date", *rows]) + "\n")
    assert run_cli("subscribers", "--db", db, "import", db.with_suffix(".csv")).code == 0
    return db


def send(source: Path, out: Path, db: Path, *extra: str):  # type: ignore[no-untyped-def]
    return run_cli("send", SLUG, "--out", out, "--source-dir", source, "--db", db, *extra)


def test_send_needs_an_approval_that_still_holds(project, tmp_path, keys, monkeypatch):
    site = project / "site.yaml"
    site.write_text(site.read_text().replace("publish: [clinical]", "publish: []"))
    out, db = tmp_path / "out", make_list(tmp_path / "store.sqlite3", 3)
    assert render(project, out).status == "published"
    monkeypatch.setenv("PUBLISH_SIGNING_KEY", "test-signing-key-0123456789abcdef")
    refusal = (f"publish: error: {SLUG}: not allowed to send: awaits clinical approval: "
               f"publish approve {SLUG} --role clinical\n")
    assert (send(project, out, db, "--dry-run").code, send(project, out, db, "--dry-run").err) \
        == (2, refusal)
    with Server(Recorder()) as server:
        for key, value in server.env.items():
            monkeypatch.setenv(key, value)
        refused = send(project, out, db)
        assert (refused.code, refused.err) == (2, refusal)
        assert server.recorder.accepted == []
        assert approve(project, out, db, keys, "ana").code == 0
        sent = send(project, out, db)
        assert (sent.code, sent.err) == (0, "") and sent.out.startswith("sent 3,")
        assert len(server.recorder.accepted) == 3
        # An edit voids the approval: the next send (a new campaign) is refused, naming why.
        seed = project / SEED.name
        seed.write_text(seed.read_text().replace("two-way communication", "two-way link"))
        assert render(project, out).status == "published"
        again = send(project, out, db, "--campaign", "second")
        assert again.code == 2 and again.err.startswith(
            f"publish: error: {SLUG}: not allowed to send: {out / SLUG}/newsletter.eml changed "
            "since approval 1 by ana@pmh.example on ")
        assert len(server.recorder.accepted) == 3
    log = run_cli("log", SLUG, "--db", db).out.splitlines()
    assert [line.split()[1] for line in log] == ["approve", "send"]
    assert log[0].endswith(f"Dr. Ana Reyes <ana@pmh.example>  clinical approval 1 "
                           f"({project / 'approvals' / (SLUG + '.jsonl')}:1)")
    assert log[1].endswith("campaign gut-brain-axis to 3")


def test_render_cli_stages_releases_and_logs(project, tmp_path, keys):
    out, db = tmp_path / "out", tmp_path / "store.sqlite3"
    args = ["render", project / SEED.name, "--only", "email", "--out", out, "--source-dir",
            project, "--templates", TEMPLATES, "--db", db]
    first = run_cli(*args)
    assert first.code == 0, first.err
    assert first.out.splitlines()[1] == (
        f"  waiting: awaits clinical approval: publish approve {SLUG} --role clinical")
    assert not (out / SLUG).exists()
    assert approve(project, out, db, keys, "ana").code == 0
    second = run_cli(*args)
    assert second.code == 0 and second.out.startswith("published"), second
    assert (out / SLUG / "newsletter.eml").is_file()
    assert run_cli(*args).code == 0  # nothing new: no second release
    events = [line.split()[1] for line in run_cli("log", "--db", db).out.splitlines()]
    assert events == ["approve", "release"]


def test_the_audit_log_cannot_be_rewritten(tmp_path):
    from channels.approval import audit

    db = tmp_path / "store.sqlite3"
    first = audit.append(db, "approve", SLUG, "ab" * 32, actor="Dr. Ana Reyes")
    engine = audit.engine_for(db)
    for statement in (audit.audit_log.update().values(actor="someone else"),
                      audit.audit_log.delete()):
        with pytest.raises(sa.exc.DatabaseError, match="audit_log is append-only"), \
                engine.begin() as conn:
            conn.execute(statement)
    engine.dispose()
    for command in (["log", "--db", db], ["log", SLUG, "--db", db]):
        assert run_cli(*command).code == 0
    assert audit.entries(db) == [first]


def _calls(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    return {n.func.attr for n in ast.walk(tree)
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)}


def test_only_the_audit_module_touches_the_table_and_only_to_insert():
    users = {p for folder in ("channels", "flows") for p in (ROOT / folder).rglob("*.py")
             if "audit_log" in p.read_text()}
    audit, schema = ROOT / "channels/approval/audit.py", ROOT / "channels/distribution/schema.py"
    assert users == {audit, schema}  # the one writer, and the migration that creates the table
    writes = {"insert", "update", "delete", "drop", "truncate"}
    assert "insert" in _calls(audit) and not _calls(audit) & (writes - {"insert"})
    assert not _calls(schema) & writes
