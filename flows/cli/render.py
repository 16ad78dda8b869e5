"""``publish render``: render, check and publish articles through the Prefect flow."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from channels.errors import InputError

if TYPE_CHECKING:
    from channels.content.site import Site


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("render", help="render, check and publish articles")
    parser.add_argument(
        "sources", nargs="*", type=Path, help="article files (default: every source/*.md)"
    )
    parser.add_argument(
        "--out", type=Path, default=Path("output"), help="output folder (default: output)"
    )
    parser.add_argument(
        "--only", default=None, help="comma-separated channels: pdf,email,social,web"
    )
    parser.add_argument("--source-dir", type=Path, default=Path("source"))
    parser.add_argument("--templates", type=Path, default=Path("templates"))
    parser.add_argument(
        "--max-bytes",
        type=_size,
        default=None,
        metavar="N",
        help="largest source file accepted, in bytes (default: 2 MB)",
    )
    parser.add_argument(
        "--workers",
        type=_positive,
        default=os.cpu_count() or 1,
        help="articles rendered at once, each in its own process (default: cores)",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="rebuild every article even if its inputs are unchanged",
    )
    parser.add_argument(
        "--dask", metavar="ADDRESS", default=os.environ.get("PUBLISH_DASK") or None,
        help="build articles on the Dask cluster at ADDRESS (tcp://host:port; "
             "default: $PUBLISH_DASK), on single-threaded workers",
    )
    parser.add_argument("--db", default=None,
                        help="audit log of releases when approval is required "
                             "(default: $PUBLISH_DB or subscribers.sqlite3)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from channels import registry
    from channels.pipeline.plan import gather
    from channels.pipeline.project import Project

    project = Project(args.source_dir, args.templates)
    if args.max_bytes is not None:
        project = Project(args.source_dir, args.templates, args.max_bytes)
    channels = registry.select(args.only)
    paths = list(args.sources) or project.articles()
    if not paths:
        raise InputError(str(args.source_dir), "no articles (*.md) found", "add one or name a file")
    # Gather first: every input is loaded and validated once, before Prefect starts, so
    # bad input never reaches output/.
    plan = gather(project, paths, channels, args.out, force=args.force)
    from flows.server import use_server

    use_server()  # before Prefect is imported: the reusable local server (README "Speed")
    if args.dask:
        from flows.dask import check_cluster

        check_cluster(args.dask)
    from flows.publish import publish_plan

    try:
        publish_plan(plan, args.out, args.workers, args.dask)
    finally:
        if plan.settings.approval.publish:
            _log_releases(args, [job.article.slug for job in plan.jobs])
    _warn_unfilled(plan.settings.site, project.site_file)
    return 0


def _warn_unfilled(site: Site, path: Path) -> None:
    """After a publish (a refusal stays one line): contact details still to fill in."""
    unfilled = site.printed_placeholders()
    if unfilled:
        print(f"  warning: {path}: {', '.join(unfilled)} still say PLACEHOLDER; handouts and "
              "pages print them as written (fill them in)", file=sys.stderr)


def _log_releases(args: argparse.Namespace, slugs: list[str]) -> None:
    """An audit entry for each article whose approved version has just gone live."""
    from channels.approval.audit import record_release
    from channels.pipeline.manifest import NAME
    from flows.cli.approve import database

    for slug in slugs:
        manifest = args.out / slug / NAME
        if manifest.is_file():
            record_release(database(args), slug, manifest)


def _size(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a positive number of bytes: {text!r}")
    return int(text)


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number of at least 1")
    return int(text)
