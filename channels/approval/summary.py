"""One article's sign-off as Markdown, for the publish run: gate verdict, approvals, waits."""

from __future__ import annotations

from pathlib import Path

from channels.approval.gatekeeper import ApprovalRefused, article_for, statuses, subject_for
from channels.approval.policy import ApprovalPolicy


def sign_off_markdown(slug: str, status: str, problems: tuple[str, ...], folder: Path,
                      source_dir: Path, policy: ApprovalPolicy) -> str:
    """The artifact text for ``slug``, whose outputs (staged or published) are in ``folder``."""
    lines = [f"# {slug}: {status}", "",
             f"Approval needed to publish: {', '.join(policy.publish) or 'none'}; "
             f"to send: {', '.join(policy.send) or 'none'}.", ""]
    if status in ("refused", "failed"):
        return "\n".join([*lines, "The gate refused it:", *[f"- {p}" for p in problems], ""])
    lines.append("The gate passed every output.")
    if status == "awaiting":
        lines += ["", "Waiting:", *[f"- {p}" for p in problems]]
    try:
        subject = subject_for(article_for(folder, source_dir), folder, source_dir)
    except ApprovalRefused as exc:
        return "\n".join([*lines, "", f"Approvals: {exc}", ""])
    found = statuses(subject, source_dir)
    lines += ["", "| # | role | signer | signed at | standing |", "|---|---|---|---|---|"]
    for s in found:
        who = (s.statement.role, s.statement.principal, s.statement.signed_at) \
            if s.statement else ("?", "?", "?")
        standing = "holds" if s.holds else s.problem.replace("|", "/")
        lines.append(f"| {s.record.number} | {' | '.join(who)} | {standing} |")
    if not found:
        lines.append("| - | - | - | - | no approval recorded |")
    return "\n".join([*lines, ""])
