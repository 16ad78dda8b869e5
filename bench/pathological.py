"""Time pathological and near-limit articles through `publish render` (issue 5: each < 60 s).

Run: .venv/bin/python bench/pathological.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FRONT = ("---\ntitle: T\nsummary: S\ndate: 2026-11-20\nreviewed: {by: X, on: 2026-11-20}\n"
         "tags: [mental-health]\n---\n\n")
PDF_AND_WEB = '::: {.only channels="pdf,web"}\n%s\n:::\n\nShort.\n'
CASES = {
    "one-1mb-word": "a" * 1_000_000,
    "500-nested-lists": "".join("  " * i + "- x\n" for i in range(500)),
    "100000-headings": "".join(f"## h{i}\n\n" for i in range(100_000)),
    "12-nested-lists (limit)": "".join("  " * i + "- x\n" for i in range(12)),
    "500-headings (limit)": PDF_AND_WEB % "".join(f"## Heading {i}\n\nText.\n\n"
                                                  for i in range(500)),
    "199 words of 1,999 chars": PDF_AND_WEB % " ".join(["b" * 1999] * 199),
    "397,000-char body (limit)": PDF_AND_WEB % "".join(f"Paragraph {i} with some words in it.\n\n"
                                                       for i in range(10_200)),
}


def run(name: str, body: str, folder: Path) -> tuple[float, int, str]:
    source = folder / ("case-" + "".join(c for c in name.lower() if c.isalnum())[:20] + ".md")
    source.write_text(FRONT + body, encoding="utf-8")
    began = time.monotonic()
    command = [str(ROOT / ".venv/bin/publish"), "render", str(source), "--out", str(folder / "out"),
               "--source-dir", str(ROOT / "source"), "--templates", str(ROOT / "templates")]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    last = (done.stdout.strip() or done.stderr.strip()).splitlines()
    outcome = next((line for line in last if line.startswith(("publish:", "published"))), "?")
    return time.monotonic() - began, done.returncode, outcome


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        for name, body in CASES.items():
            seconds, code, outcome = run(name, body, Path(folder))
            print(f"{name:28} {seconds:6.1f} s  exit {code}  {outcome[:110]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
