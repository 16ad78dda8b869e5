"""``publish preview``: a real long-lived process serving on loopback and rebuilding on edits."""

from __future__ import annotations

import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request

import pytest
from conftest import ROOT, TEMPLATES, run_cli

SLUG = "gut-brain-axis"


class Preview:
    """A ``publish preview`` subprocess whose output lines are read by a thread."""

    def __init__(self, *args: str) -> None:
        self.process = subprocess.Popen([sys.executable, "-m", "flows.cli", "preview", *args],
                                        cwd=ROOT, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True)
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, pattern: str, timeout: float = 90) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.5)
            except queue.Empty:
                assert self.process.poll() is None, "preview exited"
                continue
            if re.search(pattern, line):
                return line
        raise AssertionError(f"no line matching {pattern!r} within {timeout} s")


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8")


def h1(html: str) -> str:
    return re.search(r"<h1>(.*?)</h1>", html, re.S).group(1)


@pytest.fixture()
def preview(tmp_path, source_copy):
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    running = Preview("--port", "0", "--out", str(tmp_path / "output"),
                      "--source-dir", str(source_copy), "--templates", str(templates))
    yield running
    leftover = []
    while not running.lines.empty():
        leftover.append(running.lines.get())
    print("preview output after the test:", *leftover, sep="\n")
    if running.process.poll() is None:
        running.process.kill()
        running.process.wait(timeout=10)


def wait_until(check, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.3)


def test_preview_serves_rebuilds_on_edit_and_survives_bad_input(preview, source_copy):
    base = re.search(r"serving (http://127\.0\.0\.1:\d+/)", preview.wait_for("^serving ")).group(1)
    assert h1(get(base + f"{SLUG}/")).startswith("The gut-brain axis")
    assert f'href="{SLUG}/"' in get(base)
    article = source_copy / f"{SLUG}.md"
    text = article.read_text()
    article.write_text(text.replace('title: "The', 'title: "Edited: the', 1))
    wait_until(lambda: h1(get(base + f"{SLUG}/")).startswith("Edited: the gut-brain axis"))
    wait_until(lambda: "Edited: the gut-brain axis" in get(base + "feed.xml"))
    article.write_text(text.replace("date: 2026-11-20", "date: 2026-11-20\nauthor: someone", 1))
    error = preview.wait_for("^error: ")
    assert error.startswith(f"error: {article}:") and "unknown front matter field 'author'" in error
    assert h1(get(base + f"{SLUG}/")).startswith("Edited: the gut-brain axis")
    preview.process.send_signal(signal.SIGINT)
    assert preview.process.wait(timeout=30) == 130


def test_a_port_in_use_is_one_line_and_writes_nothing(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("preview", "--port", str(port), "--out", tmp_path / "output")
    assert result.code == 2
    assert result.err == (f"publish: error: --port: 127.0.0.1:{port} is already in use "
                          f"(choose another, e.g. --port {port + 1})\n")
    assert not os.path.exists(tmp_path / "output")
