"""``publish server status|stop``: the reusable local Prefect server that ``render`` starts."""

from __future__ import annotations

import argparse


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "server", help="the local Prefect server 'render' starts once and reuses")
    parser.add_argument("action", choices=("status", "start", "stop"))
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from flows import server

    if args.action == "stop":
        stopped = server.stop()
        print(f"stopped the server on {stopped.url} (pid {stopped.pid})" if stopped
              else "no server running")
        return 0
    running = server.ensure() if args.action == "start" else server.status()
    if running is None:
        print(f"no server running (the next 'publish render' starts one; "
              f"folder {server.home()})")
        return 0
    state = "up" if server.healthy(running) else "starting"
    print(f"{state}: Prefect UI at {running.url}/ (port {running.port}, pid {running.pid}, "
          f"log {running.log})")
    return 0
