"""``compliance.json``: what each channel had to carry, what the gate found, the verdict."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from channels import registry
from channels.base import Rendered
from channels.content.disclaimers import Disclaimer
from channels.gate.match import Check
from channels.pipeline.incremental import PIPELINE_VERSION, Fingerprint

if TYPE_CHECKING:
    from channels.pipeline.steps import Prepared


@dataclass(frozen=True)
class Failed:
    """A channel that could not render, with the one-line reason."""

    channel: str
    message: str
    exit_code: int = 2


@dataclass(frozen=True)
class Checked:
    """One channel's rendered files and the gate's checks on them."""

    rendered: Rendered
    checks: tuple[Check, ...]

    @property
    def channel(self) -> str:
        return self.rendered.channel

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks)


def compliance_report(prepared: Prepared, results: list[Checked | Failed],
                      fp: Fingerprint | None = None) -> bytes:
    """``compliance.json``: what was required, where it was found, and the verdict."""
    article = prepared.article
    report = {
        "article": article.path,
        "slug": article.slug,
        "title": article.title,
        "source_sha256": article.source_sha256,
        "pipeline_version": PIPELINE_VERSION,
        **({"fingerprint": fp.digest} if fp else {}),
        "passed": all(not isinstance(r, Failed) and r.passed for r in results),
        "channels": {result.channel: _channel_entry(result) for result in results},
        "policy": policy_rows(prepared.context.required),
    }
    if prepared.content is not None:
        report["content"] = prepared.content.as_dict()
        report["passed"] = report["passed"] and not prepared.content.blocking
    return (json.dumps(report, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _channel_entry(result: Checked | Failed) -> dict[str, object]:
    if isinstance(result, Failed):
        return {"passed": False, "error": result.message}
    return {
        "passed": result.passed,
        "files": list(result.rendered.names),
        "warnings": list(result.rendered.notes),
        "checks": [c.as_dict() for c in result.checks],
    }


def policy_rows(
    required: tuple[tuple[str, tuple[Disclaimer, ...]], ...],
) -> list[dict[str, object]]:
    """The policy made explicit: channel × disclaimer × form × where, with versions."""
    return [
        {"channel": channel, "disclaimer": exp.disclaimer.id, "version": exp.disclaimer.version,
         "form": exp.form, "where": exp.where}
        for channel, disclaimers in required
        for exp in registry.get(channel).expectations(disclaimers)
    ]
