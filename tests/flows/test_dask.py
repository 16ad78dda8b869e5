"""Scale-out: ``publish render --dask ADDRESS`` builds articles on a real Dask cluster.

A ``distributed.LocalCluster`` of two single-threaded worker processes on loopback and
one local Prefect server (``flows/server.py``). Witnesses we did not write: the
scheduler's own task stream says where each article was built, the Prefect server's API
says which task runs it recorded, and the plain pipeline run here is the
reference the Dask run's bytes must equal.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import SEED, SOURCE, TEMPLATES, run_cli, snapshot

distributed = pytest.importorskip("distributed")
PUBLISH = str(Path(sys.executable).parent / "publish")


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    """A local Prefect server of its own, and the environment a CLI run uses to reach it."""
    environ = {k: v for k, v in os.environ.items()
               if k not in ("PUBLISH_SERVER", "PREFECT_API_URL", "PREFECT_HOME")}
    environ["PUBLISH_SERVER_DIR"] = str(tmp_path_factory.mktemp("server"))
    started = subprocess.run([PUBLISH, "server", "start"], env=environ, capture_output=True,
                             text=True, timeout=400)
    try:
        assert started.returncode == 0, started.stderr
        state = json.loads((Path(environ["PUBLISH_SERVER_DIR"]) / "server.json").read_text())
        environ["PREFECT_API_URL"] = f"http://127.0.0.1:{state['port']}/api"
        yield environ
    finally:
        subprocess.run([PUBLISH, "server", "stop"], env=environ, capture_output=True,
                       timeout=60)


@pytest.fixture(scope="module")
def cluster(env):
    # The workers get no PREFECT_API_URL of their own: the flow's context carries it.
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None) as running:
        yield running


def publish(env, *args):
    return subprocess.run([PUBLISH, *map(str, args)], env=env, capture_output=True,
                          text=True, timeout=900)


def library(tmp_path):
    source = tmp_path / "source"
    shutil.copytree(SOURCE, source)
    (source / "copy.md").write_text(
        SEED.read_text().replace('title: "', 'title: "A copy: ', 1))
    return source


def local_run(source, out):
    """The same library through the plain pipeline in this process: the reference bytes."""
    from channels import registry
    from channels.pipeline.build import publish as publish_plan
    from channels.pipeline.plan import gather
    from channels.pipeline.project import Project
    from channels.pipeline.writer import Writer

    project = Project(source, TEMPLATES)
    plan = gather(project, project.articles(), registry.select(None), out)
    with Writer(out) as writer:
        verdicts = publish_plan(plan, writer)
    assert {v.status for v in verdicts} == {"published"}
    return snapshot(out)


def api(env, what):
    request = urllib.request.Request(f"{env['PREFECT_API_URL']}/{what}/filter",
                                     data=b'{"limit": 200}',
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def test_dask_output_is_byte_identical_to_a_local_run(env, cluster, tmp_path):
    source = library(tmp_path)
    with distributed.Client(cluster) as client, distributed.get_task_stream(client) as stream:
        done = publish(env, "render", "--out", tmp_path / "dask", "--source-dir", source,
                       "--templates", TEMPLATES, "--dask", cluster.scheduler_address)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "dask" / "gut-brain-axis" / "handout.pdf").is_file()
    assert (tmp_path / "dask" / "copy" / "index.html").is_file()
    assert snapshot(tmp_path / "dask") == local_run(source, tmp_path / "local")
    # Built on the cluster's two workers, recorded by the flow's own Prefect server.
    builds = [t for t in stream.data if t["key"].startswith("remote_build")]
    assert len(builds) == 2
    assert {t["worker"] for t in builds} <= set(cluster.scheduler_info["workers"])
    recorded = {r["name"]: r["state"]["type"] for r in api(env, "task_runs")}
    assert {recorded.get("build-gut-brain-axis"), recorded.get("build-copy")} == {"COMPLETED"}
    # The flow's parameters (sent to the API, and with every task's context to the
    # workers) are the article paths, not the gathered plan with every article's text.
    [run] = [r for r in api(env, "flow_runs") if r["parameters"].get("dask")]
    assert sorted(run["parameters"]["articles"]) == sorted(
        str(source / name) for name in ("copy.md", "gut-brain-axis.md"))
    assert len(json.dumps(run["parameters"])) < 1000


def test_a_refused_article_on_a_dask_worker_is_refused_in_one_line(env, cluster, tmp_path):
    # A template that prints no disclaimer: the gate on the worker must refuse the page.
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    (templates / "shared" / "_disclaimers.html").write_text("")
    out = tmp_path / "out"
    done = publish(env, "render", SEED, "--out", out, "--templates", templates,
                   "--only", "web", "--dask", cluster.scheduler_address)
    assert done.returncode == 1
    assert re.fullmatch(
        r"publish: error: .*gut-brain-axis\.md: refused, nothing published: web: .+; "
        r"see /\S+/publish-refused-gut-brain-axis-\w+/compliance\.json\n", done.stderr)
    assert "Traceback" not in done.stderr and not out.exists()


def test_dask_with_the_embedded_server_is_refused_in_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv("PUBLISH_SERVER", "embedded")
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    result = run_cli("render", SEED, "--out", tmp_path / "out", "--dask", "tcp://127.0.0.1:1")
    assert (result.code, result.err) == (2, (
        "publish: error: --dask: Dask workers need a Prefect server they can reach, not the "
        "embedded one (unset PUBLISH_SERVER, or set PREFECT_API_URL)\n"))
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(("address", "message"), [
    ("tcp://127.0.0.1:1", "no Dask scheduler answers at tcp://127.0.0.1:1 (start one "
     "('dask scheduler', then 'dask worker ADDRESS --nthreads 1' per core) or fix the "
     "address)"),
    ("http://x", "'http://x' is not a Dask scheduler address (give it as tcp://HOST:PORT, "
     "as 'dask scheduler' prints it)"),
])
def test_a_bad_dask_address_is_one_line(tmp_path, monkeypatch, address, message):
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:9/api")  # checked before use
    result = run_cli("render", SEED, "--out", tmp_path / "out", "--dask", address)
    assert (result.code, result.err) == (2, f"publish: error: --dask: {message}\n")
    assert not (tmp_path / "out").exists()
