"""``publish check PATH``: the same gate on existing outputs, exit 0 pass, 1 fail, 2 bad input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import SOURCE, run_cli, snapshot

from channels.registry import CHANNELS

SHORT = "In crisis? Call or text 988 or chat 988lifeline.org."


@pytest.fixture()
def outputs(tmp_path, published) -> Path:
    """A writable copy of the seed's published outputs."""
    folder = tmp_path / "gut-brain-axis"
    shutil.copytree(published / "gut-brain-axis", folder)
    return folder


def check(*args: str | Path):
    return run_cli("check", *args, "--source-dir", SOURCE)


def test_good_folder_passes_with_a_line_per_output_and_disclaimer(outputs):
    result = check(outputs)
    assert result.code == 0, result.out + result.err
    lines = result.out.splitlines()
    assert lines[-1] == "passed: every required disclaimer found in 1 article(s)"
    assert "note  gut-brain-axis  manifest: every file matches manifest.json" in lines
    rows = [line for line in lines if line.startswith(("pass  ", "FAIL  "))]
    report = json.loads((outputs / "compliance.json").read_text())
    assert len(rows) == sum(len(c["checks"]) for c in report["channels"].values())
    assert (
        "pass  gut-brain-axis  pdf  crisis-988 v1 (short): found in page 1, page 2, page 3, "
        "page 4"
    ) in lines


def test_output_root_checks_every_article_and_writes_html(published, tmp_path):
    html = tmp_path / "report.html"
    result = check(published, "--html", html)
    assert result.code == 0, result.err
    page = html.read_text()
    assert "<h1>Compliance report: pass</h1>" in page
    assert page.count("<tr class=ok>") >= len(CHANNELS) * 2


def test_hand_edited_web_page_without_crisis_line_fails(outputs, tmp_path):
    page = outputs / "index.html"
    page.write_text(page.read_text().replace('<div class="crisis"', '<div hidden class="crisis"'))
    before = snapshot(outputs)
    result = check(outputs)
    assert result.code == 1
    assert "FAIL  gut-brain-axis  web  crisis-988 v1 (full): missing from main" in result.out
    assert result.out.splitlines()[-1] == "FAILED: 1 of 1 article(s) lack a required disclaimer"
    assert (
        f"note  gut-brain-axis  manifest: {page}: changed since it was checked "
        "(publish the article again)"
    ) in result.out
    assert snapshot(outputs) == before


def test_a_lone_pdf_is_checked_against_the_report_next_to_it(outputs):
    assert check(outputs / "handout.pdf").code == 0


@pytest.mark.parametrize("published_as, given_as, message", [
    ("social.json", "posts.json", "{lone}: no manifest.json here, so the article (and what it "
     "must carry) is unknown (give the article's output folder, output/<slug>/, as publish "
     "render wrote it)"),
    ("index.html", "page.html", "{lone}/page.html: page.css is not beside it, so it cannot be "
     "seen as a reader sees it (give the folder that holds both, {lone}/ as publish render "
     "wrote it)"),
])
def test_a_lone_file_without_its_context_is_refused_naming_the_folder(
        outputs, tmp_path, published_as, given_as, message):
    lone = tmp_path / "lone"
    lone.mkdir()
    (lone / given_as).write_bytes((outputs / published_as).read_bytes())
    result = check(lone / given_as)
    assert result.code == 2
    assert result.err == f"publish: error: {message.format(lone=lone)}\n"


def test_the_required_set_comes_from_the_source_found_by_its_hash(outputs, tmp_path):
    """compliance.json emptied, the file renamed: the source's hash still finds the article."""
    source = tmp_path / "source"
    shutil.copytree(SOURCE, source)
    (source / "gut-brain-axis.md").rename(source / "renamed.md")
    report = json.loads((outputs / "compliance.json").read_text())
    report["channels"] = {}
    (outputs / "compliance.json").write_text(json.dumps(report))
    data = json.loads((outputs / "social.json").read_text())
    data["posts"][0]["text"] = data["posts"][0]["text"].replace(SHORT, "")
    (outputs / "social.json").write_text(json.dumps(data))
    result = run_cli("check", outputs, "--source-dir", source)
    assert result.code == 1
    assert "FAIL  renamed  social  crisis-988 v1 (short): missing from x" in result.out


