"""The pipeline as plain functions: load, render, extract and check, report.

``flows/publish.py`` calls exactly these, as Prefect tasks; tests and benchmarks
call them directly.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import registry as channel_registry
from .article import Article, load_article
from .base import Context, Rendered
from .disclaimers import CHANNEL_NAMES, Registry, load_registry
from .errors import PublishError
from .gate import Finding, check
from .incremental import (
    BUILD_FILE,
    Fingerprint,
    SharedInputs,
    fingerprint,
    record,
    reusable,
    shared_inputs,
)
from .lint import ChecksConfig, ContentReport, check_article, load_checks, review_expired
from .manifest import NAME as MANIFEST
from .manifest import build_manifest
from .markdown import convert
from .promote import current_files, locked, promote, write_site_file
from .report import policy_rows, write_html
from .rules import CONTENT
from .site import Site, load_site
from .site_index import write_site

PIPELINE_VERSION = "1"
RESERVED = frozenset({"manifest.json", "build.json"})  # written by finalize itself


@dataclass(frozen=True)
class Project:
    """Where things live; everything else is derived from these paths."""

    source_dir: Path
    templates_dir: Path
    max_source_bytes: int = CONTENT.max_source_bytes

    @property
    def site_file(self) -> Path:
        return self.source_dir / "site.yaml"

    @property
    def registry_file(self) -> Path:
        return self.source_dir / "disclaimers.yaml"

    @property
    def checks_file(self) -> Path:
        return self.source_dir / "checks.yaml"

    def articles(self) -> list[Path]:
        return sorted(self.source_dir.glob("*.md"))


@dataclass(frozen=True)
class Settings:
    """Loaded once at the edge; passed down explicitly."""

    site: Site
    registry: Registry
    checks: ChecksConfig = ChecksConfig()
    slugs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Prepared:
    """A loaded article plus the context every channel renders from."""

    article: Article
    context: Context
    content: ContentReport | None = None


@dataclass(frozen=True)
class Failed:
    """A channel that could not render, with the one-line reason."""

    channel: str
    message: str
    exit_code: int = 2


@dataclass(frozen=True)
class Checked:
    """One channel's rendered files and the gate's findings on them."""

    rendered: Rendered
    findings: tuple[Finding, ...]

    @property
    def channel(self) -> str:
        return self.rendered.channel

    @property
    def passed(self) -> bool:
        return all(f.passed for f in self.findings)


@dataclass(frozen=True)
class Verdict:
    """An article's outcome: published, refused by the gate, or failed on input."""

    slug: str
    path: str
    status: str  # "published" | "unchanged" | "reused" | "refused" | "failed"
    problems: tuple[str, ...] = ()
    report_dir: str = ""
    warnings: tuple[str, ...] = ()


def load_settings(project: Project) -> Settings:
    return Settings(
        load_site(project.site_file),
        load_registry(project.registry_file),
        load_checks(project.checks_file),
        tuple(p.stem for p in project.articles()),
    )


def shared_for(project: Project, settings: Settings, channels: tuple[str, ...]) -> SharedInputs:
    """The inputs every article of this run shares (templates, site, code, tools)."""
    return shared_inputs(
        project.templates_dir, settings.site, PIPELINE_VERSION, channels, settings.checks
    )


def prepare(path: Path, settings: Settings, project: Project) -> Prepared:
    """Load and validate one article and convert its body (the only pandoc HTML call)."""
    article = load_article(path, settings.site, settings.registry, project.max_source_bytes)
    body = convert(article.body, article.path)
    required = tuple(
        (name, settings.registry.required(name, article.tags, article.disclaimers))
        for name in CHANNEL_NAMES
    )
    context = Context(
        settings.site,
        body,
        str(project.templates_dir.resolve()),
        str(path.parent.resolve()),
        required,
    )
    crisis = any(d.id == "crisis-988" for _, ds in required for d in ds)
    content = check_article(
        article,
        settings.checks,
        body.marked_html,
        settings.site.base_url,
        settings.slugs,
        crisis_line=crisis,
    )
    return Prepared(article, context, content)


