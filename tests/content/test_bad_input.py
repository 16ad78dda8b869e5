"""The bad and hostile input corpus (tests/cases/): one clear line, or a harmless output."""

from __future__ import annotations

import http.server
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
import yaml
from artifacts import read_outputs, unsafe_markup
from conftest import TESTS, render_args, run_cli, snapshot

CASES = TESTS / "cases"
EXPECTED = yaml.safe_load((CASES / "expected.yaml").read_text(encoding="utf-8"))
SECRET_TOKEN = "PMH-SECRET-7f3a9c-do-not-publish"
# The pathological inputs the issue names, too big to keep in the repository as they are.
EXPANSIONS = {
    "@1MB-WORD@": "a" * 1_000_000,
    "@500-NESTED-LISTS@": "".join("  " * depth + "- x\n" for depth in range(500)),
    "@100000-HEADINGS@": "".join(f"## {n}\n" for n in range(100_000)),
    "@100000-LINES@": "x\n" * 100_000,
}
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]


class _Recorder(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self.requests.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(SECRET_TOKEN.encode())

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def loopback():
    """A listening HTTP server on 127.0.0.1 that records every request it receives."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, loopback) -> dict[str, str]:
    """The corpus copied to a temp folder with the secret file and server port filled in."""
    secret = tmp_path_factory.mktemp("outside") / "patient-records.txt"
    secret.write_text(SECRET_TOKEN + "\n")
    target = tmp_path_factory.mktemp("corpus")
    shutil.copytree(CASES, target, dirs_exist_ok=True)
    values = {"@SECRET@": str(secret), "@PORT@": str(loopback.server_port), **EXPANSIONS}
    for path in target.rglob("*.md"):
        if path.is_file():
            data = path.read_bytes()
            for key, value in values.items():
                data = data.replace(key.encode(), value.encode())
            path.write_bytes(data)
    return {"root": str(target), **values}


def _expected(kind: str, name: str, corpus: dict[str, str]) -> tuple[int, str, list[str]]:
    code, message, *extra = EXPECTED[kind][name]
    values = {**corpus, "@DIR@": str(Path(corpus["root"], kind).resolve())}
    for key, value in values.items():
        if key.startswith("@"):
            message = message.replace(key, value)
    return code, message, extra


def test_corpus_lists_every_case_and_is_big_enough():
    for kind in ("bad", "hostile"):
        on_disk = {p.name for p in (CASES / kind).iterdir() if p.name.endswith(".md")}
        assert on_disk == set(EXPECTED[kind]) - {"missing-file.md"}, kind
    assert len(EXPECTED["bad"]) + len(EXPECTED["hostile"]) >= 40


@pytest.mark.parametrize("name", sorted(EXPECTED["bad"]))
def test_bad_input_is_one_clear_line_and_leaves_output_alone(name, corpus, published, loopback):
    code, message, extra = _expected("bad", name, corpus)
    path = Path(corpus["root"], "bad", name)
    before = snapshot(published)
    result = run_cli(*render_args(published, path), *extra)
    assert result.code == code
    assert result.err.splitlines() == [f"publish: error: {path}{message}"]
    assert "Traceback" not in result.err + result.out
    assert snapshot(published) == before
    assert loopback.RequestHandlerClass.requests == []


def test_debug_flag_shows_the_traceback(corpus, published):
    path = Path(corpus["root"], "bad", "bad-date.md")
    result = run_cli("--debug", *render_args(published, path))
    assert result.code == 2
    assert "Traceback (most recent call last)" in result.err
    assert result.err.rstrip().endswith("(write it as YYYY-MM-DD)")


def test_a_raised_size_limit_lets_a_large_file_through(corpus, tmp_path):
    path = Path(corpus["root"], "bad", "over-max-bytes.md")
    from conftest import SOURCE, TEMPLATES

    from channels.content.article import load_article
    from channels.pipeline.project import Project, load_settings

    settings = load_settings(Project(SOURCE, TEMPLATES))
    article = load_article(path, settings.site, settings.policy, max_bytes=10_000)
    assert article.slug == "over-max-bytes"


@pytest.fixture(scope="module")
def hostile(corpus, tmp_path_factory) -> Path:
    """Every hostile case published in one real flow run."""
    out = tmp_path_factory.mktemp("hostile-out")
    paths = [Path(corpus["root"], "hostile", name) for name in sorted(EXPECTED["hostile"])]
    result = run_cli(*render_args(out, *paths))
    assert result.code == 0, result.err
    return out


@pytest.mark.parametrize("name", sorted(EXPECTED["hostile"]))
def test_hostile_input_is_neutralized_in_every_output(name, hostile, corpus, loopback):
    code, _, _ = _expected("hostile", name, corpus)
    assert code == 0
    outputs = read_outputs(hostile / name.removesuffix(".md"))
    problems = [p for doc, html in outputs.html.items() for p in unsafe_markup(doc, html)]
    assert problems == []
    for part, text in outputs.text.items():
        lowered = text.lower()
        for bad in ("<script", "javascript:", "vbscript:", "data:text", corpus["@SECRET@"]):
            assert bad not in lowered, (part, bad)
    for file, data in outputs.raw.items():
        assert SECRET_TOKEN.encode() not in data, file
        assert b"file://" not in data, file
        assert f"127.0.0.1:{corpus['@PORT@']}".encode() not in data, file
    assert b'"passed": true' in outputs.raw["compliance.json"]
    assert loopback.RequestHandlerClass.requests == []


def test_hidden_text_is_made_visible_not_kept_hidden(hostile):
    outputs = read_outputs(hostile / "hidden-text")
    for word in ("HIDDEN-ONE", "HIDDEN-TWO", "HIDDEN-THREE", "HIDDEN-FOUR", "HIDDEN-FIVE"):
        assert word in outputs.text["web main"]
        assert word in outputs.text["pdf"]
        assert word in outputs.text["email visible"]


def test_content_is_never_evaluated_as_a_template(hostile):
    outputs = read_outputs(hostile / "template-injection")
    body = "Math: {{ 7*7 }} and {% for x in range(3) %}LOOP{% endfor %} and {{ config }}"
    title = "Template {{ 7*7 }} {% if true %}yes{% endif %}"
    for part in ("web main", "pdf", "eml text/plain", "email visible"):
        text = " ".join(outputs.text[part].split())
        assert body in text, part
        assert title in text, part
        assert "LOOPLOOP" not in text and "Math: 49" not in text, part
    assert title in outputs.text["social x"]


def test_a_browser_opening_the_hostile_pages_makes_no_request(hostile, loopback):
    """Real headless Chromium loads each page: nothing reaches the loopback server."""
    for name in ("css-url-secret", "event-handlers", "iframe-form-object", "meta-base-refresh"):
        page = (hostile / name / "index.html").resolve()
        done = subprocess.run(["chromium", *CHROMIUM_FLAGS, "--dump-dom", page.as_uri()],
                              capture_output=True, timeout=60, check=False)
        assert done.returncode == 0, done.stderr[-500:]
        assert SECRET_TOKEN.encode() not in done.stdout
    assert loopback.RequestHandlerClass.requests == []


def test_the_fetcher_serves_only_the_allowed_folders(tmp_path, corpus, loopback):
    from channels.fetch import LocalFetcher, RefusedResource

    article_dir = tmp_path / "article"
    article_dir.mkdir()
    (article_dir / "ok.png").write_bytes(b"\x89PNG")
    (article_dir / "link.png").symlink_to(corpus["@SECRET@"])
    fetcher = LocalFetcher((str(article_dir),))
    assert fetcher.fetch((article_dir / "ok.png").as_uri()).read() == b"\x89PNG"
    refused = [Path(corpus["@SECRET@"]).as_uri(), (article_dir / "link.png").as_uri(),
               f"http://127.0.0.1:{corpus['@PORT@']}/x.png", "https://example.com/x.png",
               "data:text/plain,hi", "file://otherhost/etc/passwd"]
    for url in refused:
        with pytest.raises(RefusedResource):
            fetcher.fetch(url)
    assert [r.split(" (")[0] for r in fetcher.refused] == refused
    assert loopback.RequestHandlerClass.requests == []


def test_an_image_next_to_the_article_is_embedded_in_the_pdf(hostile):
    pdf = hostile / "event-handlers" / "handout.pdf"
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True,
                             check=True).stdout.splitlines()
    images = [line.split() for line in listing[2:]]
    assert [(row[3], row[4]) for row in images] == [("2", "2")]  # pic.png is 2 x 2 pixels


@pytest.mark.parametrize(("dirty", "clean"), [
    ('<p class="preheader skip-link level2">x</p>', '<p class="level2">x</p>'),
    ('<p class="sr-only">x</p>', "<p>x</p>"),
    ('<span style="display:none" hidden>x</span>', "<span>x</span>"),
    ('<img src="pic.png" width="0" height="1" alt="a">', '<img src="pic.png" alt="a">'),
    ('<img src="../secret.png"><img src="/etc/x.png"><img src="https://e.example/t.gif">',
     "<img><img><img>"),
    ('<a href="https://e.example/" title=" javascript:alert(1)">x</a>',
     '<a href="https://e.example/" rel="noopener noreferrer">x</a>'),
    ('<abbr title="data:text/html,x">x</abbr>', "<abbr>x</abbr>"),
])
def test_the_sanitizer_removes_hiding_and_dangerous_values(dirty, clean):
    from channels.content.sanitize import sanitize_html

    assert sanitize_html(dirty) == clean


def test_the_pdf_worker_renders_in_a_child_and_keeps_the_fetcher_rules(corpus):
    from conftest import TEMPLATES

    from channels.pdf.channel import page_texts
    from channels.pdf.worker import render_in_child as write_pdf

    html = (f'<p>Hello from the child.</p><img src="file://{corpus["@SECRET@"]}">'
            '<img src="http://127.0.0.1:9/x.png">')
    result = write_pdf(html, str(TEMPLATES) + "/", (str(TEMPLATES),), "a.md")
    assert "Hello from the child." in page_texts(result.pdf)[0]
    assert [r.split(" (")[0] for r in result.refused] == [f"file://{corpus['@SECRET@']}",
                                                        "http://127.0.0.1:9/x.png"]
    assert SECRET_TOKEN.encode() not in result.pdf


def test_the_pdf_worker_is_stopped_at_its_time_limit():
    from channels.errors import InputError
    from channels.pdf.worker import render_in_child as write_pdf

    with pytest.raises(InputError) as refused:
        write_pdf("<p>x</p>" * 20_000, "/", (), "slow.md", timeout_s=0.2)
    assert str(refused.value) == ("slow.md: pdf: rendering did not finish within 0.2 s "
                                  "(shorten the article or simplify its tables and lists)")


def test_an_in_process_pdf_render_is_stopped_at_its_time_limit(monkeypatch):
    from channels.errors import InputError
    from channels.pdf import channel as pdf

    monkeypatch.setattr(pdf, "PDF_TIMEOUT_S", 0.2)
    with pytest.raises(InputError) as refused:
        pdf.write_pdf("<p>x</p>" * 20_000, "/", (), "slow.md")  # main thread: timer signal
    assert str(refused.value) == ("slow.md: pdf: rendering did not finish within 0.2 s "
                                  "(shorten the article or simplify its tables and lists)")


def test_html_in_code_is_shown_as_text_not_refused_or_run(hostile):
    outputs = read_outputs(hostile / "code-examples")
    for part in ("web main", "pdf", "eml text/plain"):
        assert '<img src="example.png" onerror="alert(1)">' in outputs.text[part], part
