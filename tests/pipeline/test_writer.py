"""The one owner of output/: atomic versions, one lock per run, nothing written twice."""

from __future__ import annotations

from channels.pipeline.writer import Writer

CRISIS = "Call or text 988"


def test_a_hand_edited_published_copy_is_replaced_on_the_next_publish(tmp_path):
    files = {"index.html": f"<main>{CRISIS}</main>".encode()}
    with Writer(tmp_path) as writer:
        writer.promote("a", files)
    (tmp_path / "a").resolve().joinpath("index.html").write_bytes(b"<main>edited by hand</main>")
    with Writer(tmp_path) as writer:
        assert writer.promote("a", files) == "published"
    assert (tmp_path / "a" / "index.html").read_bytes() == files["index.html"]
