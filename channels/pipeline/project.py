"""Where a project's files live, and its settings, loaded once per run at the edge."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from channels import registry
from channels.approval.policy import ApprovalPolicy
from channels.approval.policy import load_policy as load_approval_policy
from channels.content.disclaimers import Policy, load_policy
from channels.content.site import Site, load_site
from channels.errors import InputError
from channels.lint.checks import ChecksConfig, load_checks
from channels.rules import CONTENT


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
    def policy_file(self) -> Path:
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
    policy: Policy
    checks: ChecksConfig = ChecksConfig()
    slugs: tuple[str, ...] = ()
    approval: ApprovalPolicy = ApprovalPolicy()


def load_settings(project: Project) -> Settings:
    """Site, disclaimer policy and content checks, each read and validated once."""
    site = load_site(project.site_file)
    policy = load_policy(project.policy_file, registry.names())
    checks = load_checks(project.checks_file)
    crisis = checks.crisis_disclaimer
    if crisis and crisis not in policy.disclaimers:
        raise InputError(checks.path, f"safe_messaging.crisis_disclaimer '{crisis}' is not a "
                         "disclaimer in disclaimers.yaml", policy.suggest(crisis))
    return Settings(site, policy, checks, tuple(p.stem for p in project.articles()),
                    load_approval_policy(project.site_file))
