"""Content checks on the canonical source: findings an editor can act on, warn or block."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from pathlib import Path

from channels.content.article import Article
from channels.content.site import PLACEHOLDER
from channels.content.yamlsafe import load_yaml
from channels.errors import InputError
from channels.lint.body import Source, body_checks
from channels.lint.readability import reading_grade
from channels.rules import CONTENT

CHECKS = (
    "reading_grade",
    "list_intro",
    "health_claims",
    "image_alt",
    "safe_messaging",
    "internal_links",
    "review_age",
    "placeholders",
)


@dataclass(frozen=True)
class Finding:
    """One content problem: which check, where (file:line or field), what, how to fix."""

    check: str
    where: str
    message: str
    fix: str
    blocks: bool

    def describe(self) -> str:
        level = "blocks publishing" if self.blocks else "warning"
        return f"{self.where}: {self.message} ({self.fix}) [{self.check}, {level}]"

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class ChecksConfig:
    """Which checks block, and their limits; loaded once from ``source/checks.yaml``."""

    blocking: frozenset[str] = frozenset({"review_age"})
    grade_max: float = CONTENT.reading_grade_max
    claims: tuple[str, ...] = CONTENT.absolute_claims
    known_paths: tuple[str, ...] = ("/",)
    review_max_months: int = CONTENT.review_max_months
    # The disclaimer that carries the crisis line: an article that mentions suicide
    # without it is flagged (safe messaging).  Empty: that part of the check is off.
    crisis_disclaimer: str = ""
    path: str = ""


@dataclass(frozen=True)
class ContentReport:
    """The reading grade of an article and every content finding."""

    grade: float
    findings: tuple[Finding, ...]

    @property
    def blocking(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.blocks)

    def as_dict(self) -> dict[str, object]:
        return {
            "reading_grade": self.grade,
            "reading_grade_method": "flesch-kincaid, pyphen en_US",
            "findings": [f.as_dict() for f in self.findings],
            "passed": not self.blocking,
        }


def check_article(
    article: Article,
    config: ChecksConfig,
    body_html: str,
    site_base: str,
    slugs: tuple[str, ...],
    today: dt.date | None = None,
    required: tuple[str, ...] = (),
) -> ContentReport:
    """Run every content check on ``article``.

    ``body_html``: the pandoc HTML of its body; ``required``: the ids of the disclaimers
    its outputs carry (whether the crisis line is among them matters to safe messaging).
    """
    crisis_line = not config.crisis_disclaimer or config.crisis_disclaimer in required
    source = Source(article, body_html, site_base, slugs, crisis_line, config.crisis_disclaimer)
    raw = body_checks(source, config.claims, config.known_paths)
    grade = reading_grade(source.plain_text)
    if grade > config.grade_max:
        raw.append(
            (
                "reading_grade",
                source.start,
                f"the body reads at grade {grade:.1f}, above {config.grade_max:g}",
                "use shorter sentences and everyday words",
            )
        )
    raw.extend(_review_age(article, config, today or dt.date.today()))
    raw.extend(_placeholders(article))
    findings = tuple(
        Finding(check, where, what, fix, check in config.blocking)
        for check, where, what, fix in raw
    )
    return ContentReport(round(grade, 1), findings)


def review_expired(article: Article, config: ChecksConfig, today: dt.date | None = None) -> bool:
    """Whether the clinical review is older than the configured limit (then publishing blocks)."""
    return bool(_review_age(article, config, today or dt.date.today()))


def _review_age(article: Article, config: ChecksConfig, today: dt.date):  # type: ignore[no-untyped-def]
    limit = _months_before(today, config.review_max_months)
    if article.reviewed_on >= limit:
        return []
    return [
        (
            "review_age",
            f"{article.path}: reviewed.on",
            f"the clinical review of {article.reviewed_on.isoformat()} is older than "
            f"{config.review_max_months} months",
            "have a clinician review the article again and update reviewed.on",
        )
    ]


def _placeholders(article: Article):  # type: ignore[no-untyped-def]
    """Text still to write: every field or body line with PLACEHOLDER (``publish new``)."""
    fields = {"title": article.title, "summary": article.summary,
              "reviewed.by": article.reviewed_by}
    # The email's own fields only when set (their defaults are the title and summary).
    if article.email_subject != article.title:
        fields["email.subject"] = article.email_subject
    if article.email_preheader != article.summary:
        fields["email.preheader"] = article.email_preheader
    found = [(f"{article.path}: {name}", name) for name, value in fields.items()
             if PLACEHOLDER in value]
    found += [(f"{article.path}:{article.body_line + number}", "the body")
              for number, line in enumerate(article.body.splitlines()) if PLACEHOLDER in line]
    return [("placeholders", where, f"{what} still has PLACEHOLDER text",
             "write it, then delete the word PLACEHOLDER") for where, what in found]


def _months_before(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return dt.date(year, month + 1, min(day.day, 28))


def load_checks(path: Path) -> ChecksConfig:
    """Read ``checks.yaml``; a missing file means the defaults."""
    if not path.is_file():
        return ChecksConfig()
    name = str(path)
    doc = load_yaml(path.read_text(encoding="utf-8-sig"), name)
    section = doc.data.get("content_checks") if isinstance(doc.data, dict) else None
    if not isinstance(section, dict):
        raise InputError(
            f"{name}:1",
            "'content_checks' must be a mapping of check names",
            "see the comments in source/checks.yaml",
        )
    for key, entry in section.items():
        if key not in CHECKS or not isinstance(entry, dict):
            raise InputError(
                f"{name}:{doc.line(f'content_checks.{key}', 1)}",
                f"unknown check '{key}' or not a mapping",
                "use one of " + ", ".join(CHECKS),
            )
    return _config(section, name)


def _config(section: dict, name: str) -> ChecksConfig:  # type: ignore[type-arg]
    def get(check: str, key: str, default):  # type: ignore[no-untyped-def]
        return (section.get(check) or {}).get(key, default)

    default = ChecksConfig()
    blocking = frozenset(c for c in CHECKS if get(c, "block", c == "review_age") is True)
    return ChecksConfig(
        blocking,
        float(get("reading_grade", "max", default.grade_max)),
        tuple(str(p) for p in get("health_claims", "phrases", default.claims)),
        tuple(str(p) for p in get("internal_links", "known_paths", default.known_paths)),
        int(get("review_age", "max_months", default.review_max_months)),
        str(get("safe_messaging", "crisis_disclaimer", "")),
        name,
    )
