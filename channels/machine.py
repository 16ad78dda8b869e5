"""The Debian packages this project needs (``system-packages.txt``): what is missing, install.

Standard library only: ``make`` runs it with the machine's Python before ``.venv`` exists,
as ``python3 -m channels.machine publish|test``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

LIST = Path(__file__).resolve().parent.parent / "system-packages.txt"
SCOPES = ("publish", "test")


@dataclass(frozen=True)
class Package:
    """One line of ``system-packages.txt``."""

    name: str
    needed_by: str
    why: str
    unless_command: str = ""


def read_list(path: Path = LIST) -> list[Package]:
    """Every package line of the list; a malformed line is a one-line error naming it."""
    packages = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        text, _, why = raw.partition("#")
        fields = text.split()
        if not fields:
            continue
        unless = [f.removeprefix("unless-command=") for f in fields[2:]
                  if f.startswith("unless-command=")]
        if len(fields) != 2 + len(unless) or fields[1] not in SCOPES:
            raise ValueError(f"{path}:{number}: expected 'package publish|test "
                             f"[unless-command=NAME]  # why', got {raw.strip()!r}")
        packages.append(Package(fields[0], fields[1], why.strip(), "".join(unless)))
    return packages


def needed(packages: list[Package], scope: str) -> list[Package]:
    """The packages ``make publish`` (``publish``) or ``make test`` (``test``: all) needs."""
    return [p for p in packages if scope == "test" or p.needed_by == "publish"]


def missing(packages: list[Package]) -> list[Package]:
    """Those ``dpkg-query`` does not report installed (and whose command is not on PATH)."""
    wanted = [p for p in packages if not (p.unless_command and shutil.which(p.unless_command))]
    if not wanted:
        return []
    done = subprocess.run(["dpkg-query", "-W", "-f", "${Package} ${db:Status-Abbrev}\n",
                           *(p.name for p in wanted)], capture_output=True, text=True)
    installed = {line.split()[0] for line in done.stdout.splitlines()
                 if line.split()[1:2] == ["ii"]}
    return [p for p in wanted if p.name not in installed]


def install_command(names: list[str], root: bool) -> str:
    """The exact command a person runs to install ``names``."""
    sudo = "" if root else "sudo "
    return f"{sudo}apt-get install --no-install-recommends {' '.join(names)}"


def ensure(scope: str, path: Path = LIST) -> int:
    """Install what ``scope`` needs and is missing (root + apt-get), else name the command."""
    if shutil.which("dpkg-query") is None:
        print(f"note: not a Debian system: install the packages in {path.name} yourself")
        return 0
    names = [p.name for p in missing(needed(read_list(path), scope))]
    if not names:
        return 0
    root = os.geteuid() == 0
    if not root or shutil.which("apt-get") is None:
        print(f"error: missing system packages: {' '.join(names)} "
              f"(run: {install_command(names, root)})", file=sys.stderr)
        return 2
    print(f"installing system packages (once, from {path.name}): {' '.join(names)}", flush=True)
    return _apt_get(names)


def _apt_get(names: list[str]) -> int:
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for command in (["apt-get", "update", "-qq"],
                    ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *names]):
        done = subprocess.run(command, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True)
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["no message"])[-1]
            print(f"error: '{' '.join(command)}' failed: {last}", file=sys.stderr)
            return 2
    return 0


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0] not in SCOPES:
        print("usage: python3 -m channels.machine publish|test", file=sys.stderr)
        return 2
    try:
        return ensure(argv[0])
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
