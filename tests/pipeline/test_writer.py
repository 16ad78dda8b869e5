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


def test_two_articles_with_one_slug_are_refused_by_the_writer(tmp_path):
    import pytest

    from channels.pipeline.writer import WrittenTwice

    with Writer(tmp_path) as writer, pytest.raises(WrittenTwice) as refused:
        writer.promote("a", {"index.html": b"one"})
        writer.promote("a", {"index.html": b"two"})
    assert "two outputs of this run claim it" in str(refused.value)
    assert (tmp_path / "a" / "index.html").read_bytes() == b"one"


def test_a_run_that_writes_nothing_leaves_no_trace(tmp_path):
    with Writer(tmp_path / "output"):
        pass
    assert not (tmp_path / "output").exists()


def test_a_second_run_waits_for_the_lock(tmp_path):
    import pytest

    from channels.pipeline.writer import Busy

    with Writer(tmp_path) as first:
        first.write("feed.xml", b"<feed/>")
        with Writer(tmp_path, wait_s=0.3) as second, pytest.raises(Busy):
            second.write("sitemap.xml", b"<urlset/>")
    assert not (tmp_path / "sitemap.xml").exists()