def render_channel(prepared: Prepared, name: str) -> Rendered | Failed:
    """Render one channel; a user-fixable problem comes back as ``Failed``, not raised."""
    try:
        return channel_registry.get(name).render(prepared.article, prepared.context)
    except PublishError as exc:
        return Failed(name, str(exc), exc.exit_code)


def check_channel(prepared: Prepared, rendered: Rendered | Failed) -> Checked | Failed:
    """Read text back out of the artifact and look for every required disclaimer."""
    if isinstance(rendered, Failed):
        return rendered
    channel = channel_registry.get(rendered.channel)
    parts = channel.extract_text(rendered)
    expectations = channel.expectations(prepared.context.required_for(rendered.channel))
    return Checked(rendered, tuple(check(rendered.channel, parts, expectations)))


def _merge_with_current(
    out_dir: Path, slug: str, files: dict[str, bytes], channels: list[str]
) -> dict[str, bytes]:
    """For ``--only``: keep the other channels' published files and report entries."""
    current = current_files(out_dir, slug)
    if "compliance.json" not in current:
        return files
    old = json.loads(current["compliance.json"])
    new = json.loads(files["compliance.json"])
    stale = {
        f
        for name, entry in old["channels"].items()
        if name in channels
        for f in entry.get("files", [])
    }
    # A partial run leaves no build record: the next full run rebuilds the article.
    merged = {
        name: data for name, data in current.items() if name not in stale and name != BUILD_FILE
    }
    merged.update(files)
    new["channels"] = {**old["channels"], **new["channels"]}
    new["passed"] = all(entry.get("passed") for entry in new["channels"].values())
    merged["compliance.json"] = (json.dumps(new, indent=2, ensure_ascii=False) + "\n").encode()
    return merged


def write_site_files(project: Project, out_dir: Path, channels: tuple[str, ...]) -> None:
    """The site-wide files, once per run after every article is promoted: the compliance
    report always; with the web channel, the shared assets, index, feed and sitemap."""
    if "web" in channels:
        write_site_assets(project, out_dir)
    write_html(out_dir)  # output/report.html: every published article's checks


def write_site_assets(project: Project, out_dir: Path) -> None:
    """Fonts and the page stylesheet, shared by every article's web page."""
    templates = project.templates_dir
    with locked(out_dir):
        for font in sorted((templates / "fonts").iterdir()):
            write_site_file(out_dir, f"assets/fonts/{font.name}", font.read_bytes())
        write_site_file(
            out_dir, "assets/shared/fonts.css", (templates / "shared/fonts.css").read_bytes()
        )
        write_site_file(out_dir, "assets/page.css", (templates / "web/page.css").read_bytes())
    write_site(out_dir, load_settings(project), str(templates))  # index, feed, sitemap


