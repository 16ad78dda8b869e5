"""``publish check PATH...``: run the gate on outputs that already exist (exit 0 pass, 1 fail)."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "check", help="check existing outputs for the required disclaimers"
    )
    parser.add_argument(
        "paths",
        nargs="+",
        type=Path,
        metavar="PATH",
        help="output folders, or handout .pdf, .eml, .html, .txt or social.json files "
        "(all checked in this one process, with one warm browser)",
    )
    parser.add_argument(
        "--source-dir",
        type=Path,
        default=Path("source"),
        help="where the articles and disclaimers.yaml (the policy) live (default: source)",
    )
    parser.add_argument(
        "--html", type=Path, default=None, help="also write the report as HTML here"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from channels import registry
    from channels.content.disclaimers import load_policy
    from channels.pipeline.recheck import check_outputs, collect
    from channels.pipeline.report import render_html, table_rows

    policy = load_policy(args.source_dir / "disclaimers.yaml", registry.names())
    reports = [check_outputs(outputs, policy, args.source_dir)
               for path in args.paths for outputs in collect(path)]
    for row in table_rows(reports):
        found = (
            f"found in {row['found in']}"
            if row["status"] == "pass"
            else row["status"].removeprefix("FAIL: ")
        )
        print(
            f"{'pass' if row['status'] == 'pass' else 'FAIL'}  {row['article']}  {row['channel']}  "
            f"{row['disclaimer']} v{row['version']} ({row['form']}): {found}"
        )
    for report in reports:
        for note in report["manifest"]:
            print(f"note  {report['slug']}  manifest: {note}")
    if args.html:
        args.html.write_text(render_html(reports), encoding="utf-8")
    passed = all(r["passed"] for r in reports)
    failed = sum(not r["passed"] for r in reports)
    print(
        f"FAILED: {failed} of {len(reports)} article(s) lack a required disclaimer"
        if failed
        else f"passed: every required disclaimer found in {len(reports)} article(s)"
    )
    return 0 if passed else 1
