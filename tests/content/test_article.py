"""Loading the canonical article: the front matter contract and its one-line errors."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import SEED, render_args, run_cli, snapshot

from channels.content.article import load_article
from channels.errors import InputError

GOOD = SEED.read_text(encoding="utf-8")


def _swap(old: str, new: str) -> bytes:
    assert old in GOOD, old
    return GOOD.replace(old, new, 1).encode("utf-8")


def _front_line(prefix: str) -> int:
    return next(i for i, line in enumerate(GOOD.splitlines(), 1) if line.startswith(prefix))


BAD = [
    (
        "missing-title",
        _swap(
            'title: "The gut-brain axis: how your gut and your mental health are connected"\n', ""
        ),
        "front matter field 'title' is required (add 'title: ...' to the front matter)",
    ),
    (
        "unknown-disclaimer",
        _swap("disclaimers: [not-medical-advice,", "disclaimers: [not-medical-advise,"),
        f":{_front_line('disclaimers:')}: unknown disclaimer id 'not-medical-advise' "
        "(did you mean 'not-medical-advice'?)",
    ),
    (
        "invalid-yaml",
        _swap(
            "tags: [mental-health, depression, anxiety, gut-health]",
            "tags: [mental-health, depression",
        ),
        "invalid YAML",
    ),
    (
        "bad-slug",
        _swap("date: 2026-11-20\n", "date: 2026-11-20\nslug: Gut_Brain\n"),
        "bad slug 'Gut_Brain': only lowercase letters, digits and single hyphens",
    ),
    (
        "bad-date",
        _swap("date: 2026-11-20", "date: 2026-13-45"),
        f":{_front_line('date:')}: field 'date' is not a valid date: '2026-13-45' "
        "(write it as YYYY-MM-DD)",
    ),
    (
        "unknown-field",
        _swap("tags:", "tagz:"),
        f":{_front_line('tags:')}: unknown front matter field 'tagz' (did you mean 'tags'?)",
    ),
    ("duplicate-key", _swap("tags:", "title: again\ntags:"), "duplicate key 'title'"),
    ("no-front-matter", b"# Just a heading\n\nText.\n", ":1: missing front matter"),
    (
        "unclosed-front-matter",
        b"---\ntitle: x\nsummary: y\n\nBody text\n",
        ":1: front matter is not closed",
    ),
    ("empty", b"", "file is empty"),
    ("binary", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "file looks binary"),
    (
        "latin-1",
        _swap("Spravato®", "Spravato\xae").decode("utf-8").encode("cp1252"),
        "not valid UTF-8 (byte 0xae); it looks like Windows-1252 (Latin-1) "
        "(re-save the file as UTF-8)",
    ),
    (
        "summary-too-long",
        _swap("summary: >-\n", "summary: >-\n  " + "word " * 70 + "\n"),
        "field 'summary' is",
    ),
    (
        "alias",
        _swap(
            "tags: [mental-health, depression, anxiety, gut-health]",
            "tags: &t [mental-health]\nextra: *t",
        ),
        "YAML aliases (*name) are not allowed",
    ),
    (
        "object-tag",
        _swap(
            "tags: [mental-health, depression, anxiety, gut-health]",
            "tags: !!python/object/apply:os.system ['true']",
        ),
        "invalid YAML",
    ),
    (
        "unknown-only-channel",
        GOOD.replace(
            "## In summary", '::: {.only channels="pdf,webpage"}\nx\n:::\n\n## In summary', 1
        ).encode(),
        "unknown channel 'webpage' in '.only' block (did you mean 'web'?)",
    ),
]


@pytest.mark.parametrize(("name", "content", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_exits_2_with_one_line_and_leaves_output_alone(tmp_path, name, content, message):
    out = tmp_path / "output"
    out.mkdir()
    (out / "keep.txt").write_text("published before")
    before = snapshot(out)
    article = tmp_path / f"{name}.md"
    article.write_bytes(content)

    result = run_cli(*render_args(out, article))

    assert result.code == 2
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith(f"publish: error: {article}")
    assert message in lines[0]
    assert "Traceback" not in result.err
    assert snapshot(out) == before


def test_bom_and_crlf_are_normal_input(tmp_path, settings):
    article = tmp_path / "gut-brain-axis.md"
    article.write_bytes(b"\xef\xbb\xbf" + GOOD.replace("\n", "\r\n").encode("utf-8"))
    loaded = load_article(article, settings.site, settings.policy)
    assert loaded.title == "The gut-brain axis: how your gut and your mental health are connected"
    assert "\r" not in loaded.body


def test_decomposed_text_is_read_as_nfc(tmp_path, settings):
    article = tmp_path / "gut-brain-axis.md"
    decomposed = GOOD.replace("connected", "conne\u0301cted Tie\u0302\u0301ng Vie\u0323\u0302t")
    article.write_text(decomposed, encoding="utf-8")
    loaded = load_article(article, settings.site, settings.policy)
    assert "conn\u00e9cted" in loaded.title and "Ti\u1ebfng Vi\u1ec7t" in loaded.title
    assert "\u0301" not in loaded.title + loaded.body


def test_seed_front_matter_is_read_into_the_contract(settings):
    article = load_article(SEED, settings.site, settings.policy)
    assert article.slug == "gut-brain-axis"
    assert article.date == dt.date(2026, 11, 20)
    assert article.reviewed_on == dt.date(2026, 11, 20)  # `on` is a key, not YAML 1.1's True
    assert article.url == "https://www.pacificmindhealth.com/gut-brain-axis/"
    assert article.disclaimers == ("not-medical-advice", "crisis-988", "individualized-treatment")
    assert article.cta is not None and article.cta.text == "Schedule a free consultation"
    assert not article.body.lstrip().startswith("---")


def test_usage_error_is_one_line_exit_2():
    result = run_cli("render", "--only", "pdff")
    assert result.code == 2
    assert (
        result.err.strip() == "publish: error: --only: unknown channel 'pdff' (did you mean 'pdf'?)"
    )


def test_error_lists_known_ids_when_nothing_is_close(settings, tmp_path):
    article = tmp_path / "a.md"
    article.write_bytes(_swap("disclaimers: [not-medical-advice,", "disclaimers: [zzz,"))
    with pytest.raises(InputError) as caught:
        load_article(article, settings.site, settings.policy)
    assert "known ids: crisis-988, individualized-treatment, not-medical-advice" in str(
        caught.value
    )


def test_capitalised_tags_still_require_the_crisis_line(tmp_path, settings):
    article = tmp_path / "shouty.md"
    article.write_text(SEED.read_text().replace(
        "tags: [mental-health, depression, anxiety, gut-health]", "tags: [Mental-Health]", 1))
    loaded = load_article(article, settings.site, settings.policy)
    required = settings.policy.required("web", loaded.tags, ())
    assert "crisis-988" in [d.id for d in required]


def test_two_articles_with_one_slug_stop_the_run_before_anything_is_written(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    for name in ("site.yaml", "disclaimers.yaml", "checks.yaml"):
        (source / name).write_text((SEED.parent / name).read_text())
    (source / "a.md").write_text(GOOD)
    (source / "b.md").write_text(GOOD.replace("---\n", "---\nslug: a\n", 1))
    out = tmp_path / "output"
    result = run_cli(*render_args(out, source_dir=source))
    assert result.code == 2
    assert result.err.splitlines() == [
        f"publish: error: {source / 'b.md'}: slug 'a' is also {source / 'a.md'}'s; both would "
        "publish to the same folder (give one of them another 'slug:' or file name)"]
    assert not out.exists()


def test_a_missing_templates_folder_is_one_line_before_anything_runs(tmp_path):
    out = tmp_path / "output"
    result = run_cli(*render_args(out, SEED, templates=tmp_path / "nowhere"))
    assert result.code == 2
    assert result.err.splitlines() == [
        f"publish: error: {tmp_path / 'nowhere'}: no such templates folder "
        "(give --templates the project's templates/ folder)"]
    assert not out.exists()
