"""``publish serve-unsubscribe``: the one-click unsubscribe service (ASGI, uvicorn)."""

from __future__ import annotations

import argparse

from flows.cli.argtypes import port
from flows.cli.send import DB_HELP, ROOT


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("serve-unsubscribe",
                                 help="answer the unsubscribe links of sent newsletters")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default 127.0.0.1: behind a reverse proxy)")
    parser.add_argument("--port", type=port, default=8025)
    parser.add_argument("--db", default=None, help=DB_HELP)
    parser.add_argument("--root-path", default="",
                        help="the path prefix the reverse proxy serves the service under")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from channels.distribution import store as subscribers
    from channels.distribution.edition import signing_key
    from channels.distribution.unsubscribe import create_app

    key = signing_key()
    store = subscribers.connect(str(args.db or subscribers.default_db(ROOT)))
    print(f"unsubscribe service on http://{args.host}:{args.port}/unsubscribe/<token> "
          f"(store {store.name})", flush=True)
    try:
        # proxy_headers: the client address from X-Forwarded-For, only from a proxy on
        # this machine (uvicorn's default forwarded_allow_ips, or $FORWARDED_ALLOW_IPS).
        uvicorn.run(create_app(store, key), host=args.host, port=args.port,
                    root_path=args.root_path, proxy_headers=True, log_level="warning",
                    server_header=False)
    finally:
        store.close()
    return 0
