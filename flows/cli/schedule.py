"""``publish schedule list|cancel|serve``: scheduled sends on the Prefect server."""

from __future__ import annotations

import argparse


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("schedule", help="scheduled sends: list, cancel, serve")
    actions = parser.add_subparsers(dest="action", required=True,
                                    parser_class=type(parser))
    actions.add_parser("list", help="every run of the send deployment and its state")
    cancel = actions.add_parser("cancel", help="cancel a scheduled send")
    cancel.add_argument("run_id", help="the run's id, from 'publish schedule list'")
    actions.add_parser("serve", help="register the send deployment; run sends as they fall due")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from flows.server import use_server

    use_server()  # before Prefect is imported: the reusable local server, or $PREFECT_API_URL
    from flows import schedule

    if args.action == "serve":
        schedule.serve()
    elif args.action == "cancel":
        schedule.cancel(args.run_id)
        print(f"cancelled {args.run_id}")
    else:
        rows = schedule.scheduled_runs()
        for row in rows:
            print("  ".join(row).rstrip())
        if not rows:
            print("no scheduled sends")
    return 0
