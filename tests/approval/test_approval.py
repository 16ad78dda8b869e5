"""Clinical sign-off with real OpenSSH signatures: what holds, what is refused, in one line.

Keys are throwaway ed25519 keys made with ``ssh-keygen``; every verification is
``ssh-keygen -Y verify`` against the project's ``source/reviewers`` (the oracle).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from conftest import SEED, run_cli
from signoff_fixtures import SLUG, approve, awaits, keys, project, records, render

__all__ = ["keys", "project"]  # fixtures used by name


def test_staged_until_approved_then_promoted_and_listed(project, tmp_path, keys):
    out, db = tmp_path / "out", tmp_path / "store.sqlite3"
    verdict = render(project, out)
    assert awaits(verdict, out) == (
        f"awaits clinical approval: publish approve {SLUG} --role clinical")
    staged = Path(verdict.report_dir)
    assert staged.parent == out / ".staged" / SLUG
    approved_bytes = (staged / "newsletter.eml").read_bytes()
    done = approve(project, out, db, keys, "ana", "--note", "checked dosage wording")
    assert (done.code, done.err) == (0, "")
    assert done.out.splitlines()[0] == (
        f"approved {SLUG} as clinical by Dr. Ana Reyes: {records(project)}:1")
    again = render(project, out)
    assert again.status == "published", again
    assert (out / SLUG / "newsletter.eml").read_bytes() == approved_bytes
    assert not (out / ".staged" / SLUG).exists()
    listed = run_cli("approvals", SLUG, "--out", out, "--source-dir", project)
    assert listed.out.splitlines()[1].endswith(": holds")


@pytest.mark.parametrize("who, role, expected", [
    ("mark", "clinical", "{records}:1: approval 1: Mark Ito is not a clinical reviewer in "
                         "{reviewers} (roles: marketing)"),
    ("bob", "clinical", "{records}:1: approval 1 is by Dr. Bob Lin, but reviewed.by in {seed} "
                        "is 'Dr. Ana Reyes' (set reviewed.by to the approver's name in "
                        "{reviewers}, or have that reviewer approve)"),
])
def test_wrong_role_or_reviewer_is_refused_and_nothing_recorded(project, tmp_path, keys, who,
                                                                role, expected):
    out, db = tmp_path / "out", tmp_path / "store.sqlite3"
    render(project, out)
    result = approve(project, out, db, keys, who, "--role", role)
    message = expected.format(records=records(project), reviewers=project / "reviewers",
                              seed=project / SEED.name)
    assert (result.code, result.err) == (2, f"publish: error: refused, nothing recorded: "
                                            f"{message}\n")
    assert not records(project).exists()
    assert render(project, out).status == "awaiting"


def test_a_key_not_in_reviewers_is_refused(project, tmp_path, keys):
    out, db = tmp_path / "out", tmp_path / "store.sqlite3"
    render(project, out)
    result = approve(project, out, db, keys, "eve")
    assert (result.code, result.err) == (2, (
        f"publish: error: {keys / 'eve'}: this key is not in {project / 'reviewers'} (add its "
        "public key there with your name and roles, then approve again)\n"))
    assert not records(project).exists() and not (out / SLUG).exists()


def test_an_approval_of_an_older_render_is_void(project, tmp_path, keys):
    out, db = tmp_path / "out", tmp_path / "store.sqlite3"
    render(project, out)
    assert approve(project, out, db, keys, "ana").code == 0
    assert render(project, out).status == "published"
    published = (out / SLUG / "newsletter.html").read_bytes()
    seed = project / SEED.name
    seed.write_text(seed.read_text().replace("two-way communication", "two-way link"))
    verdict = render(project, out)
    assert verdict.status == "awaiting"
    signed = json.loads(json.loads(records(project).read_text())["statement"])["signed_at"]
    assert verdict.problems == (
        f"{verdict.report_dir}/newsletter.eml changed since approval 1 by ana@pmh.example on "
        f"{signed[:16]}Z ({records(project)}:1) (review it and approve again: publish approve "
        f"{SLUG})",)
    assert (out / SLUG / "newsletter.html").read_bytes() == published  # the old version stays


def test_a_tampered_record_is_refused(project, tmp_path, keys):
    out, db = tmp_path / "out", tmp_path / "store.sqlite3"
    render(project, out)
    assert approve(project, out, db, keys, "ana", "--note", "ok").code == 0
    path = records(project)
    path.write_text(path.read_text().replace('\\"note\\":\\"ok\\"', '\\"note\\":\\"OK!\\"'))
    assert "OK!" in path.read_text()
    assert awaits(render(project, out), out) == (
        f"{path}:1: approval 1 is not a valid signature by ana@pmh.example over this record "
        f"(it was altered, or signed with another key): approve again with "
        f"'publish approve {SLUG}'")


def test_a_signature_over_other_bytes_is_refused(project, tmp_path, keys):
    from channels.approval import sshsig

    out, db = tmp_path / "out", tmp_path / "store.sqlite3"
    render(project, out)
    assert approve(project, out, db, keys, "ana").code == 0
    path = records(project)
    line = json.loads(path.read_text())
    line["signature"] = sshsig.sign(b"some other statement", keys / "ana")
    path.write_text(json.dumps(line) + "\n")
    assert awaits(render(project, out), out).startswith(
        f"{path}:1: approval 1 is not a valid signature by ana@pmh.example over this record")


def test_an_approval_before_the_review_date_is_refused(project, tmp_path, keys):
    from channels.approval.gatekeeper import (
        ApprovalRefused,
        approve,
        article_for,
        current_folder,
        subject_for,
    )

    out = tmp_path / "out"
    render(project, out)
    folder = current_folder(out, SLUG)
    subject = subject_for(article_for(folder, project), folder, project)
    with pytest.raises(ApprovalRefused) as refused:
        approve(subject, project, keys / "ana", "clinical", "",
                now=dt.datetime(2026, 11, 19, 23, 0, tzinfo=dt.UTC))
    assert str(refused.value) == (
        f"refused, nothing recorded: {records(project)}:1: approval 1 was made on 2026-11-19, "
        f"before reviewed.on 2026-11-20 in {project / SEED.name} (approve on or after the "
        "review date)")


def test_reviewers_file_errors_are_one_line(tmp_path):
    from channels.approval.reviewers import load_reviewers
    from channels.errors import InputError

    path = tmp_path / "reviewers"
    path.write_text("# comment\nana@x ssh-ed25519 AAAAC3Nz name=\"Ana\" roles=doctor\n")
    with pytest.raises(InputError) as bad:
        load_reviewers(path)
    assert str(bad.value) == (f"{path}:2: roles must be one or more of clinical, compliance, "
                              "marketing (add roles=clinical (comma-separated, no spaces) after "
                              "the key)")


def test_the_sign_off_summary_says_what_waits_and_what_holds(project, tmp_path, keys):
    from channels.approval.policy import ApprovalPolicy
    from channels.approval.summary import sign_off_markdown

    out, db = tmp_path / "out", tmp_path / "store.sqlite3"
    policy = ApprovalPolicy(publish=("clinical",), send=("clinical",))
    verdict = render(project, out)
    waiting = sign_off_markdown(SLUG, verdict.status, verdict.problems, Path(verdict.report_dir),
                                project, policy)
    assert waiting.splitlines()[:6] == [
        f"# {SLUG}: awaiting", "", "Approval needed to publish: clinical; to send: clinical.", "",
        "The gate passed every output.", ""]
    assert (f"- awaits clinical approval: publish approve {SLUG} --role clinical"
            in waiting.splitlines())
    assert waiting.splitlines()[-1] == "| - | - | - | - | no approval recorded |"
    assert approve(project, out, db, keys, "ana").code == 0
    verdict = render(project, out)
    held = sign_off_markdown(SLUG, verdict.status, verdict.problems, out / SLUG, project, policy)
    assert held.splitlines()[-1].startswith("| 1 | clinical | ana@pmh.example | 2026-")
    assert held.splitlines()[-1].endswith("| holds |")
