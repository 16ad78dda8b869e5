"""``publish log``: the audit log (approvals, releases, sends), oldest first; read-only."""

from __future__ import annotations

import argparse

from flows.cli.approve import database


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("log", help="print the audit log: approvals, releases, sends")
    parser.add_argument("slug", nargs="?", default="", help="one article (default: all)")
    parser.add_argument("--db", default=None,
                        help="the database (default: $PUBLISH_DB or subscribers.sqlite3)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from channels.approval.audit import entries

    found = entries(database(args), args.slug)
    for e in found:
        what = f"campaign {e.campaign} to {e.count}" if e.event == "send" else e.detail
        print(f"{e.at}  {e.event:<7}  {e.slug}  {e.sha256[:12] or '-':<12}  {e.actor}  {what}")
    if not found:
        print("the audit log is empty")
    return 0
