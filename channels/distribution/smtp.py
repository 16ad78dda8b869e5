"""One reused SMTP connection: settings from the environment, reconnect, and error classes.

    SmtpSettings  host, port, security, user (the password is read from the environment
                  only when connecting, so it never travels as a task parameter)
    Temporary     4xx, dropped connection, failed connect: retry with backoff
    Uncertain     no reply in time while sending: the server may have it; not retried
    Permanent     5xx: record as failed, never retry
"""

from __future__ import annotations

import os
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass

from channels.errors import SendRefused

SECURITY = {"starttls": 587, "ssl": 465, "none": 25}
LOOPBACK = ("127.0.0.1", "::1", "localhost")


class Temporary(Exception):
    """The server may accept this message later."""


class Permanent(Exception):
    """The server refused this message for good."""


class Uncertain(Exception):
    """The server went quiet mid-send: it may have accepted the message, so no retry."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str
    user: str
    timeout: float = 30.0


def smtp_settings(env: Mapping[str, str] = os.environ) -> SmtpSettings:
    """Read ``SMTP_HOST``, ``_PORT``, ``_SECURITY``, ``_USER``; refuse what is unsafe."""
    host = env.get("SMTP_HOST", "").strip()
    if not host:
        raise SendRefused("SMTP_HOST is not set (export SMTP_HOST, SMTP_PORT, SMTP_SECURITY, "
                          "SMTP_USER and SMTP_PASSWORD for your mail provider)")
    security = env.get("SMTP_SECURITY", "starttls").strip().lower()
    if security not in SECURITY:
        raise SendRefused(f"SMTP_SECURITY is '{security}' (set it to starttls, ssl or none)")
    port_text = env.get("SMTP_PORT", "").strip() or str(SECURITY[security])
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise SendRefused(f"SMTP_PORT is '{port_text}' (set it to a port number such as 587)")
    user = env.get("SMTP_USER", "").strip()
    if security == "none" and user and host not in LOOPBACK:
        # A password in clear text over the network: never.
        raise SendRefused(f"SMTP_SECURITY=none would send the password unencrypted to {host} "
                          "(use starttls or ssl)")
    return SmtpSettings(host, int(port_text), security, user)


class Connection:
    """A lazily opened SMTP session that is reopened after any temporary failure."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None
        self.opened = 0

    def send(self, sender: str, recipient: str, data: bytes) -> None:
        """Send one message; raise ``Temporary`` or ``Permanent`` with the server's reason."""
        smtp = self._session()
        try:
            smtp.sendmail(sender, [recipient], data)
        except smtplib.SMTPRecipientsRefused as exc:
            code, reply = exc.recipients.get(recipient, (451, b"refused"))
            self._fail(code, reply)
        except smtplib.SMTPResponseException as exc:
            self._fail(exc.smtp_code, exc.smtp_error)
        except (smtplib.SMTPException, OSError) as exc:  # disconnects, timeouts
            self.close()
            if isinstance(exc, TimeoutError) or isinstance(exc.__context__, TimeoutError):
                # A reply that never came (the "250" after DATA, most often; smtplib turns
                # the timeout into a disconnect): resending now could deliver twice.  The
                # ledger keeps the recipient "claimed" for a person to look at.
                raise Uncertain(f"no reply within {self.settings.timeout:g} s") from None
            raise Temporary(f"{type(exc).__name__}: {exc}".rstrip(": ")) from None

    def _session(self) -> smtplib.SMTP:
        """The open session, or a new one (failing to connect is always temporary)."""
        try:
            return self._smtp or self._open()
        except smtplib.SMTPResponseException as exc:
            self._fail(exc.smtp_code, exc.smtp_error)
            raise  # unreachable: _fail always raises
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            raise Temporary(f"{type(exc).__name__}: {exc}".rstrip(": ")) from None

    def _fail(self, code: int, reply: bytes | str) -> None:
        text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
        reason = f"{code} {text}".strip()
        if 500 <= code < 600:
            self._reset()
            raise Permanent(reason)
        self.close()  # after a 4xx the session state is unknown: start a fresh one
        raise Temporary(reason)

    def _open(self) -> smtplib.SMTP:
        s = self.settings
        context = ssl.create_default_context()
        if s.security == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout,
                                                  context=context)
        else:
            smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            if s.security == "starttls":
                smtp.starttls(context=context)
        if s.user:
            smtp.login(s.user, os.environ.get("SMTP_PASSWORD", ""))
        self._smtp, self.opened = smtp, self.opened + 1
        return smtp

    def _reset(self) -> None:
        try:
            if self._smtp:
                self._smtp.rset()
        except (smtplib.SMTPException, OSError):
            self.close()

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()
