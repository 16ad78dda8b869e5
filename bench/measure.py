"""Bench helpers: the article library, and timing a whole command with its process tree's RSS."""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SEED = ROOT / "source" / "gut-brain-axis.md"
TAG_SETS = ("[mental-health, depression, gut-health]", "[nutrition, gut-health]",
            "[anxiety, sleep]", "[wellness]")


@dataclass(frozen=True)
class Run:
    """One timed process: wall seconds and the peak memory of its whole process tree.

    ``peak_mb`` sums every process's RSS (shared pages counted in each process, so
    Chromium's many processes weigh heavily); ``peak_pss_mb`` shares them out (PSS).
    """

    seconds: float
    peak_mb: float
    peak_pss_mb: float = 0.0


def make_library(folder: Path, n: int) -> Path:
    """``n`` articles from the seed (new titles, slugs, tags, section order) and templates."""
    source = folder / "source"
    source.mkdir(parents=True)
    for name in ("site.yaml", "disclaimers.yaml"):
        shutil.copy(ROOT / "source" / name, source / name)
    seed = SEED.read_text()
    for i in range(n):
        (source / f"article-{i:03d}.md").write_text(vary(seed, i))
    shutil.copytree(ROOT / "templates", folder / "templates")
    return source


def vary(seed: str, i: int) -> str:
    """The seed article with a numbered title, rotated tags and rotated middle sections."""
    front, body = seed.split("\n---\n", 1)
    lines = [f'title: "Article {i}: the gut-brain axis"' if line.startswith("title:") else
             f"tags: {TAG_SETS[i % len(TAG_SETS)]}" if line.startswith("tags:") else line
             for line in front.splitlines()]
    intro, *sections = body.split("\n## ")
    middle = sections[:4]
    shift = i % len(middle)
    sections = middle[shift:] + middle[:shift] + sections[4:]
    return "\n".join(lines) + "\n---\n" + "\n## ".join([intro, *sections])


def edit(path: Path, tag: str) -> None:
    """A real content edit: one new sentence before the last section."""
    text = path.read_text()
    head, _, tail = text.rpartition("\n## ")
    path.write_text(f"{head}\nEdited for the bench ({tag}).\n\n## {tail}" if head else
                    f"{text}\nEdited for the bench ({tag}).\n")


def timed(command: list[str], env: dict[str, str], cwd: Path, ok: tuple[int, ...] = (0,)
          ) -> Run:
    """Run ``command`` to the end; sample its process tree's memory (psutil) every 0.1 s."""
    started = time.monotonic()
    process = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    peak, peak_pss = 0, 0
    while process.poll() is None:
        rss, pss = tree_memory(process.pid)
        peak, peak_pss = max(peak, rss), max(peak_pss, pss)
        time.sleep(0.1)
    seconds = time.monotonic() - started
    if process.returncode not in ok:
        error = process.stderr.read().decode()[-500:] if process.stderr else ""
        sys.exit(f"bench: {' '.join(command)} failed ({process.returncode}): {error}")
    return Run(seconds, peak / 2**20, peak_pss / 2**20)


def tree_memory(pid: int) -> tuple[int, int]:
    """RSS and PSS bytes of ``pid`` and every descendant, summed."""
    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0, 0
    rss = pss = 0
    for process in processes:
        try:
            info = process.memory_full_info()
        except psutil.Error:
            continue
        rss, pss = rss + info.rss, pss + getattr(info, "pss", info.rss)
    return rss, pss


def median(runs: list[Run]) -> Run:
    """Median seconds, largest peaks."""
    return Run(statistics.median(r.seconds for r in runs), max(r.peak_mb for r in runs),
               max(r.peak_pss_mb for r in runs))


def publish(lib: Path, env: dict[str, str], *args: str) -> Run:
    """``publish ARGS`` run in the library's folder (source/, templates/ there)."""
    return timed([str(BIN / "publish"), *args], env, lib)


def render(lib: Path, env: dict[str, str], out: str, *extra: str) -> Run:
    """``publish render`` of the library into ``lib/out``."""
    return publish(lib, env, "render", "--source-dir", "source", "--templates", "templates",
                   "--out", out, *extra)


def naive(lib: Path, env: dict[str, str], article: Path) -> Run:
    """What a person would type for one article: two pandoc commands."""
    import pypandoc

    pandoc = pypandoc.get_pandoc_path()
    script = (f"{pandoc} {article} -s -o naive.html && "
              f"{pandoc} {article} --pdf-engine=weasyprint -o naive.pdf")
    return timed(["bash", "-ec", script], {**env, "PATH": f"{BIN}:{env['PATH']}"}, lib)
