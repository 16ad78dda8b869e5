"""The publish flow: hash → render, check and promote what changed (in processes) → report."""

from __future__ import annotations

import time
from pathlib import Path

from prefect import flow, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import as_completed
from prefect.task_runners import ThreadPoolTaskRunner

from channels import build, report
from channels.errors import GateRefused, InputError
from flows import pool, progress


# Outputs are reused by our own content hash (channels/incremental.py), not cached by
# Prefect.  One task per article, not per channel: a task costs about 10 ms of
# orchestration and a channel renders in 10-250 ms, so larger tasks keep the overhead small.
@task(name="build", task_run_name="build-{path.stem}", cache_policy=NO_CACHE)
def build_article(
    path: Path,
    settings: build.Settings,
    project: build.Project,
    channels: tuple[str, ...],
    out_dir: Path,
    fp: build.Fingerprint,
) -> build.Verdict:
    """Render, check and promote one article in a worker process (WeasyPrint is not thread-safe)."""
    return pool.run(build.build_article, path, settings, project, channels, out_dir, fp)


site_files = task(build.write_site_files, name="site-files", cache_policy=NO_CACHE)


@flow(name="publish", task_runner=ThreadPoolTaskRunner(max_workers=1), log_prints=False)
def publish(
    paths: list[Path],
    out_dir: Path,
    channels: tuple[str, ...],
    project: build.Project,
    force: bool = False,
    workers: int = 1,
) -> list[build.Verdict]:
    """Publish every article in ``paths``; raise at the end if any was refused."""
    started = time.monotonic()
    # 1. Load settings once; hash every article's inputs; keep what is already built.
    settings = build.load_settings(project)
    shared = build.shared_for(project, settings, channels)
    plans = [
        build.plan(path, settings, shared, out_dir, project.max_source_bytes) for path in paths
    ]
    verdicts = {p.path: p.reused for p in plans if p.reused and not force}
    for verdict in verdicts.values():
        progress.line(verdict, out_dir)
    # 2. Render, check and promote every other article: one task each, run concurrently.
    todo = [p for p in plans if p.path not in verdicts]
    # One article renders right here (no pool to start); more go to worker processes, even
    # with one worker: there WeasyPrint runs in a main thread, under a cheap timer signal.
    with (
        pool.processes(min(workers, len(todo)) if len(todo) > 1 else 0),
        progress.bar(len(paths), done=len(verdicts)) as advance,
    ):
        futures = {
            build_article.submit(p.path, settings, project, channels, out_dir, p.fp): p.path
            for p in todo
        }
        for future in as_completed(list(futures)):
            verdict = future.result()
            verdicts[futures[future]] = verdict
            progress.line(verdict, out_dir)
            advance(verdict)
    results = [verdicts[path] for path in paths]
    # Site files only when something is published: a refused run leaves output/ as it was.
    if any(v.status not in ("refused", "failed") for v in results):
        site_files(project, out_dir, channels)  # called, not submitted: file copies only
    # 3. Report: the compliance table on the flow run, as output/report.html has it.
    for key, rows in report.artifact_tables(out_dir).items():
        create_table_artifact(
            table=rows, key=key, description=f"{key}: every published output × disclaimer"
        )
    # 4. Summarize, then raise at the end so the run is marked failed when anything was refused.
    progress.summary(results, time.monotonic() - started)
    raise_for(results)
    return results


def runner(workers: int, articles: int) -> ThreadPoolTaskRunner:
    """One thread per worker process: the threads only wait on the processes."""
    return ThreadPoolTaskRunner(max_workers=max(1, min(workers, articles)))


def raise_for(verdicts: list[build.Verdict]) -> None:
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
