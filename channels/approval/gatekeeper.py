"""The approval checks the pipeline and the send call: what holds, what waits, and signing."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from channels.approval import sshsig
from channels.approval.check import Status, Subject, status_of, unreadable, waiting_roles
from channels.approval.policy import load_policy
from channels.approval.records import (
    Record,
    Statement,
    append_record,
    evidence_of,
    read_records,
    records_file,
)
from channels.approval.reviewers import FILE as REVIEWERS
from channels.approval.reviewers import load_reviewers
from channels.content.article import Article, load_article
from channels.errors import PublishError
from channels.pipeline.manifest import NAME as MANIFEST
from channels.pipeline.project import Project, load_settings
from channels.pipeline.writer import STAGED
from channels.rules import CONTENT


class ApprovalRefused(PublishError):
    """An approval cannot be made, or a step lacks the approval its policy requires."""


def subject_for(article: Article, folder: Path, source_dir: Path) -> Subject:
    """What approvals of ``article`` are checked against: the outputs in ``folder``."""
    allowed = source_dir / REVIEWERS
    evidence, _ = evidence_of(folder)
    return Subject(article.slug, article.path, article.reviewed_by, article.reviewed_on,
                   folder, evidence, load_reviewers(allowed), allowed)


def statuses(subject: Subject, source_dir: Path) -> list[Status]:
    """Every recorded approval of the subject's article, checked, oldest first."""
    return [status_of(r, subject) for r in read_records(source_dir, subject.slug)]


def waiting(subject: Subject, source_dir: Path, roles: tuple[str, ...]) -> list[str]:
    """Why the outputs may not go ahead under ``roles`` (empty when every role approved)."""
    if not roles:
        return []
    found = statuses(subject, source_dir)
    reasons = waiting_roles(roles, found)
    if reasons:
        reasons += [p for p in unreadable(found) if p not in reasons]
    return [_with_command(r, subject.slug) for r in reasons]


def _with_command(reason: str, slug: str) -> str:
    if reason.startswith("awaits "):
        role = reason.split()[1]
        return f"{reason}: publish approve {slug} --role {role}"
    return reason


def approve(subject: Subject, source_dir: Path, key: Path, role: str, note: str,
            now: dt.datetime | None = None) -> Record:
    """Sign the subject's outputs as ``role`` with ``key`` and record it, if it would hold.

    Raises:
        ApprovalRefused: the outputs, the key, the role or the reviewer does not allow it.
    """
    if subject.evidence is None or not subject.evidence.passed:
        raise ApprovalRefused(f"{subject.folder}: no passing, unchanged outputs to approve "
                              f"(run 'publish render' for {subject.article_path} first)")
    principal = _principal(key, subject)
    when = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    statement = Statement(subject.slug, role, principal, when.isoformat(timespec="seconds"),
                          note, subject.evidence)
    signature = sshsig.sign(statement.text(), key)
    number = len(read_records(source_dir, subject.slug)) + 1
    where = f"{records_file(source_dir, subject.slug)}:{number}"
    trial = status_of(Record(statement.text().decode("utf-8"), signature, where, number),
                      subject)
    if not trial.holds:
        raise ApprovalRefused(f"refused, nothing recorded: {trial.problem}")
    return append_record(source_dir, statement, signature)


def _principal(key: Path, subject: Subject) -> str:
    """The reviewer the key belongs to, asked of ``ssh-keygen -Y find-principals``."""
    probe = sshsig.sign(b"pmh-approval: who signs with this key?", key)
    principal = sshsig.find_principal(probe, subject.allowed) if subject.allowed.is_file() else None
    if principal is None:
        raise ApprovalRefused(f"{key}: this key is not in {subject.allowed} (add its public key "
                              "there with your name and roles, then approve again)")
    return principal


def require(step: str, folder: Path, source_dir: Path) -> None:
    """Refuse ``step`` ("publish" or "send") of the outputs in ``folder`` unless every role
    the policy names has an approval that holds for exactly these bytes.

    Raises:
        ApprovalRefused: one line saying what waits for whom, or which file changed.
    """
    roles = load_policy(source_dir / "site.yaml").roles(step)
    if not roles:
        return
    reasons = waiting(subject_for(article_for(folder, source_dir), folder, source_dir),
                      source_dir, roles)
    if reasons:
        more = f" (and {len(reasons) - 1} more)" if len(reasons) > 1 else ""
        raise ApprovalRefused(f"{folder.name}: not allowed to {step}: {reasons[0]}{more}")


def article_for(folder: Path, source_dir: Path) -> Article:
    """The source article of the outputs in ``folder`` (named in its manifest)."""
    manifest = folder / MANIFEST
    try:
        named = Path(json.loads(manifest.read_text(encoding="utf-8"))["article"])
    except (OSError, ValueError, KeyError, TypeError):
        raise ApprovalRefused(f"{manifest}: no readable manifest (publish the article with "
                              "'publish render' first)") from None
    path = named if named.is_file() else source_dir / named.name
    settings = load_settings(Project(source_dir, source_dir.parent / "templates"))
    return load_article(path, settings.site, settings.policy, CONTENT.max_source_bytes)


def current_folder(out_dir: Path, slug: str) -> Path:
    """The outputs an approval would cover now: the staged version if any, else the published."""
    staged = sorted((out_dir / STAGED / slug).glob("[0-9a-f]*"))
    if staged:
        return staged[-1]
    if (out_dir / slug / MANIFEST).is_file():
        return out_dir / slug
    raise ApprovalRefused(f"{out_dir / slug}: nothing rendered for '{slug}' (run 'publish render' "
                          "first, with the same --out)")
