"""A reusable local Prefect server: started once on 127.0.0.1, detached, reused by later runs.

Like Gradle's daemon: the first ``publish render`` starts ``prefect server start`` in its
own session (so a killed or finished CLI never takes it down), records its pid, port and
log in ``.cache/prefect-server/server.json``, and every later run talks to it through
``PREFECT_API_URL``. ``publish server status|stop`` reports and ends it. It listens on
loopback only and keeps its own database under the same folder.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from channels.errors import InputError

HOST = "127.0.0.1"
START_TIMEOUT_S = 300  # a busy 2-core machine took over 120 s
EMBEDDED = "embedded"  # PUBLISH_SERVER=embedded: Prefect's per-process server, as in the tests


@dataclass(frozen=True)
class Server:
    """A running server: its process (group leader), port and log file."""

    pid: int
    port: int
    log: str

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.url}/api"


def home() -> Path:
    """The server's folder: ``$PUBLISH_SERVER_DIR``, else ``.cache/prefect-server``."""
    return Path(os.environ.get("PUBLISH_SERVER_DIR") or ".cache/prefect-server").resolve()


def use_server() -> None:
    """Point this process's Prefect at the reusable server, starting it if needed.

    Does nothing when ``PREFECT_API_URL`` is already set (a server of your own) or when
    ``PUBLISH_SERVER=embedded``. Call before Prefect is imported.
    """
    if os.environ.get("PREFECT_API_URL") or os.environ.get("PUBLISH_SERVER") == EMBEDDED:
        return
    os.environ["PREFECT_API_URL"] = ensure().api_url


def ensure() -> Server:
    """The running server, started now if none answers; one starter at a time."""
    with _locked():
        server = status()
        if server is None:
            server = _start()
    if not _wait_healthy(server, START_TIMEOUT_S):
        raise InputError(str(_state_file()), f"the Prefect server did not start within "
                         f"{START_TIMEOUT_S} s", f"see its log {server.log}, or run "
                         "'publish server stop' and try again")
    return server


def status() -> Server | None:
    """The recorded server if its process is still alive, else None (stale records removed)."""
    try:
        server = Server(**json.loads(_state_file().read_text()))
    except (OSError, ValueError, TypeError):
        return None
    if not _alive(server.pid) or not _is_server(server.pid):
        _state_file().unlink(missing_ok=True)
        return None
    return server


def stop() -> Server | None:
    """End the recorded server's whole process group; the server that was stopped, if any."""
    with _locked():
        server = status()
        if server is None:
            return None
        _signal_group(server.pid, signal.SIGTERM)
        if not _wait_gone(server.pid, 15):
            _signal_group(server.pid, signal.SIGKILL)
            _wait_gone(server.pid, 5)
        _state_file().unlink(missing_ok=True)
    return server


def healthy(server: Server) -> bool:
    """True when the API answers its health check."""
    try:
        with urllib.request.urlopen(f"{server.api_url}/health", timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def _start() -> Server:
    folder = home()
    folder.mkdir(parents=True, exist_ok=True)
    port, log = _free_port(), folder / "server.log"
    env = {**os.environ, "PREFECT_HOME": str(folder / "home"),
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"}
    env.pop("PREFECT_API_URL", None)
    with log.open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "prefect", "server", "start", "--host", HOST,
             "--port", str(port)],
            stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, env=env,
            start_new_session=True, close_fds=True,
        )
    server = Server(process.pid, port, str(log))
    # Recorded before it is ready: a run killed while waiting leaves a known server behind.
    _state_file().write_text(json.dumps(asdict(server)))
    return server


def _wait_healthy(server: Server, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if healthy(server):
            return True
        if not _alive(server.pid):
            return False
        time.sleep(0.2)
    return False


def _wait_gone(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while _alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def _alive(pid: int) -> bool:
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # reap it if this process started it
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _is_server(pid: int) -> bool:
    """The pid is still a Prefect server (not a process that got the number later)."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return True  # no /proc: trust the pid
    return b"prefect\x00server\x00start" in command


def _signal_group(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, sig)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def _state_file() -> Path:
    return home() / "server.json"


@contextlib.contextmanager
def _locked() -> Iterator[None]:
    """One process at a time starts or stops the server (released by the kernel if killed)."""
    home().mkdir(parents=True, exist_ok=True)
    with (home() / "server.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield
