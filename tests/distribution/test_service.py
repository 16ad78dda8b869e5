"""The unsubscribe service over real HTTP, a separate process on the sender's PostgreSQL store."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from conftest import ROOT
from smtp_server import Recorder, Server, free_port
from test_sending import FAST, KEY, make_list_at, sendable  # noqa: F401  (module fixture)

from channels.distribution import messages
from channels.distribution import send as sending
from channels.distribution import store as subscribers
from channels.distribution.edition import load_edition
from channels.distribution.smtp import smtp_settings


@pytest.fixture()
def service(pg_url):
    """``publish serve-unsubscribe`` on a free loopback port, in its own process."""
    port = free_port()
    env = {**os.environ, "PUBLISH_SIGNING_KEY": KEY}
    child = subprocess.Popen([sys.executable, "-m", "flows.cli", "serve-unsubscribe", "--db",
                              pg_url, "--port", str(port)], cwd=ROOT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1).read()
            break
        except OSError:
            assert child.poll() is None, child.communicate()
            time.sleep(0.05)
    yield base
    child.terminate()
    child.wait(10)


def fetch(url: str, post: bool = False) -> tuple[int, str, dict]:
    data = b"List-Unsubscribe=One-Click" if post else None
    request = urllib.request.Request(url, data=data, method="POST" if post else "GET", headers={
        "Content-Type": "application/x-www-form-urlencoded"} if post else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.read().decode(), dict(answer.headers)
    except urllib.error.HTTPError as answer:
        return answer.code, answer.read().decode(), dict(answer.headers)


def test_one_click_unsubscribe_over_http_on_the_senders_store(service, pg_url, sendable):  # noqa: F811, E501
    out, source = sendable
    edition = load_edition(out, "gut-brain-axis", source / "site.yaml")
    make_list_at(pg_url, 3)
    with Server(Recorder()) as server:
        sending.send_all(pg_url, edition, KEY.encode(), smtp_settings(server.env), FAST)
    first = server.recorder.messages()[0]
    link = str(first["List-Unsubscribe"]).split(">")[0].removeprefix("<")
    local = service + "/unsubscribe/" + link.rsplit("/", 1)[1]
    store = subscribers.connect(pg_url)

    status, page, _ = fetch(local)  # what a mail scanner does: changes nothing
    assert status == 200 and "<h1>Unsubscribe from our newsletter?</h1>" in page
    assert subscribers.status_of(store, "reader0@example.org") == "subscribed"

    status, page, headers = fetch(local, post=True)  # RFC 8058: 200, no redirect
    assert status == 200 and "<h1>You are unsubscribed</h1>" in page
    assert "Location" not in headers and "reader0" not in page
    assert subscribers.status_of(store, "reader0@example.org") == "unsubscribed"
    assert subscribers.status_of(store, "reader1@example.org") == "subscribed"

    status, page, _ = fetch(local, post=True)  # replayed
    assert status == 200 and "<h1>You are already unsubscribed</h1>" in page
    status, page, _ = fetch(local[:-3] + "AAA", post=True)  # altered
    assert status == 400 and "<h1>This unsubscribe link is not valid</h1>" in page
    never_sent = messages.token(KEY.encode(), "another-campaign", "reader1@example.org")
    status, page, _ = fetch(f"{service}/unsubscribe/{never_sent}", post=True)
    assert status == 404 and "<h1>This unsubscribe link is not known</h1>" in page
    assert subscribers.counts(store) == {"subscribed": 2, "unsubscribed": 1, "bounced": 0}

    with Server(Recorder()) as server:  # the next edition skips the address at once
        again = sending.send_all(pg_url, edition.__class__(**{**edition.__dict__,
                                                             "campaign": "second"}),
                                 KEY.encode(), smtp_settings(server.env), FAST)
    assert again.sent == 2 and "reader0@example.org" not in server.recorder.per_recipient()
    store.close()
