"""Our counters against the platforms' own reference code, on thousands of generated strings."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from reference import reference  # noqa: F401  (the session's node process)
from strings import BREAKS, NEWER, SYMBOLS, mastodon_piece, posts

from channels.rules import platform
from channels.social import bluesky, counting, mastodon

MANY = settings(max_examples=1500, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _bluesky_facets(text: str) -> list[dict]:
    """Our link and tag facets as ``detectFacets`` would find them in ``text``."""
    return [{"index": f["index"], "features": f["features"]}
            for f in bluesky.facets(text)]


def _detected(answer: dict) -> list[dict]:
    # Mentions need a DID from the network: our posts carry none, so they are left out.
    found = [{"index": f["index"], "features": f["features"]} for f in answer["facets"]
             if not f["features"][0]["$type"].endswith("#mention")]
    return sorted(found, key=lambda f: f["index"]["byteStart"])


@MANY
@given(posts())
def test_x_weighted_length_and_validity_agree_with_twitter_text(reference, text):  # noqa: F811
    expected = reference.x(text)
    assert (counting.x_length(text), counting.x_valid(text)) == (
        expected["weightedLength"], expected["valid"])


@MANY
@given(posts())
def test_bluesky_graphemes_and_facets_agree_with_atproto_rich_text(reference, text):  # noqa: F811
    expected = reference.bluesky(text)
    assert counting.graphemes(text) == expected["graphemes"]
    assert _bluesky_facets(text) == _detected(expected)


@MANY
@given(posts())
def test_grapheme_clusters_agree_with_intl_segmenter(reference, text):  # noqa: F811
    assert counting.graphemes(text) == reference.graphemes(text)


@MANY
@given(posts(mastodon_piece()))
def test_mastodon_length_agrees_with_its_validator_on_twitter_text(reference, text):  # noqa: F811
    """The server's rule run on npm twitter-text's extractor with Mastodon's URL pattern."""
    expected = reference.mastodon(text)
    assert mastodon.countable_text(text) == expected["countable"]
    assert counting.length(platform("mastodon"), text) == expected["length"]


@pytest.mark.parametrize("text", [*SYMBOLS, *NEWER, *BREAKS, "a\r\nb", "\u00a9\ufe0f 2026"])
def test_named_cases_agree_with_twitter_text(reference, text):  # noqa: F811
    expected = reference.x(text)
    assert counting.x_length(text) == expected["weightedLength"], ascii(text)
