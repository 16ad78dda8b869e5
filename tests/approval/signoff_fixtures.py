"""Fixtures for the sign-off tests: throwaway ed25519 keys, a project that needs approvals."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import SEED, SOURCE, TEMPLATES, run_cli

SLUG = "gut-brain-axis"
ADDRESS = "1234 SE Example St, Portland, OR 97214"
PEOPLE = {  # key file: (principal, name, roles, listed in source/reviewers)
    "ana": ("ana@pmh.example", "Dr. Ana Reyes", "clinical,compliance", True),
    "bob": ("bob@pmh.example", "Dr. Bob Lin", "clinical", True),
    "mark": ("mark@pmh.example", "Mark Ito", "marketing", True),
    "eve": ("eve@pmh.example", "Eve Stranger", "clinical", False),
}


@pytest.fixture(scope="module")
def keys(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("keys")
    for name in PEOPLE:
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name,
                        "-f", str(folder / name)], check=True)
    return folder


@pytest.fixture()
def project(tmp_path, keys) -> Path:
    """A copy of source/ reviewed by Dr. Ana Reyes, approval required to publish and send."""
    return make_project(tmp_path, keys)


def make_project(tmp_path: Path, keys: Path) -> Path:
    """The ``project`` fixture's work, for tests that need more than one."""
    source = tmp_path / "source"
    source.mkdir()
    for item in SOURCE.iterdir():
        if item.is_file():
            (source / item.name).write_bytes(item.read_bytes())
    seed = source / SEED.name
    seed.write_text(seed.read_text().replace("by: Pacific Mind Health clinical team",
                                             "by: Dr. Ana Reyes"))
    site = source / "site.yaml"
    site.write_text(site.read_text()
                    .replace("PLACEHOLDER: clinic postal address (street, city, state, ZIP)",
                             ADDRESS)
                    .replace("PLACEHOLDER: clinic phone number", "+1 503 555 0100")
                    .replace("PLACEHOLDER: reply-to address", "hello@pacificmindhealth.com")
                    .replace("publish: []", "publish: [clinical]"))
    lines = []
    for name, (principal, full, roles, listed) in PEOPLE.items():
        key = " ".join((keys / f"{name}.pub").read_text().split()[:2])
        if listed:
            lines.append(f'{principal} namespaces="pmh-approval" {key} name="{full}" '
                         f"roles={roles}")
    (source / "reviewers").write_text("\n".join(lines) + "\n")
    return source


def render(source: Path, out: Path):  # type: ignore[no-untyped-def]
    """The plain pipeline on the newsletter only (fast); one verdict."""
    from channels.pipeline.build import publish
    from channels.pipeline.plan import gather
    from channels.pipeline.project import Project
    from channels.pipeline.writer import Writer

    plan = gather(Project(source, TEMPLATES), [source / SEED.name], ("email",), out)
    with Writer(out) as writer:
        [verdict] = publish(plan, writer)
    return verdict


def approve(source: Path, out: Path, db: Path, keys: Path, who: str, *extra: str):  # type: ignore[no-untyped-def]
    return run_cli("approve", SLUG, "--key", keys / who, "--out", out, "--source-dir", source,
                   "--db", db, *extra)


def records(source: Path) -> Path:
    return source / "approvals" / f"{SLUG}.jsonl"


def awaits(verdict, out: Path) -> str:  # type: ignore[no-untyped-def]
    """The one reason an article waits; asserts nothing was published."""
    assert verdict.status == "awaiting", verdict
    assert not (out / SLUG).exists()
    assert len(verdict.problems) == 1
    return verdict.problems[0]


