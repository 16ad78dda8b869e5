"""Which approvals publishing and sending need: ``approval:`` in ``source/site.yaml``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from channels.approval.reviewers import ROLES
from channels.content.yamlsafe import load_yaml_file
from channels.errors import InputError

STEPS = ("publish", "send")


@dataclass(frozen=True)
class ApprovalPolicy:
    """The roles that must each have approved an article before it is published or sent."""

    publish: tuple[str, ...] = ()
    send: tuple[str, ...] = ()

    def roles(self, step: str) -> tuple[str, ...]:
        return self.publish if step == "publish" else self.send


def load_policy(site_file: Path) -> ApprovalPolicy:
    """``approval: {publish: [...], send: [...]}``; no block means no approval is needed."""
    doc = load_yaml_file(site_file, "site settings")
    data = doc.data if isinstance(doc.data, dict) else {}
    block = data.get("approval") or {}
    where = f"{site_file}:{doc.line('approval', 1)}"
    if not isinstance(block, dict) or set(block) - set(STEPS):
        raise InputError(where, "approval must be a mapping with publish and send lists",
                         "write approval: {publish: [], send: [clinical]}")
    roles = {}
    for step in STEPS:
        listed = block.get(step) or []
        if not isinstance(listed, list) or any(r not in ROLES for r in listed):
            raise InputError(where, f"approval.{step} must list roles among {', '.join(ROLES)}",
                             f"write approval: {{{step}: [clinical]}}")
        roles[step] = tuple(dict.fromkeys(str(r) for r in listed))
    return ApprovalPolicy(roles["publish"], roles["send"])
