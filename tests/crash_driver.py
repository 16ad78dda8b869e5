"""Publish through the plain pipeline in a forked child per request (for test_crash).

Imports happen once, here; each request line ``SOURCE OUT`` forks a child that
publishes, prints the child's pid at once and ``done <status>`` when it has ended,
so the test can SIGKILL the child at any moment without paying for imports.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from channels.pipeline.build import publish as publish_plan
from channels.pipeline.plan import gather
from channels.pipeline.project import Project
from channels.pipeline.writer import Writer

ROOT = Path(__file__).resolve().parents[1]
PROJECT = Project(ROOT / "source", ROOT / "templates")
CHANNELS = ("email", "social", "web")  # the PDF adds time, not new ways to publish


def publish(source: Path, out: Path) -> None:
    plan = gather(PROJECT, [source], CHANNELS, out, force=True)
    with Writer(out) as writer:
        [verdict] = publish_plan(plan, writer)
    assert verdict.status in ("published", "unchanged"), verdict


def serve() -> None:
    for line in sys.stdin:
        source, out = line.split()
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                publish(Path(source), Path(out))
                code = 0
            finally:
                os._exit(code)
        print(pid, flush=True)
        _, status = os.waitpid(pid, 0)
        print(f"done {status}", flush=True)


if __name__ == "__main__":
    serve()
