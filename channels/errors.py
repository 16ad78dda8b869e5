"""The user-facing error hierarchy.

    PublishError            anything the user can fix; printed as one line, no traceback
    ├── InputError          bad source, settings or command line (exit 2)
    │   └── ContentTooLong  a post does not fit its platform (exit 2)
    ├── GateRefused         an output lacks a required disclaimer (exit 1)
    └── SendRefused         a newsletter may not be sent as things stand (exit 2)

Anything else that escapes is a bug and keeps its traceback.
"""

from __future__ import annotations


class PublishError(Exception):
    """An error the user can act on; ``str(err)`` is the one line to print."""

    exit_code = 2


class InputError(PublishError):
    """Bad input: a source file, a settings file, or the command line."""

    def __init__(self, where: str, what: str, fix: str = "") -> None:
        self.where, self.what, self.fix = where, what, fix
        message = f"{where}: {what}" if where else what
        if fix:
            message = f"{message} ({fix})"
        super().__init__(message)


class ContentTooLong(InputError):
    """Authored text plus the required parts does not fit a platform's limit."""


class GateRefused(PublishError):
    """At least one rendered output is missing a required disclaimer."""

    exit_code = 1


class SendRefused(PublishError):
    """Sending is refused: placeholder settings, an unchecked newsletter, bad recipients."""
