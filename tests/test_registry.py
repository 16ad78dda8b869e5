"""Every registered channel renders the seed article into a valid artifact that keeps
every required disclaimer (the contract), plus each channel's own validity checks."""

from __future__ import annotations

import email.policy
import json
from email import message_from_bytes
from html.parser import HTMLParser

import pypdfium2 as pdfium
import pytest

from channels import rules
from channels.gate.match import contains
from channels.pipeline.steps import Checked, check_channel
from channels.registry import CHANNELS
from channels.social import counting

HEADINGS = [
    "What is the gut-brain axis?",
    "Key components of the gut-brain axis",
    "What this means for treatment",
    "Frequently asked questions",
    "Key takeaways",
]


@pytest.mark.parametrize("name", list(CHANNELS))
def test_contract_every_channel_keeps_every_required_disclaimer(name, seed, rendered):
    result = check_channel(seed, rendered[name])
    assert isinstance(result, Checked)
    parts = CHANNELS[name].extract_text(rendered[name])
    assert parts and all(text.strip() for text in parts.values())
    required = {d.id for d in seed.context.required_for(name)}
    assert {"not-medical-advice", "crisis-988"} <= required
    assert {f.disclaimer for f in result.checks} == required
    assert result.passed, [f.describe() for f in result.checks if not f.passed]


def test_pdf_is_letter_with_pages_and_text(rendered):
    pdf = pdfium.PdfDocument(rendered["pdf"].file("handout.pdf"))
    assert 3 <= len(pdf) <= 7
    assert [round(v) for v in pdf[0].get_size()] == [612, 792]
    text = "\n".join(pdf[i].get_textpage().get_text_bounded() for i in range(len(pdf)))
    for heading in HEADINGS:
        assert contains(text, heading), heading
    assert f"Page 1 of {len(pdf)}" in pdf[0].get_textpage().get_text_bounded()
    assert "Reviewed November 20, 2026" in text


def test_email_eml_has_both_parts_and_required_headers(rendered):
    message = message_from_bytes(
        rendered["email"].file("newsletter.eml"), policy=email.policy.default
    )
    assert message.get_content_type() == "multipart/alternative"
    parts = [p.get_content_type() for p in message.iter_parts()]
    assert parts == ["text/plain", "text/html"]
    for header in ("Subject", "From", "Date", "Message-ID", "List-Unsubscribe"):
        assert message[header], header
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "<https://" in message["List-Unsubscribe"] and "<mailto:" in message["List-Unsubscribe"]
    plain = message.get_body(("plain",)).get_content()
    assert "What is the gut-brain axis?" in plain
    assert "<p>" not in plain and "<li>" not in plain


def test_email_html_is_inlined_and_under_gmail_clip(rendered):
    html = rendered["email"].file("newsletter.html")
    assert len(html) < rules.EMAIL.max_html_bytes
    assert b'role="presentation"' in html
    assert b'<h2 style="' in html  # CSS was inlined onto the elements


def test_social_posts_fit_their_platform_and_carry_link(rendered, seed):
    data = json.loads(rendered["social"].file("social.json"))
    posts = {p["platform"]: p for p in data["posts"]}
    assert set(posts) == {r.name for r in rules.PLATFORMS}
    for rule in rules.PLATFORMS:
        post = posts[rule.name]
        warning = post.get("content_warning", "")
        assert counting.length(rule, post["text"], warning) == post["length"] <= rule.limit
        assert counting.fits(rule, post["text"], warning)
        tracked = f"{seed.article.url}?utm_source={rule.name}&utm_medium=social"
        if rule.link_facets:  # a short address shown, its facet opens the tracked URL
            assert "pacificmindhealth.com/gut-brain-axis" in post["text"]
            assert any(f["features"][0].get("uri", "").startswith(tracked) for f in post["facets"])
        elif rule.links_clickable:
            assert tracked in post["text"]
        else:
            assert "Link in bio." in post["text"]


class _Headings(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack, self.found, self.h1 = [], [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("h1", "h2", "h3"):
            self.stack.append("")
            self.h1 += tag == "h1"

    def handle_data(self, data):
        if self.stack:
            self.stack[-1] += data

    def handle_endtag(self, tag):
        if tag in ("h1", "h2", "h3") and self.stack:
            self.found.append(" ".join(self.stack.pop().split()))


def test_web_page_parses_with_headings_and_metadata(rendered, seed):
    html = rendered["web"].file("index.html").decode()
    parser = _Headings()
    parser.feed(html)
    assert parser.h1 == 1
    for heading in HEADINGS:
        assert heading in parser.found
    assert html.count('rel="canonical"') == 1
    assert f'<link rel="canonical" href="{seed.article.url}">' in html
    assert '<meta property="og:title"' in html and '<meta name="description"' in html


# A new channel is one package and one registry line: the pipeline, the policy, the
# gate and ``publish check`` take it up with no other edit.

@pytest.fixture()
def sms_source(tmp_path):
    """source/ with the policy requiring the not-medical-advice line in text messages too."""
    import shutil

    from conftest import SOURCE

    source = tmp_path / "source"
    shutil.copytree(SOURCE, source)
    policy = source / "disclaimers.yaml"
    policy.write_text(policy.read_text().replace(
        "    social: [not-medical-advice]\n",
        "    social: [not-medical-advice]\n    sms: [not-medical-advice]\n", 1))
    return source


def test_a_registered_toy_channel_is_published_and_gated(sms_source, tmp_path, monkeypatch):
    import json

    from conftest import render_args, run_cli
    from sms import SmsText

    monkeypatch.setitem(CHANNELS, "sms", SmsText())
    out = tmp_path / "output"
    result = run_cli(*render_args(out, sms_source / "gut-brain-axis.md", source_dir=sms_source))
    assert result.code == 0, result.err
    message = (out / "gut-brain-axis" / "sms.txt").read_text()
    assert "Educational only, not medical advice." in message
    report = json.loads((out / "gut-brain-axis" / "compliance.json").read_text())
    sms = report["channels"]["sms"]
    assert sms["passed"] and sms["files"] == ["sms.txt"]
    assert {c["disclaimer"] for c in sms["checks"]} == {"not-medical-advice", "crisis-988"}
    manifest = json.loads((out / "gut-brain-axis" / "manifest.json").read_text())
    assert "sms.txt" in manifest["files"]
    checked = run_cli("check", out / "gut-brain-axis", "--source-dir", sms_source)
    assert checked.code == 0, checked.out
    assert "pass  gut-brain-axis  sms  crisis-988 v1 (short): found in message" in checked.out


def test_a_toy_channel_that_drops_a_disclaimer_is_refused(sms_source, tmp_path, monkeypatch):
    from conftest import render_args, run_cli, snapshot
    from sms import SmsWithoutCrisisLine

    monkeypatch.setitem(CHANNELS, "sms", SmsWithoutCrisisLine())
    out = tmp_path / "output"
    result = run_cli(*render_args(out, sms_source / "gut-brain-axis.md", source_dir=sms_source))
    assert result.code == 1
    assert ("sms: the short 'crisis-988' disclaimer (v1) is missing from message"
            in result.err)
    assert snapshot(out) == {}
