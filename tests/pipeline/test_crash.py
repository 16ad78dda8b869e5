"""SIGKILL a publish at many moments: ``output/<slug>`` is always all old or all new."""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import SEED, TESTS, snapshot

DRIVER = TESTS / "crash_driver.py"
RUNS = 24


class Driver:
    """The long-lived driver process; each ``start`` forks one publishing child."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen([sys.executable, str(DRIVER)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True, cwd=DRIVER.parent)

    def start(self, source: Path, out: Path) -> int:
        self.proc.stdin.write(f"{source} {out}\n")
        self.proc.stdin.flush()
        return int(self.proc.stdout.readline())

    def wait(self) -> int:
        line = self.proc.stdout.readline()
        assert line.startswith("done "), line
        return int(line.split()[1])

    def publish(self, source: Path, out: Path) -> float:
        began = time.monotonic()
        self.start(source, out)
        assert self.wait() == 0
        return time.monotonic() - began

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


@pytest.fixture(scope="module")
def driver():
    process = Driver()
    yield process
    process.close()


def _versions(tmp: Path) -> tuple[Path, Path]:
    text = SEED.read_text(encoding="utf-8")
    old, new = tmp / "old" / "gut-brain-axis.md", tmp / "new" / "gut-brain-axis.md"
    old.parent.mkdir()
    new.parent.mkdir()
    opening = "The gut-brain axis is the two-way"
    old.write_text(text.replace(opening, "OLD VERSION. " + opening, 1))
    new.write_text(text.replace(opening, "NEW VERSION. " + opening, 1))
    return old, new


def test_sigkill_at_any_moment_leaves_the_old_or_the_new_version(driver, tmp_path):
    old, new = _versions(tmp_path)
    base = tmp_path / "base"
    driver.publish(old, base)
    old_files = snapshot(base / "gut-brain-axis")
    driver.publish(new, tmp_path / "fresh")
    duration = driver.publish(new, tmp_path / "fresh2")
    new_files = snapshot(tmp_path / "fresh" / "gut-brain-axis")
    assert old_files and new_files and old_files != new_files
    rng = random.Random(5)
    seen = {"old": 0, "new": 0}
    for run in range(RUNS):
        out = tmp_path / f"run{run}"
        shutil.copytree(base, out, symlinks=True)
        # Spread the kills over the whole run and past its end (the machine may be busy),
        # jittered; ``duration`` follows the slowest whole run seen so far.
        delay = duration * 1.5 * (run / (RUNS - 1)) ** 1.5 * rng.uniform(0.9, 1.1)
        if run == RUNS - 1:
            delay = duration * 4
        pid = driver.start(new, out)
        time.sleep(delay)
        with contextlib.suppress(ProcessLookupError):  # it may have finished already
            os.kill(pid, signal.SIGKILL)
        driver.wait()
        now = snapshot(out / "gut-brain-axis")
        assert now in (old_files, new_files), f"run {run}: mixed version, killed at {delay:.3f} s"
        seen["old" if now == old_files else "new"] += 1
        if run % 4 == 0:  # a killed run never blocks or spoils the next one
            duration = max(duration, driver.publish(new, out))
            assert snapshot(out / "gut-brain-axis") == new_files
    print(f"duration {duration:.3f} s, {seen}")
    assert seen["old"] and seen["new"], seen
