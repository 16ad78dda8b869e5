"""``publish doctor``: what is set up here, with a tick or the command that fixes it."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("doctor", help="show what is set up and how to fix the rest")
    parser.add_argument("--templates", type=Path, default=Path("templates"))
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from channels.doctor import diagnose

    checks = diagnose(args.templates)
    for check in checks:
        mark = {True: "✓", False: "✗", None: "–"}[check.ok]
        fix = f"  → {check.fix}" if check.ok is not True and check.fix else ""
        print(f"{mark} {check.name}: {check.detail}{fix}")
    # Only what publishing needs fails the command; sending settings are optional.
    return 1 if any(check.ok is False for check in checks) else 0
