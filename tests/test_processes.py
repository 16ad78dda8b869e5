"""A worker process ends with the run that started it (channels/processes.py)."""

from __future__ import annotations

import multiprocessing
import signal
import subprocess
import sys
import threading
import time

from channels.processes import ORPHAN_POLL_S, die_with_parent
from tests.conftest import ROOT
from tests.flows.test_server import alive

# The run: starts one worker that watches it, prints the worker's pid, then waits to be killed.
RUN = """
import multiprocessing, sys, time
from tests.test_processes import idle_worker
if __name__ == "__main__":
    worker = multiprocessing.get_context("spawn").Process(target=idle_worker)
    worker.start()
    print(worker.pid, flush=True)
    time.sleep(120)
"""


def idle_worker() -> None:
    die_with_parent()
    time.sleep(120)


def watchers(queue) -> None:
    die_with_parent()
    die_with_parent()
    queue.put(sum(thread.name == "orphan-watch" for thread in threading.enumerate()))


def test_a_worker_outlives_no_killed_run():
    run = subprocess.Popen([sys.executable, "-c", RUN], cwd=ROOT, stdout=subprocess.PIPE,
                           text=True)
    worker = int(run.stdout.readline())
    time.sleep(1)
    assert alive(worker)  # it waits while its run lives
    run.send_signal(signal.SIGKILL)
    run.wait()
    deadline = time.monotonic() + 20 * ORPHAN_POLL_S
    while alive(worker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(worker)


def test_a_worker_watches_its_run_once():
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=watchers, args=(queue,))
    process.start()
    assert queue.get(timeout=60) == 1
    process.join()


def test_the_run_itself_watches_nothing():
    die_with_parent()
    assert not any(thread.name == "orphan-watch" for thread in threading.enumerate())
