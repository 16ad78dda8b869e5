"""``publish approve``: sign an article's checked outputs as a reviewer, and record it."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ROLES = ("clinical", "compliance", "marketing")


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("approve", help="sign an article's checked outputs as a reviewer")
    parser.add_argument("slug", help="the article's slug, e.g. gut-brain-axis")
    parser.add_argument("--key", type=Path, default=None,
                        help="your SSH private key (default: $PUBLISH_APPROVAL_KEY, "
                             "else ~/.ssh/id_ed25519)")
    parser.add_argument("--role", default="clinical", choices=ROLES)
    parser.add_argument("--note", default="", help="a remark kept with the signed approval")
    add_common(parser)
    parser.set_defaults(run=run)


def add_common(parser: argparse.ArgumentParser) -> None:
    """The folders and the store, as every approval command names them."""
    parser.add_argument("--out", type=Path, default=Path("output"), help="output folder")
    parser.add_argument("--source-dir", type=Path, default=Path("source"))
    parser.add_argument("--db", default=None,
                        help="audit log database: a SQLite file or a URL "
                             "(default: $PUBLISH_DB or subscribers.sqlite3)")


def database(args: argparse.Namespace) -> str:
    from channels.distribution.store import default_db

    return str(args.db or default_db(ROOT))


def run(args: argparse.Namespace) -> int:
    from channels.approval import audit
    from channels.approval.gatekeeper import approve, article_for, current_folder, subject_for
    from channels.approval.records import parse_statement
    from channels.pipeline.manifest import NAME, sha256
    from channels.pipeline.writer import STAGED

    key = args.key or Path(os.environ.get("PUBLISH_APPROVAL_KEY")
                           or Path.home() / ".ssh" / "id_ed25519")
    folder = current_folder(args.out, args.slug)
    subject = subject_for(article_for(folder, args.source_dir), folder, args.source_dir)
    record = approve(subject, args.source_dir, key, args.role, args.note)
    statement = parse_statement(record.statement)
    name = subject.reviewers[statement.principal].name
    audit.append(database(args), "approve", args.slug, sha256((folder / NAME).read_bytes()),
                 detail=f"{args.role} approval {record.number} ({record.where})",
                 actor=f"{name} <{statement.principal}>")
    print(f"approved {args.slug} as {args.role} by {name}: {record.where}")
    if STAGED in folder.parts:
        print(f"staged in {folder}; 'publish render' publishes it once every required role "
              "has approved")
    return 0
