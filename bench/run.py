"""Benchmark: floor, naive pandoc loop, cold, warm and incremental ``publish render`` runs.

Run as ``make bench`` (N = 1, 20, 100) or ``bench/run.py --n 20 --reps 3``.  Prints a
Markdown table (medians of ``--reps`` runs) to paste into the README.  Each run is a
fresh process, as a person would start it; ``publish render`` talks to a Prefect server
this script starts on loopback (``PREFECT_API_URL``), and the embedded (ephemeral)
server's fixed cost is measured on its own.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SEED = ROOT / "source" / "gut-brain-axis.md"
TAG_SETS = ("[mental-health, depression, gut-health]", "[nutrition, gut-health]",
            "[anxiety, sleep]", "[wellness]")
QUIET = {"DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
         "PREFECT_LOGGING_LEVEL": "WARNING", "PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW": "ignore",
         "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120"}


@dataclass(frozen=True)
class Run:
    """One timed process: wall seconds and the peak memory of its whole process tree."""

    seconds: float
    peak_mb: float


# ---- the library ----------------------------------------------------------------------

def make_library(folder: Path, n: int) -> Path:
    """``n`` articles from the seed: new titles, slugs, tags and section order."""
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


# ---- timing processes ---------------------------------------------------------------------

def timed(command: list[str], env: dict[str, str], cwd: Path) -> Run:
    """Run ``command`` to completion; sample its process tree's memory every 50 ms."""
    started = time.monotonic()
    process = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    peak = 0
    while process.poll() is None:
        peak = max(peak, tree_rss(process.pid))
        time.sleep(0.05)
    seconds = time.monotonic() - started
    if process.returncode != 0:
        sys.exit(f"bench: {' '.join(command)} failed ({process.returncode}): "
                 f"{process.stderr.read().decode()[-500:] if process.stderr else ''}")
    return Run(seconds, peak / 1024)


def tree_rss(root: int) -> int:
    """Resident kB of ``root`` and all its descendants, from ``/proc``."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                status = Path(f"/proc/{entry}/status").read_text()
            except OSError:
                continue
            fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
            parents[int(entry)] = int(fields.get("PPid", "0"))
            rss[int(entry)] = int(fields.get("VmRSS", "0 kB").split()[0])
    tree, grew = {root}, True
    while grew:
        more = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= more
        grew = bool(more)
    return sum(rss.get(pid, 0) for pid in tree)


def median(runs: list[Run]) -> Run:
    return Run(statistics.median(r.seconds for r in runs), max(r.peak_mb for r in runs))


# ---- the measured commands ----------------------------------------------------------------

def publish(lib: Path, env: dict[str, str], out: str, *extra: str) -> Run:
    command = [str(BIN / "publish"), "render", "--source-dir", "source", "--templates",
               "templates", "--out", out, *extra]
    return timed(command, env, lib)


def floor(lib: Path, env: dict[str, str], out: str) -> Run:
    """The same pipeline in one plain process: no Prefect, no worker processes."""
    return timed([sys.executable, __file__, "floor", str(lib), out], env, lib)


def floor_loop(lib: Path, out: Path) -> None:
    sys.path.insert(0, str(ROOT))
    from channels import registry
    from channels.pipeline.build import publish
    from channels.pipeline.plan import gather
    from channels.pipeline.project import Project
    from channels.pipeline.writer import Writer

    project = Project(lib / "source", lib / "templates")
    plan = gather(project, project.articles(), registry.names(), out, force=True)
    with Writer(out) as writer:
        verdicts = publish(plan, writer)
    assert all(v.status == "published" for v in verdicts), verdicts


def naive(lib: Path, env: dict[str, str]) -> Run:
    """What a person would type per article: two pandoc commands, in one shell loop."""
    script = ("for f in source/*.md; do b=naive/$(basename $f .md); "
              "pandoc $f -s -o $b.html && pandoc $f --pdf-engine=weasyprint -o $b.pdf; done")
    (lib / "naive").mkdir(exist_ok=True)
    return timed(["bash", "-ec", script], env, lib)


def pandoc_env(env: dict[str, str]) -> dict[str, str]:
    """PATH with the pypandoc-binary pandoc and this venv's weasyprint first."""
    import pypandoc

    pandoc_dir = str(Path(pypandoc.get_pandoc_path()).parent)
    return {**env, "PATH": f"{pandoc_dir}:{BIN}:{env['PATH']}"}


# ---- a Prefect server on loopback -----------------------------------------------------------

def start_server(home: Path, env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1",
                               "--port", str(port), "--no-services"],
                              env={**env, "PREFECT_HOME": str(home)},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/api"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2):
                return server, url
        except OSError:
            time.sleep(0.5)
    server.kill()
    sys.exit("bench: the Prefect server did not answer within 120 s")


# ---- one N ----------------------------------------------------------------------------------

def bench(n: int, reps: int, env: dict[str, str], scratch: Path, naive_too: bool) -> dict[str, Run]:
    lib = scratch / f"n{n}"
    make_library(lib, n)
    keys = ("floor", "naive", "cold", "cold1", "warm", "article", "template")
    rows: dict[str, list[Run]] = {key: [] for key in keys}
    for rep in range(reps):
        rows["floor"].append(floor(lib, env, f"floor-{rep}"))
        if naive_too:
            rows["naive"].append(naive(lib, pandoc_env(env)))
        rows["cold1"].append(publish(lib, env, f"cold1-{rep}", "--workers", "1"))
        rows["cold"].append(publish(lib, env, f"out-{rep}", "--workers", "2"))
        rows["warm"].append(publish(lib, env, f"out-{rep}", "--workers", "2"))
        edited = lib / "source" / f"article-{rep % n:03d}.md"
        edit(edited, "\n## In summary", f"\nEdit {rep}.\n\n## In summary")
        rows["article"].append(publish(lib, env, f"out-{rep}", "--workers", "2"))
        with open(lib / "templates/pdf/handout.css", "a") as css:
            css.write(f"\n/* bench edit {rep} */\n")
        rows["template"].append(publish(lib, env, f"out-{rep}", "--workers", "2"))
    return {key: median(runs) for key, runs in rows.items() if runs}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    path.write_text(text.replace(old, new, 1) if old in text else text + new)


