"""``publish new "Title"``: start an article from a commented scaffold in source/."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("new", help="start a new article in source/")
    parser.add_argument("title", help='the headline, e.g. "Sleep and your mood"')
    parser.add_argument("--tags", default="mental-health",
                        help="comma-separated tags (default: mental-health)")
    parser.add_argument("--source-dir", type=Path, default=Path("source"))
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from channels import registry
    from channels.content.disclaimers import load_policy
    from channels.content.scaffold import new_article
    from channels.content.site import load_site

    policy = load_policy(args.source_dir / "disclaimers.yaml", registry.names())
    site = load_site(args.source_dir / "site.yaml")
    tags = tuple(t.strip() for t in args.tags.split(",") if t.strip())
    path = new_article(args.source_dir, args.title, tags, policy, site.base_url,
                       dt.date.today())
    print(f"wrote {path}: fill in every PLACEHOLDER, then: publish render {path}")
    return 0
