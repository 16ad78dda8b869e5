"""The ``publish`` subcommands; each module has ``register(subparsers)``.

Adding a command: one module here and one line in ``COMMANDS``.
"""

from __future__ import annotations

from . import check, preview, render, send, subscribers

COMMANDS = (render, check, preview, send, subscribers)
