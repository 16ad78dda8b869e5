"""Scale-out: ``publish render --dask ADDRESS`` builds articles on a real Dask cluster.

A ``distributed.LocalCluster`` of two single-threaded worker processes on loopback, all
talking to one local Prefect server; the scheduler's own task stream is the witness of
where each article was built.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SEED, SOURCE, TEMPLATES, CliResult

distributed = pytest.importorskip("distributed")
PUBLISH = str(Path(sys.executable).parent / "publish")


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    from flows import server

    environ = {k: v for k, v in os.environ.items()
               if k not in ("PUBLISH_SERVER", "PREFECT_API_URL", "PREFECT_HOME")}
    environ["PUBLISH_SERVER_DIR"] = str(tmp_path_factory.mktemp("server"))
    saved = os.environ.get("PUBLISH_SERVER_DIR")
    os.environ["PUBLISH_SERVER_DIR"] = environ["PUBLISH_SERVER_DIR"]
    try:
        environ["PREFECT_API_URL"] = server.ensure().api_url
        yield environ
    finally:
        server.stop()  # also when it never became healthy: no server left behind
        os.environ.pop("PUBLISH_SERVER_DIR")
        if saved is not None:
            os.environ["PUBLISH_SERVER_DIR"] = saved


@pytest.fixture(scope="module")
def cluster(env):
    workers = {"PREFECT_API_URL": env["PREFECT_API_URL"]}
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None,
                                  env=workers) as running:
        yield running


def run_cli(env, *args):
    done = subprocess.run([PUBLISH, *map(str, args)], env=env, capture_output=True,
                          text=True, timeout=900)
    return CliResult(done.returncode, done.stdout, done.stderr)


def library(tmp_path, count):
    source = tmp_path / "source"
    shutil.copytree(SOURCE, source)
    for n in range(count - 1):
        (source / f"copy-{n}.md").write_text(
            SEED.read_text().replace('title: "', f'title: "Copy {n}: ', 1))
    return source


def test_articles_are_built_on_the_dask_workers_and_published_here(env, cluster, tmp_path):
    source, out = library(tmp_path, 3), tmp_path / "out"
    with distributed.Client(cluster) as client, distributed.get_task_stream(client) as stream:
        result = run_cli(env, "render", "--out", out, "--source-dir", source, "--templates",
                         TEMPLATES, "--only", "social,web", "--dask", cluster.scheduler_address)
    assert result.code == 0, result.err
    slugs = {"gut-brain-axis", "copy-0", "copy-1"}
    assert {line.split()[1] for line in result.out.splitlines()
            if line.startswith("published")} == slugs
    for slug in slugs:
        assert (out / slug / "index.html").is_file() and (out / slug / "manifest.json").is_file()
    builds = [t for t in stream.data if t["key"].startswith("build")]
    workers = set(cluster.scheduler_info["workers"])
    assert len(builds) == 3 and {t["worker"] for t in builds} <= workers


def test_a_refused_article_on_a_dask_worker_is_refused_here(env, cluster, tmp_path):
    source = tmp_path / "source"
    shutil.copytree(SOURCE, source)
    # A template that prints no disclaimer: the gate on the worker must refuse the page.
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    (templates / "shared" / "_disclaimers.html").write_text("")
    result = run_cli(env, "render", "--out", tmp_path / "out", "--source-dir", source,
                     "--templates", templates, "--only", "web", "--dask",
                     cluster.scheduler_address)
    assert result.code == 1 and "refused, nothing published" in result.err
    assert not (tmp_path / "out" / "gut-brain-axis").exists()


def test_dask_with_the_embedded_server_is_refused_in_one_line(tmp_path):
    environ = {**os.environ, "PUBLISH_SERVER": "embedded"}
    environ.pop("PREFECT_API_URL", None)
    result = run_cli(environ, "render", SEED, "--out", tmp_path / "out", "--dask",
                     "tcp://127.0.0.1:1")
    assert (result.code, result.err) == (2, (
        "publish: error: --dask: Dask workers need a Prefect server they can reach, not the "
        "embedded one (unset PUBLISH_SERVER, or set PREFECT_API_URL here and on the "
        "workers)\n"))
    assert not (tmp_path / "out").exists()
