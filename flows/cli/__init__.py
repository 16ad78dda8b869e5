"""The ``publish`` command line.

Exit codes: 0 done; 1 the gate refused an output; 2 bad input or usage.
User errors print one line; ``--debug`` shows the traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Callable, Sequence

from channels.errors import InputError, PublishError

QUIET_PREFECT = {
    # No telemetry, no analytics, no outside connection (see README, "No network").
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
    "PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW": "ignore",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_CLOUD_ENABLE_ORCHESTRATION_TELEMETRY": "false",
}


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one line with exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise InputError(self.prog, message, f"see '{self.prog} --help'")


def build_parser() -> argparse.ArgumentParser:
    from flows.cli import check, preview, render, send, server, subscribers

    parser = _Parser(
        prog="publish", description="Publish patient-education articles to every channel."
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks and Prefect logs")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    # Adding a command: one module in flows/cli/ with ``register(subparsers)``, one entry here.
    for command in (render, check, preview, send, subscribers, server):
        command.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    for key, value in QUIET_PREFECT.items():
        os.environ.setdefault(key, "DEBUG" if debug and key == "PREFECT_LOGGING_LEVEL" else value)
    try:
        args = build_parser().parse_args(argv)
        run: Callable[[argparse.Namespace], int] = args.run
        return run(args)
    except PublishError as exc:
        if debug:
            traceback.print_exc()
        print(f"publish: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("publish: interrupted; output/ holds only complete versions", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
