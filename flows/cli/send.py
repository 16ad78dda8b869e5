"""``publish send``: send a published newsletter to the list, or one test message."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DB_HELP = ("subscriber store: a SQLite file or a postgresql+psycopg:// URL "
           "(default: $PUBLISH_DB or subscribers.sqlite3)")


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("send", help="send a published newsletter by email")
    parser.add_argument("slug", help="the article's slug, e.g. gut-brain-axis")
    parser.add_argument("--to", default="", help="send one test message to this address only")
    parser.add_argument("--dry-run", action="store_true",
                        help="check everything (the SMTP login too), send nothing")
    parser.add_argument("--out", type=Path, default=Path("output"), help="published output folder")
    parser.add_argument("--source-dir", type=Path, default=Path("source"))
    parser.add_argument("--db", default=None, help=DB_HELP)
    parser.add_argument("--campaign", default="",
                        help="ledger key (default: the slug; a new name sends a new edition)")
    parser.add_argument("--at", type=_when, default=None, metavar="TIME",
                        help="send later, e.g. 2026-12-03T09:00-08:00 (needs PREFECT_API_URL "
                             "and 'publish schedule serve')")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from channels.distribution import store as subscribers
    from channels.distribution.smtp import smtp_settings
    from channels.errors import SendRefused

    db = str(args.db or subscribers.default_db(ROOT))
    if args.dry_run:
        return _dry_run(args, db)
    # Every refusal before the flow starts: one line, no Prefect traceback.
    _checked_edition(args)
    if args.at is not None:
        return _schedule(args, db)
    smtp_settings()
    subscribers.connect(db).close()  # a store that cannot be opened is refused here
    from flows.server import use_server

    # Before Prefect is imported: the reusable local server, detached and recorded, never a
    # per-process one that a killed send would leave behind (README "The local Prefect server").
    use_server()
    from flows.send import SendRequest, send

    state = send(SendRequest(args.out, args.slug, args.source_dir / "site.yaml", db,
                             args.campaign, args.to, progress=sys.stderr.isatty()),
                 return_state=True)
    if state.is_failed():
        raise SendRefused(state.message or "the send flow failed (run again with --debug)")
    summary = state.result()
    if summary is None:
        print(f"sent one test message to {args.to}")
        return 0
    print("\n".join(summary.lines()))
    troubled = summary.failed or summary.deferred or summary.uncertain or summary.stopped
    return 1 if troubled else 0


def _schedule(args: argparse.Namespace, db: str) -> int:
    from flows.server import use_server

    use_server()  # the schedule lives on the reusable local server, or on $PREFECT_API_URL
    from flows.schedule import schedule_send
    from flows.send import SendRequest

    request = SendRequest(args.out, args.slug, args.source_dir / "site.yaml", db, args.campaign,
                          args.to)
    run_id = schedule_send(request, args.at)
    print(f"scheduled {args.slug} for {args.at.isoformat()} (run {run_id}); the approval is "
          "checked again then")
    return 0


def _when(text: str) -> dt.datetime:
    try:
        when = dt.datetime.fromisoformat(text)
    except ValueError:
        when = None
    if when is None or when.tzinfo is None:
        raise argparse.ArgumentTypeError(f"'{text}' is not a time with its UTC offset, e.g. "
                                         "2026-12-03T09:00-08:00")
    return when


def _dry_run(args: argparse.Namespace, db: str) -> int:
    """Every refusal the real send would make, and the numbers; no message, no ledger writes."""
    from channels.distribution import ledger
    from channels.distribution import store as subscribers
    from channels.distribution.smtp import Connection, smtp_settings

    edition = _checked_edition(args)
    smtp = Connection(smtp_settings())
    try:
        smtp.open()  # connect and log in, as the send would, then hang up
    finally:
        smtp.close()
    store = subscribers.connect(db)
    try:
        done = ledger.states(store, edition.campaign)
        listed = subscribers.subscribers(store, "subscribed")
    finally:
        store.close()
    todo = [s for s in listed if done.get(s.email.lower()) not in ledger.DONE]
    target = args.to or f"{len(todo)} of {len(listed)} subscribed addresses"
    print(f"dry run: would send '{edition.subject}' (campaign {edition.campaign}) to {target}")
    return 0


def _checked_edition(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from channels.distribution.addresses import check_address
    from channels.distribution.edition import load_edition, signing_key
    from channels.errors import SendRefused

    edition = load_edition(args.out, args.slug, args.source_dir / "site.yaml", args.campaign)
    signing_key()
    if not args.to:  # a test message to one address is a proof, not a send to the list
        from channels.approval.gatekeeper import require

        require("send", args.out / args.slug, args.source_dir)
    if args.to:
        try:
            check_address(args.to)
        except ValueError as exc:
            raise SendRefused(f"--to: {exc} "
                              "(give one plain address, e.g. you@example.org)") from None
    return edition
