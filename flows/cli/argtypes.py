"""Argument types shared by several commands: a value argparse refuses in one line."""

from __future__ import annotations

import argparse


def port(text: str) -> int:
    """A TCP port number: 1 to 65535 (0 is refused: the printed address must be usable)."""
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"'{text}' is not a port number from 1 to 65535")
    return int(text)
