"""The Debian packages set-up, run as `make` runs it, against a fake dpkg-query and apt-get.

The real packages stay installed (other test runs share this machine): the fakes keep a
list of "installed" packages in a file, and apt-get records what it was asked.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT

from channels.machine import needed, read_list

DPKG_QUERY = """\
import sys
from pathlib import Path
installed = set(Path(__file__).with_name("installed").read_text().split())
for name in sys.argv[4:]:
    if name in installed:
        print(name, "ii ")
    else:
        print(f"dpkg-query: no packages found matching {name}", file=sys.stderr)
sys.exit(0 if installed.issuperset(sys.argv[4:]) else 1)
"""
APT_GET = """\
import sys
from pathlib import Path
here = Path(__file__).parent
with (here / "apt.log").open("a") as log:
    log.write(" ".join(sys.argv[1:]) + "\\n")
if (here / "apt-fails").exists():
    print("E: Unable to locate package chromium", file=sys.stderr)
    sys.exit(100)
if sys.argv[1] == "install":
    with (here / "installed").open("a") as db:
        db.write("\\n" + " ".join(a for a in sys.argv[2:] if not a.startswith("-")))
"""
# The machine's own Python, as `make` runs it (and one an unprivileged user may execute).
PYTHON = "/usr/bin/python3" if Path("/usr/bin/python3").exists() else sys.executable
ALL = [p.name for p in read_list()]
PUBLISH = [p.name for p in needed(read_list(), "publish")]


@pytest.fixture()
def fake() -> Iterator[Path]:
    """A PATH of only the fakes, in a folder the unprivileged user can read."""
    with tempfile.TemporaryDirectory() as folder:
        bin_dir = Path(folder)
        bin_dir.chmod(0o755)
        for name, code in (("dpkg-query", DPKG_QUERY), ("apt-get", APT_GET)):
            (bin_dir / name).write_text(f"#!{PYTHON}\n{code}")
            (bin_dir / name).chmod(0o755)
        (bin_dir / "installed").write_text("")
        yield bin_dir


def ensure(fake: Path, scope: str, *, user: bool = False) -> subprocess.CompletedProcess:
    setpriv = [shutil.which("setpriv") or "setpriv", "--reuid=65534", "--regid=65534",
               "--clear-groups"]
    prefix = setpriv if user else []
    env = {"PATH": str(fake), "PYTHONDONTWRITEBYTECODE": "1", "LANG": "C.UTF-8"}
    return subprocess.run([*prefix, PYTHON, "-m", "channels.machine", scope],
                          cwd=_readable_copy(fake) if user else ROOT,
                          env=env, capture_output=True, text=True, timeout=60)


def _readable_copy(fake: Path) -> Path:
    """The script and its list where the unprivileged user can read them (a clone in /root
    is not readable to others)."""
    copy = fake / "project"
    (copy / "channels").mkdir(parents=True)
    shutil.copy(ROOT / "channels" / "machine.py", copy / "channels" / "machine.py")
    (copy / "channels" / "__init__.py").write_text("")
    shutil.copy(ROOT / "system-packages.txt", copy / "system-packages.txt")
    for path in (copy, copy / "channels"):
        path.chmod(0o755)
    for path in (copy / "channels" / "machine.py", copy / "channels" / "__init__.py",
                 copy / "system-packages.txt"):
        path.chmod(0o644)
    return copy


def apt_log(fake: Path) -> list[str]:
    log = fake / "apt.log"
    return log.read_text().splitlines() if log.exists() else []


def test_root_installs_what_is_missing_once_then_nothing(fake):
    first = ensure(fake, "test")
    assert (first.returncode, first.stderr) == (0, "")
    assert first.stdout == ("installing system packages (once, from system-packages.txt): "
                            f"{' '.join(ALL)}\n")
    assert apt_log(fake) == ["update -qq",
                             f"install -y -qq --no-install-recommends {' '.join(ALL)}"]
    again = ensure(fake, "test")
    assert (again.returncode, again.stdout, again.stderr) == (0, "", "")
    assert len(apt_log(fake)) == 2


def test_publish_installs_only_its_own_and_skips_what_is_there(fake):
    (fake / "installed").write_text(PUBLISH[0])
    done = ensure(fake, "publish")
    assert done.returncode == 0
    assert apt_log(fake)[1] == f"install -y -qq --no-install-recommends {' '.join(PUBLISH[1:])}"
    assert "postgresql" not in done.stdout and len(PUBLISH) < len(ALL)


def test_a_command_already_on_path_stands_for_its_package(fake):
    all_but_npm = " ".join(n for n in ALL if n != "npm")
    (fake / "installed").write_text(all_but_npm)
    assert ensure(fake, "test").stdout.endswith(": npm\n")
    (fake / "installed").write_text(all_but_npm)
    (fake / "npm").write_text("#!/bin/sh\n")
    (fake / "npm").chmod(0o755)
    (fake / "apt.log").unlink()
    assert ensure(fake, "test").stdout == "" and apt_log(fake) == []


def test_without_root_it_stops_with_the_command_to_run(fake):
    if os.geteuid() != 0 or sys.executable == PYTHON:
        pytest.skip("needs root and /usr/bin/python3 to run as an unprivileged user")
    done = ensure(fake, "publish", user=True)
    assert (done.returncode, done.stdout) == (2, "")
    names = " ".join(PUBLISH)
    assert done.stderr == (f"error: missing system packages: {names} "
                           f"(run: sudo apt-get install --no-install-recommends {names})\n")
    assert apt_log(fake) == []


def test_a_failed_install_is_one_line(fake):
    (fake / "apt-fails").write_text("")
    done = ensure(fake, "publish")
    assert done.returncode == 2
    assert done.stderr == ("error: 'apt-get update -qq' failed: "
                           "E: Unable to locate package chromium\n")


def test_a_malformed_list_line_names_the_file_and_line(tmp_path):
    listing = tmp_path / "system-packages.txt"
    listing.write_text("# comment\nchromium  tests  # why\n")
    with pytest.raises(ValueError) as error:
        read_list(listing)
    assert str(error.value) == (f"{listing}:2: expected 'package publish|test "
                                "[unless-command=NAME]  # why', got 'chromium  tests  # why'")


def test_the_list_is_the_one_place_packages_are_named():
    for path in (ROOT / ".ci" / "run", ROOT / "Makefile"):
        assert "apt-get install" not in path.read_text(), path
    assert "system-packages.txt" in (ROOT / "README.md").read_text()[:800]
    assert all(p.why for p in read_list()), "every package says why"


def test_doctor_names_the_command_for_what_is_missing(fake):
    (fake / "installed").write_text(" ".join(n for n in ALL if n not in ("postgresql", "npm")))
    env = {"PATH": str(fake), "LANG": "C.UTF-8", "PUBLISH_SIGNING_KEY": ""}
    done = subprocess.run([sys.executable, "-m", "flows.cli", "doctor"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stderr) == (1, "")
    lines = done.stdout.splitlines()
    assert lines[2] == f"✓ system packages: {len(PUBLISH)} of {len(PUBLISH)}"
    tests = len(ALL) - len(PUBLISH)
    assert lines[3] == (f"✗ system packages for tests: {tests - 2} of {tests}; missing postgresql, "
                        "npm  → apt-get install --no-install-recommends postgresql npm")
    assert lines[-1].startswith("– signing key: PUBLISH_SIGNING_KEY not set")
