"""Process lifetime: a worker process ends with the run that started it."""

from __future__ import annotations

import multiprocessing
import os
import threading
import time

_WATCHED: set[int] = set()  # processes already watching their parent


def die_with_parent() -> None:
    """In a worker process: end it soon after the run that started it dies.

    A worker busy in Chromium does not read its job queue, so it would outlive a killed
    ``publish render``.  A daemon thread watches the parent; when the worker is orphaned
    it exits at once, and Playwright's driver, its stdin closed, takes Chromium along.
    (Not ``PR_SET_PDEATHSIG``: that fires when the parent *thread* that spawned the worker
    ends, and a pool may spawn from a short-lived thread.)
    """
    parent = multiprocessing.parent_process()
    if parent is None or os.getpid() in _WATCHED:
        return
    _WATCHED.add(os.getpid())
    parent_pid = parent.pid  # not os.getppid(): the run may already be gone (pid 1 by now)

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(ORPHAN_POLL_S)
        os._exit(1)

    threading.Thread(target=watch, name="orphan-watch", daemon=True).start()


ORPHAN_POLL_S = 0.5
