"""The send flow: refuse what must not go out → send (retried) → summary."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.states import Failed, State

from channels.approval import audit
from channels.approval.gatekeeper import require
from channels.distribution import send as sending
from channels.distribution.edition import load_edition, signing_key
from channels.distribution.smtp import smtp_settings
from channels.errors import PublishError
from channels.pipeline.manifest import sha256


@dataclass(frozen=True)
class SendRequest:
    """What to send and where; no secrets (those are read from the environment inside)."""

    out_dir: Path
    slug: str
    site_file: Path
    db: str  # a path or a database URL (printed without its password)
    campaign: str = ""
    to: str = ""
    retry: sending.Retry = sending.Retry()
    progress: bool = False  # draw a bar with the rate on stderr (a terminal)


def _not_user_error(task, task_run, state) -> bool:  # type: ignore[no-untyped-def]
    """Retry crashes and lost connections, never a refusal the user has to fix."""
    try:
        state.result()
    except PublishError:
        return False
    except Exception:
        return True
    return False


@dataclass(frozen=True)
class Refused:
    """A refusal the user must fix, returned as data so Prefect logs no traceback for it."""

    message: str


def deliver(request: SendRequest) -> sending.Summary | Refused | None:
    """Check, then send the test message or the whole list (the ledger makes this rerunnable)."""
    try:
        return _deliver(request)
    except PublishError as exc:
        return Refused(str(exc))


def _deliver(request: SendRequest) -> sending.Summary | None:
    edition = load_edition(request.out_dir, request.slug, request.site_file,
                           request.campaign)
    key = signing_key()
    settings = smtp_settings()
    if request.to:
        sending.send_test(edition, request.to, key, settings, request.retry)
        return None
    # Checked here, at run time, so a scheduled run sends only what is still approved.
    folder = request.out_dir / request.slug
    require("send", folder, request.site_file.parent)
    with rate_bar(request.progress) as progress:
        summary = sending.send_all(request.db, edition, key, settings, request.retry, progress)
    audit.append(request.db, "send", request.slug, sha256((folder / "manifest.json").read_bytes()),
                 campaign=edition.campaign, count=summary.sent)
    return summary


@contextlib.contextmanager
def rate_bar(shown: bool) -> Iterator[sending.Progress | None]:
    """A live bar on stderr: recipients done of those to do, messages per second, time left."""
    if not shown:
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeRemainingColumn,
    )

    columns = (TextColumn("sending"), BarColumn(), MofNCompleteColumn(), TaskProgressColumn(),
               TextColumn("{task.fields[rate]}"),
               TimeRemainingColumn())
    with Progress(*columns, console=Console(file=sys.stderr), transient=True) as bar:
        job = bar.add_task("sending", total=None, rate="")

        def advance(done: int, total: int) -> None:
            speed = bar.tasks[0].speed or 0.0
            bar.update(job, completed=done, total=total, rate=f"{speed:.0f} messages/s")
        yield advance


# A retry re-reads the ledger, so it sends only to those not yet delivered.
deliver_task = task(deliver, name="deliver", task_run_name="deliver-{request.slug}", retries=2,
                    retry_delay_seconds=5, retry_condition_fn=_not_user_error,
                    cache_policy=NO_CACHE)


@flow(name="send", log_prints=False)
def send(request: SendRequest) -> sending.Summary | State | None:
    """Send one published newsletter; a refusal ends the run in a Failed state."""
    outcome = deliver_task(request)
    if isinstance(outcome, Refused):
        # On the run, for whoever opens it (a scheduled send can be refused at run time).
        create_markdown_artifact(key=f"send-refused-{request.slug}",
                                 markdown=f"# Nothing was sent\n\n{outcome.message}\n")
        return Failed(message=outcome.message)
    return outcome
