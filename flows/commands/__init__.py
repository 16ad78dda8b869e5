"""The ``publish`` subcommands; each module has ``register(subparsers)``.

Adding a command: one module here and one line in ``COMMANDS``.
"""

from __future__ import annotations

from . import render
from . import check

COMMANDS = (render, check)
