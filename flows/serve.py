"""Serve the publish flow on a schedule, or deploy it to a process work pool.

``python -m flows.serve`` serves it from this process (``flow.serve``);
``python -m flows.serve --pool NAME`` registers a deployment that a
``prefect worker start --pool NAME`` runs.  Both need ``PREFECT_API_URL`` (see README).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from prefect import flow

from channels import registry
from channels.pipeline.plan import gather
from channels.pipeline.project import Project
from flows.publish import publish_plan

ROOT = Path(__file__).resolve().parents[1]
NIGHTLY = "0 3 * * *"  # 03:00, when nobody is editing


@flow(name="publish-library", log_prints=True)
def publish_library(source_dir: str = "source", templates: str = "templates",
                    out: str = "output", workers: int = 2) -> dict[str, int]:
    """Publish every article of ``source_dir`` (JSON-able parameters, for schedules and the UI)."""
    project = Project(Path(source_dir), Path(templates))
    plan = gather(project, project.articles(), registry.names(), Path(out))
    verdicts = publish_plan(plan, Path(out), workers)
    return {status: sum(v.status == status for v in verdicts) for status in
            ("published", "unchanged", "reused")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cron", default=NIGHTLY, help=f"schedule (default: '{NIGHTLY}')")
    parser.add_argument("--pool", help="deploy to this process work pool instead of serving")
    args = parser.parse_args()
    parameters = {"source_dir": str(ROOT / "source"), "templates": str(ROOT / "templates"),
                  "out": str(ROOT / "output")}
    if args.pool:
        deployable = publish_library.from_source(source=str(ROOT),
                                                 entrypoint="flows/serve.py:publish_library")
        deployable.deploy(name="nightly", work_pool_name=args.pool, cron=args.cron,
                          parameters=parameters)
    else:
        publish_library.serve(name="nightly", cron=args.cron, parameters=parameters)


if __name__ == "__main__":
    main()
