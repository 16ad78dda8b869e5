"""``publish preview``: serve ``output/`` on 127.0.0.1 and rebuild when a source changes."""

from __future__ import annotations

import argparse
import functools
from pathlib import Path


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "preview", help="serve output/ on 127.0.0.1; republish when source/ or templates/ change")
    parser.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default: 8000)")
    parser.add_argument("--out", type=Path, default=Path("output"),
                        help="output folder (default: output)")
    parser.add_argument("--source-dir", type=Path, default=Path("source"))
    parser.add_argument("--templates", type=Path, default=Path("templates"))
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from channels import build
    from flows import preview

    report = functools.partial(print, flush=True)
    project = build.Project(args.source_dir, args.templates)
    # Bind first: a port in use is reported before anything is written to output/.
    server = preview.serve(args.out, args.port)
    for line in preview.rebuild(project, args.out):
        report(line)
    base = f"http://127.0.0.1:{server.server_address[1]}/"

    def ready() -> None:
        report(f"serving {base} (watching {args.source_dir}/ and {args.templates}/; "
               "Ctrl-C to stop)")
        for line in preview.links(base, args.out):
            report(line)

    try:
        preview.watch(project, args.out, report, ready)
    finally:
        server.shutdown()
    return 0
