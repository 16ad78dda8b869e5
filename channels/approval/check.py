"""Whether an approval still holds: a valid signature by a listed reviewer in the role, the
reviewer the front matter names, on or after ``reviewed.on``, over exactly these outputs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from channels.approval import sshsig
from channels.approval.records import Evidence, Record, Statement, parse_statement
from channels.approval.reviewers import Reviewer


@dataclass(frozen=True)
class Subject:
    """What approvals are checked against: an article's reviewer and its current outputs."""

    slug: str
    article_path: str
    reviewed_by: str
    reviewed_on: dt.date
    folder: Path  # the outputs to compare with (staged or published)
    evidence: Evidence | None
    reviewers: dict[str, Reviewer]
    allowed: Path  # source/reviewers, as ssh-keygen reads it


@dataclass(frozen=True)
class Status:
    """One record's standing: its statement (if readable), why it does not hold ("" if it does)."""

    record: Record
    statement: Statement | None
    problem: str

    @property
    def holds(self) -> bool:
        return not self.problem


def status_of(record: Record, subject: Subject) -> Status:
    """Check one record; the first problem found is the one reported."""
    try:
        statement = parse_statement(record.statement)
    except (ValueError, KeyError, TypeError):
        return Status(record, None, f"{record.where}: approval {record.number} is not a readable "
                      "record (remove the line and approve again)")
    problem = (_identity_problem(record, statement, subject)
               or _review_problem(record, statement, subject)
               or changed_since(record, statement, subject))
    return Status(record, statement, problem)


def _identity_problem(record: Record, statement: Statement, subject: Subject) -> str:
    head = f"{record.where}: approval {record.number}"
    reviewer = subject.reviewers.get(statement.principal)
    if reviewer is None:
        return (f"{head} is signed as {statement.principal}, who is not in {subject.allowed} "
                "(add the reviewer's key there, then approve again)")
    if not sshsig.verify(record.statement.encode("utf-8"), record.signature,
                         statement.principal, subject.allowed):
        return (f"{head} is not a valid signature by {statement.principal} over this record "
                f"(it was altered, or signed with another key): approve again with "
                f"'publish approve {subject.slug}'")
    if statement.slug != subject.slug:
        return f"{head} approves '{statement.slug}', not '{subject.slug}' (remove the line)"
    if statement.role not in reviewer.roles:
        return (f"{head}: {reviewer.name} is not a {statement.role} reviewer in "
                f"{subject.allowed} (roles: {', '.join(reviewer.roles)})")
    return ""


def _review_problem(record: Record, statement: Statement, subject: Subject) -> str:
    head = f"{record.where}: approval {record.number}"
    name = subject.reviewers[statement.principal].name
    if name != subject.reviewed_by:
        return (f"{head} is by {name}, but reviewed.by in {subject.article_path} is "
                f"'{subject.reviewed_by}' (set reviewed.by to the approver's name in "
                f"{subject.allowed}, or have that reviewer approve)")
    if statement.when.date() < subject.reviewed_on:
        return (f"{head} was made on {statement.when.date()}, before reviewed.on "
                f"{subject.reviewed_on} in {subject.article_path} (approve on or after the "
                "review date)")
    return ""


def changed_since(record: Record, statement: Statement, subject: Subject) -> str:
    """Which file or disclaimer changed since the approval ("" if none)."""
    since = (f"since approval {record.number} by {statement.principal} on "
             f"{statement.signed_at[:16]}Z ({record.where})")
    fix = f"review it and approve again: publish approve {subject.slug}"
    now = subject.evidence
    if now is None:
        return f"{subject.folder}: no checked outputs to compare {since} (publish render first)"
    then = statement.evidence
    old, new = dict(then.files), dict(now.files)
    # The outputs first: compliance.json changes with any of them, so it says the least.
    for name in sorted(set(old) | set(new), key=lambda n: (n == "compliance.json", n)):
        if old.get(name) != new.get(name):
            return f"{subject.folder / name} changed {since} ({fix})"
    before, after = dict(then.disclaimers), dict(now.disclaimers)
    for key in sorted(set(before) | set(after)):
        if before.get(key) != after.get(key):
            return (f"disclaimer {key} is version {after.get(key, 'none')} now, "
                    f"version {before.get(key, 'none')} {since} ({fix})")
    if then.source_sha256 != now.source_sha256 or not now.passed:
        return f"{subject.article_path} changed {since} ({fix})"
    return ""


def waiting_roles(roles: tuple[str, ...], statuses: list[Status]) -> list[str]:
    """For each required role without an approval that holds: why (the newest reason)."""
    waiting = []
    for role in roles:
        mine = [s for s in statuses if s.statement and s.statement.role == role]
        if any(s.holds for s in mine):
            continue
        waiting.append(mine[-1].problem if mine else f"awaits {role} approval")
    return waiting


def unreadable(statuses: list[Status]) -> list[str]:
    """Problems of records that cannot even be attributed to a role (tampered lines)."""
    return [s.problem for s in statuses if s.statement is None]
