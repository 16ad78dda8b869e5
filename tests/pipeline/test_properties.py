"""Generated articles: each one publishes with every disclaimer, or fails with one clear line."""

from __future__ import annotations

import tempfile
from pathlib import Path

import yaml
from artifacts import unsafe_markup
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from channels.base import Context
from channels.content.article import load_article
from channels.content.markdown import convert
from channels.errors import InputError, PublishError
from channels.pipeline.steps import Prepared, check_channel, render_channel
from channels.registry import names

TAGS = ["mental-health", "anxiety", "sleep"]
OPTIONAL = ["disclaimers", "slug", "url", "email", "social", "cta", "extra"]
CHEAP = ("web", "social")  # PDF and email are covered by the corpus; keep this fast
PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

words = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)
tame = st.text(st.characters(min_codepoint=32, max_codepoint=0x2FF), min_size=1, max_size=30)
fragments = st.one_of(
    words, tame.map(lambda t: f"## {t}"), tame.map(lambda t: f"- {t}\n- {t}"),
    tame.map(lambda t: f"**{t}** _{t}_"), tame.map(lambda t: f"> {t}"),
    st.sampled_from([
        "<script>alert(1)</script>", '<p onclick="x()">p</p>', "[x](javascript:alert(1))",
        '<a href="data:text/html,hi">d</a>', '<span style="display:none">h</span>',
        "{{ 7*7 }} {% if x %}y{% endif %}", '::: {.only channels="web"}\nweb only\n:::',
        '::: {.only channels="pdf"}\npdf only\n:::', "```{=latex}\n\\input{/etc/passwd}\n```",
        "![missing](nope.png)", "[home](http://127.0.0.1/)", "<iframe src=x></iframe>",
        "| a | b |\n|---|---|\n| 1 | 2 |", "1. one\n   1. two\n      1. three", "---", "<!-- c -->",
        "&lt;b&gt; &amp; &#0; &#x110000;", "\\", "`code`", "[^1]\n\n[^1]: note",
    ]),
)
bodies = st.lists(fragments, max_size=8).map("\n\n".join)
field_values = st.one_of(tame, words, st.integers(), st.booleans(), st.none(),
                         st.lists(tame, max_size=3), st.dictionaries(tame, tame, max_size=2))


@st.composite
def articles(draw) -> str:
    """Front matter that is usually valid, sometimes broken in one field, plus a body."""
    front = {"title": draw(tame), "summary": draw(tame), "date": "2026-11-20",
             "reviewed": {"by": draw(tame), "on": "2026-11-20"},
             "tags": draw(st.lists(st.sampled_from(TAGS), max_size=3))}
    if draw(st.booleans()):
        key = draw(st.sampled_from([*front, *OPTIONAL]))
        front[key] = draw(field_values)
    text = yaml.safe_dump(front, allow_unicode=True, sort_keys=False)
    return f"---\n{text}---\n\n{draw(bodies)}\n"


def _publish_cheap(path: Path, project, settings_) -> list:  # type: ignore[no-untyped-def]
    article = load_article(path, settings_.site, settings_.policy)
    required = tuple((n, settings_.policy.required(n, article.tags, article.disclaimers))
                     for n in names())
    context = Context(settings_.site, convert(article.body, article.path),
                      str(project.templates_dir), str(path.parent), required)
    prepared = Prepared(article, context)
    return [check_channel(prepared, render_channel(prepared, name)) for name in CHEAP]


def _assert_one_line(exc: PublishError, path: Path) -> None:
    message = str(exc)
    assert exc.exit_code == 2
    assert "\n" not in message and message.strip() == message
    assert message.startswith(str(path)), message


@PROPERTY
@given(source=articles())
def test_generated_articles_publish_with_all_disclaimers_or_fail_in_one_line(source, project,
                                                                             settings):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "generated.md")
        path.write_text(source, encoding="utf-8")
        try:
            results = _publish_cheap(path, project, settings)
        except InputError as exc:
            _assert_one_line(exc, path)
            event("refused at load")
            return
    event("rendered")
    for result in results:
        if hasattr(result, "message"):  # Failed: a channel refused the input
            assert result.exit_code == 2 and "\n" not in result.message
            continue
        assert result.passed, [f.describe() for f in result.checks if not f.passed]
        if result.channel == "web":
            assert unsafe_markup("index.html", result.rendered.file("index.html").decode()) == []


@PROPERTY
@given(raw=st.one_of(st.binary(max_size=300), articles().map(lambda s: s.encode("utf-8")),
                     articles().map(lambda s: s.replace("\n", "\r\n").encode("utf-8-sig"))))
def test_any_bytes_load_or_fail_in_one_line(raw, settings):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "generated.md")
        path.write_bytes(raw)
        try:
            article = load_article(path, settings.site, settings.policy)
        except InputError as exc:
            _assert_one_line(exc, path)
            return
    assert article.slug == "generated" and article.title
