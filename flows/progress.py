"""What a person watching a multi-article run sees: a live bar on a terminal, then a summary."""

from __future__ import annotations

import contextlib
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from channels.pipeline.plan import Verdict

STATUSES = ("published", "unchanged", "reused", "awaiting", "refused", "failed")


def line(verdict: Verdict, out_dir: Path) -> None:
    """One line per article on stdout, as soon as its outcome is known."""
    print(f"{verdict.status:>9}  {verdict.slug}  → {out_dir / verdict.slug}", flush=True)
    # Content warnings for what went out; a refusal's one line says what to fix first.
    if verdict.status in ("published", "unchanged"):
        for warning in verdict.warnings:
            print(f"  warning: {warning}", file=sys.stderr, flush=True)
    # Staged, not published: what waits for whom, and the command that approves it.
    if verdict.status == "awaiting":
        for reason in verdict.problems:
            print(f"  waiting: {reason}", flush=True)


@contextlib.contextmanager
def bar(total: int, done: int = 0) -> Iterator[Callable[[Verdict], None]]:
    """Yield ``advance(verdict)``; draws a live bar on stderr only if it is a terminal."""
    if total < 2 or not sys.stderr.isatty():
        yield lambda verdict: None
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn(), TextColumn("{task.fields[last]}"))
    with Progress(*columns, console=Console(stderr=True), transient=True) as shown:
        task = shown.add_task("publishing", total=total, completed=done, last="")
        yield lambda verdict: shown.update(task, advance=1, last=f"{verdict.status} {verdict.slug}")


def summary(verdicts: list[Verdict], seconds: float) -> None:
    """A table of how many articles were published, reused, refused, and the time taken.

    Only for multi-article runs: a single article's outcome is its one line (or error).
    """
    if len(verdicts) < 2:
        return
    counts = Counter(v.status for v in verdicts)
    table = Table(title=f"{len(verdicts)} article{'s' * (len(verdicts) != 1)} in {seconds:.1f} s")
    # "awaiting" (staged for approval) only where the approval policy put any there.
    shown = [s for s in STATUSES if s != "awaiting" or counts[s]]
    for status in shown:
        table.add_column(status, justify="right")
    table.add_row(*(str(counts[s]) for s in shown))
    Console(file=sys.stdout, width=80).print(table)
