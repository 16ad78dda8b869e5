"""The mutation suite: sabotaged copies of the seed's outputs are all refused; harmless ones pass.

Every variant starts from the good outputs (the session ``rendered`` fixture) and changes
the final artifact the way a careless or hostile edit would: the gate must refuse every
sabotaged one and accept every harmless one.  PDF variants re-render with a changed
stylesheet in a temporary copy of ``templates/``.
"""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
from email import message_from_bytes
from email.policy import default as mail_policy
from pathlib import Path

import pytest
from conftest import TEMPLATES

from channels.base import Rendered
from channels.newsletter.channel import build_message
from channels.pdf.channel import page_texts
from channels.pipeline.steps import Checked, check_channel, render_channel

CRISIS_BLOCK = re.compile(r'<div class="crisis"[^>]*>.*?</div>', re.DOTALL)


def crisis_text(seed) -> str:
    return next(d.text for _, ds in seed.context.required for d in ds if d.id == "crisis-988")


def swap(rendered: Rendered, name: str, change) -> Rendered:
    """``rendered`` with file ``name`` replaced by ``change(text)``; the change must apply."""
    before = rendered.file(name).decode("utf-8")
    after = change(before)
    assert after != before, f"the mutation did not change {name}"
    files = tuple((n, after.encode("utf-8") if n == name else d) for n, d in rendered.files)
    return dataclasses.replace(rendered, files=files)


def on_block(change):
    """Apply ``change`` to the crisis-line block of an HTML document."""
    return lambda html: CRISIS_BLOCK.sub(lambda m: change(m.group(0)), html, count=1)


def styled(css: str, wrapper_class: str = "sneaky"):
    """Wrap the crisis block in a class that a ``<style>`` rule in ``<head>`` styles."""

    def change(html: str) -> str:
        html = html.replace("</head>", f"<style>.{wrapper_class} {{ {css} }}</style></head>", 1)
        return on_block(lambda b: f'<div class="{wrapper_class}">{b}</div>')(html)

    return change


def email_variant(seed, rendered: Rendered, html_change=None, text_change=None) -> Rendered:
    """The newsletter with its HTML and/or text changed, and the .eml rebuilt from both."""
    html = rendered.file("newsletter.html").decode("utf-8")
    text = rendered.file("newsletter.txt").decode("utf-8")
    new_html, new_text = (html_change or str)(html), (text_change or str)(text)
    assert (new_html, new_text) != (html, text), "the mutation changed nothing"
    eml = build_message(seed.article, seed.context.site, new_html, new_text).as_bytes()
    return Rendered(
        "email",
        (
            ("newsletter.html", new_html.encode()),
            ("newsletter.txt", new_text.encode()),
            ("newsletter.eml", eml),
        ),
    )


def reencoded(cte: str):
    """The newsletter's .eml with both text parts re-encoded (``base64``, ``quoted-printable``)."""

    def change(seed, r, tmp) -> Rendered:
        message = message_from_bytes(r["email"].file("newsletter.eml"),
                                     policy=mail_policy)
        parts = [p for p in message.walk() if p.get_content_maintype() == "text"]
        for part in parts:
            part.set_content(part.get_content(), subtype=part.get_content_subtype(), cte=cte)
        assert all(p["Content-Transfer-Encoding"] == cte for p in parts)
        files = tuple((n, message.as_bytes() if n == "newsletter.eml" else d)
                      for n, d in r["email"].files)
        return dataclasses.replace(r["email"], files=files)

    return change


def drop_text_disclaimer(text: str) -> str:
    """Remove the full crisis paragraph from the text part (it is wrapped at 72 columns)."""
    return re.sub(r"If you are in crisis: .*?call 911\.\n", "", text, flags=re.DOTALL)


def social_variant(rendered: Rendered, change) -> Rendered:
    data = json.loads(rendered.file("social.json"))
    for post in data["posts"]:
        post["text"] = change(post["platform"], post["text"])
    return Rendered("social", (("social.json", json.dumps(data).encode()),))


def pdf_variant(seed, tmp_path: Path, css: str = "", html_edits=()) -> Rendered:
    """The handout rendered from a copy of ``templates/`` with extra CSS and template edits."""
    copy = tmp_path / "templates"
    shutil.copytree(TEMPLATES, copy)
    with (copy / "pdf/handout.css").open("a") as sheet:
        sheet.write("\n" + css + "\n")
    for name, old, new in html_edits:
        path = copy / name
        assert old in path.read_text(), (name, old)
        path.write_text(path.read_text().replace(old, new))
    context = dataclasses.replace(seed.context, templates_dir=str(copy))
    result = render_channel(dataclasses.replace(seed, context=context), "pdf")
    assert isinstance(result, Rendered), result
    return result


