"""Benchmark: send the seed newsletter to 5,000 subscribers through a local aiosmtpd.

    .venv/bin/python bench/send_bench.py [--count 5000] [--store sqlite|postgresql|both]

Prints messages per second on each store (SQLite file; PostgreSQL from Debian's package,
started in a temporary folder on loopback) and the sender's peak memory (the SMTP server
runs in a separate process so its memory is not counted).  Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import argparse
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from channels.distribution import send as sending  # noqa: E402
from channels.distribution import store as subscribers  # noqa: E402
from channels.distribution.edition import load_edition  # noqa: E402
from channels.distribution.smtp import smtp_settings  # noqa: E402
from channels.pipeline.build import publish  # noqa: E402
from channels.pipeline.plan import gather  # noqa: E402
from channels.pipeline.project import Project  # noqa: E402
from channels.pipeline.writer import Writer  # noqa: E402

SERVER = """
import sys, time
from aiosmtpd.controller import Controller
class Count:
    async def handle_DATA(self, server, session, envelope):
        return "250 OK"
Controller(Count(), hostname="127.0.0.1", port=int(sys.argv[1])).start()
print("ready", flush=True)
time.sleep(3600)
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def publish_with_real_address(work: Path) -> tuple[Path, Path]:
    """The seed newsletter rendered with a filled-in site.yaml (sending refuses placeholders)."""
    source = work / "source"
    source.mkdir()
    for item in (ROOT / "source").iterdir():
        (source / item.name).write_bytes(item.read_bytes())
    site = source / "site.yaml"
    text = site.read_text().replace("PLACEHOLDER: clinic postal address (street, city, state, ZIP)",
                                    "1 Main St, Portland, OR 97201")
    site.write_text(text.replace("PLACEHOLDER: clinic phone number", "+1 503 555 0100")
                    .replace("PLACEHOLDER: reply-to address", "hello@pacificmindhealth.com"))
    project = Project(source, ROOT / "templates")
    plan = gather(project, [source / "gut-brain-axis.md"], ("email",), work / "output")
    with Writer(work / "output") as writer:
        [verdict] = publish(plan, writer)
    assert verdict.status == "published", verdict.problems
    return work / "output", source


def make_list(db: str, csv: Path, count: int) -> None:
    csv.write_text("email,name,consent_date\n" + "".join(
        f"reader{i}@example.org,Reader {i},2026-01-01\n" for i in range(count)))
    conn = subscribers.connect(db)
    subscribers.import_csv(conn, csv)
    conn.close()


def send_once(db: str, work: Path, port: int, count: int, label: str) -> None:
    out, source = work / "output", work / "source"
    make_list(db, work / f"{label}.csv", count)
    edition = load_edition(out, "gut-brain-axis", source / "site.yaml")
    settings = smtp_settings({"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(port),
                              "SMTP_SECURITY": "none"})
    started = time.perf_counter()
    summary = sending.send_all(db, edition, os.urandom(32), settings)
    elapsed = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{label}: sent {summary.sent} of {count} in {elapsed:.1f} s: "
          f"{summary.sent / elapsed:.0f} messages/s; {summary.connections} SMTP connection(s); "
          f"peak memory (sender RSS) {peak_mb:.0f} MB", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--store", choices=("sqlite", "postgresql", "both"), default="both")
    args = parser.parse_args()
    port = free_port()
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(port)], stdout=subprocess.PIPE,
                              text=True)
    try:
        assert server.stdout and server.stdout.readline().strip() == "ready"
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            publish_with_real_address(work)
            if args.store in ("sqlite", "both"):
                send_once(str(work / "list.sqlite3"), work, port, args.count, "sqlite")
            if args.store in ("postgresql", "both"):
                sys.path.insert(0, str(ROOT / "tests"))
                from postgres_server import create_database, running_postgres

                with running_postgres() as pg:
                    send_once(create_database(pg, "bench"), work, port, args.count,
                              "postgresql")
    finally:
        server.kill()


if __name__ == "__main__":
    main()
