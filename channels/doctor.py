"""What is set up here for publishing and sending, and the command that fixes the rest."""

from __future__ import annotations

import importlib.metadata as metadata
import os
import re
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from channels import machine

DISTRIBUTION = "pmh-publish"
SETUP = "make publish"


@dataclass(frozen=True)
class Check:
    """One line of ``publish doctor``: ``ok`` is None for what only sending needs."""

    name: str
    ok: bool | None
    detail: str
    fix: str = ""


def python_packages() -> list[Check]:
    """Every dependency of pmh-publish (and its test extra), installed or not."""
    checks = []
    for extra in ("", "test"):
        names = _requirements(extra)
        absent = [n for n in names if not _installed(n)]
        label = "Python packages" + (" for tests" if extra else "")
        fix = "make test" if extra else SETUP
        checks.append(Check(label, not absent, f"{len(names) - len(absent)} of {len(names)}"
                            + (f"; missing {', '.join(absent)}" if absent else ""), fix))
    return checks


def _requirements(extra: str) -> list[str]:
    found = []
    for line in metadata.requires(DISTRIBUTION) or []:
        name, _, marker = line.partition(";")
        if ("extra ==" in marker) == bool(extra):
            found.append(re.split(r"[<>=!~\[ ]", name.strip(), maxsplit=1)[0])
    return found


def _installed(name: str) -> bool:
    try:
        metadata.version(name)
    except metadata.PackageNotFoundError:
        return False
    return True


def system_packages() -> list[Check]:
    """The Debian packages of ``system-packages.txt``, for publishing and for tests."""
    listed, root = machine.read_list(), os.geteuid() == 0
    checks = []
    for scope, label in (("publish", "system packages"), ("test", "system packages for tests")):
        wanted = [p for p in listed if p.needed_by == scope]
        absent = [p.name for p in machine.missing(wanted)]
        detail = f"{len(wanted) - len(absent)} of {len(wanted)}" + (
            f"; missing {', '.join(absent)}" if absent else "")
        checks.append(Check(label, not absent, detail, machine.install_command(absent, root)))
    return checks


def fonts(templates: Path) -> Check:
    """The shipped fonts every output uses (never the machine's)."""
    files = sorted((templates / "fonts").glob("*.woff2"))
    return Check("fonts", bool(files), f"{len(files)} files in {templates / 'fonts'}",
                 "git checkout -- templates/fonts")


def prefect_server(env: Mapping[str, str]) -> Check:
    """A running server (``PREFECT_API_URL``), or the embedded one each run starts."""
    url = env.get("PREFECT_API_URL", "")
    if not url:
        return Check("Prefect", True, "embedded server, started by each run (about 10 s); "
                     "for many runs start one, see README 'Scale-out'")
    try:
        with urllib.request.urlopen(f"{url.rstrip('/')}/health", timeout=3) as reply:
            answered = reply.status == 200
    except (OSError, ValueError):
        answered = False
    return Check("Prefect", answered, f"server at {url}" + ("" if answered else " not answering"),
                 "prefect server start --host 127.0.0.1 --port 4200, or unset PREFECT_API_URL")


def sending(env: Mapping[str, str]) -> list[Check]:
    """Settings only ``publish send`` needs; never shows a secret's value."""
    smtp = [k for k in ("SMTP_HOST", "SMTP_PORT", "SMTP_SECURITY", "SMTP_USER", "SMTP_PASSWORD")
            if env.get(k)]
    key = len(env.get("PUBLISH_SIGNING_KEY", ""))
    return [
        Check("SMTP settings", True if "SMTP_HOST" in smtp else None,
              "set: " + ", ".join(smtp) if smtp else "not set (needed only to send)",
              "export SMTP_HOST=… SMTP_PORT=587 SMTP_SECURITY=starttls SMTP_USER=… "
              "SMTP_PASSWORD=…"),
        Check("signing key", True if key >= 16 else None,
              "PUBLISH_SIGNING_KEY set" if key >= 16 else
              "PUBLISH_SIGNING_KEY not set or under 16 characters (needed only to send)",
              "export PUBLISH_SIGNING_KEY=$(python3 -c 'import secrets; "
              "print(secrets.token_urlsafe(32))')"),
    ]


def diagnose(templates: Path, env: Mapping[str, str] = os.environ) -> list[Check]:
    """Every check, in the order a new user sets things up."""
    return [*python_packages(), *system_packages(), fonts(templates), prefect_server(env),
            *sending(env)]