def web(change):
    return lambda seed, r, tmp: swap(r["web"], "index.html", change)


def email(html_change=None, text_change=None):
    return lambda seed, r, tmp: email_variant(seed, r["email"], html_change, text_change)


def social(change):
    return lambda seed, r, tmp: social_variant(r["social"], change)


def pdf(css="", html_edits=()):
    return lambda seed, r, tmp: pdf_variant(seed, tmp, css, html_edits)


LAST_WORD = (" call 911.", " call.")
REWORD = ("Call or text 988", "Phone 988")
SHORT = "In crisis? Call or text 988 or chat 988lifeline.org."
WRAP = '{% include "shared/_disclaimers.html" %}'

SABOTAGED = {
    "web-removed": web(on_block(lambda b: "")),
    "web-truncated-one-word": web(lambda h: h.replace(*LAST_WORD)),
    "web-reworded": web(lambda h: h.replace(*REWORD)),
    "web-display-none": web(on_block(lambda b: f'<div style="display:none">{b}</div>')),
    "web-visibility-hidden": web(on_block(lambda b: f'<div style="visibility: hidden">{b}</div>')),
    "web-hidden-attribute": web(on_block(lambda b: f"<div hidden>{b}</div>")),
    "web-aria-hidden": web(on_block(lambda b: f'<div aria-hidden="true">{b}</div>')),
    "web-font-size-zero": web(on_block(lambda b: f'<div style="font-size:0">{b}</div>')),
    "web-tiny-font": web(on_block(lambda b: f'<div style="font-size:3px">{b}</div>')),
    "web-white-on-white": web(on_block(lambda b: f'<div style="color:#fff">{b}</div>')),
    "web-near-white-on-white": web(
        on_block(lambda b: f'<div style="color:rgb(250,250,250)">{b}</div>')
    ),
    "web-class-display-none": web(styled("display: none")),
    "web-class-white-text": web(styled("color: #ffffff; background: #ffffff")),
    "web-class-tiny-font": web(styled("font-size: 1px")),
    "web-hidden-on-phones": web(
        styled("} @media screen and (max-width: 600px) { .sneaky { display: none !important }")
    ),
    "email-hidden-on-phones": email(
        styled("} @media only screen and (max-width: 620px) { .sneaky { font-size: 0 !important }")
    ),
    "web-comment": web(on_block(lambda b: f"<!-- {b} -->")),
    "web-script": web(on_block(lambda b: f'<script type="text/plain">{b}</script>')),
    "web-template": web(on_block(lambda b: f"<template>{b}</template>")),
    "web-noscript": web(on_block(lambda b: f"<noscript>{b}</noscript>")),
    "web-outside-main": web(
        lambda h: on_block(lambda b: "")(h).replace(
            "</main>", "</main>" + CRISIS_BLOCK.search(h).group(0)
        )
    ),
    "email-removed-both-parts": email(on_block(lambda b: ""), drop_text_disclaimer),
    "email-only-in-html": email(text_change=drop_text_disclaimer),
    "email-only-in-text": email(on_block(lambda b: "")),
    "email-truncated-one-word": email(
        lambda h: h.replace(*LAST_WORD), lambda t: t.replace(*LAST_WORD)
    ),
    "email-display-none-inline": email(on_block(lambda b: f'<div style="display:none">{b}</div>')),
    "email-class-display-none": email(styled("display:none")),
    "email-white-on-white": email(
        on_block(lambda b: f'<div style="color:#ffffff;background-color:#ffffff">{b}</div>')
    ),
    "email-after-gmail-clip": email(on_block(lambda b: "<p>" + "Padding. " * 12_000 + f"</p>{b}")),
    "social-missing-from-x": social(lambda p, t: t.replace(SHORT, "") if p == "x" else t),
    "social-missing-from-every-post": social(lambda p, t: t.replace(SHORT, "")),
    "social-truncated-one-word": social(
        lambda p, t: (
            t.replace(SHORT, SHORT.replace(" 988lifeline.org", "")) if p == "bluesky" else t
        )
    ),
    "social-reworded": social(
        lambda p, t: t.replace(SHORT, "Crisis? Text 988.") if p == "mastodon" else t
    ),
    "social-after-see-more-instagram": social(
        lambda p, t: t.replace(SHORT + "\n\n", "") + "\n\n" + SHORT if p == "instagram" else t
    ),
    "social-after-see-more-linkedin": social(
        lambda p, t: t.replace(SHORT + "\n\n", "") + "\n\n" + SHORT if p == "linkedin" else t
    ),
    "pdf-removed": pdf(html_edits=[("pdf/handout.html", WRAP, "")]),
    "pdf-truncated-one-word": pdf(
        html_edits=[
            (
                "shared/_disclaimers.html",
                "<p>{{ d.text }}</p>",
                "<p>{{ d.text.rsplit(' ', 1)[0] }}</p>",
            )
        ]
    ),
    "pdf-footer-dropped": pdf(
        html_edits=[("pdf/handout.html", "{% for d in short_disclaimers %}", "{% for d in [] %}")]
    ),
    "pdf-display-none": pdf(".crisis { display: none }"),
    "pdf-tiny-text": pdf(".crisis p { font-size: 5pt }"),
    "pdf-white-text": pdf(".crisis, .crisis p { color: #ffffff; background: #ffffff }"),
}


