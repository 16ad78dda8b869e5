"""A real PostgreSQL for the mailing-list tests: Debian's server, started once per session.

Registered for every test by ``pytest_plugins`` in tests/conftest.py.

The cluster lives in a temporary folder, listens on a free loopback port only, and is
stopped at the end; each test gets a database of its own.  As root, the server runs as
the ``postgres`` user (PostgreSQL refuses to run as root).
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from smtp_server import free_port


def _pg_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise RuntimeError("PostgreSQL is not installed: apt-get install postgresql (see .ci/run)")
    return Path(found[-1]).parent


def _as_owner(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.getuid() == 0 else command


@contextlib.contextmanager
def running_postgres() -> Iterator[str]:
    """A throwaway server; yields its base URL, e.g. postgresql+psycopg://pmh@127.0.0.1:5544."""
    bin_dir, port = _pg_bin(), free_port()
    home = Path(tempfile.mkdtemp(prefix="pmh-pg-"))
    if os.getuid() == 0:
        shutil.chown(home, "postgres", "postgres")
    data = home / "data"
    run = {"check": True, "capture_output": True, "timeout": 120}
    subprocess.run(_as_owner([str(bin_dir / "initdb"), "-D", str(data), "-U", "pmh",
                              "--auth=trust", "-E", "UTF8", "--locale=C"]), **run)
    options = (f"-p {port} -k {home} -c listen_addresses=127.0.0.1 -c fsync=off "
               "-c synchronous_commit=off -c full_page_writes=off")
    subprocess.run(_as_owner([str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(home / "log"),
                              "-o", options, "-w", "start"]), **run)
    try:
        yield f"postgresql+psycopg://pmh@127.0.0.1:{port}"
    finally:
        subprocess.run(_as_owner([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate",
                                  "stop"]), capture_output=True, timeout=60)
        shutil.rmtree(home, ignore_errors=True)


def create_database(server: str, name: str) -> str:
    """A new empty database on ``server``; its URL."""
    dsn = server.replace("postgresql+psycopg://", "postgresql://") + "/postgres"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return f"{server}/{name}"


@pytest.fixture(scope="session")
def postgres() -> Iterator[str]:
    """The session's server, started on first use."""
    try:
        with running_postgres() as url:
            yield url
    except RuntimeError as exc:
        pytest.fail(str(exc))


_numbers = itertools.count()


@pytest.fixture()
def pg_url(postgres: str) -> str:
    """A fresh, empty database on the session's server."""
    return create_database(postgres, f"list_{os.getpid()}_{next(_numbers)}")


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db(request, tmp_path) -> str:
    """The store on each engine: a SQLite file, then a PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "list.sqlite3")
    return request.getfixturevalue("pg_url")
