"""One paced SMTP connection: settings from the environment, reconnect, and error classes.

    SmtpSettings  host, port, security, user, pacing (the password is read from the
                  environment only when connecting, so it never travels as a parameter)
    Temporary     4xx, dropped connection before the message went out, failed reconnect
    Uncertain     the message went out but no reply came: the server may have it; no retry
    Permanent     5xx: record as failed, never retry (``bounce``: the address is dead)
    ConfigError   the login or the connection itself fails: stop, mark no one (exit 2)
"""

from __future__ import annotations

import os
import re
import smtplib
import socket
import ssl
import time
from collections.abc import Mapping
from dataclasses import dataclass

from channels.distribution.addresses import envelope
from channels.errors import SendRefused

SECURITY = {"starttls": 587, "ssl": 465, "none": 25}
LOOPBACK = ("127.0.0.1", "::1", "localhost")
AUTH_CODES = (530, 534, 535, 538)  # RFC 4954: authentication required, too weak, failed
# 5xx replies that say the address itself is dead (RFC 3463 5.1.x address, 5.2.x mailbox).
DEAD_ADDRESS = re.compile(r"^5\.[12]\.\d{1,3}\b")


class Temporary(Exception):
    """The server may accept this message later."""


class Permanent(Exception):
    """The server refused this message for good."""

    def __init__(self, reason: str, bounce: bool = False) -> None:
        super().__init__(reason)
        self.bounce = bounce


class Uncertain(Exception):
    """The message went out and no answer came: it may be delivered, so no retry."""


class ConfigError(SendRefused):
    """The SMTP settings do not work: nothing can be sent until they are fixed."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str
    user: str
    timeout: float = 30.0
    rate: float = 0.0  # messages per second at most (0: as fast as the server answers)
    per_connection: int = 0  # messages per connection before a fresh one (0: no limit)


def _number(env: Mapping[str, str], name: str, kind: type) -> float:
    text = env.get(name, "").strip() or "0"
    try:
        value = kind(text)
    except ValueError:
        value = -1
    if value < 0:
        raise SendRefused(f"{name} is '{text}' (set it to a number of messages, 0 for no limit)")
    return value


def smtp_settings(env: Mapping[str, str] = os.environ) -> SmtpSettings:
    """Read ``SMTP_HOST``, ``_PORT``, ``_SECURITY``, ``_USER``, ``_RATE``, ``_PER_CONNECTION``."""
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
    return SmtpSettings(host, int(port_text), security, user,
                        rate=_number(env, "SMTP_RATE", float),
                        per_connection=int(_number(env, "SMTP_PER_CONNECTION", int)))


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


class Connection:
    """A lazily opened SMTP session, reopened after any temporary failure, paced."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None
        self.opened = 0
        self._on_this = 0  # messages sent on the open session
        self._next = 0.0  # monotonic time the next message may start

    def send(self, sender: str, recipient: str, data: bytes) -> None:
        """Send one message; raise ``Temporary``, ``Permanent`` or ``Uncertain`` with the reason."""
        target = envelope(recipient)
        self._pace()
        smtp = self.open()
        options = ["SMTPUTF8"] if target.smtputf8 else []
        if target.smtputf8 and not smtp.has_extn("smtputf8"):
            raise Permanent(f"the address needs SMTPUTF8, which {self.settings.host} does not "
                            "offer (ask the subscriber for an ASCII address)")
        try:
            self._check(*smtp.mail(sender, options), stage="MAIL")
            self._check(*smtp.rcpt(target.address), stage="RCPT")
        except (smtplib.SMTPException, OSError) as exc:  # dropped before the message went out
            self.close()
            raise Temporary(f"{type(exc).__name__}: {exc}".rstrip(": ")) from None
        self._data(smtp, data)
        self._on_this += 1

    def _pace(self) -> None:
        s = self.settings
        if s.per_connection and self._on_this >= s.per_connection:
            self.close()
        if s.rate:
            wait = self._next - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            self._next = max(self._next, time.monotonic() - 1 / s.rate) + 1 / s.rate

    def _check(self, code: int, reply: bytes, stage: str) -> None:
        if code >= 400:
            self._fail(code, reply, stage)

    def _data(self, smtp: smtplib.SMTP, data: bytes) -> None:
        """DATA, then the message: once its bytes are out, a lost reply is ``Uncertain``."""
        try:
            code, reply = smtp.docmd("DATA")
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            raise Temporary(f"{type(exc).__name__}: {exc}".rstrip(": ")) from None
        if code != 354:
            self._fail(code, reply, "DATA")
        body = re.sub(rb"(?m)^\.", b"..", data)
        body += (b"" if body.endswith(b"\r\n") else b"\r\n") + b".\r\n"
        try:
            smtp.send(body)
            code, reply = smtp.getreply()
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            why = (f"no reply within {self.settings.timeout:g} s"
                   if isinstance(exc, TimeoutError) or isinstance(exc.__context__, TimeoutError)
                   else f"the connection was lost after the message was sent ({exc})")
            raise Uncertain(why) from None
        self._check(code, reply, "DATA")

    def _fail(self, code: int, reply: bytes | str, stage: str) -> None:
        reason = f"{code} {_text(reply)}".strip()
        if code in AUTH_CODES:
            self.close()
            raise ConfigError(f"{self.settings.host}:{self.settings.port} refused to send: "
                              f"{reason} (check SMTP_USER and SMTP_PASSWORD)")
        if 500 <= code < 600:
            self._reset()
            dead = stage == "RCPT" or bool(DEAD_ADDRESS.match(_text(reply).strip()))
            raise Permanent(reason, bounce=dead)
        self.close()  # after a 4xx the session state is unknown: start a fresh one
        raise Temporary(reason)

    def open(self) -> smtplib.SMTP:
        """The open session, or a new one; a login or TLS failure is a ``ConfigError``."""
        if self._smtp is not None:
            return self._smtp
        where = f"{self.settings.host}:{self.settings.port}"
        try:
            smtp = self._connect()
        except smtplib.SMTPAuthenticationError as exc:
            raise ConfigError(f"{where} refused the login: {exc.smtp_code} "
                              f"{_text(exc.smtp_error)} (check SMTP_USER and SMTP_PASSWORD)"
                              ) from None
        except smtplib.SMTPResponseException as exc:
            self._fail(exc.smtp_code, exc.smtp_error, "connect")
            raise  # unreachable: _fail always raises
        except (smtplib.SMTPNotSupportedError, ssl.SSLError, socket.gaierror) as exc:
            raise ConfigError(f"cannot set up the connection to {where}: {exc} "
                              "(check SMTP_HOST, SMTP_PORT and SMTP_SECURITY)") from None
        except (smtplib.SMTPException, OSError) as exc:
            if not self.opened:  # the very first connection: the settings, not a bad moment
                raise ConfigError(f"cannot connect to {where}: {exc} "
                                  "(check SMTP_HOST and SMTP_PORT, and that the server is up)"
                                  ) from None
            raise Temporary(f"{type(exc).__name__}: {exc}".rstrip(": ")) from None
        self._smtp, self.opened, self._on_this = smtp, self.opened + 1, 0
        return smtp

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        context = ssl.create_default_context()
        if s.security == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout,
                                                  context=context)
        else:
            smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            if s.security == "starttls":
                smtp.starttls(context=context)
        smtp.ehlo_or_helo_if_needed()
        if s.user:
            smtp.login(s.user, os.environ.get("SMTP_PASSWORD", ""))
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