def fixed_cost(env: dict[str, str], scratch: Path) -> tuple[float, float]:
    """``publish render`` of one unchanged article: with the ephemeral server, and without."""
    lib = scratch / "fixed"
    make_library(lib, 1)
    ephemeral = {k: v for k, v in env.items() if k != "PREFECT_API_URL"}
    ephemeral["PREFECT_HOME"] = str(scratch / "ephemeral-home")
    publish(lib, env, "out")
    return publish(lib, ephemeral, "out").seconds, publish(lib, env, "out").seconds


# ---- report ---------------------------------------------------------------------------------

HEADER = ("| N | floor | naive | cold (2 workers) | cold (1 worker) | warm | 1 article edited "
          "| 1 template edited | peak MB | cold/floor | warm/cold | speed-up 1→2 | naive/cold |\n"
          "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")


def row(n: int, r: dict[str, Run]) -> str:
    naive_s = r["naive"].seconds if "naive" in r else float("nan")
    cells = [f"{r[k].seconds:.1f} s" for k in ("floor",)] + [f"{naive_s:.1f} s"] + [
        f"{r[k].seconds:.1f} s" for k in ("cold", "cold1", "warm", "article", "template")]
    ratios = [f"{r['cold'].peak_mb:.0f}", f"{r['cold'].seconds / r['floor'].seconds:.2f}",
              f"{r['warm'].seconds / r['cold'].seconds:.2f}",
              f"{r['cold1'].seconds / r['cold'].seconds:.2f}×",
              f"{naive_s / r['cold'].seconds:.2f}"]
    return f"| {n} | " + " | ".join(cells + ratios) + " |"


def preview_edit(scratch: Path, reps: int = 5) -> tuple[float, float]:
    """One article while writing, in one long-lived process as ``publish preview`` runs it.

    Returns the medians of (floor: prepare + render + check, warm) and (a saved edit
    rebuilt, re-checked and promoted by the preview's ``rebuild``).
    """
    sys.path.insert(0, str(ROOT))
    from channels import registry
    from channels.content.article import load_article
    from channels.pipeline.incremental import Fingerprint
    from channels.pipeline.project import Project, load_settings
    from channels.pipeline.steps import Job, build_article
    from flows.cli.preview import rebuild

    source = make_library(scratch / "preview", 1)
    project = Project(source, source.parent / "templates")
    out = source.parent / "output"
    rebuild(project, out)  # warm: imports, fonts, first render
    floors, edits = [], []
    for i in range(reps):
        started = time.perf_counter()
        settings = load_settings(project)
        article = load_article(project.articles()[0], settings.site, settings.policy)
        build_article(Job(article, Fingerprint("", ())), settings, project, registry.names())
        floors.append(time.perf_counter() - started)
        edit(project.articles()[0], "Researchers are", f"\n\nResearchers (edit {i}) are")
        started = time.perf_counter()
        [line] = rebuild(project, out)
        edits.append(time.perf_counter() - started)
        assert line.strip().startswith("published"), line
    return statistics.median(floors), statistics.median(edits)


def main() -> None:
    if sys.argv[1:2] == ["floor"]:
        return floor_loop(Path(sys.argv[2]), Path(sys.argv[2]) / sys.argv[3])

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, nargs="+", default=[1, 20, 100])
    parser.add_argument("--reps", type=int, default=3, help="repetitions for N ≤ 20 (N > 20: 1)")
    args = parser.parse_args()
    env = {**os.environ, **QUIET}
    with tempfile.TemporaryDirectory(prefix="pmh-bench-") as tmp:
        scratch = Path(tmp)
        server, url = start_server(scratch / "server-home", env)
        try:
            env.update(PREFECT_API_URL=url, PREFECT_HOME=str(scratch / "client-home"))
            report(args, env, scratch)
        finally:
            server.terminate()
            server.wait(30)


def report(args: argparse.Namespace, env: dict[str, str], scratch: Path) -> None:
    ephemeral, served = fixed_cost(env, scratch)
    print(f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {platform.node()}, "
          f"{os.cpu_count()} cores, Python {platform.python_version()}, "
          f"load average {os.getloadavg()[0]:.1f} at start; "
          f"medians of {args.reps} runs for N ≤ 20, 1 run above")
    print(f"fixed cost, one unchanged article: {ephemeral:.1f} s with the ephemeral server, "
          f"{served:.1f} s with a running server (PREFECT_API_URL)\n")
    print(HEADER, flush=True)
    for n in args.n:
        reps = args.reps if n <= 20 else 1
        print(row(n, bench(n, reps, env, scratch, naive_too=True)), flush=True)
    base, rebuilt = preview_edit(scratch)
    print(f"\none article while writing (publish preview): floor {base:.2f} s, saved edit "
          f"rebuilt and re-checked {rebuilt:.2f} s, ratio {rebuilt / base:.2f} (target ≤ 3)")


if __name__ == "__main__":
    main()
