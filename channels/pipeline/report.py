"""Reports people read: the output × disclaimer table, content findings, ``report.html``."""

from __future__ import annotations

import html
import json
from pathlib import Path

REPORT = "report.html"
COLUMNS = ("article", "channel", "disclaimer", "version", "form", "required", "found in", "status")


def table_rows(reports: list[dict]) -> list[dict[str, object]]:  # type: ignore[type-arg]
    """One row per article × channel × disclaimer check, from ``compliance.json`` data.

    The same rows feed ``report.html`` and the Prefect table artifact.
    """
    rows: list[dict[str, object]] = []
    for report in reports:
        for channel, entry in sorted(report["channels"].items()):
            rows.extend(_channel_rows(report["slug"], channel, entry))
    return rows


def _channel_rows(slug: str, channel: str, entry: dict) -> list[dict[str, object]]:  # type: ignore[type-arg]
    if "error" in entry:
        return [
            {
                "article": slug,
                "channel": channel,
                "disclaimer": "",
                "version": "",
                "form": "",
                "required": "",
                "found in": "",
                "status": f"error: {entry['error']}",
            }
        ]
    return [
        {
            "article": slug,
            "channel": channel,
            "disclaimer": c["disclaimer"],
            "version": c["version"],
            "form": c["form"],
            "required": "in every part" if c["scope"] == "each" else "in at least one part",
            "found in": ", ".join(c["found_in"]),
            "status": "pass" if c["passed"] else (
                f"FAIL: missing from {', '.join(c['missing_in'])} "
                f"(the {c.get('witness', 'text')} witness)"),
        }
        for c in entry.get("checks", [])
    ]


def content_rows(reports: list[dict]) -> list[dict[str, object]]:  # type: ignore[type-arg]
    """One row per content finding, plus each article's reading grade."""
    rows: list[dict[str, object]] = []
    for report in reports:
        content = report.get("content") or {}
        if "reading_grade" in content:
            rows.append(
                {
                    "article": report["slug"],
                    "check": "reading_grade",
                    "where": report["article"],
                    "finding": f"grade {content['reading_grade']} "
                    f"({content['reading_grade_method']})",
                    "level": "info",
                }
            )
        rows.extend(
            {
                "article": report["slug"],
                "check": f["check"],
                "where": f["where"],
                "finding": f"{f['message']} ({f['fix']})",
                "level": "blocks" if f["blocks"] else "warning",
            }
            for f in content.get("findings", [])
        )
    return rows


def artifact_tables(out_dir: Path) -> dict[str, list[dict[str, object]]]:
    """Prefect table artifacts by key: every output × disclaimer, and the content findings."""
    reports = load_reports(out_dir)
    return {"compliance-report": table_rows(reports), "content-checks": content_rows(reports)}


def render_html(reports: list[dict]) -> str:  # type: ignore[type-arg]
    """The human report: every output × disclaimer, the content findings, then the policy."""
    verdict = "pass" if all(r["passed"] for r in reports) else "FAIL"
    policy = [{"article": r["slug"], **row} for r in reports for row in r.get("policy", [])]
    return _PAGE.format(
        verdict=verdict,
        count=len(reports),
        checks=_table(table_rows(reports)),
        content=_table(content_rows(reports)),
        policy=_table(policy),
    )


def _table(rows: list[dict[str, object]]) -> str:
    if not rows:
        return "<p>None.</p>"
    head = "".join(f"<th scope=col>{html.escape(k)}</th>" for k in rows[0])
    body = "".join(
        f"<tr class={_status_class(row)}>"
        + "".join(f"<td>{html.escape(str(v))}</td>" for v in row.values())
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _status_class(row: dict[str, object]) -> str:
    status = str(row.get("status", row.get("level", "")))
    return (
        "bad"
        if status.startswith(("FAIL", "error", "blocks"))
        else "warn"
        if status == "warning"
        else "ok"
    )


def load_reports(out_dir: Path) -> list[dict]:  # type: ignore[type-arg]
    """Every article's ``compliance.json`` under ``out_dir`` (following the slug links)."""
    return [
        json.loads(p.read_text(encoding="utf-8")) for p in sorted(out_dir.glob("*/compliance.json"))
    ]


_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Compliance report</title>
<style>
body {{ font: 16px/1.5 system-ui, sans-serif; margin: 1.5rem; color: #1b1b1b; }}
table {{ border-collapse: collapse; width: 100%; min-width: 48rem; margin-bottom: 2rem;
         font-size: 14px; }}
th, td {{ border: 1px solid #ccc; padding: .3rem .5rem; text-align: left; vertical-align: top; }}
th {{ background: #eef3f4; }}
tr.bad td {{ background: #fde8e8; }} tr.warn td {{ background: #fff6dd; }}
.scroll {{ overflow-x: auto; }}
</style></head>
<body>
<h1>Compliance report: {verdict}</h1>
<p>{count} article(s). Every required disclaimer, checked on the rendered file.</p>
<h2>Outputs × disclaimers</h2>
<div class="scroll">{checks}</div>
<h2>Content checks</h2>
<div class="scroll">{content}</div>
<h2>Policy applied</h2>
<p>Which disclaimer each channel must carry, in which form and where (source/disclaimers.yaml).</p>
<div class="scroll">{policy}</div>
</body></html>
"""
