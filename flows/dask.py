"""Scale-out on Dask: what ``publish render --dask ADDRESS`` checks before the flow starts.

The per-article tasks run on the cluster's workers through prefect-dask's
``DaskTaskRunner``; each worker returns the article's files as bytes and the flow, the
one writer of ``output/``, promotes them (README "Scale-out on Dask").
"""

from __future__ import annotations

import os
import socket
from urllib.parse import urlsplit

from channels.errors import InputError


def check_cluster(address: str) -> None:
    """Refuse, in one line, a run whose Dask workers could not report to Prefect or
    whose scheduler does not answer."""
    if not os.environ.get("PREFECT_API_URL"):
        raise InputError("--dask", "Dask workers need a Prefect server they can reach, not "
                         "the embedded one", "unset PUBLISH_SERVER, or set PREFECT_API_URL")
    parts = urlsplit(address if "://" in address else f"tcp://{address}")
    try:
        port = parts.port
    except ValueError:
        port = None
    if parts.scheme != "tcp" or not parts.hostname or port is None:
        raise InputError("--dask", f"'{address}' is not a Dask scheduler address",
                         "give it as tcp://HOST:PORT, as 'dask scheduler' prints it")
    try:
        socket.create_connection((parts.hostname, port), timeout=5).close()
    except OSError:
        raise InputError("--dask", f"no Dask scheduler answers at {address}",
                         "start one ('dask scheduler', then 'dask worker ADDRESS "
                         "--nthreads 1' per core) or fix the address") from None
