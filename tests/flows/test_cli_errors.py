"""Every kind of failure through the real ``publish`` command, as a user runs it: one line.

Each runs in a subprocess, so stderr holds everything the user would see, Prefect's own
log handlers included (an in-process run cannot capture those). The runs inside a flow
share one Prefect server (three temporary servers starting at once time out on a busy
machine); the temporary server's own failure to start has its test.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT, SEED, SOURCE, TEMPLATES
from smtp_server import Faults, Recorder, Server, free_port

CHILD_ENV = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_LOGGING",))}


def publish(*args: str | Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "flows.cli", *map(str, args)], cwd=ROOT,
                          env={**CHILD_ENV, **env}, capture_output=True, text=True, timeout=300)


def test_bad_input_is_one_line_and_output_untouched(tmp_path):
    article = tmp_path / "bad.md"
    article.write_text(SEED.read_text().replace("date: 2026-11-20", "date: 2026-13-40", 1))
    done = publish("render", article, "--out", tmp_path / "out")
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (f"publish: error: {article}:7: field 'date' is not a valid date: "
                           "'2026-13-40' (write it as YYYY-MM-DD)\n")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("url", ["sqlite:////nonexistent/folder/store.db",
                                 "postgresql+psycopg://nobody@127.0.0.1:1/none", "bogus://x"])
def test_a_store_that_cannot_be_opened_is_one_line(url):
    done = publish("log", "--db", url)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith("publish: error: ")
    assert done.stderr.endswith("(pass --db with a writable SQLite file or a "
                                "postgresql+psycopg:// URL, or set PUBLISH_DB)\n")
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


@pytest.mark.parametrize("command", ["preview", "serve-unsubscribe"])
def test_a_port_out_of_range_is_one_line(command):
    done = publish(command, "--port", "99999")
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (f"publish: error: publish {command}: argument --port: '99999' is not "
                           f"a port number from 0 to 65535 (see 'publish {command} --help')\n")


def test_usage_error_is_one_line():
    done = publish("render", "--workers", "0")
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == ("publish render: argument --workers: '0' is not a whole number of "
                           "at least 1 (see 'publish render --help')\n"
                           ).replace("publish render:", "publish: error: publish render:")


def test_a_prefect_server_that_does_not_start_in_time_is_one_line(tmp_path):
    from flows.cli import NO_SERVER

    done = publish("render", SEED, "--only", "social", "--out", tmp_path / "out",
                   PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="1",
                   PREFECT_HOME=str(tmp_path / "prefect"))
    assert (done.returncode, done.stderr) == (2, f"publish: error: {NO_SERVER}\n")


@pytest.fixture(scope="module")
def prefect_api(tmp_path_factory) -> Iterator[dict[str, str]]:
    """One Prefect server for the runs below, so they need not each start a temporary one."""
    env = {**CHILD_ENV, "PREFECT_HOME": str(tmp_path_factory.mktemp("prefect-home"))}
    url = f"http://127.0.0.1:{free_port()}/api"
    port = url.rsplit(":", 1)[1].removesuffix("/api")
    server = subprocess.Popen([str(Path(sys.executable).with_name("prefect")), "server", "start",
                               "--host", "127.0.0.1", "--port", port], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 600
        while not _answers(f"{url}/health"):
            assert server.poll() is None and time.monotonic() < deadline, "no Prefect server"
            time.sleep(1)
        yield {"PREFECT_API_URL": url}
    finally:
        server.terminate()
        server.wait(60)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as reply:
            return reply.status == 200
    except OSError:
        return False


@pytest.fixture(scope="module")
def runs(tmp_path_factory, prefect_api) -> dict[str, subprocess.CompletedProcess]:
    """The three failures that happen inside a Prefect flow, run at once."""
    base = tmp_path_factory.mktemp("failures")
    commands = {"refused": refused_render(base), "too-long": too_long_render(base)}
    out, source = sendable(base)
    to = "nobody@example.org"
    with Server(Recorder(Faults(rcpt_550={to}))) as server:
        env = {**server.env, "PUBLISH_SIGNING_KEY": "k" * 32, **prefect_api}
        commands["send"] = ["send", "gut-brain-axis", "--to", to, "--out", out,
                            "--source-dir", source, "--db", base / "list.sqlite3"]
        children = {name: subprocess.Popen(
            [sys.executable, "-m", "flows.cli", *map(str, args)], cwd=ROOT,
            env={**CHILD_ENV, **env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for name, args in commands.items()}
        results = {}
        for name, child in children.items():
            stdout, stderr = child.communicate(timeout=600)
            results[name] = subprocess.CompletedProcess(child.args, child.returncode, stdout,
                                                        stderr)
    return {**results, "base": base}  # type: ignore[dict-item]


def refused_render(base: Path) -> list[str | Path]:
    """The seed article with a web template that drops the disclaimers."""
    templates = base / "templates"
    shutil.copytree(TEMPLATES, templates)
    page = templates / "web" / "page.html"
    page.write_text(page.read_text().replace('{% include "shared/_disclaimers.html" %}', ""))
    return ["render", SEED, "--only", "web", "--out", base / "refused", "--templates", templates]


TOO_LONG = "Your gut and your brain talk all day long. " * 5 + "Here is how."


def too_long_render(base: Path) -> list[str | Path]:
    """The seed article with an X post that cannot fit once the link and disclaimer are added."""
    source = base / "long-source"
    shutil.copytree(SOURCE, source)
    article = source / SEED.name
    lines = article.read_text().splitlines()
    lines.insert(lines.index("social:") + 1, f"  x: {TOO_LONG}")
    article.write_text("\n".join(lines) + "\n")
    return ["render", article, "--only", "social", "--out", base / "long", "--source-dir", source]


def sendable(base: Path) -> tuple[Path, Path]:
    """The seed newsletter published (plain pipeline, email only) with a complete site.yaml."""
    from distribution.test_sending import real_source

    from channels.pipeline.build import publish as build
    from channels.pipeline.plan import gather
    from channels.pipeline.project import Project
    from channels.pipeline.writer import Writer

    source = real_source(base / "source")
    plan = gather(Project(source, TEMPLATES), [source / SEED.name], ("email",), base / "out")
    with Writer(base / "out") as writer:
        [verdict] = build(plan, writer)
    assert verdict.status == "published", verdict.problems
    return base / "out", source


def test_gate_refusal_is_one_line_without_prefect_log_or_traceback(runs):
    done = runs["refused"]
    assert done.returncode == 1
    report = done.stderr.rsplit("see ", 1)[-1].strip()
    assert Path(report).is_file()
    assert done.stderr == (
        f"publish: error: {SEED}: refused, nothing published: web: the full "
        "'not-medical-advice' disclaimer (v1) is missing from main (the text witness) "
        f"(and 3 more problems); see {report}\n")
    assert not (runs["base"] / "refused" / "gut-brain-axis").exists()


def test_a_post_too_long_is_one_line(runs):
    done = runs["too-long"]
    article = runs["base"] / "long-source" / SEED.name
    at = article.read_text().splitlines().index(f"  x: {TOO_LONG}") + 1
    over = len(TOO_LONG) + 125 - 280
    assert done.returncode == 2
    assert done.stderr == (
        f"publish: error: {article}:{at}: social: the X post is {over} over the limit of "
        "280 weighted characters once the link and disclaimer are added "
        f"(shorten social.x by at least {over} weighted characters)\n")


def test_a_failed_send_is_one_line(runs):
    done = runs["send"]
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == ("publish: error: the test message to nobody@example.org was not "
                           "accepted: 550 5.1.1 No such mailbox "
                           "(check SMTP_HOST and the credentials)\n")


def test_an_unexpected_error_is_one_line_and_debug_shows_the_traceback(monkeypatch, capsys):
    from flows import cli
    from flows.cli import log

    def broken(args):
        raise RuntimeError("driver closed\nsecond line of detail")

    monkeypatch.setattr(log, "run", broken)
    assert cli.main(["log"]) == 3
    assert capsys.readouterr().err == ("publish: error: unexpected RuntimeError: driver closed "
                                       "(a defect: run again with --debug and report the "
                                       "traceback)\n")
    with pytest.raises(RuntimeError, match="driver closed"):
        cli.main(["--debug", "log"])
