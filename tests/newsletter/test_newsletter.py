"""The newsletter as an email developer and a reader see it: structure, Chromium, Gmail's clip."""

from __future__ import annotations

import email.policy
import re
import subprocess
from email import message_from_bytes
from html import escape
from html.parser import HTMLParser

import pytest

from channels import rules
from channels.base import Rendered
from channels.newsletter.channel import EML, HTML, TEXT
from channels.pipeline.steps import Checked, check_channel

CHROMIUM = ["chromium", "--headless", "--no-sandbox", "--disable-gpu",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--no-first-run", "--hide-scrollbars"]


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Tags()
    parser.feed(html)
    return parser.tags


@pytest.fixture(scope="module")
def html(rendered) -> str:
    return rendered["email"].file(HTML).decode("utf-8")


def test_built_like_an_email_developer_builds_it(html):
    found = tags(html)
    # No VML namespaces: they fail the W3C checker (tests/test_validator.py).
    assert found[0] == ("html", {"lang": "en-US", "dir": "ltr"})
    tables = [attrs for tag, attrs in found if tag == "table"]
    assert tables and all(a.get("role") == "presentation" for a in tables)
    assert all(a.get("alt") is not None for tag, a in found if tag == "img")
    assert not [a for tag, a in found if tag in ("link", "script", "iframe", "form")]
    # Outlook ignores max-width: the conditional ghost table holds it at 600 px.
    assert f'<!--[if mso]><table role="presentation" width="{rules.EMAIL.container_px}"' in html
    paragraphs = [a for tag, a in found if tag == "p"]
    assert all("font-size" in (a.get("style") or "") or "margin" in (a.get("style") or "")
               for a in paragraphs), "CSS must be inlined on every paragraph"
    assert "@media only screen and (max-width: 620px)" in html  # kept for phones


def test_preheader_is_first_hidden_and_the_right_length(html, seed):
    body = html.split("<body", 1)[1]
    match = re.search(r'<div class="preheader" style="([^"]*)">([^&<\u034f\u200c\xa0]*)', body)
    assert match and body.index(match.group(0)) < body.index("<table")
    assert "display:none" in match.group(1).replace(" ", "")
    preheader = match.group(2)
    assert preheader == seed.article.email_preheader
    assert rules.EMAIL.preheader_min <= len(preheader) <= rules.EMAIL.preheader_max


def test_text_part_reads_on_its_own(rendered, seed):
    text = rendered["email"].file(TEXT).decode("utf-8")
    assert not re.search(r"<[a-z/][^>]*>", text)
    long = [line for line in text.splitlines() if len(line) > 78 and "https://" not in line]
    assert long == []
    assert seed.article.title in text and "Key takeaways" in text
    assert text.endswith("Unsubscribe with one click:\nhttps://www.pacificmindhealth.com/unsubscribe\n")
    assert seed.context.site.postal_address in text
    assert "Call or text 988 or chat 988lifeline.org" in text


@pytest.mark.parametrize("width", [375, 800])
def test_chromium_shows_it_without_sideways_scrolling(tmp_path, html, width):
    # Headless Chromium's window is at least 500 px wide, so the newsletter goes in a
    # same-origin iframe of the exact width; a probe reports what it measured.
    probe = ("<script>const f = document.querySelector('iframe'); f.onload = () => {"
             " const d = f.contentDocument; const c = d.querySelector('.container');"
             " document.title = d.documentElement.scrollWidth + 'x' +"
             " Math.round(c.getBoundingClientRect().width) + 'x' +"
             " getComputedStyle(d.querySelector('h1')).fontSize; };</script>")
    host = tmp_path / "host.html"
    host.write_text(f'<!DOCTYPE html><title>-</title><iframe style="width:{width}px;height:1400px;'
                    f'border:0" srcdoc="{escape(html, quote=True)}"></iframe>{probe}')
    done = subprocess.run([*CHROMIUM, "--window-size=900,1400", "--dump-dom", host.as_uri()],
                          capture_output=True, text=True, timeout=120)
    title = re.search(r"<title>(\d+)x(\d+)x(\d+)px</title>", done.stdout)
    assert title, done.stderr[-500:]
    page_width, container, h1 = (int(v) for v in title.groups())
    assert page_width == width  # nothing sticks out sideways
    assert container == min(width, rules.EMAIL.container_px)
    assert h1 == (24 if width < 620 else 28)  # the phone @media rules applied


def test_both_parts_of_the_eml_and_the_html_file_carry_the_footer(rendered):
    message = message_from_bytes(rendered["email"].file(EML), policy=email.policy.default)
    for part in message.iter_parts():
        content = part.get_content()
        assert "Unsubscribe" in content and "PLACEHOLDER: clinic postal address" in content


def clip_after_padding(rendered: Rendered) -> Rendered:
    """The newsletter with 103 KB of visible filler before the disclaimers."""
    filler = "<p>" + "Filler sentence for the clip test. " * 3000 + "</p>\n"
    marker = '<section class="disclaimers"'

    def pad(html: str) -> str:
        assert marker in html
        return html.replace(marker, filler + marker, 1)

    message = message_from_bytes(rendered.file(EML), policy=email.policy.default)
    message.get_body(("html",)).set_content(pad(message.get_body(("html",)).get_content()),
                                            subtype="html")
    files = dict(rendered.files)
    files[HTML] = pad(files[HTML].decode("utf-8")).encode("utf-8")
    files[EML] = message.as_bytes(policy=email.policy.SMTP)
    return Rendered("email", tuple(files.items()))


def test_gate_refuses_disclaimers_that_gmail_would_clip_away(seed, rendered):
    clipped = clip_after_padding(rendered["email"])
    assert len(clipped.file(HTML)) > rules.EMAIL.clip_bytes
    result = check_channel(seed, clipped)
    assert isinstance(result, Checked) and not result.passed
    crisis = next(f for f in result.checks if f.disclaimer == "crisis-988")
    assert set(crisis.missing_in) == {"eml text/html", HTML}
    assert check_channel(seed, rendered["email"]).passed
