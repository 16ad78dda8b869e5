"""The ``publish`` command line.

Exit codes: 0 done; 1 the gate refused an output; 2 bad input or usage; 3 a defect of ours.
Every failure prints one line; ``--debug`` shows the traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

from channels.errors import InputError, PublishError

QUIET_PREFECT = {
    # No telemetry, no analytics, no outside connection (see README, "No network").
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    # A first run creates Prefect's database: 90 s was too short on a busy 2-core machine.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
    "PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW": "ignore",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_CLOUD_ENABLE_ORCHESTRATION_TELEMETRY": "false",
}

NO_SERVER = (
    "Prefect's temporary server did not start in time (is the machine very busy?); run again, "
    "raise PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS, or start one server and export "
    "PREFECT_API_URL (README, 'Scale-out')"
)
QUIET_LOGGING = Path(__file__).resolve().parent.parent / "logging.yml"


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one line with exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise InputError(self.prog, message, f"see '{self.prog} --help'")


def build_parser() -> argparse.ArgumentParser:
    from flows.cli import (
        approvals,
        approve,
        check,
        doctor,
        log,
        mailbox,
        new,
        preview,
        render,
        schedule,
        send,
        server,
        subscribers,
        unsubscribe,
    )

    parser = _Parser(
        prog="publish", description="Publish patient-education articles to every channel."
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks and Prefect logs")
    parser.add_argument("--version", action="version", version=f"publish {_version()}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    # Adding a command: one module in flows/cli/ with ``register(subparsers)``, one entry here.
    for command in (render, check, preview, send, subscribers, unsubscribe, mailbox, new, doctor,
                    approve, approvals, log, schedule, server):
        command.register(commands)
    return parser


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pmh-publish")
    except PackageNotFoundError:
        return "(not installed: run make publish)"


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    for key, value in QUIET_PREFECT.items():
        os.environ.setdefault(key, "DEBUG" if debug and key == "PREFECT_LOGGING_LEVEL" else value)
    if not debug:
        # Run logs to the API only: a refusal is our one line, not an ERROR and a traceback.
        os.environ.setdefault("PREFECT_LOGGING_SETTINGS_PATH", str(QUIET_LOGGING))
    try:
        try:
            args = build_parser().parse_args(argv)
        except SystemExit as done:  # --help and --version: printed, nothing to run
            return done.code if isinstance(done.code, int) else 0
        run: Callable[[argparse.Namespace], int] = args.run
        return run(args)
    except PublishError as exc:
        if debug:
            traceback.print_exc()
        print(f"publish: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except RuntimeError as exc:
        if debug:
            raise
        if "ephemeral Prefect API server" not in str(exc):
            return _unexpected(exc)
        print(f"publish: error: {NO_SERVER}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("publish: interrupted; output/ holds only complete versions", file=sys.stderr)
        return 130
    except Exception as exc:  # the last net: one line, never a traceback without --debug
        if debug:
            raise
        return _unexpected(exc)


def _unexpected(exc: Exception) -> int:
    """One line for what no command turned into a message; a database is the usual cause."""
    detail = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    if type(exc).__module__.startswith("sqlalchemy"):
        print(f"publish: error: the store could not be used: {detail} (check --db or "
              "PUBLISH_DB: a sqlite:///path whose folder exists, or a reachable "
              "postgresql+psycopg://user@host/db)", file=sys.stderr)
        return 2
    print(f"publish: error: unexpected {type(exc).__name__}: {detail} (a defect: run again "
          "with --debug and report the traceback)", file=sys.stderr)
    return 3


if __name__ == "__main__":
    sys.exit(main())
