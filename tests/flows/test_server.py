"""The reusable local Prefect server: started once, reused, stopped; a killed run leaves nothing.

Real processes throughout: ``publish`` subprocesses, a real ``prefect server start``, and
the server's own API as the witness of which runs it recorded.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import SEED, SOURCE, TEMPLATES

PUBLISH = str(Path(sys.executable).parent / "publish")


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    folder = tmp_path_factory.mktemp("server")
    environ = {k: v for k, v in os.environ.items()
               if k not in ("PUBLISH_SERVER", "PREFECT_API_URL", "PREFECT_HOME")}
    environ["PUBLISH_SERVER_DIR"] = str(folder)
    yield environ
    subprocess.run([PUBLISH, "server", "stop"], env=environ, capture_output=True, timeout=60)


def publish(env, *args, timeout=600):
    return subprocess.run([PUBLISH, *map(str, args)], env=env, capture_output=True,
                          text=True, timeout=timeout)


def record(env):
    return json.loads((Path(env["PUBLISH_SERVER_DIR"]) / "server.json").read_text())


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat").read_text()
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def descendants(pid):
    found, todo = set(), [pid]
    while todo:
        for task in Path(f"/proc/{todo.pop()}/task").glob("*"):
            children = (task / "children").read_text().split() if task.exists() else []
            todo += [int(c) for c in children if int(c) not in found]
            found.update(int(c) for c in children)
    return found


def flow_runs(server):
    request = urllib.request.Request(
        f"http://127.0.0.1:{server['port']}/api/flow_runs/count", data=b"{}",
        headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        return int(response.read())


def listening_addresses(port):
    """Local addresses with a socket listening on ``port``, from the kernel's table."""
    rows = Path("/proc/net/tcp").read_text().splitlines()[1:]
    rows += Path("/proc/net/tcp6").read_text().splitlines()[1:]
    found = set()
    for row in rows:
        local, state = row.split()[1], row.split()[3]
        address, hex_port = local.split(":")
        if state == "0A" and int(hex_port, 16) == port:
            found.add(address)
    return found


def test_render_starts_one_server_on_loopback_and_reuses_it(env, tmp_path):
    assert publish(env, "server", "status").stdout.startswith("no server running")
    first = publish(env, "render", SEED, "--out", tmp_path / "a", "--only", "social")
    assert first.returncode == 0, first.stderr
    server = record(env)
    assert alive(server["pid"])
    assert listening_addresses(server["port"]) == {"0100007F"}  # 127.0.0.1 and nothing else
    assert flow_runs(server) == 1
    status = publish(env, "server", "status").stdout
    assert status == (f"up: Prefect UI at http://127.0.0.1:{server['port']}/ (port "
                      f"{server['port']}, pid {server['pid']}, log {server['log']})\n")
    with urllib.request.urlopen(f"http://127.0.0.1:{server['port']}/", timeout=10) as page:
        assert b"<html" in page.read().lower()  # the Prefect UI at the printed address
    again = publish(env, "render", SEED, "--out", tmp_path / "b", "--only", "social")
    assert again.returncode == 0, again.stderr
    assert record(env) == server and flow_runs(server) == 2


def test_a_killed_run_leaves_no_process_behind_and_the_server_serves_on(env, tmp_path):
    source = tmp_path / "source"
    shutil.copytree(SOURCE, source)
    for n in range(3):
        (source / f"copy-{n}.md").write_text(SEED.read_text().replace(
            "title: \"", f"title: \"Copy {n}: ", 1))
    server = record(env)
    run = subprocess.Popen([PUBLISH, "render", "--out", tmp_path / "out", "--source-dir",
                            source, "--templates", TEMPLATES, "--workers", "2"], env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seen: set[int] = set()
    deadline = time.monotonic() + 300
    while len(seen) < 2 and time.monotonic() < deadline and run.poll() is None:
        seen |= descendants(run.pid)
        time.sleep(0.2)
    assert len(seen) >= 2, "the run never started its worker processes"
    seen |= descendants(run.pid)
    run.send_signal(signal.SIGKILL)
    run.wait()
    deadline = time.monotonic() + 60
    while any(alive(pid) for pid in seen) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert [pid for pid in seen if alive(pid)] == []
    assert server["pid"] not in seen and alive(server["pid"]) and record(env) == server


def test_schedule_commands_use_the_same_server_with_nothing_exported(env):
    server = record(env)
    listed = publish(env, "schedule", "list")
    assert (listed.returncode, listed.stdout) == (0, "no scheduled sends\n"), listed.stderr
    assert record(env) == server  # the running one, not a second


def test_stop_ends_the_server_and_its_port(env, tmp_path):
    server = record(env)
    stopped = publish(env, "server", "stop")
    assert stopped.stdout == (f"stopped the server on http://127.0.0.1:{server['port']} "
                              f"(pid {server['pid']})\n")
    assert not alive(server["pid"]) and listening_addresses(server["port"]) == set()
    assert publish(env, "server", "status").stdout.startswith("no server running")
    assert publish(env, "server", "stop").stdout == "no server running\n"
