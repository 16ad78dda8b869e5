"""The platforms' reference code (twitter-text, @atproto/api, Intl.Segmenter) in one node."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".cache" / "social-ref"  # git-ignored; filled by `make test` (npm)
SCRIPT = Path(__file__).with_name("reference.mjs")
PACKAGES = ("twitter-text@3.1.0", "@atproto/api@0.21.0")  # the Makefile installs these


class Reference:
    """Answers count requests through one long-lived ``node`` process (JSON lines)."""

    def __init__(self) -> None:
        node = shutil.which("node")
        missing = [p for p in ("twitter-text", "@atproto/api")
                   if not (CACHE / "node_modules" / p / "package.json").exists()]
        if node is None or missing:
            pytest.fail(f"{CACHE} lacks {', '.join(missing) or 'node'}: run `make test` "
                        f"(it installs {' '.join(PACKAGES)} with npm)")
        self.process = subprocess.Popen(
            [node, str(SCRIPT), str(CACHE)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            text=True, encoding="utf-8", bufsize=1)

    def ask(self, op: str, text: str) -> dict:
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(json.dumps({"op": op, "text": text}) + "\n")
        answer = json.loads(self.process.stdout.readline())
        assert "error" not in answer, answer
        return answer

    def x(self, text: str) -> dict:
        return self.ask("x", text)

    def bluesky(self, text: str) -> dict:
        return self.ask("bluesky", text)

    def all(self, text: str) -> dict:
        """Every reference's answer for ``text``, keyed by op, in one round trip."""
        return self.ask("all", text)

    def mastodon(self, text: str) -> dict:
        return self.ask("mastodon", text)

    def graphemes(self, text: str) -> int:
        return int(self.ask("graphemes", text)["count"])

    def close(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        self.process.wait(timeout=10)


@pytest.fixture(scope="session")
def reference() -> Iterator[Reference]:
    """The one reference process of the session (import this fixture into a test module)."""
    oracle = Reference()
    yield oracle
    oracle.close()