def verdict(seed, rendered: Rendered) -> Checked:
    result = check_channel(seed, rendered)
    assert isinstance(result, Checked), result
    return result


@pytest.mark.parametrize("mutate", SABOTAGED.values(), ids=SABOTAGED.keys())
def test_every_sabotaged_variant_is_refused(seed, rendered, tmp_path, mutate):
    result = verdict(seed, mutate(seed, rendered, tmp_path))
    failed = [f for f in result.checks if not f.passed]
    assert failed, "the gate passed a sabotaged output"
    assert {f.disclaimer for f in failed} <= {"crisis-988", "not-medical-advice"}


def test_the_suite_is_big_enough():
    assert len(SABOTAGED) >= 25 and len(HARMLESS) >= 10


def rewrap(text: str) -> str:
    return text.replace(" or chat ", "\n      or\tchat ").replace(" free and ", "  free\n and ")


def curly(seed, rendered, tmp, channel: str):
    """Render with a disclaimer written with straight quotes, then curl them in the output."""
    required = tuple(
        (
            ch,
            tuple(
                dataclasses.replace(d, text=d.text.replace("you know", "you've met")) for d in ds
            ),
        )
        for ch, ds in seed.context.required
    )
    prepared = dataclasses.replace(
        seed, context=dataclasses.replace(seed.context, required=required)
    )
    good = render_channel(prepared, channel)
    name = good.names[0]
    return prepared, swap(
        good,
        name,
        lambda t: t.replace("you&#39;ve", "you\u2019ve").replace("you've", "you\u2019ve"),
    )


HARMLESS = {
    "web-rewrapped": web(on_block(rewrap)),
    "web-nbsp-and-soft-hyphen": web(
        on_block(
            lambda b: b.replace("text 988", "text&nbsp;988").replace(
                "confidential", "confi&shy;dential"
            )
        )
    ),
    "web-inline-markup-inside": web(
        on_block(
            lambda b: b.replace(
                "Call or text 988", '<strong>Call or text <a href="tel:988">988</a></strong>'
            )
        )
    ),
    "web-styled-visible-colour": web(styled("color: #1f4e5f; font-size: 18px")),
    "web-ligature-and-dashes": web(
        on_block(
            lambda b: (
                b.replace("confidential", "conﬁdential")
                .replace("24/7.", "24/7.")
                .replace("988 Suicide", "988\u00a0Suicide")
            )
        )
    ),
    "email-text-rewrapped": email(text_change=lambda t: t.replace("24/7. If", "24/7.\n  If")),
    "email-html-rewrapped": email(on_block(rewrap)),
    "social-line-break-in-disclaimer": social(
        lambda p, t: t.replace("In crisis? Call", "In crisis?\nCall")
    ),
    "pdf-soft-hyphens-at-line-breaks": pdf(
        ".crisis p { width: 1.7in }",
        [
            (
                "shared/_disclaimers.html",
                "<p>{{ d.text }}</p>",
                "<p>{{ d.text.replace('confidential', 'confi&shy;dential')"
                ".replace('available', 'avail&shy;able')"
                ".replace('immediate', 'im&shy;me&shy;di&shy;ate')"
                " | safe }}</p>",
            )
        ],
    ),
    "pdf-narrow-rewrapped": pdf(".crisis { width: 2.6in }"),
    "pdf-a4-paper": pdf("@page { size: A4 }"),
    "email-eml-base64": reencoded("base64"),
    "email-eml-quoted-printable": reencoded("quoted-printable"),
    "pdf-hyphenated-at-line-break": pdf(".crisis p { hyphens: auto; width: 1.9in }"),
    "pdf-split-across-page-break": pdf(
        ".disclaimers, .crisis { break-inside: auto }",
        [
            (
                "shared/_disclaimers.html",
                "<p>{{ d.text }}</p>",
                "<p>{{ d.text.split(' Call or')[0] }}"
                '<span style="display:block; break-before: page">'
                "Call or{{ d.text.split(' Call or')[1] }}</span></p>",
            )
        ],
    ),
}


