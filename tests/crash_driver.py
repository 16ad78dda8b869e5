"""Publish through the plain pipeline in a forked child per request (for test_crash).

Imports happen once, here; each request line ``SOURCE OUT`` forks a child that
publishes, prints the child's pid at once and ``done <status>`` when it has ended,
so the test can SIGKILL the child at any moment without paying for imports.

Each source is rendered and checked once, in a spawned helper process (the gate's
browser lives there, never in this forking process); the forked children run the rest
of the pipeline on those results: promotion, site files, report: the part a kill can spoil.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from channels.pipeline.build import publish as publish_plan
from channels.pipeline.plan import Plan, gather
from channels.pipeline.project import Project
from channels.pipeline.steps import Built, build_article
from channels.pipeline.writer import Writer

ROOT = Path(__file__).resolve().parents[1]
PROJECT = Project(ROOT / "source", ROOT / "templates")
CHANNELS = ("email", "social", "web")  # the PDF adds time, not new ways to publish
_BUILT: dict[str, tuple[Plan, list[Built]]] = {}


def prepared(source: Path, out: Path) -> tuple[Plan, list[Built]]:
    """The plan and its rendered, checked articles, made once per source."""
    if str(source) not in _BUILT:
        plan = gather(PROJECT, [source], CHANNELS, out, force=True)
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
            builds = [pool.submit(build_article, job, plan.settings, plan.project,
                                  plan.channels).result() for job in plan.jobs]
        _BUILT[str(source)] = (plan, builds)
    return _BUILT[str(source)]


def publish(plan: Plan, builds: list[Built], out: Path) -> None:
    with Writer(out) as writer:
        [verdict] = publish_plan(plan, writer, build_each=lambda _: builds)
    assert verdict.status in ("published", "unchanged"), verdict


def serve() -> None:
    for line in sys.stdin:
        source, out = line.split()
        plan, builds = prepared(Path(source), Path(out))
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                publish(plan, builds, Path(out))
                code = 0
            finally:
                os._exit(code)
        print(pid, flush=True)
        _, status = os.waitpid(pid, 0)
        print(f"done {status}", flush=True)


if __name__ == "__main__":
    serve()
