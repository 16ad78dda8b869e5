"""The pipeline, in one function: render each channel → check each output → promote →
site files → report, for a plan that ``gather`` made.

The Prefect flow, the preview, the benchmark and the tests all call ``publish``; what
differs between them is only ``build_each``, which says where articles are rendered
and checked (here one after another, in the flow on worker processes).
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from channels import registry
from channels.approval.gatekeeper import subject_for, waiting
from channels.base import SiteInputs
from channels.pipeline.incremental import BUILD_FILE, record
from channels.pipeline.manifest import NAME as MANIFEST
from channels.pipeline.manifest import build_manifest
from channels.pipeline.plan import Plan, Verdict
from channels.pipeline.report import REPORT, load_reports, render_html
from channels.pipeline.steps import Built, build_article
from channels.pipeline.writer import Writer

BuildEach = Callable[[Plan], Iterable[Built]]
Report = Callable[[Verdict], None]


def publish(plan: Plan, writer: Writer, build_each: BuildEach | None = None,
            report: Report | None = None) -> list[Verdict]:
    """Publish every article of ``plan`` through ``writer``; one verdict per article."""
    build_each = build_each or build_serially
    report = report or (lambda verdict: None)
    # 1. Gather: done by ``gather`` (settings and articles loaded once, reuse decided).
    verdicts = {v.path: v for v in plan.reused}
    for verdict in plan.reused:
        report(verdict)
    # 2. Render each channel and 3. check each output, article by article, wherever
    #    ``build_each`` runs them; 4. promote each article as it comes back, if it passed.
    for built in build_each(plan):
        verdict = promote(built, plan, writer)
        verdicts[built.article.path] = verdict
        report(verdict)
    results = [verdicts[path] for path in plan.order]
    # 5. Site files and 6. the report, only when something is published: a refused run
    #    leaves output/ exactly as it was.
    if any(v.status not in ("refused", "failed") for v in results):
        write_site_files(plan, writer)
        writer.write(REPORT, render_html(load_reports(writer.out_dir)).encode("utf-8"))
    return results


def build_serially(plan: Plan) -> Iterator[Built]:
    """Render and check every article of ``plan`` here, one after another."""
    for job in plan.jobs:
        yield build_article(job, plan.settings, plan.project, plan.channels)


def promote(built: Built, plan: Plan, writer: Writer) -> Verdict:
    """Promote an article whose every output passed; set a refused one aside, untouched."""
    article = built.article
    files = dict(built.files)
    if plan.partial and not built.problems:
        files = _merge_with_current(writer.current(article.slug), files, plan.channels)
    files[MANIFEST] = build_manifest(files)
    if not plan.partial:
        # Last, so the build record covers every published file, the manifest included.
        files[BUILD_FILE] = record(built.job.fp, files)
    if built.problems:
        status = "failed" if built.failed_input else "refused"
        return Verdict(article.slug, article.path, status, built.problems,
                       str(set_aside(article.slug, files)), built.warnings)
    if plan.settings.approval.publish:
        return release(built, files, plan, writer)
    status = writer.promote(article.slug, files)
    return Verdict(article.slug, article.path, status, warnings=built.warnings)


def release(built: Built, files: dict[str, bytes], plan: Plan, writer: Writer) -> Verdict:
    """With approval before publishing: stage, and promote only bytes an approval covers."""
    article, source_dir = built.article, plan.project.source_dir
    staged = writer.stage(article.slug, files)
    waits = waiting(subject_for(article, staged, source_dir), source_dir,
                    plan.settings.approval.publish)
    if waits:
        return Verdict(article.slug, article.path, "awaiting", tuple(waits), str(staged),
                       built.warnings)
    status = writer.promote_staged(article.slug, staged)
    return Verdict(article.slug, article.path, status, warnings=built.warnings)


def set_aside(slug: str, files: dict[str, bytes]) -> Path:
    """A refused article's files and report, in a fresh folder for the editor to inspect."""
    folder = Path(tempfile.mkdtemp(prefix=f"publish-refused-{slug}-"))
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


def write_site_files(plan: Plan, writer: Writer) -> None:
    """Every channel's site-wide files (the web page's index, feed and assets)."""
    inputs = SiteInputs(writer.out_dir, plan.settings.site, plan.settings.policy,
                        str(plan.project.templates_dir))
    for name in plan.channels:
        for relative, data in registry.get(name).site_files(inputs).items():
            writer.write(relative, data)


def _merge_with_current(current: dict[str, bytes], files: dict[str, bytes],
                        channels: tuple[str, ...]) -> dict[str, bytes]:
    """For ``--only``: keep the other channels' published files and report entries."""
    if "compliance.json" not in current:
        return files
    old = json.loads(current["compliance.json"])
    new = json.loads(files["compliance.json"])
    stale = {f for name, entry in old["channels"].items() if name in channels
             for f in entry.get("files", [])}
    # A partial run leaves no build record: the next full run rebuilds the article.
    merged = {name: data for name, data in current.items()
              if name not in stale and name != BUILD_FILE}
    merged.update(files)
    new["channels"] = {**old["channels"], **new["channels"]}
    new["passed"] = all(entry.get("passed") for entry in new["channels"].values())
    merged["compliance.json"] = (json.dumps(new, indent=2, ensure_ascii=False) + "\n").encode()
    return merged
