"""The publish flow: load → render (concurrently) → extract and check → report → promote."""

from __future__ import annotations

from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ThreadPoolTaskRunner

from channels import build
from channels.errors import GateRefused, InputError

# Outputs are checked and promoted by content hash, not cached by Prefect.
prepare = task(build.prepare, name="prepare", task_run_name="prepare-{path.stem}",
               cache_policy=NO_CACHE)
render = task(build.render_channel, name="render",
              task_run_name="render-{name}-{prepared.article.slug}", cache_policy=NO_CACHE)
check = task(build.check_channel, name="check",
             task_run_name="check-{rendered.channel}-{prepared.article.slug}", cache_policy=NO_CACHE)
finalize = task(build.finalize, name="promote", task_run_name="promote-{prepared.article.slug}",
                cache_policy=NO_CACHE)
assets = task(build.write_site_assets, name="site-assets", cache_policy=NO_CACHE)


@flow(name="publish", task_runner=ThreadPoolTaskRunner(max_workers=4), log_prints=False)
def publish(paths: list[Path], out_dir: Path, channels: tuple[str, ...],
            project: build.Project) -> list[build.Verdict]:
    """Publish every article in ``paths``; raise at the end if any was refused."""
    # 1. Load settings once; load and convert every article.
    settings = build.load_settings(project)
    prepared = [prepare.submit(path, settings, project) for path in paths]
    # 2. Render every channel of every article concurrently.
    rendered = {(i, name): render.submit(p, name) for i, p in enumerate(prepared) for name in channels}
    # 3. Read the text back out of each artifact and check the disclaimers.
    checked = {key: check.submit(prepared[key[0]], future) for key, future in rendered.items()}
    # 4. Report and promote each article whose every channel passed.
    partial = set(channels) != set(build.CHANNEL_NAMES)
    verdicts = [
        finalize.submit(p, [checked[(i, name)] for name in channels], out_dir, partial)
        for i, p in enumerate(prepared)
    ]
    results = [v.result() for v in verdicts]
    if "web" in channels:
        assets.submit(project, out_dir).result()
    # 5. Raise at the end so the run is marked failed when anything was refused.
    raise_for(results)
    return results


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
