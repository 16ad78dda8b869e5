"""Our counters against the platforms' own reference code, on 3,000 generated strings."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from reference import reference  # noqa: F401  (the session's node process)
from strings import BREAKS, NEWER, SYMBOLS, mastodon_piece, posts

from channels.rules import platform
from channels.social import bluesky, counting, mastodon

MANY = settings(max_examples=3000, deadline=None, derandomize=True,
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
@given(posts(mastodon_piece()))
def test_every_counter_agrees_with_the_platforms_reference_code(reference, text):  # noqa: F811
    """One generated string, every reference at once (one round trip to the one node).

    X: twitter-text parseTweet; Bluesky: RichText graphemes and detectFacets; graphemes:
    Intl.Segmenter; Mastodon: its validator on twitter-text's extractor with its pattern.
    """
    expected = reference.all(text)
    x = expected["x"]
    assert (counting.x_length(text), counting.x_valid(text)) == (
        x["weightedLength"], x["valid"]), "X"
    sky = expected["bluesky"]
    assert counting.graphemes(text) == sky["graphemes"] == expected["graphemes"]["count"]
    assert _bluesky_facets(text) == _detected(sky), "Bluesky facets"
    masto = expected["mastodon"]
    assert mastodon.countable_text(text) == masto["countable"], "Mastodon"
    assert counting.length(platform("mastodon"), text) == masto["length"], "Mastodon"


@pytest.mark.parametrize("text", [*SYMBOLS, *NEWER, *BREAKS, "a\r\nb", "\u00a9\ufe0f 2026"])
def test_named_cases_agree_with_twitter_text(reference, text):  # noqa: F811
    expected = reference.x(text)
    assert counting.x_length(text) == expected["weightedLength"], ascii(text)
