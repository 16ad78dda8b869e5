"""A real SMTP server on loopback (aiosmtpd) that records what it accepts and can misbehave."""

from __future__ import annotations

import asyncio
import email.policy
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import EmailMessage

from aiosmtpd.controller import Controller


def free_port() -> int:
    # aiosmtpd's Controller cannot take port 0: ask the kernel for a free one first.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Faults:
    """Misbehaviour, by the number of the DATA command (1-based, counting every attempt)."""

    drop_after_accepting: set[int] = field(default_factory=set)  # 250, then hang up
    data_421: set[int] = field(default_factory=set)
    rcpt_451_first: int = 0  # the first N RCPT commands get 451
    rcpt_550: set[str] = field(default_factory=set)  # addresses refused for good
    hold_at: int = 0  # this DATA waits until ``release`` is set, then answers 451
    hold_accepts: bool = False  # ... or accepts the message after all
    slow_accept: set[int] = field(default_factory=set)  # keep it, answer 250 a second late
    drop_before_reply: set[int] = field(default_factory=set)  # keep it, hang up, never answer
    holding: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)


class Recorder:
    """aiosmtpd handler: keeps every accepted message; applies ``Faults``."""

    def __init__(self, faults: Faults | None = None,
                 on_rcpt: Callable[[str], None] | None = None) -> None:
        self.faults = faults or Faults()
        self.on_rcpt = on_rcpt or (lambda address: None)
        self.accepted: list[tuple[str, bytes]] = []
        self.rcpt_seen: Counter[str] = Counter()
        self.data_count = 0
        self.times: list[float] = []  # when each DATA arrived (time.monotonic)
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        self.rcpt_seen[address] += 1
        self.on_rcpt(address)
        if sum(self.rcpt_seen.values()) <= self.faults.rcpt_451_first:
            return "451 4.3.0 Try again later"
        if address in self.faults.rcpt_550:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.data_count += 1
        self.times.append(time.monotonic())
        number = self.data_count
        if number in self.faults.data_421:
            return "421 4.7.0 Too busy, closing"
        if number == self.faults.hold_at:
            self.faults.holding.set()
            while not self.faults.release.is_set():
                await asyncio.sleep(0.01)
            if not self.faults.hold_accepts:
                return "451 4.3.0 Not accepted: the client went away"
        with self.lock:
            self.accepted.extend((rcpt, envelope.content) for rcpt in envelope.rcpt_tos)
        if number in self.faults.drop_after_accepting:
            asyncio.get_running_loop().call_soon(server.transport.close)
        if number in self.faults.drop_before_reply:
            server.transport.close()  # the message is here; the client never hears so
            return None
        if number in self.faults.slow_accept:
            await asyncio.sleep(1.0)
        return "250 2.0.0 Accepted"

    def messages(self) -> list[EmailMessage]:
        return [message_from_bytes(data, policy=email.policy.default)  # type: ignore[misc]
                for _, data in self.accepted]

    def per_recipient(self) -> Counter[str]:
        return Counter(rcpt for rcpt, _ in self.accepted)


class Server:
    """Start and stop a ``Recorder`` on 127.0.0.1."""

    def __init__(self, recorder: Recorder, smtputf8: bool = False, password: str = "",
                 auth_required: bool = False) -> None:
        """``smtputf8``: offer SMTPUTF8; ``password``: offer AUTH, accepting only this one."""
        self.recorder = recorder
        self.port = free_port()
        auth = {"authenticator": _Password(password), "auth_require_tls": False,
                "auth_required": auth_required} if password or auth_required else {}
        self.controller = Controller(recorder, hostname="127.0.0.1", port=self.port,
                                     enable_SMTPUTF8=smtputf8, **auth)

    def __enter__(self) -> Server:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.recorder.faults.release.set()
        self.controller.stop()

    @property
    def env(self) -> dict[str, str]:
        return {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(self.port), "SMTP_SECURITY": "none"}


class _Password:
    """aiosmtpd authenticator: any user name, this one password."""

    def __init__(self, password: str) -> None:
        self.password = password

    def __call__(self, server, session, envelope, mechanism, auth_data):  # type: ignore[no-untyped-def]
        from aiosmtpd.smtp import AuthResult, LoginPassword

        ok = isinstance(auth_data, LoginPassword) and auth_data.password == self.password.encode()
        # handled=False: aiosmtpd answers the failure itself (535 5.7.8).
        return AuthResult(success=bool(self.password) and ok, handled=False)
