"""The newsletter to send, read back from what ``publish render`` published, and every
refusal made before the first message: an unchecked or edited newsletter, placeholder
settings, a missing postal address, header injection, no signing key.
"""

from __future__ import annotations

import email.policy
import json
import os
import re
from collections.abc import Mapping
from email import message_from_bytes
from email.message import EmailMessage
from pathlib import Path

from channels.content.site import PLACEHOLDER, Site, load_site
from channels.distribution.addresses import has_control
from channels.distribution.messages import Edition
from channels.errors import SendRefused
from channels.gate.html_text import visible_text
from channels.pipeline.manifest import manifest_problems

_CAMPAIGN = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")


def load_edition(out_dir: Path, slug: str, site_file: Path, campaign: str = "") -> Edition:
    """The published newsletter, refused unless the gate passed and no placeholder remains."""
    folder = out_dir / slug
    report = _passed_report(folder, slug, out_dir)
    site = load_site(site_file)
    _refuse_placeholders(site, site_file)
    raw = (folder / "newsletter.eml").read_bytes()
    if PLACEHOLDER.encode() in raw:
        raise SendRefused(f"{folder / 'newsletter.eml'} was published with a PLACEHOLDER value "
                          f"(re-run 'publish render' now that site.yaml is complete)")
    message = message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)  # the default policy makes EmailMessage
    edition = Edition(
        campaign=campaign or report["slug"], subject=str(message["Subject"]),
        sender=str(message["From"]), reply_to=str(message["Reply-To"] or ""),
        text=_part(message, "plain"), html=_part(message, "html"),
        unsubscribe_url=site.email.unsubscribe_url,
        unsubscribe_mailto=site.email.unsubscribe_mailto)
    check_edition(edition)
    _refuse_without_address(edition, site, folder)
    return edition


def _part(message: EmailMessage, subtype: str) -> str:
    """One part's text with LF line ends (the .eml stores CRLF)."""
    part = message.get_body((subtype,))
    if part is None:
        raise SendRefused(f"the published newsletter has no text/{subtype} part "
                          "(publish it again with 'publish render')")
    return str(part.get_content()).replace("\r\n", "\n")


def _passed_report(folder: Path, slug: str, out_dir: Path) -> dict:
    try:
        report = json.loads((folder / "compliance.json").read_text(encoding="utf-8"))
        (folder / "newsletter.eml").stat()
    except (OSError, ValueError):
        raise SendRefused(f"{folder}: no published newsletter with a compliance report "
                          f"(run 'publish render' first, or check --out {out_dir})") from None
    email_report = report.get("channels", {}).get("email", {})
    if not email_report.get("passed"):
        raise SendRefused(f"{folder / 'compliance.json'}: the email channel did not pass the "
                          f"disclaimer gate (fix the newsletter and publish it again)")
    # The evidence: every file must still hash to what the gate checked.
    tampered = manifest_problems(folder)
    if tampered:
        raise SendRefused(tampered[0])
    return report


def _refuse_placeholders(site: Site, site_file: Path) -> None:
    left = site.placeholders()
    if left:
        raise SendRefused(f"{site_file} still has PLACEHOLDER values: {', '.join(left)} "
                          "(CAN-SPAM requires a real postal address; fill them in before sending)")


def _refuse_without_address(edition: Edition, site: Site, folder: Path) -> None:
    """CAN-SPAM: the postal address must be readable in both parts, not only configured."""
    address = " ".join(site.postal_address.split())
    for part, text in (("text/plain", edition.text), ("text/html", visible_text(edition.html))):
        if address not in " ".join(text.split()):
            raise SendRefused(f"{folder / 'newsletter.eml'}: the {part} part does not show the "
                              "postal address from site.yaml (publish the newsletter again)")


def check_edition(edition: Edition) -> None:
    """Refuse header injection and a campaign name that cannot key the ledger."""
    if not _CAMPAIGN.match(edition.campaign):
        raise SendRefused(f"campaign '{edition.campaign}' must be lowercase letters, digits and "
                          "dashes (for example gut-brain-axis-2)")
    for name in ("subject", "sender", "reply_to"):
        if has_control(getattr(edition, name)):
            raise SendRefused(f"the newsletter's {name.replace('_', '-')} contains a line break or "
                              "control character (header injection refused; fix the article)")
    if edition.unsubscribe_url not in edition.html or edition.unsubscribe_url not in edition.text:
        raise SendRefused("the newsletter has no unsubscribe link in both parts to personalize "
                          "(render it with the email templates)")


def signing_key(env: Mapping[str, str] = os.environ) -> bytes:
    key = env.get("PUBLISH_SIGNING_KEY", "")
    if len(key) < 16:
        raise SendRefused("PUBLISH_SIGNING_KEY is not set or shorter than 16 characters "
                          "(export a long random secret; it signs the unsubscribe links)")
    return key.encode("utf-8")
