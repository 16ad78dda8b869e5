"""``publish preview``: serve ``output/`` on 127.0.0.1 and republish when a source changes.

Rebuilds call the plain pipeline (``channels.pipeline``) directly, not the Prefect
flow: a long-lived preview wants each rebuild in about a second, and the gate still
decides what is promoted exactly as in ``publish render``.
"""

from __future__ import annotations

import argparse
import errno
import functools
import threading
from collections.abc import Callable
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING

from channels.errors import InputError, PublishError
from flows.cli.argtypes import port

if TYPE_CHECKING:  # imported when used: ``publish --help`` stays quick
    from channels.pipeline.plan import Verdict
    from channels.pipeline.project import Project

Report = Callable[[str], None]


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "preview", help="serve output/ on 127.0.0.1; republish when source/ or templates/ change")
    parser.add_argument("--port", type=port, default=8000, help="port on 127.0.0.1 (default: 8000)")
    parser.add_argument("--out", type=Path, default=Path("output"),
                        help="output folder (default: output)")
    parser.add_argument("--source-dir", type=Path, default=Path("source"))
    parser.add_argument("--templates", type=Path, default=Path("templates"))
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from channels.pipeline.project import Project

    report = functools.partial(print, flush=True)
    project = Project(args.source_dir, args.templates)
    # Bind first: a port in use is reported before anything is written to output/.
    server = serve(args.out, args.port)
    for line in rebuild(project, args.out):
        report(line)
    base = f"http://127.0.0.1:{server.server_address[1]}/"

    def ready() -> None:
        report(f"serving {base} (watching {args.source_dir}/ and {args.templates}/; "
               "Ctrl-C to stop)")
        for line in links(base, args.out):
            report(line)

    try:
        watch(project, args.out, report, ready)
    finally:
        server.shutdown()
    return 0


class _NoCacheHandler(SimpleHTTPRequestHandler):
    """Static files, never cached, so a reload always shows the latest rebuild."""

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, *args: object) -> None:
        pass  # the terminal is for rebuild results, not one line per request


def serve(out_dir: Path, port: int) -> ThreadingHTTPServer:
    """Serve ``out_dir`` on 127.0.0.1 only, from a background thread."""
    handler = functools.partial(_NoCacheHandler, directory=str(out_dir))
    try:
        server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError as exc:
        if exc.errno != errno.EADDRINUSE:
            raise
        raise InputError("--port", f"127.0.0.1:{port} is already in use",
                         f"choose another, e.g. --port {port + 1}") from None
    threading.Thread(target=server.serve_forever, name="preview-http", daemon=True).start()
    return server


def rebuild(project: Project, out_dir: Path) -> list[str]:
    """Publish every article as ``publish render`` would; one line per article."""
    from channels import registry
    from channels.pipeline.build import publish
    from channels.pipeline.plan import gather
    from channels.pipeline.writer import Writer

    lines: list[str] = []
    try:
        plan = gather(project, project.articles(), registry.names(), out_dir)
        with Writer(out_dir) as writer:
            publish(plan, writer, report=lambda verdict: lines.append(_line(verdict)))
    except PublishError as exc:
        lines.append(f"error: {exc}")
    return lines


def _line(verdict: Verdict) -> str:
    if verdict.problems:
        return (f"{verdict.status}: {verdict.path}: {verdict.problems[0]} "
                f"(nothing published; see {verdict.report_dir}/compliance.json)")
    return f"{verdict.status:>9}  {verdict.slug}"


def links(base: str, out_dir: Path) -> list[str]:
    """Where to look: the index, then what a person opens of each article's channels."""
    from channels import registry

    found = [f"  index       {base}"]
    for folder in sorted(p for p in out_dir.iterdir() if (p / "compliance.json").is_file()):
        opened = [f"{base}{folder.name}/{channel.opens}".removesuffix("index.html")
                  for channel in registry.CHANNELS.values()
                  if (folder / channel.opens).is_file()]
        found.append(f"  {folder.name}: " + "  ".join(opened))
    return found


def watch(project: Project, out_dir: Path, report: Report,
          ready: Callable[[], None]) -> None:
    """Rebuild after every batch of changes under ``source/`` or ``templates/``.

    ``ready`` is called once the watcher is running (its first idle timeout), so an
    edit made after "serving" is printed can never be missed.
    """
    import watchfiles

    announced = False
    for batch in watchfiles.watch(project.source_dir, project.templates_dir, debounce=300,
                                  rust_timeout=500, yield_on_timeout=True):
        if not announced:
            ready()
            announced = True
        if not batch:
            continue
        names = ", ".join(sorted({Path(path).name for _, path in batch}))
        report(f"changed: {names}; rebuilding")
        for line in rebuild(project, out_dir):
            report(line)
