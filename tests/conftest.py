"""Shared fixtures: the seed article rendered once per session, and a CLI runner."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

# A real PostgreSQL (session-scoped, started on first use): fixtures postgres, pg_url, any_db.
pytest_plugins = ["postgres_server"]

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
SOURCE = ROOT / "source"
TEMPLATES = ROOT / "templates"
SEED = SOURCE / "gut-brain-axis.md"

# Before Prefect is imported anywhere: quiet, local, no telemetry.
for key, value in {"DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
                   "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
                   "PREFECT_LOGGING_LEVEL": "WARNING",
                   "PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW": "ignore",
                   # The suite keeps Prefect's embedded server, not the reusable local one.
                   "PUBLISH_SERVER": "embedded"}.items():
    os.environ.setdefault(key, value)
# Each checkout keeps its own Prefect database, so parallel test runs never share one.
os.environ.setdefault("PREFECT_HOME", str(ROOT / ".prefect"))


@dataclass
class CliResult:
    code: int
    out: str
    err: str


def run_cli(*args: str | Path) -> CliResult:
    """Run ``publish`` in this process (the Prefect server is then shared by all tests)."""
    from flows.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in args])
    return CliResult(code, out.getvalue(), err.getvalue())


def render_args(out: Path, *sources: Path, source_dir: Path = SOURCE,
                templates: Path = TEMPLATES) -> list[str | Path]:
    return ["render", *sources, "--out", out, "--source-dir", source_dir, "--templates", templates]


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (following the slug links) with its bytes."""
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != ".publish.lock"}


def prepare_file(path: Path, settings, project):  # type: ignore[no-untyped-def]
    """Load one article and prepare it, as ``gather`` and ``build_article`` do in a run."""
    from channels.content.article import load_article
    from channels.pipeline.steps import prepare

    article = load_article(path, settings.site, settings.policy, project.max_source_bytes)
    return prepare(article, settings, project)


@pytest.fixture(scope="session")
def project():
    from channels.pipeline.project import Project

    return Project(SOURCE, TEMPLATES)


@pytest.fixture(scope="session")
def settings(project):
    from channels.pipeline.project import load_settings

    return load_settings(project)


@pytest.fixture(scope="session")
def seed(project, settings):
    return prepare_file(SEED, settings, project)


@pytest.fixture(scope="session")
def rendered(seed):
    """Every channel of the seed article, rendered once without Prefect."""
    from channels.pipeline.steps import render_channel
    from channels.registry import CHANNELS

    return {name: render_channel(seed, name) for name in CHANNELS}


@pytest.fixture(scope="session")
def published(tmp_path_factory) -> Path:
    """The seed article published once through the real Prefect flow."""
    out = tmp_path_factory.mktemp("published")
    result = run_cli(*render_args(out))
    assert result.code == 0, result.err
    return out


@pytest.fixture()
def source_copy(tmp_path) -> Path:
    """A writable copy of ``source/`` for tests that edit articles."""
    target = tmp_path / "source"
    shutil.copytree(SOURCE, target)
    return target
