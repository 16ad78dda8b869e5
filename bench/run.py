"""``make bench``: the pipeline against the physical floor and the naive loop, as ratios.

    .venv/bin/python bench/run.py          # BENCH_N=100 articles, BENCH_REPS=3 (small runs)

In one run, every command a fresh process as a person starts it, all against one local
Prefect server that this script starts first (``publish server start``) so its fixed cost
cancels. Prints a Markdown table, each target with PASS or MISS; then runs
``bench/send_bench.py``. See README "Benchmark" for what each row means.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))

from floor import floor_seconds  # noqa: E402
from measure import (  # noqa: E402, F401  (vary: bench/same_bytes.py imports it from here)
    BIN,
    ROOT,
    SEED,
    Run,
    edit,
    make_library,
    median,
    naive,
    publish,
    render,
    vary,
)

QUIET = {"DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
         "PREFECT_LOGGING_LEVEL": "WARNING", "PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW": "ignore"}


def per_article(lib1: Path, lib_n: Path, n: int, reps: int, env: dict[str, str]
                ) -> dict[str, float | Run]:
    """Marginal seconds per article of ``render --workers 1`` and of ``check`` (N vs 1)."""
    one = median([render(lib1, env, "w1", "--workers", "1", "--force") for _ in range(reps)])
    many = render(lib_n, env, "w1", "--workers", "1", "--force")
    check1 = median([publish(lib1, env, "check", "w1") for _ in range(reps)])
    check_n = publish(lib_n, env, "check", "w1")
    gate = (check_n.seconds - check1.seconds) / (n - 1)
    return {"render": (many.seconds - one.seconds) / (n - 1), "gate": gate, "w1": many}


def columns(lib_n: Path, env: dict[str, str]) -> dict[str, Run]:
    """Cold (2 workers, nothing published), warm (nothing changed), incremental (one edit)."""
    cold = render(lib_n, env, "w2", "--workers", "2", "--force")
    warm = render(lib_n, env, "w2", "--workers", "2")
    edit(lib_n / "source" / "article-000.md", "columns")
    incremental = render(lib_n, env, "w2", "--workers", "2")
    return {"cold": cold, "warm": warm, "incremental": incremental}


def edited_article(lib1: Path, reps: int, env: dict[str, str]) -> tuple[Run, Run]:
    """One edited article with the README's command, and the two naive pandoc commands."""
    ours, theirs = [], []
    article = lib1 / "source" / "article-000.md"
    for rep in range(reps):
        edit(article, f"edit {rep}")
        ours.append(publish(lib1, env, "render", "--source-dir", "source", "--templates",
                            "templates"))
        theirs.append(naive(lib1, env, article))
    return median(ours), median(theirs)


def dask_speedup(lib_n: Path, env: dict[str, str]) -> tuple[Run, Run]:
    """``render --dask`` on a LocalCluster of 1, then 2, single-threaded worker processes."""
    import distributed

    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        one = render(lib_n, env, "d1", "--force", "--dask", cluster.scheduler_address)
        cluster.scale(2)
        client.wait_for_workers(2)
        two = render(lib_n, env, "d2", "--force", "--dask", cluster.scheduler_address)
    return one, two


def verdict(value: float, target: float, at_most: bool) -> str:
    passed = value <= target if at_most else value >= target
    return "PASS" if passed else "MISS"


def table(n: int, floor: float, r: dict, cols: dict[str, Run], edited: tuple[Run, Run],
          dask: tuple[Run, Run]) -> list[str]:
    """The Markdown rows: what, measured, target, PASS/MISS."""
    render_less_gate = r["render"] - r["gate"]
    speedup, dask_up = r["w1"].seconds / cols["cold"].seconds, dask[0].seconds / dask[1].seconds
    peak = max(r["w1"].peak_mb, cols["cold"].peak_mb)
    pss = max(r["w1"].peak_pss_mb, cols["cold"].peak_pss_mb)
    rows = [
        ("physical floor per article (`bench/floor.py`)", f"{floor:.2f} s", "", ""),
        ("render per article, `--workers 1` (N vs 1), less the gate, / floor",
         f"({r['render']:.2f} − {r['gate']:.2f}) / {floor:.2f} = "
         f"{render_less_gate / floor:.2f}", "≤ 1.5", verdict(render_less_gate / floor, 1.5, True)),
        ("gate per article (`publish check`, N vs 1) / floor",
         f"{r['gate']:.2f} / {floor:.2f} = {r['gate'] / floor:.2f}", "≤ 1.5",
         verdict(r["gate"] / floor, 1.5, True)),
        ("one edited article, `publish render` / naive two pandoc commands",
         f"{edited[0].seconds:.2f} / {edited[1].seconds:.2f} = "
         f"{edited[0].seconds / edited[1].seconds:.2f}", "≤ 4",
         verdict(edited[0].seconds / edited[1].seconds, 4, True)),
        (f"cold / warm / incremental, N = {n}, 2 workers",
         " / ".join(f"{cols[k].seconds:.1f} s" for k in ("cold", "warm", "incremental")), "", ""),
        (f"speed-up 1 → 2 workers, N = {n}", f"{r['w1'].seconds:.1f} / "
         f"{cols['cold'].seconds:.1f} = {speedup:.2f}", "≥ 1.8", verdict(speedup, 1.8, False)),
        (f"speed-up 1 → 2 Dask workers, N = {n}", f"{dask[0].seconds:.1f} / "
         f"{dask[1].seconds:.1f} = {dask_up:.2f}", "≥ 1.6", verdict(dask_up, 1.6, False)),
        (f"peak memory, N = {n}: RSS of the process tree (PSS)", f"{peak:.0f} MB "
         f"({pss:.0f} MB)", "≤ 600 MB", verdict(peak, 600, True)),
    ]
    return ["| measure | measured | target | |", "|---|---:|---:|---|",
            *(f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows)]


def main() -> None:
    n, reps = int(os.environ.get("BENCH_N", "100")), int(os.environ.get("BENCH_REPS", "3"))
    with tempfile.TemporaryDirectory(prefix="pmh-bench-") as tmp:
        scratch = Path(tmp)
        env = {**os.environ, **QUIET, "PUBLISH_SERVER_DIR": str(scratch / "server")}
        for key in ("PREFECT_API_URL", "PUBLISH_SERVER", "PUBLISH_DASK"):
            env.pop(key, None)
        load = os.getloadavg()[0]
        subprocess.run([str(BIN / "publish"), "server", "start"], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        try:
            lines = measure(n, reps, env, scratch)
        finally:
            subprocess.run([str(BIN / "publish"), "server", "stop"], env=env,
                           stdout=subprocess.DEVNULL)
    print(f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, load average {load:.1f} at the start, "
          f"{os.getloadavg()[0]:.1f} at the end; N = {n}, medians of {reps} for small runs\n")
    print("\n".join(lines), flush=True)
    subprocess.run([sys.executable, str(ROOT / "bench" / "send_bench.py")], check=False)


def measure(n: int, reps: int, env: dict[str, str], scratch: Path) -> list[str]:
    lib1, lib_n = scratch / "one", scratch / "many"
    make_library(lib1, 1)
    make_library(lib_n, n)
    floor = floor_seconds([SEED], reps=5)
    r = per_article(lib1, lib_n, n, reps, env)
    cols = columns(lib_n, env)
    edited = edited_article(lib1, reps, env)
    dask = dask_speedup(lib_n, env)
    return table(n, floor, r, cols, edited, dask)


if __name__ == "__main__":
    main()
