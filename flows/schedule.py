"""Scheduled sends: flow runs of the ``send/send`` deployment on a Prefect server.

``publish schedule serve`` (``send.serve``) registers the deployment and runs what falls due;
``publish send SLUG --at TIME`` creates a scheduled run of it.  At run time the send flow
checks the approval and the manifest again, so a run whose approval was voided sends nothing.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path
from uuid import UUID

from prefect import flow

from channels.errors import InputError, SendRefused
from flows.send import SendRequest, send

DEPLOYMENT = "send/send"


@flow(name="send", log_prints=False)
def send_later(out_dir: str, slug: str, site_file: str, db: str, campaign: str = ""):  # type: ignore[no-untyped-def]
    """The send flow with plain parameters, as a deployment stores them; same checks, same run."""
    _not_before_its_time()
    return send.fn(SendRequest(Path(out_dir), slug, Path(site_file), db, campaign))


def _not_before_its_time() -> None:
    """Wait for the run's scheduled time: Prefect's runner prefetches runs and starts them up
    to ``prefetch_seconds`` (10 s) early, and a newsletter must not go out before its time."""
    from prefect.runtime import flow_run

    at = flow_run.scheduled_start_time
    early = (at - dt.datetime.now(dt.UTC)).total_seconds() if at else 0.0
    if early > 0:
        time.sleep(min(early, RUNNER_PREFETCH_S))


RUNNER_PREFETCH_S = 10.0  # prefect.runner.Runner's default prefetch_seconds


def require_server() -> str:
    """The Prefect API a schedule lives on; refuses when none is configured."""
    url = os.environ.get("PREFECT_API_URL", "")
    if not url:
        raise SendRefused("a scheduled send needs a Prefect server that outlives this command, "
                          "and PUBLISH_SERVER=embedded has none (unset it to use the local "
                          "server, or export PREFECT_API_URL for your own)")
    return url


def schedule_send(request: SendRequest, at: dt.datetime) -> UUID:
    """A scheduled run of the send deployment at ``at``; its id."""
    from prefect.deployments import run_deployment
    from prefect.exceptions import ObjectNotFound

    require_server()
    parameters = {"out_dir": str(request.out_dir.resolve()), "slug": request.slug,
                  "site_file": str(request.site_file.resolve()), "db": _absolute(request.db),
                  "campaign": request.campaign}
    try:
        run = run_deployment(DEPLOYMENT, parameters=parameters, scheduled_time=at, timeout=0,
                             as_subflow=False,
                             flow_run_name=f"send-{request.slug}-{at:%Y%m%dT%H%M}")
    except ObjectNotFound:
        raise SendRefused(f"no '{DEPLOYMENT}' deployment on {require_server()} (start "
                          "'publish schedule serve' once, and keep it running)") from None
    return run.id


def _absolute(db: str) -> str:
    """A store path made absolute for the worker that runs later; a database URL as it is."""
    return db if "://" in db else str(Path(db).resolve())


def scheduled_runs() -> list[tuple[str, str, str, str]]:
    """Every run of the send deployment: (id, scheduled time, state, message), oldest first."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterName

    require_server()
    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(deployment_filter=DeploymentFilter(
            name=DeploymentFilterName(any_=[DEPLOYMENT.split("/")[1]])))
    rows = [(str(r.id), r.expected_start_time.isoformat(timespec="minutes")
             if r.expected_start_time else "-", r.state_name or "-",
             (r.state.message or "") if r.state else "") for r in runs]
    return sorted(rows, key=lambda row: row[1])


def cancel(run_id: str) -> None:
    """Cancel a scheduled run that has not started."""
    from prefect.client.orchestration import get_client
    from prefect.states import Cancelled

    require_server()
    try:
        ident = UUID(run_id)
    except ValueError:
        raise InputError("schedule cancel", f"'{run_id}' is not a run id",
                         "copy one from 'publish schedule list'") from None
    with get_client(sync_client=True) as client:
        client.set_flow_run_state(ident, Cancelled(message="cancelled with publish schedule "
                                                           "cancel"), force=True)


def serve() -> None:
    """Register the send deployment and run its scheduled runs as they fall due (blocks)."""
    require_server()
    send_later.serve(name=DEPLOYMENT.split("/")[1])
