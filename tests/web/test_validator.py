"""The W3C Nu HTML Checker (npm ``vnu-jar``, run offline with the machine's Java) on our HTML."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT

VNU_VERSION = "26"
CACHE = ROOT / ".cache" / "vnu"  # git-ignored; filled by `make test` (npm)
JAR = CACHE / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
# A document with three errors the checker must find, so a silent checker cannot pass.
BROKEN = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>x</title></head>
<body><main><p id="a">one</p><p id="a">two</p><h1><div>block in heading</div></h1>
<img src="x.png"></main></body></html>
"""


def vnu_jar() -> Path:
    """The checker's jar; `make test` installs it (npm, at set-up time, never from a test)."""
    if shutil.which("java") is None:
        pytest.fail("java not found: install a JRE (.ci/run does, with apt-get)")
    if not JAR.is_file():
        pytest.fail(f"{JAR} missing: run `make test` (it installs vnu-jar@{VNU_VERSION} with npm)")
    return JAR


@pytest.fixture(scope="session")
def checked(published, tmp_path_factory) -> dict[str, list[dict]]:
    """One checker run (about 1.5 s of Java start-up) over every document, errors by file."""
    broken = tmp_path_factory.mktemp("vnu") / "broken.html"
    broken.write_text(BROKEN)
    files = {"page": published / "gut-brain-axis" / "index.html",
             "index": published / "index.html",
             "newsletter": published / "gut-brain-axis" / "newsletter.html",
             "broken": broken}
    done = subprocess.run(["java", "-jar", str(vnu_jar()), "--format", "json", "--stdout",
                           *map(str, files.values())], capture_output=True, text=True, timeout=120)
    messages = json.loads(done.stdout)["messages"]
    by_url = {name: [m for m in messages if m.get("type") == "error"
                     and m.get("url", "").endswith(str(path.absolute()))]
              for name, path in files.items()}
    assert sum(map(len, by_url.values())) == len([m for m in messages if m["type"] == "error"])
    return by_url


def describe(errors: list[dict]) -> list[str]:
    return [f"line {e.get('lastLine')}: {e['message']}" for e in errors]


def test_checker_finds_the_errors_in_a_broken_document(checked):
    text = " ".join(describe(checked["broken"]))
    assert "Duplicate ID" in text
    assert "alt" in text
    assert len(checked["broken"]) >= 3


@pytest.mark.parametrize("name", ["page", "index"])
def test_web_html_has_no_validator_errors(checked, name):
    assert describe(checked[name]) == []


def test_newsletter_html_has_no_validator_errors(checked):
    assert describe(checked["newsletter"]) == []
