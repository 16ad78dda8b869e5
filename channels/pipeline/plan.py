"""Gather: settings and every article loaded once, and what needs building.

Everything that can be wrong with the input is found here, before anything is
rendered or written: a bad article stops the run with one line and ``output/``
untouched.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from channels import registry
from channels.content.article import Article, load_article
from channels.errors import InputError
from channels.lint.checks import review_expired
from channels.pipeline.incremental import fingerprint, reusable, shared_inputs
from channels.pipeline.project import Project, Settings, load_settings
from channels.pipeline.steps import Job
from channels.pipeline.writer import current_files


@dataclass(frozen=True)
class Verdict:
    """An article's outcome: published, refused by the gate, or failed on input."""

    slug: str
    path: str
    status: str  # "published" | "unchanged" | "reused" | "awaiting" | "refused" | "failed"
    problems: tuple[str, ...] = ()
    report_dir: str = ""
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Plan:
    """One run: the settings, the articles to build, and those whose outputs still hold."""

    project: Project
    settings: Settings
    channels: tuple[str, ...]
    jobs: tuple[Job, ...]
    reused: tuple[Verdict, ...]
    order: tuple[str, ...]  # every article's path, in the order asked for

    @property
    def partial(self) -> bool:
        """An ``--only`` run: the other channels' published files are kept."""
        return set(self.channels) != set(registry.names())


def gather(project: Project, paths: list[Path], channels: tuple[str, ...], out_dir: Path,
           force: bool = False) -> Plan:
    """Load settings and articles once, fingerprint each, and keep what is already built.

    Raises:
        InputError: the first bad input, as one line (file, line or field, fix).
    """
    if not project.templates_dir.is_dir():
        raise InputError(str(project.templates_dir), "no such templates folder",
                         "give --templates the project's templates/ folder")
    settings = load_settings(project)
    articles = [load_article(path, settings.site, settings.policy, project.max_source_bytes)
                for path in dict.fromkeys(paths)]
    _refuse_shared_slugs(articles)
    shared = shared_inputs(project.templates_dir, settings.site, channels, settings.checks)
    jobs, reused = [], []
    for article in articles:
        job = Job(article, fingerprint(article, settings.policy, shared))
        if force or not _still_good(job, settings, out_dir):
            jobs.append(job)
        else:
            reused.append(Verdict(article.slug, article.path, "reused"))
    return Plan(project, settings, channels, tuple(jobs), tuple(reused),
                tuple(a.path for a in articles))


def _still_good(job: Job, settings: Settings, out_dir: Path) -> bool:
    # An expired clinical review must reach the content checks, which then block it.
    if review_expired(job.article, settings.checks):
        return False
    return reusable(current_files(out_dir, job.article.slug), job.fp)


def _refuse_shared_slugs(articles: list[Article]) -> None:
    first: dict[str, Article] = {}
    for article in articles:
        other = first.setdefault(article.slug, article)
        if other is not article:
            raise InputError(article.path, f"slug '{article.slug}' is also {other.path}'s; "
                             "both would publish to the same folder",
                             "give one of them another 'slug:' or file name")
