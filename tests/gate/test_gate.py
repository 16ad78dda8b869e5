"""The disclaimer gate: truthful matching, and refusal when a disclaimer is missing or hidden."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from conftest import SEED, TEMPLATES, render_args, run_cli, snapshot

from channels import registry
from channels.base import Rendered
from channels.gate.html_text import visible_text
from channels.gate.match import contains
from channels.pipeline.steps import Checked, check_channel, render_channel
from channels.social.channel import SocialPosts

FULL = (
    "If you or someone you know is struggling or in crisis, help is available. Call or text 988 "
    "or chat 988lifeline.org to reach the 988 Suicide & Crisis Lifeline, free and confidential, "
    "24/7. If you are in immediate danger, call 911."
)

HARMLESS = {
    "rewrapped": FULL.replace("Call or text", "Call or\n   text").replace("24/7.", "24/7.\n"),
    "curly-quotes-and-ligature": FULL.replace("If you", "Ifﬁ you").replace("ﬁ", ""),
    "nbsp-and-soft-hyphen": FULL.replace(" 988 ", "\u00a0988\u00a0").replace(
        "confidential", "confi\u00addential"
    ),
    "auto-hyphenated": FULL.replace("confidential", "confi\u2010\ndential"),
    "hyphen-at-line-break": FULL.replace("988lifeline.org", "988life-\nline.org").replace(
        "988life-\nline", "988life-\nline"
    ),
    "case": FULL.upper(),
}
SABOTAGED = {
    "truncated-by-one-word": FULL.rsplit(" ", 1)[0],
    "reworded": FULL.replace("Call or text 988", "Phone 988"),
    "partial": FULL[: len(FULL) // 2],
    "word-glued-on": FULL[:-1] + "s.",
    "number-changed": FULL.replace("988", "898", 1),
}


@pytest.mark.parametrize("text", HARMLESS.values(), ids=HARMLESS.keys())
def test_harmless_variants_match(text):
    expected = FULL if "life-" not in text else FULL.replace("988lifeline", "988life-line")
    assert contains(f"Before. {text} After.", expected)


@pytest.mark.parametrize("text", SABOTAGED.values(), ids=SABOTAGED.keys())
def test_sabotaged_variants_never_match(text):
    assert not contains(f"Before. {text} After.", FULL)


def sabotaged_templates(tmp_path: Path, edits: list[tuple[str, str, str]]) -> Path:
    copy = tmp_path / "templates"
    shutil.copytree(TEMPLATES, copy)
    for name, old, new in edits:
        path = copy / name
        text = path.read_text()
        assert old in text, (name, old)
        path.write_text(text.replace(old, new))
    return copy


INCLUDE = '{% include "shared/_disclaimers.html" %}'
PER_CHANNEL = {
    "pdf": [("pdf/handout.html", INCLUDE, "")],
    "email": [("email/newsletter.txt", '{% include "shared/_disclaimers.txt" %}', "")],
    "web": [("web/page.html", INCLUDE, "")],
    "web-hidden": [("web/page.html", INCLUDE, f"<div hidden>{INCLUDE}</div>")],
    "web-comment": [
        ("shared/_disclaimers.html", '<div class="crisis"', '<!-- <div class="crisis"'),
        ("shared/_disclaimers.html", "</div>\n{% endfor %}", "</div> -->\n{% endfor %}"),
    ],
    "web-stylesheet-rule": [
        (
            "web/page.css",
            "/* The article page",
            ".disclaimers { display: none; }\n/* The article page",
        )
    ],
    "email-display-none": [
        ("email/newsletter.html", INCLUDE, f'<div style="display:none">{INCLUDE}</div>')
    ],
    "email-white-on-white": [
        (
            "email/newsletter.html",
            INCLUDE,
            f'<div style="color:#ffffff; background-color:#ffffff">{INCLUDE}</div>',
        )
    ],
}


@pytest.mark.parametrize("case", PER_CHANNEL, ids=PER_CHANNEL.keys())
def test_gate_refuses_a_template_that_drops_or_hides_the_disclaimer(tmp_path, seed, case):
    channel = case.split("-")[0]
    templates = sabotaged_templates(tmp_path, PER_CHANNEL[case])
    context = dataclasses.replace(seed.context, templates_dir=str(templates))
    prepared = dataclasses.replace(seed, context=context)
    result = check_channel(prepared, render_channel(prepared, channel))
    assert isinstance(result, Checked)
    assert not result.passed
    failed = {f.disclaimer for f in result.checks if not f.passed}
    assert "crisis-988" in failed
    assert all(f.describe().startswith(f"{channel}: ") for f in result.checks if not f.passed)


class DropsCrisisLine(SocialPosts):
    """A test double: a social channel whose posts lose the 988 line."""

    def render(self, article, context):
        real = super().render(article, context)
        data = json.loads(real.file("social.json"))
        for post in data["posts"]:
            post["text"] = post["text"].replace(
                "In crisis? Call or text 988 or chat 988lifeline.org.", ""
            )
        return Rendered(self.name, (("social.json", json.dumps(data).encode()),))


def test_gate_refuses_a_social_post_without_the_disclaimer(seed):
    result = check_channel(seed, DropsCrisisLine().render(seed.article, seed.context))
    assert isinstance(result, Checked)
    missing = {part for f in result.checks for part in f.missing_in}
    assert "x" in missing and "instagram" in missing


def test_flow_exits_1_names_channel_and_disclaimer_and_keeps_output(
    tmp_path, published, monkeypatch
):
    out = tmp_path / "output"
    shutil.copytree(published, out, symlinks=True)
    before = snapshot(out)
    templates = sabotaged_templates(
        tmp_path, PER_CHANNEL["pdf"] + PER_CHANNEL["web"] + PER_CHANNEL["email"]
    )
    monkeypatch.setitem(registry.CHANNELS, "social", DropsCrisisLine())

    result = run_cli(*render_args(out, SEED, templates=templates))

    assert result.code == 1
    line = result.err.strip()
    assert "\n" not in line and "Traceback" not in line
    report_dir = Path(line.rsplit("see ", 1)[1].removesuffix("/compliance.json"))
    pages = len(pdfium.PdfDocument(report_dir / "handout.pdf"))  # the parts: whole, each page
    assert line.startswith(
        f"publish: error: {SEED}: refused, nothing published: pdf: the full "
        "'not-medical-advice' disclaimer (v1) is missing from every part of the output "
        f"(document and {pages} more)"
    )
    assert snapshot(out) == before
    report = json.loads((report_dir / "compliance.json").read_text())
    assert report["passed"] is False
    assert {name for name, c in report["channels"].items() if not c["passed"]} == {
        "pdf",
        "email",
        "web",
        "social",
    }


CRISIS = "Call or text 988"
HIDDEN = [
    "<details><summary>More</summary>{t}</details>",
    "<dialog>{t}</dialog>",
    '<p style="position:absolute;left:-9999px">{t}</p>',
    '<p style="clip:rect(0 0 0 0);position:absolute">{t}</p>',
    '<p style="clip-path:inset(50%)">{t}</p>',
    '<p style="text-indent:-9999px">{t}</p>',
    '<p style="transform:scale(0)">{t}</p>',
    '<p style="overflow:clip;max-height:0">{t}</p>',
]
SHOWN = [
    '<details open><summary>More</summary>{t}</details>',
    '<p style="position:relative;left:-2px">{t}</p>',
    '<p style="transform:scale(1.1)">{t}</p>',
]


@pytest.mark.parametrize("html", HIDDEN)
def test_more_ways_to_hide_text_are_not_visible(html):
    assert CRISIS not in visible_text(html.format(t=CRISIS))


@pytest.mark.parametrize("html", SHOWN)
def test_ordinary_styles_stay_visible(html):
    assert CRISIS in visible_text(html.format(t=CRISIS))
