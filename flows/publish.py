"""The publish flow: hash → render, check and promote what changed (in processes) → report."""

from __future__ import annotations

import time
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.futures import as_completed
from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner, ThreadPoolTaskRunner

from channels import build
from channels.errors import GateRefused, InputError
from flows import progress

# Outputs are reused by our own content hash (channels/incremental.py), not cached by
# Prefect.  One task per article, not per channel: a task costs about 10 ms of
# orchestration and a channel renders in 10-250 ms, so larger tasks keep the overhead small.
build_article = task(build.build_article, name="build", task_run_name="build-{path.stem}",
                     cache_policy=NO_CACHE)
assets = task(build.write_site_assets, name="site-assets", cache_policy=NO_CACHE)


@flow(name="publish", task_runner=ThreadPoolTaskRunner(max_workers=1), log_prints=False)
def publish(paths: list[Path], out_dir: Path, channels: tuple[str, ...],
            project: build.Project, force: bool = False) -> list[build.Verdict]:
    """Publish every article in ``paths``; raise at the end if any was refused."""
    started = time.monotonic()
    # 1. Load settings once; hash every article's inputs; keep what is already built.
    settings = build.load_settings(project)
    shared = build.shared_for(project, settings, channels)
    plans = [build.plan(path, settings, shared, out_dir) for path in paths]
    verdicts = {p.path: p.reused for p in plans if p.reused and not force}
    for verdict in verdicts.values():
        progress.line(verdict, out_dir)
    # 2. Render, check and promote every other article: one task each, run concurrently.
    todo = [p for p in plans if p.path not in verdicts]
    futures = {build_article.submit(p.path, settings, project, channels, out_dir, p.fp): p.path
               for p in todo}
    with progress.bar(len(paths), done=len(verdicts)) as advance:
        for future in as_completed(list(futures)):
            verdict = future.result()
            verdicts[futures[future]] = verdict
            progress.line(verdict, out_dir)
            advance(verdict)
    results = [verdicts[path] for path in paths]
    if "web" in channels:
        assets(project, out_dir)  # called, not submitted: no worker process for a file copy
    # 3. Summarize, then raise at the end so the run is marked failed when anything was refused.
    progress.summary(results, time.monotonic() - started)
    raise_for(results)
    return results


def runner(workers: int, articles: int) -> TaskRunner:
    """Processes for WeasyPrint (not thread-safe); no pool to start for a single article."""
    workers = max(1, min(workers, articles))
    if workers == 1:
        return ThreadPoolTaskRunner(max_workers=1)
    return ProcessPoolTaskRunner(max_workers=workers, initializer=_warm_up)


def _warm_up() -> None:
    # Each worker pays for its imports once, in parallel, before its first article.
    import channels.registry  # noqa: F401


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
        raise GateRefused(f"{first.path}: refused, nothing published: {first.problems[0]}{extra}; "
                          f"see {first.report_dir}/compliance.json")
