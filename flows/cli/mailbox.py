"""``publish mailbox process PATH``: apply bounce reports and unsubscribe mails to the list."""

from __future__ import annotations

import argparse
from pathlib import Path

from flows.cli.send import DB_HELP, ROOT

KINDS = ("unsubscribed", "bounced", "soft bounce", "ignored", "already processed")


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("mailbox", help="read bounces and unsubscribe requests")
    actions = parser.add_subparsers(dest="action", required=True, parser_class=type(parser))
    process = actions.add_parser("process", help="apply a Maildir or mbox to the subscriber store")
    process.add_argument("path", type=Path, help="a Maildir folder or an mbox file")
    process.add_argument("--db", default=None, help=DB_HELP)
    process.add_argument("--soft-limit", type=int, default=3,
                         help="soft bounces (4.x.x) before an address counts as bounced")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from channels.distribution import inbox
    from channels.distribution import store as subscribers
    from channels.distribution.edition import signing_key

    key = signing_key()  # to read the unsubscribe tokens in mailto requests
    store = subscribers.connect(str(args.db or subscribers.default_db(ROOT)))
    try:
        done = inbox.process(store, args.path, key, max(1, args.soft_limit))
    finally:
        store.close()
    print(f"{args.path}: " + ", ".join(f"{done[kind]} {kind}" for kind in KINDS))
    return 0
