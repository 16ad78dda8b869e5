"""``publish subscribers``: import a CSV, change one address's status, count the list."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from flows.cli.send import DB_HELP, ROOT


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("subscribers", help="manage the mailing list")
    parser.add_argument("--db", default=None, help=DB_HELP)
    actions = parser.add_subparsers(dest="action", required=True, parser_class=type(parser))
    imp = actions.add_parser("import", help="add subscribers from a CSV (email,name,consent_date)")
    imp.add_argument("csv", type=Path)
    for status, verb in (("unsubscribed", "unsubscribe"), ("bounced", "bounce"),
                         ("subscribed", "resubscribe")):
        one = actions.add_parser(verb, help=f"mark one address {status}")
        one.add_argument("address")
        one.set_defaults(status=status)
    actions.add_parser("count", help="how many addresses have each status")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from channels.distribution import store as subscribers
    from channels.errors import InputError

    conn = subscribers.connect(args.db or subscribers.default_db(ROOT))
    try:
        if args.action == "import":
            return _import(conn, args.csv)
        if args.action == "count":
            print(", ".join(f"{k} {v}" for k, v in subscribers.counts(conn).items()))
            return 0
        if not subscribers.set_status(conn, args.address, args.status):
            raise InputError(args.address, "is not in the subscriber store",
                             "check the spelling, or import it first")
        print(f"{args.address}: {args.status}")
        return 0
    finally:
        conn.close()


def _import(conn, path: Path) -> int:  # type: ignore[no-untyped-def]
    from channels.distribution import store as subscribers

    report = subscribers.import_csv(conn, path)
    for row in report.rejected:
        print(f"{path}:{row.line}: rejected: {row.reason}", file=sys.stderr)
    print(f"imported {path}: {report.added} added, {report.updated} updated, "
          f"{len(report.rejected)} rejected")
    return 0
