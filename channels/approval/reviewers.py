"""Who may approve, and in which role: ``source/reviewers``, OpenSSH's allowed-signers format.

Each line is ``principal [options] keytype base64-key name="Full Name" roles=clinical,...``;
``ssh-keygen -Y verify`` reads the same file and ignores the trailing name and roles.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path

from channels.errors import InputError

FILE = "reviewers"
ROLES = ("clinical", "compliance", "marketing")
_KEY_TYPES = ("ssh-", "ecdsa-", "sk-")


@dataclass(frozen=True)
class Reviewer:
    """One line of ``source/reviewers``."""

    principal: str
    name: str
    roles: tuple[str, ...]
    where: str


def load_reviewers(path: Path) -> dict[str, Reviewer]:
    """Every reviewer by principal (empty if the file does not exist).

    Raises:
        InputError: a line without a key, a name or a known role (file:line, fix).
    """
    if not path.is_file():
        return {}
    found: dict[str, Reviewer] = {}
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if raw.strip() and not raw.lstrip().startswith("#"):
            reviewer = parse_line(raw, f"{path}:{number}")
            found[reviewer.principal] = reviewer
    return found


def parse_line(raw: str, where: str) -> Reviewer:
    """One allowed-signers line with its ``name=`` and ``roles=`` fields."""
    try:
        tokens = shlex.split(raw)
    except ValueError:
        raise InputError(where, "unbalanced quotes",
                         "close the quote around name=\"...\"") from None
    key_at = next((i for i, t in enumerate(tokens) if t.startswith(_KEY_TYPES)), None)
    if key_at is None or key_at == 0 or len(tokens) < key_at + 2:
        raise InputError(where, "no public key on this line",
                         "write: principal namespaces=\"pmh-approval\" ssh-ed25519 AAAA... "
                         "name=\"Full Name\" roles=clinical")
    fields = dict(t.split("=", 1) for t in tokens[key_at + 2:] if "=" in t)
    name = fields.get("name", "").strip()
    if not name:
        raise InputError(where, "reviewer has no name", "add name=\"Full Name\" after the key")
    roles = tuple(r for r in fields.get("roles", "").split(",") if r)
    unknown = [r for r in roles if r not in ROLES]
    if not roles or unknown:
        raise InputError(where, f"roles must be one or more of {', '.join(ROLES)}",
                         "add roles=clinical (comma-separated, no spaces) after the key")
    return Reviewer(tokens[0], name, roles, where)
