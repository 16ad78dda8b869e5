"""Preview for editors: serve ``output/`` on loopback and republish when a source changes.

Rebuilds call the plain pipeline functions in ``channels.build`` directly, not the
Prefect flow: a long-lived preview wants each rebuild in about a second, and the
gate still decides what is promoted exactly as in ``publish render``.
"""

from __future__ import annotations

import errno
import functools
import threading
from collections.abc import Callable
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from channels import build
from channels.disclaimers import CHANNEL_NAMES
from channels.errors import InputError, PublishError

Report = Callable[[str], None]


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


def rebuild(project: build.Project, out_dir: Path) -> list[str]:
    """Publish every article as ``publish render`` would; one line per article."""
    try:
        settings = build.load_settings(project)
    except PublishError as exc:
        return [f"error: {exc}"]
    lines = [publish_one(path, settings, project, out_dir) for path in project.articles()]
    try:
        build.write_site_files(project, out_dir, build.CHANNEL_NAMES)
    except PublishError as exc:
        lines.append(f"error: {exc}")
    return lines


def publish_one(path: Path, settings: build.Settings, project: build.Project,
                out_dir: Path) -> str:
    """Render, check and (if everything passed) promote one article."""
    try:
        prepared = build.prepare(path, settings, project)
    except PublishError as exc:
        return f"error: {exc}"
    results = [build.check_channel(prepared, build.render_channel(prepared, name))
               for name in CHANNEL_NAMES]
    verdict = build.finalize(prepared, results, out_dir)
    if verdict.problems:
        return (f"{verdict.status}: {verdict.path}: {verdict.problems[0]} "
                f"(nothing published; see {verdict.report_dir}/compliance.json)")
    return f"{verdict.status:>9}  {verdict.slug}"


def links(base: str, out_dir: Path) -> list[str]:
    """Where to look: the index, then each article's page, newsletter and handout."""
    found = [f"  index       {base}"]
    for folder in sorted(p for p in out_dir.iterdir() if (p / "index.html").is_file()):
        found += [f"  {folder.name}: {base}{folder.name}/  {base}{folder.name}/newsletter.html  "
                  f"{base}{folder.name}/handout.pdf"]
    return found


def watch(project: build.Project, out_dir: Path, report: Report,
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
