"""Addresses and header text: validation, injection checks, and the form SMTP needs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.errors import HeaderParseError
from email.header import decode_header

from email_validator import EmailNotValidError, validate_email

# CR, LF and every other control character: any of them in a header is an injection.
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
ENCODED_WORD = re.compile(r"=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=")


def has_control(value: str) -> bool:
    """A control character in the text, or in what an RFC 2047 encoded word in it decodes to.

    A name written ``=?utf-8?q?Eve=0D=0ABcc:_all@example.org?=`` is plain ASCII, but a
    mail client decodes it to two lines: that is an injection too.
    """
    if CONTROL.search(value):
        return True
    if not ENCODED_WORD.search(value):
        return False
    try:
        parts = decode_header(value)
    except (HeaderParseError, ValueError):
        return True  # an encoded word a client cannot read is not a name either
    for data, charset in parts:
        if isinstance(data, bytes):
            try:
                data = data.decode(charset or "ascii", "replace")
            except LookupError:
                return True
        if CONTROL.search(data):
            return True
    return False


def check_address(address: str) -> str:
    """The normalized address; ``ValueError`` with a readable reason if it is not one."""
    if has_control(address):
        raise ValueError("the address contains a line break or control character")
    try:
        return validate_email(address.strip(), check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise ValueError(f"'{address}' is not a valid email address: {exc}") from None


@dataclass(frozen=True)
class Envelope:
    """How an address goes over SMTP: ``address`` as sent, and whether it needs SMTPUTF8."""

    address: str
    smtputf8: bool


def envelope(address: str) -> Envelope:
    """IDNA for an internationalised domain; SMTPUTF8 only for a non-ASCII local part."""
    if address.isascii():
        return Envelope(address, False)
    try:
        checked = validate_email(address, check_deliverability=False, allow_smtputf8=True)
    except EmailNotValidError:
        return Envelope(address, True)
    if checked.ascii_email:
        return Envelope(checked.ascii_email, False)
    return Envelope(checked.normalized, True)
