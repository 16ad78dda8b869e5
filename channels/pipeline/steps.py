"""What happens to one article: prepare it, render each channel, check each output.

Plain functions on plain data, so they run the same in this process, in a worker
process or on another machine; nothing here writes a file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from channels import registry
from channels.base import Context, Rendered
from channels.content.article import Article
from channels.content.disclaimers import Disclaimer
from channels.content.markdown import convert
from channels.errors import PublishError
from channels.gate.match import Check, check
from channels.lint.checks import ContentReport, check_article
from channels.pipeline.compliance import Checked, Failed, compliance_report
from channels.pipeline.incremental import Fingerprint
from channels.pipeline.project import Project, Settings
from channels.web.site_index import site_assets


@dataclass(frozen=True)
class Job:
    """One article to build: loaded once, with the fingerprint of everything it depends on."""

    article: Article
    fp: Fingerprint


@dataclass(frozen=True)
class Prepared:
    """A loaded article plus the context every channel renders from."""

    article: Article
    context: Context
    content: ContentReport | None = None


@dataclass(frozen=True)
class Built:
    """One article rendered and checked: its files in memory, not yet written anywhere."""

    job: Job
    files: tuple[tuple[str, bytes], ...]
    problems: tuple[str, ...]
    warnings: tuple[str, ...]
    failed_input: bool = False  # a channel could not render it (bad input, exit 2)

    @property
    def article(self) -> Article:
        return self.job.article


def prepare(article: Article, settings: Settings, project: Project) -> Prepared:
    """Convert the body (the only pandoc HTML call) and run the content checks."""
    body = convert(article.body, article.path)
    policy = settings.policy
    required = tuple((name, policy.required(name, article.tags, article.disclaimers))
                     for name in policy.channels)
    context = Context(settings.site, body, str(project.templates_dir.resolve()),
                      str(Path(article.path).parent.resolve()), required)
    carried = tuple(dict.fromkeys(d.id for _, ds in required for d in ds))
    content = check_article(article, settings.checks, body.marked_html, settings.site.base_url,
                            settings.slugs, required=carried)
    return Prepared(article, context, content)


def render_channel(prepared: Prepared, name: str) -> Rendered | Failed:
    """Render one channel; a user-fixable problem comes back as ``Failed``, not raised."""
    try:
        return registry.get(name).render(prepared.article, prepared.context)
    except PublishError as exc:
        return Failed(name, str(exc), exc.exit_code)


def check_channel(prepared: Prepared, rendered: Rendered | Failed) -> Checked | Failed:
    """Read text back out of the artifact and look for every required disclaimer."""
    if isinstance(rendered, Failed):
        return rendered
    required = prepared.context.required_for(rendered.channel)
    parts = registry.get(rendered.channel).extract_text(rendered)
    shared = site_assets(prepared.context.templates_dir)
    return Checked(rendered, witnesses(rendered, parts, required, shared))


def witnesses(rendered: Rendered, parts: dict[str, str], required: tuple[Disclaimer, ...],
              shared: dict[str, bytes]) -> tuple[Check, ...]:
    """The gate: the text witness on ``parts``, then the pixel witness on the channel's views.

    ``publish render`` and ``publish check`` both call this, so they judge alike.
    """
    channel = registry.get(rendered.channel)
    expectations = channel.expectations(required)
    texts = check(rendered.channel, parts, expectations)
    return (*texts, *channel.painted(rendered, expectations, shared))


def build_article(job: Job, settings: Settings, project: Project,
                  channels: tuple[str, ...]) -> Built:
    """Prepare one article, render each of ``channels`` and check each output."""
    prepared = prepare(job.article, settings, project)
    results = [check_channel(prepared, render_channel(prepared, name)) for name in channels]
    files = {"compliance.json": compliance_report(prepared, results, job.fp)}
    clashes: list[str] = []
    for result in results:
        if isinstance(result, Checked):
            # A name two outputs share (an image called newsletter.eml, say) would let an
            # unchecked file replace a checked one: refuse it.
            clashes += [n for n in result.rendered.names if n in files or n in RESERVED]
            files.update(result.rendered.files)
    found = _problems(results, prepared.content) + tuple(
        f"{job.article.path}: two outputs are both named '{name}' (rename the article's file)"
        for name in dict.fromkeys(clashes))
    content = prepared.content
    warnings = tuple(f.describe() for f in content.findings if not f.blocks) if content else ()
    failed_input = any(isinstance(r, Failed) and r.exit_code == 2 for r in results)
    return Built(job, tuple(files.items()), found, warnings, failed_input)


RESERVED = frozenset({"manifest.json", "build.json"})  # written when the article is promoted


def _problems(results: list[Checked | Failed], content: ContentReport | None
              ) -> tuple[str, ...]:
    """One line per failed channel, missing disclaimer or blocking content finding."""
    lines: list[str] = [f.describe() for f in content.blocking] if content else []
    for result in results:
        if isinstance(result, Failed):
            lines.append(result.message)
        else:
            lines.extend(c.describe() for c in result.checks if not c.passed)
    return tuple(lines)
