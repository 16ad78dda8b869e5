"""``publish approvals``: every recorded approval, and whether it still matches the outputs."""

from __future__ import annotations

import argparse

from flows.cli.approve import add_common


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("approvals", help="list approvals and whether each still holds")
    parser.add_argument("slug", nargs="?", default="", help="one article (default: all)")
    add_common(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from channels.approval.records import FOLDER

    slugs = [args.slug] if args.slug else sorted(
        p.stem for p in (args.source_dir / FOLDER).glob("*.jsonl"))
    if not slugs:
        print(f"no approvals recorded in {args.source_dir / FOLDER}")
    for slug in slugs:
        for line in _lines(args, slug):
            print(line)
    return 0


def _lines(args: argparse.Namespace, slug: str) -> list[str]:
    from channels.approval.gatekeeper import (
        ApprovalRefused,
        article_for,
        current_folder,
        statuses,
        subject_for,
    )

    try:
        folder = current_folder(args.out, slug)
        subject = subject_for(article_for(folder, args.source_dir), folder, args.source_dir)
    except ApprovalRefused as exc:
        return [f"{slug}: {exc}"]
    found = statuses(subject, args.source_dir)
    lines = [f"{slug}: {len(found)} approval{'s' * (len(found) != 1)} of {folder}"]
    for status in found:
        head = f"  {status.record.number}."
        if status.statement is not None:
            s = status.statement
            head += f" {s.role} by {s.principal} at {s.signed_at}"
        lines.append(f"{head}: {'holds' if status.holds else 'void: ' + status.problem}")
    return lines
