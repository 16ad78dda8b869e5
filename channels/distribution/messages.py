"""One personal message per recipient: own To, Message-ID and signed unsubscribe link.

The newsletter is parsed once; each recipient's message is then assembled from the
two parts with the personal link put in, base64-encoded (C speed, no line-length
limit to break), under headers checked for injection.  ``email`` parses the result
back in the tests, so the structure is the standard one.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import re
from dataclasses import dataclass
from email.header import Header
from email.utils import formataddr, formatdate, parseaddr

from channels.distribution.addresses import envelope, has_control
from channels.distribution.smtp import Permanent
from channels.distribution.store import Subscriber


@dataclass(frozen=True)
class Edition:
    """One published newsletter, read back from ``output/<slug>/newsletter.eml``."""

    campaign: str
    subject: str
    sender: str
    reply_to: str
    text: str
    html: str
    unsubscribe_url: str
    unsubscribe_mailto: str

    @property
    def domain(self) -> str:
        return _address(self.sender).rpartition("@")[2]

    @property
    def envelope_from(self) -> str:
        return _address(self.sender)


@functools.lru_cache(maxsize=8)
def _address(sender: str) -> str:
    """The address in ``Name <address>``, parsed once per send, not once per message."""
    return parseaddr(sender)[1]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _mac(key: bytes, purpose: str, value: str) -> str:
    digest = hmac.new(key, f"{purpose}:{value}".encode(), hashlib.sha256).digest()
    return _b64(digest[:15])  # 120 bits, 20 URL-safe characters


def handle(key: bytes, campaign: str, address: str) -> str:
    """The opaque name of one recipient of one campaign: reveals neither, cannot be guessed."""
    return _mac(key, "recipient", f"{campaign}\0{address.lower()}")


def token(key: bytes, campaign: str, address: str) -> str:
    """The unsubscribe token: the recipient's handle and its signature, 40 URL-safe characters.

    Nothing in it can be read back; the ledger row made at send time says whom it names.
    """
    who = handle(key, campaign, address)
    return who + _mac(key, "unsubscribe", who)


def verify_token(key: bytes, value: str) -> str | None:
    """The handle a token carries, or ``None`` unless it was signed with ``key``, unchanged."""
    if len(value) != 40 or not value.isascii():
        return None
    who = value[:20]
    return who if hmac.compare_digest(who + _mac(key, "unsubscribe", who), value) else None


def message_id(edition: Edition, address: str) -> str:
    """Stable per (campaign, recipient): a resend after a crash carries the same id."""
    digest = hashlib.sha256(address.lower().encode("utf-8")).hexdigest()[:24]
    return f"<{edition.campaign}.{digest}@{edition.domain}>"


def _header(value: str) -> str:
    """RFC 2047-encode non-ASCII text (subject, names); ASCII stays readable."""
    return value if value.isascii() else Header(value, "utf-8").encode()


def _mailbox(name: str, address: str) -> str:
    """``Name <address>``; formataddr refuses a UTF-8 address (sent only with SMTPUTF8)."""
    if address.isascii():
        return formataddr((name, address))
    return formataddr((name, "x@x")).removesuffix("<x@x>") + f"<{address}>" if name else address


class Composer:
    """The newsletter split around its unsubscribe link, ready to personalize quickly.

    Built once per send (``composer``): the headers every recipient shares, and each
    part cut at the unsubscribe link, so a recipient's message is a few joins.
    """

    def __init__(self, edition: Edition, key: bytes) -> None:
        link = re.compile(re.escape(edition.unsubscribe_url) + r"(?![\w/?#%.-])")
        digest = hashlib.sha256((edition.html + edition.text).encode()).hexdigest()[:32]
        self.edition, self.key, self.boundary = edition, key, "=_pmh_" + digest
        self.text = tuple(link.split(edition.text))
        self.html = tuple(link.split(edition.html))
        self.common = (f"From: {formataddr(parseaddr(edition.sender))}\r\n"
                       f"Subject: {_header(edition.subject)}\r\n"
                       + (f"Reply-To: {edition.reply_to}\r\n" if edition.reply_to else "")
                       + "MIME-Version: 1.0\r\n"
                       "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"
                       f"Content-Type: multipart/alternative; boundary=\"{self.boundary}\"\r\n")

    def compose(self, recipient: Subscriber) -> bytes:
        """The whole message for one recipient, as SMTP bytes."""
        if has_control(recipient.name) or has_control(recipient.email):
            raise Permanent("header injection refused: a line break or control character "
                            "in the recipient's name or address")
        secret = token(self.key, self.edition.campaign, recipient.email)
        to = envelope(recipient.email).address  # the IDNA form where it can be ASCII
        url = f"{self.edition.unsubscribe_url.rstrip('/')}/{secret}"
        head = (f"To: {_mailbox(recipient.name, to)}\r\n"
                f"Date: {formatdate(usegmt=True)}\r\n"
                f"Message-ID: {message_id(self.edition, recipient.email)}\r\n"
                f"List-Unsubscribe: <{url}>,\r\n <mailto:{self.edition.unsubscribe_mailto}"
                f"?subject=unsubscribe%20{secret}>\r\n")
        parts = b"".join(self._part(kind, url.join(pieces))
                         for kind, pieces in (("plain", self.text), ("html", self.html)))
        end = f"--{self.boundary}--\r\n".encode("ascii")
        # UTF-8 only for an address with a non-ASCII local part, sent only with SMTPUTF8.
        return (self.common + head + "\r\n").encode("utf-8") + parts + end

    def _part(self, subtype: str, content: str) -> bytes:
        # Text in canonical form (RFC 2046: CRLF line ends), then base64 in 76-column lines.
        canonical = content.replace("\n", "\r\n").encode("utf-8")
        body = base64.encodebytes(canonical).replace(b"\n", b"\r\n")
        return (f"--{self.boundary}\r\nContent-Type: text/{subtype}; charset=\"utf-8\"\r\n"
                "Content-Transfer-Encoding: base64\r\n\r\n").encode("ascii") + body


def composer(edition: Edition, key: bytes) -> Composer:
    """Prepare the parts and the headers every recipient shares."""
    return Composer(edition, key)
