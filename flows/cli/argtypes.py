"""Argument types shared by several commands: a value argparse refuses in one line."""

from __future__ import annotations

import argparse


def port(text: str) -> int:
    """A TCP port number, 0 to 65535 (0: any free port; the command prints the one it got)."""
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"'{text}' is not a port number from 0 to 65535")
    return int(text)
