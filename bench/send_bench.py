"""Benchmark: the newsletter send rate on SQLite and on PostgreSQL, against a bare-SMTP floor.

    python bench/send_bench.py [--count N] [--store sqlite|postgresql|both]

Prints one table row per store: messages per second through ``send_all`` (ledger, claim
and outcome per recipient, personal message) and the ratio to the *floor*: the same
aiosmtpd sink, in the same run just before, fed the same message bytes by a bare
``smtplib`` loop (one connection, no store, no composing). Starts and stops its own sink
(a separate process) and its own PostgreSQL (Debian's, in a temporary folder, on
loopback). ``SEND_BENCH_COUNT`` sets the recipients per store (default 2000). Exit
code 1 if a store did not send to everyone (the row says why). Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import argparse
import os
import resource
import signal
import smtplib
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from channels.distribution import send as sending  # noqa: E402
from channels.distribution import store as subscribers  # noqa: E402
from channels.distribution.edition import load_edition  # noqa: E402
from channels.distribution.messages import Composer, Edition  # noqa: E402
from channels.distribution.smtp import smtp_settings  # noqa: E402
from channels.pipeline.build import publish  # noqa: E402
from channels.pipeline.plan import gather  # noqa: E402
from channels.pipeline.project import Project  # noqa: E402
from channels.pipeline.writer import Writer  # noqa: E402

# The sink: accepts everything, writes nothing after "ready" (an unread pipe must never fill),
# and ends when the benchmark does, however it ends (even SIGKILL).
SERVER = """
import os, sys, time
from aiosmtpd.controller import Controller
class Accept:
    async def handle_DATA(self, server, session, envelope):
        return "250 OK"
Controller(Accept(), hostname="127.0.0.1", port=int(sys.argv[1])).start()
print("ready", flush=True)
os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
while os.getppid() == int(sys.argv[2]):
    time.sleep(0.5)
"""
HEADER = ("| store | sent | seconds | messages/s | floor messages/s | ratio to floor "
          "| sender CPU ms/message | SMTP connections | peak MB |\n"
          "|---|---:|---:|---:|---:|---:|---:|---:|---:|")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def smtp_sink() -> Iterator[int]:
    """An aiosmtpd server in its own process (its CPU and memory not the sender's); its port."""
    port = free_port()
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(port), str(os.getpid())],
                              stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
    try:
        if server.stdout is None or server.stdout.readline().strip() != "ready":
            raise SystemExit("send_bench: the aiosmtpd sink did not start")
        yield port
    finally:
        server.kill()
        server.wait()


def publish_with_real_address(work: Path) -> tuple[Path, Path]:
    """The seed newsletter rendered with a filled-in site.yaml (sending refuses placeholders)."""
    source = work / "source"
    source.mkdir()
    for item in (ROOT / "source").iterdir():
        if item.is_file():
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


def addresses(count: int) -> list[str]:
    return [f"reader{i}@example.org" for i in range(count)]


def make_list(db: str, csv: Path, count: int) -> None:
    csv.write_text("email,name,consent_date\n" + "".join(
        f"{a},Reader {i},2026-01-01\n" for i, a in enumerate(addresses(count))))
    store = subscribers.connect(db)
    subscribers.import_csv(store, csv)
    store.close()


def floor_rate(edition: Edition, port: int, count: int) -> float:
    """Messages/s of a bare smtplib loop: one connection, one composed message, no store."""
    data = Composer(edition, b"floor").compose(
        subscribers.Subscriber("reader0@example.org", "Reader 0", "subscribed", ""))
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
        for address in addresses(count):
            smtp.sendmail(edition.envelope_from, address, data)
    return count / (time.perf_counter() - started)


def bench_store(label: str, db: str, work: Path, port: int, count: int) -> bool:
    """Measure the floor, then send to ``count`` subscribers; print the row; all sent?"""
    out, source = work / "output", work / "source"
    make_list(db, work / f"{label}.csv", count)
    edition = load_edition(out, "gut-brain-axis", source / "site.yaml")
    floor = floor_rate(edition, port, count)
    settings = smtp_settings({"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(port),
                              "SMTP_SECURITY": "none"})
    started, cpu = time.perf_counter(), time.process_time()
    summary = sending.send_all(db, edition, os.urandom(32), settings)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    rate = summary.sent / seconds
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"| {label} | {summary.sent} of {count} | {seconds:.1f} s | {rate:.0f} | {floor:.0f} "
          f"| {rate / floor:.2f} | {cpu * 1000 / max(summary.sent, 1):.2f} "
          f"| {summary.connections} | {peak_mb:.0f} |", flush=True)
    if summary.sent == count:
        return True
    print("\n".join(f"  {label}: {line}" for line in summary.lines()), flush=True)
    return False


def on_postgresql(work: Path, port: int, count: int) -> bool:
    sys.path.insert(0, str(ROOT / "tests"))
    from postgres_server import create_database, running_postgres

    with running_postgres() as server:
        return bench_store("postgresql", create_database(server, "bench"), work, port, count)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=int(os.environ.get("SEND_BENCH_COUNT",
                                                                        "2000")))
    parser.add_argument("--store", choices=("sqlite", "postgresql", "both"), default="both")
    args = parser.parse_args()
    # A SIGTERM (a harness's time limit) outside the send still stops PostgreSQL and the sink;
    # during the send, send_all's own handler stops after the message in flight (summary row).
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(143))
    load = " ".join(f"{n:.2f}" for n in os.getloadavg())
    print(f"send rate, {args.count} recipients per store, aiosmtpd sink on 127.0.0.1 in its own "
          f"process; {os.cpu_count()} cores, load average {load} at the start\n\n{HEADER}",
          flush=True)
    ok = True
    with smtp_sink() as port, tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        publish_with_real_address(work)
        if args.store in ("sqlite", "both"):
            ok &= bench_store("sqlite", str(work / "list.sqlite3"), work, port, args.count)
        if args.store in ("postgresql", "both"):
            ok &= on_postgresql(work, port, args.count)
    print("\nfloor: the same sink fed the same message bytes by a bare smtplib loop, measured "
          "just before each store. Sender CPU: this process only (the sink and PostgreSQL are "
          "others), the figure that depends least on the machine's load. PostgreSQL runs with "
          "fsync=off (tests/postgres_server.py); SQLite in WAL with synchronous=NORMAL.")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
