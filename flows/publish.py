"""The publish flow: the plain pipeline, with one Prefect task per article in worker processes."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import as_completed
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner

from channels.approval.summary import sign_off_markdown
from channels.errors import GateRefused, InputError
from channels.pipeline import build
from channels.pipeline.plan import Plan, Verdict
from channels.pipeline.report import artifact_tables
from channels.pipeline.steps import Built
from channels.pipeline.writer import Writer
from flows import progress
from flows.pool import Workers, remote_build, unwrap

# The gathered plan of the run ``publish_plan`` starts.  Not a flow parameter: Prefect
# sends parameters to its API and, on Dask, with every task's context; the plan (every
# article's text) would be ~1 MB at 100 articles, each time.  The flow's parameters are
# the article paths, for the UI.
_PLAN: ContextVar[Plan] = ContextVar("publish_plan")


def publish_plan(plan: Plan, out_dir: Path, workers: int = 1,
                 dask: str | None = None) -> list[Verdict]:
    """Run the ``publish`` flow on ``plan``: worker processes here, or the Dask cluster at
    ``dask``."""
    token = _PLAN.set(plan)
    try:
        flow_run = publish.with_options(task_runner=runner(workers, len(plan.jobs), dask))
        return flow_run(list(plan.order), out_dir, workers=workers, dask=bool(dask))
    finally:
        _PLAN.reset(token)


def _current_plan() -> Plan:
    # A function, not the variable in the flow's body: on Dask the flow function travels
    # by value with each task's context, and a ContextVar cannot be pickled.
    return _PLAN.get()


@flow(name="publish", task_runner=ThreadPoolTaskRunner(max_workers=1), log_prints=False,
      validate_parameters=False)
def publish(articles: list[str], out_dir: Path, workers: int = 1,
            dask: bool = False) -> list[Verdict]:
    """Publish the gathered plan of ``articles`` into ``out_dir``; raise at the end if any
    was refused.  Started by ``publish_plan``, which holds the plan.

    With ``dask`` (the task runner is then a ``DaskTaskRunner``) each article is rendered
    and checked on a Dask worker, which returns the files; this process, the one writer of
    ``out_dir``, promotes them.
    """
    plan = _current_plan()
    started = time.monotonic()
    # One article renders right here (no pool to start); more go to worker processes, even
    # with one worker: there WeasyPrint runs in a main thread, under a cheap timer signal.
    count = min(workers, len(plan.jobs)) if len(plan.jobs) > 1 and not dask else 0
    with (Workers(count) as pool, Writer(out_dir) as writer,
          progress.bar(len(plan.order)) as advance):

        def report(verdict: Verdict) -> None:
            progress.line(verdict, out_dir)
            advance(verdict)

        results = build.publish(plan, writer, _on_tasks(pool, dask), report)
    # The compliance table on the flow run, as output/report.html has it.
    for key, rows in artifact_tables(out_dir).items():
        create_table_artifact(
            table=rows, key=key, description=f"{key}: every published output × disclaimer"
        )
    _sign_off_artifacts(plan, results, out_dir)
    progress.summary(results, time.monotonic() - started)
    # Raise at the end, so the run is marked failed when anything was refused.
    raise_for(results)
    return results


def _sign_off_artifacts(plan: Plan, results: list[Verdict], out_dir: Path) -> None:
    """Per article: the gate's verdict, its approvals, and what awaits whom."""
    for verdict in results:
        awaiting = verdict.status == "awaiting"
        folder = Path(verdict.report_dir) if awaiting else out_dir / verdict.slug
        create_markdown_artifact(
            key=f"sign-off-{verdict.slug}", description=f"{verdict.slug}: gate and approvals",
            markdown=sign_off_markdown(verdict.slug, verdict.status, verdict.problems, folder,
                                       plan.project.source_dir, plan.settings.approval))


def _on_tasks(pool: Workers, dask: bool) -> build.BuildEach:
    """``build_each`` for the pipeline: one task per article, results as they finish.

    Outputs are reused by our own content hash (``channels/pipeline/incremental.py``),
    not cached by Prefect.  One task per article, not per channel: a task costs about
    10 ms of orchestration and a channel renders in 10-250 ms.
    """
    # On Dask the task body is a plain function of plain data (no pool to pickle), and a
    # user-facing error comes back as data, raised here as the same error.
    body = remote_build if dask else pool.build
    build_task = task(body, name="build", task_run_name="build-{job.article.slug}",
                      cache_policy=NO_CACHE)

    def build_each(plan: Plan) -> Iterator[Built]:
        futures = [build_task.submit(job, plan.settings, plan.project, plan.channels)
                   for job in plan.jobs]
        for future in as_completed(futures):
            yield unwrap(future.result())

    return build_each


def runner(workers: int, articles: int, dask: str | None = None) -> TaskRunner[Any]:
    """One thread per worker process (the threads only wait on the processes), or the
    Dask cluster at ``dask`` (``tcp://host:port``)."""
    if dask:
        from prefect_dask import DaskTaskRunner

        return DaskTaskRunner(address=dask)
    return ThreadPoolTaskRunner(max_workers=max(1, min(workers, articles)))


def raise_for(verdicts: list[Verdict]) -> None:
    """Turn refused or failed articles into the error the CLI reports."""
    failed = [v for v in verdicts if v.status == "failed"]
    refused = [v for v in verdicts if v.status == "refused"]
    if failed:
        raise InputError("", failed[0].problems[0])
    if refused:
        first = refused[0]
        more = sum(len(v.problems) for v in refused) - 1
        extra = f" (and {more} more problem{'s' * (more != 1)})" if more else ""
        raise GateRefused(
            f"{first.path}: refused, nothing published: {first.problems[0]}{extra}; "
            f"see {first.report_dir}/compliance.json"
        )