def compliance_report(
    article: Article,
    results: list[Checked | Failed],
    prepared: Prepared | None = None,
    fp: Fingerprint | None = None,
) -> bytes:
    """``compliance.json``: what was required, where it was found, and the verdict."""
    channels: dict[str, object] = {}
    for result in results:
        if isinstance(result, Failed):
            channels[result.channel] = {"passed": False, "error": result.message}
            continue
        channels[result.channel] = {
            "passed": result.passed,
            "files": list(result.rendered.names),
            "warnings": list(result.rendered.notes),
            "checks": [f.as_dict() for f in result.findings],
        }
    report = {
        "article": article.path,
        "slug": article.slug,
        "title": article.title,
        "source_sha256": article.source_sha256,
        "pipeline_version": PIPELINE_VERSION,
        **({"fingerprint": fp.digest} if fp else {}),
        "passed": all(not isinstance(r, Failed) and r.passed for r in results),
        "channels": channels,
    }
    if prepared is not None:
        report["policy"] = policy_rows(prepared.context.required)
    if prepared is not None and prepared.content is not None:
        report["content"] = prepared.content.as_dict()
        report["passed"] = report["passed"] and not prepared.content.blocking
    return (json.dumps(report, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def problems(
    results: list[Checked | Failed], content: ContentReport | None = None
) -> tuple[str, ...]:
    """One line per failed channel, missing disclaimer or blocking content finding."""
    lines: list[str] = [f.describe() for f in content.blocking] if content else []
    for result in results:
        if isinstance(result, Failed):
            lines.append(result.message)
        else:
            lines.extend(f.describe() for f in result.findings if not f.passed)
    return tuple(lines)


def finalize(
    prepared: Prepared,
    results: list[Checked | Failed],
    out_dir: Path,
    partial: bool = False,
    fp: Fingerprint | None = None,
) -> Verdict:
    """Promote the article if every channel passed; otherwise keep the refused files aside.

    Nothing in ``out_dir`` changes for a refused article: its files and report go to a
    fresh temporary folder, named in the verdict, for the editor to inspect.
    """
    article = prepared.article
    report = compliance_report(article, results, prepared, fp)
    files = {"compliance.json": report}
    clashes: list[str] = []
    for result in results:
        if isinstance(result, Checked):
            # A name two outputs share (an image called newsletter.eml, say) would let an
            # unchecked file replace a checked one: refuse it.
            clashes += [name for name in result.rendered.names if name in files or name in RESERVED]
            files.update(result.rendered.files)
    found = problems(results, prepared.content) + tuple(
        f"{article.path}: two outputs are both named '{name}' (rename the article's file)"
        for name in dict.fromkeys(clashes))
    warnings = (
        tuple(f.describe() for f in prepared.content.findings if not f.blocks)
        if prepared.content
        else ()
    )
    if partial and not found:
        files = _merge_with_current(out_dir, article.slug, files, [r.channel for r in results])
    files[MANIFEST] = build_manifest(files)
    if fp and not partial:
        # Last, so the build record covers every published file, the manifest included.
        files[BUILD_FILE] = record(fp, files)
    if found:
        refused_dir = Path(tempfile.mkdtemp(prefix=f"publish-refused-{article.slug}-"))
        for name, data in files.items():
            (refused_dir / name).write_bytes(data)
        failed_input = any(isinstance(r, Failed) and r.exit_code == 2 for r in results)
        return Verdict(
            article.slug,
            article.path,
            "failed" if failed_input else "refused",
            found,
            str(refused_dir),
            warnings,
        )
    with locked(out_dir):
        before = current_files(out_dir, article.slug)
        promote(out_dir, article.slug, files)
    status = "unchanged" if before == files else "published"
    return Verdict(article.slug, article.path, status, warnings=warnings)


@dataclass(frozen=True)
class Planned:
    """An article's fingerprint and, when its published outputs can be reused, the verdict."""

    path: Path
    fp: Fingerprint
    reused: Verdict | None


def plan(
    path: Path,
    settings: Settings,
    shared: SharedInputs,
    out_dir: Path,
    max_bytes: int = CONTENT.max_source_bytes,
) -> Planned:
    """Hash the article's inputs and compare with what is published (no pandoc, no render)."""
    article = load_article(path, settings.site, settings.registry, max_bytes)
    fp = fingerprint(article, settings.registry, shared)
    # An expired clinical review must reach the content checks, which then block it.
    expired = review_expired(article, settings.checks)
    if expired or not reusable(current_files(out_dir, article.slug), fp):
        return Planned(path, fp, None)
    return Planned(path, fp, Verdict(article.slug, article.path, "reused"))


def build_article(
    path: Path,
    settings: Settings,
    project: Project,
    channels: tuple[str, ...],
    out_dir: Path,
    fp: Fingerprint | None = None,
) -> Verdict:
    """Load, render every channel, check, and promote one article (one task, one process)."""
    prepared = prepare(path, settings, project)
    results = [check_channel(prepared, render_channel(prepared, name)) for name in channels]
    partial = set(channels) != set(CHANNEL_NAMES)
    return finalize(prepared, results, out_dir, partial, fp)
