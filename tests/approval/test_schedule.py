"""Scheduled sends against a real, temporary Prefect server on loopback and a loopback SMTP
server: an approved send is delivered when it falls due; one whose approval was voided in
the meantime sends nothing and its run fails with the reason and an artifact saying why."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from conftest import ROOT, SEED, run_cli
from signoff_fixtures import SLUG, approve, keys, make_project, project, render
from smtp_server import Recorder, Server, free_port
from test_send_and_log import make_list

__all__ = ["keys", "project"]  # fixtures used by name
SIGNING = "test-signing-key-0123456789abcdef"


def wait_for(probe, seconds: float, what: str):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(0.5)
    raise AssertionError(f"gave up waiting {seconds:.0f} s for {what}")


@pytest.fixture(scope="module")
def prefect_api(tmp_path_factory):
    """``prefect server start`` on a free loopback port, with its own database."""
    home = tmp_path_factory.mktemp("prefect-home")
    port = free_port()
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "DO_NOT_TRACK": "1", "PREFECT_UI_ENABLED": "false"}
    env.pop("PREFECT_API_URL", None)
    log = open(home / "server.log", "wb")  # noqa: SIM115 (kept open for the server's life)
    server = subprocess.Popen([str(Path(sys.executable).parent / "prefect"), "server", "start",
                               "--host", "127.0.0.1", "--port", str(port)], env=env,
                              stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/api"
    try:
        wait_for(lambda: _ok(f"{url}/health"), 180, "the Prefect server")
        yield url
    finally:
        server.terminate()
        server.wait(30)
        log.close()


def _ok(url: str) -> bool:
    try:
        return httpx.get(url, timeout=10).status_code == 200
    except httpx.HTTPError:
        return False


def sendable(project: Path, tmp: Path, keys: Path, count: int) -> tuple[Path, Path]:
    """Published and approved for sending; (out, db)."""
    site = project / "site.yaml"
    site.write_text(site.read_text().replace("publish: [clinical]", "publish: []"))
    out, db = tmp / "out", make_list(tmp / "store.sqlite3", count)
    assert render(project, out).status == "published"
    assert approve(project, out, db, keys, "ana").code == 0
    return out, db


def schedule(project: Path, out: Path, db: Path, at: dt.datetime) -> str:
    done = run_cli("send", SLUG, "--at", at.isoformat(timespec="seconds"), "--out", out,
                   "--source-dir", project, "--db", db)
    assert done.code == 0, done.err
    return done.out.split("(run ")[1].split(")")[0]


def api_json(method: str, url: str, **kwargs):  # type: ignore[no-untyped-def]
    """The answer's JSON, or None while a busy machine keeps the server from answering."""
    try:
        return httpx.request(method, url, timeout=30, **kwargs).json()
    except httpx.HTTPError:
        return None


def finished(api: str, run_id: str) -> dict | None:  # type: ignore[type-arg]
    run = api_json("GET", f"{api}/flow_runs/{run_id}")
    done = ("COMPLETED", "FAILED", "CRASHED", "CANCELLED")
    return run if run and run["state_type"] in done else None


def test_no_lasting_server_is_one_line(project, tmp_path, keys, monkeypatch):
    out, db = sendable(project, tmp_path, keys, 1)
    monkeypatch.setenv("PUBLISH_SIGNING_KEY", SIGNING)
    monkeypatch.setenv("PUBLISH_SERVER", "embedded")  # a per-process server: gone at exit
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    result = run_cli("send", SLUG, "--at", "2026-12-03T09:00-08:00", "--out", out,
                     "--source-dir", project, "--db", db)
    assert (result.code, result.err) == (2, (
        "publish: error: a scheduled send needs a Prefect server that outlives this command, "
        "and PUBLISH_SERVER=embedded has none (unset it to use the local server, or export "
        "PREFECT_API_URL for your own)\n"))


def test_approved_is_delivered_when_due_and_voided_sends_nothing(prefect_api, tmp_path_factory,
                                                                 keys, monkeypatch):
    from prefect.settings import PREFECT_API_URL, temporary_settings

    good_dir, void_dir = tmp_path_factory.mktemp("good"), tmp_path_factory.mktemp("void")
    good_src, void_src = (make_project(d, keys) for d in (good_dir, void_dir))
    good_out, good_db = sendable(good_src, good_dir, keys, 2)
    void_out, void_db = sendable(void_src, void_dir, keys, 2)
    with Server(Recorder()) as smtp:
        env = {**os.environ, **smtp.env, "PREFECT_API_URL": prefect_api,
               "PUBLISH_SIGNING_KEY": SIGNING, "PREFECT_RUNNER_POLL_FREQUENCY": "2"}
        serving = subprocess.Popen([sys.executable, "-m", "flows.cli", "schedule", "serve"],
                                   cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            wait_for(lambda: api_json("POST", f"{prefect_api}/deployments/filter", json={}),
                     180, "the send deployment")
            monkeypatch.setenv("PUBLISH_SIGNING_KEY", SIGNING)
            monkeypatch.setenv("PREFECT_API_URL", prefect_api)
            at = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(seconds=60)
            with temporary_settings(updates={PREFECT_API_URL: prefect_api}):
                void = schedule(void_src, void_out, void_db, at)
                seed = void_src / SEED.name  # voided before the time: a new render, new bytes
                seed.write_text(seed.read_text().replace("two-way communication",
                                                         "two-way link"))
                assert render(void_src, void_out).status == "published"
                good = schedule(good_src, good_out, good_db, at)
                assert dt.datetime.now(dt.UTC) < at, "the set-up took too long to test 'before'"
                listed = run_cli("schedule", "list").out
            assert good in listed and void in listed, listed
            done = wait_for(lambda: finished(prefect_api, good), 300, "the approved send")
            failed = wait_for(lambda: finished(prefect_api, void), 300, "the voided send")
        finally:
            serving.terminate()
            serving.wait(30)
    assert done["state_type"] == "COMPLETED"
    # Prefect's runner may start a run a little early (it prefetches); the mail may not go early.
    first_mail = min(smtp.recorder.times) + (time.time() - time.monotonic())
    assert first_mail >= at.timestamp()
    delivered = {rcpt for rcpt, _ in smtp.recorder.accepted}
    assert delivered == {"reader0@example.org", "reader1@example.org"}
    assert len(smtp.recorder.accepted) == 2  # only the approved run sent anything
    assert failed["state_type"] == "FAILED"
    reason = failed["state"]["message"]
    assert reason.startswith(f"{SLUG}: not allowed to send: {void_out / SLUG}/newsletter.eml "
                             "changed since approval 1 by ana@pmh.example on "), reason
    artifacts = api_json("POST", f"{prefect_api}/artifacts/filter", json={
        "artifacts": {"flow_run_id": {"any_": [void]}}})
    assert [a["key"] for a in artifacts] == [f"send-refused-{SLUG}"]
    assert reason in artifacts[0]["data"]