@pytest.mark.parametrize("mutate", HARMLESS.values(), ids=HARMLESS.keys())
def test_every_harmless_variant_passes(seed, rendered, tmp_path, mutate):
    variant = mutate(seed, rendered, tmp_path)
    result = verdict(seed, variant)
    assert [f.describe() for f in result.checks if not f.passed] == []


@pytest.mark.parametrize("channel", ["web", "email"])
def test_curly_apostrophe_in_output_matches_straight_one_in_policy(
    seed, rendered, tmp_path, channel
):
    prepared, variant = curly(seed, rendered, tmp_path, channel)
    assert "\u2019" in variant.file(variant.names[0]).decode()
    assert verdict(prepared, variant).passed


@pytest.mark.parametrize(
    "variant", ["pdf-hyphenated-at-line-break", "pdf-soft-hyphens-at-line-breaks"]
)
def test_hyphenated_variants_really_hyphenate(seed, tmp_path, variant):
    pages = page_texts(HARMLESS[variant](seed, None, tmp_path).file("handout.pdf"))
    assert "\u2010\r\n" in "".join(pages)


@pytest.mark.parametrize("marker", ["\u00ad", "\u0002", "\u2010"])
def test_extractor_hyphen_markers_at_a_line_break_join_the_word(seed, marker):
    from channels.gate.match import contains

    text = crisis_text(seed)
    assert contains(text.replace("confidential", f"confi{marker}\r\ndential"), text)
    assert not contains(text.replace("confidential", f"confi{marker} dential"), text)


def test_page_break_variant_really_splits_the_disclaimer(seed, tmp_path):
    pages = page_texts(
        HARMLESS["pdf-split-across-page-break"](seed, None, tmp_path).file("handout.pdf")
    )
    text = crisis_text(seed)
    assert not any(
        text.split(" Call or")[0] in " ".join(p.split()) and "call 911." in p for p in pages
    )
    assert "call 911" in pages[-1] and "help is available." in " ".join(pages[-2].split())


CHROMIUM = [
    "/usr/bin/chromium",
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--dump-dom",
]
# What a browser shows: innerText honours display, visibility, hidden, <template> and CSS
# classes (not colour or size, which the gate checks on its own).
SEEN = (
    '<script>const s = document.createElement("pre"); s.id = "seen";'
    's.textContent = document.querySelector("main").innerText;'
    "document.body.append(s);</script></body>"
)
IN_BROWSER = {
    "web-class-display-none": False,
    "web-hidden-attribute": False,
    "web-visibility-hidden": False,
    "web-nbsp-and-soft-hyphen": True,
}


def test_web_variants_agree_with_what_chromium_shows(seed, rendered, tmp_path):
    """The gate and a real browser agree on which web variants show the crisis line."""
    import html as htmllib
    import subprocess

    from channels.gate.match import contains

    runs = {}
    for name in IN_BROWSER:
        mutate = SABOTAGED.get(name) or HARMLESS[name]
        page = tmp_path / f"{name}.html"
        page.write_bytes(
            mutate(seed, rendered, tmp_path)
            .file("index.html")
            .replace(b"</body>", SEEN.encode(), 1)
        )
        runs[name] = subprocess.Popen(
            [*CHROMIUM, page.as_uri()], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
    shown = {}
    for name, run in runs.items():
        dom = run.communicate(timeout=60)[0].decode()
        text = htmllib.unescape(re.search(r'<pre id="seen">(.*?)</pre>', dom, re.DOTALL).group(1))
        shown[name] = contains(text, crisis_text(seed))
    assert shown == IN_BROWSER


def test_linked_stylesheet_rules_hide_text_too(rendered):
    from channels.gate.html_text import visible_text

    page = rendered["web"].file("index.html").decode()
    assert "call 911" in visible_text(page, "main")
    assert "call 911" not in visible_text(page, "main", css=".crisis { display: none }")