def test_an_output_whose_article_is_not_in_the_source_folder_is_refused(outputs, tmp_path):
    source = tmp_path / "source"
    shutil.copytree(SOURCE, source)
    (source / "gut-brain-axis.md").unlink()
    result = run_cli("check", outputs, "--source-dir", source)
    assert result.code == 2
    assert result.err == (
        f"publish: error: {outputs / 'manifest.json'}: no article in {source}/ has this "
        "output's source (slug 'gut-brain-axis') (give --source-dir the folder that holds "
        "the article's .md file)\n")


def test_a_lone_eml_with_the_disclaimer_in_one_part_only_fails(outputs, tmp_path):
    from email import message_from_bytes, policy

    message = message_from_bytes((outputs / "newsletter.eml").read_bytes(), policy=policy.default)
    plain = message.get_body(("plain",))
    plain.set_content(plain.get_content().replace("call 911.", ""))
    edited = outputs / "edited.eml"
    edited.write_bytes(message.as_bytes())
    result = check(edited)
    assert result.code == 1
    assert (
        "FAIL  " in result.out
        and "email  crisis-988 v1 (full): missing from eml text/plain" in result.out
    )


def test_a_report_next_to_the_file_cannot_lower_the_policy(outputs):
    report = json.loads((outputs / "compliance.json").read_text())
    for channel in report["channels"].values():
        channel["checks"] = []
    (outputs / "compliance.json").write_text(json.dumps(report))
    page = outputs / "index.html"
    page.write_text(page.read_text().replace("This information is for educational", "This is for"))
    result = check(page)
    assert result.code == 1
    assert "web  not-medical-advice v1 (full): missing from main" in result.out


@pytest.mark.parametrize(
    "name, message",
    [
        (
            "missing",
            "{path}: no such file or folder (give an output folder, or a .pdf, .eml, .html, "
            ".txt or social.json file)",
        ),
        (
            "notes.docx",
            "{path}: '.docx' is not an output publish can check (give an output folder, "
            "or a .pdf, .eml, .html, .txt or social.json file)",
        ),
        (
            "broken.pdf",
            "{where}: cannot read the pdf output: "
            "Failed to load document (PDFium: Data format error). "
            "(give the file exactly as publish wrote it)",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path, name, message):
    path = tmp_path / name
    if name != "missing":
        path.write_bytes(b"not really")
    result = check(path)
    assert result.code == 2
    assert result.err == "publish: error: " + message.format(path=path, where=tmp_path) + "\n"


def test_the_flow_run_carries_the_compliance_table_as_an_artifact(published):
    """The real publish flow (session fixture) attaches report.html's table to its run."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey
    from prefect.client.schemas.sorting import ArtifactSort

    from channels.pipeline.report import artifact_tables

    with get_client(sync_client=True) as client:
        found = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["compliance-report"])),
            sort=ArtifactSort.CREATED_DESC, limit=50)
    rows = artifact_tables(published)["compliance-report"]
    # 13 text-witness rows, a pixel-witness row per disclaimer of the web page and email,
    # and a pdf-pixels row per expectation of the handout (3 full, 2 short)
    assert len(rows) == 24 and all(row["status"] == "pass" for row in rows)
    # Other tests' runs add versions of the same key; one of them is this run's table.
    assert {a.type for a in found} == {"table"}
    assert json.loads(json.dumps(rows)) in [json.loads(a.data) for a in found]


def test_several_folders_are_checked_in_one_run(outputs):
    """``publish check DIR DIR``: one process (one warm browser) for every folder given."""
    one = check(outputs)
    rows = [line for line in one.out.splitlines() if line.startswith(("pass  ", "FAIL  "))]
    both = check(outputs, outputs)
    assert both.code == 0, both.err
    assert both.out.splitlines()[-1] == "passed: every required disclaimer found in 2 article(s)"
    assert [line for line in both.out.splitlines()
            if line.startswith(("pass  ", "FAIL  "))] == rows * 2
