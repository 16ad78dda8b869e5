"""Mastodon's length rule on its own spec's cases (spec/validators/status_length_validator_spec.rb).

The spec asserts over or under ``MAX_CHARS`` (500 by default); these assert the exact
count that decides it, so an off-by-one fails too.  The differential test against the
validator run on npm twitter-text is in test_reference.py.
"""

from __future__ import annotations

import pytest

from channels.rules import platform
from channels.social import mastodon

RULE = platform("mastodon")


def _length(text: str, warning: str = "") -> int:
    from channels.social.counting import length

    return length(RULE, text, warning)


@pytest.mark.parametrize(("spec", "text", "warning", "count"), [
    ("content warning is over 500 characters", "", "a" * 520, 520),
    ("text is over 500 characters", "a" * 520, "", 520),
    ("text and content warning are over 500 characters total", "b" * 251, "a" * 250, 501),
    ("counts URLs as 23 characters flat", "a" * 476 + " http://" + "b" * 30 + ".com/example",
     "", 500),
    ("does not count non-autolinkable URLs as 23 characters flat",
     "a" * 476 + "http://" + "b" * 30 + ".com/example", "", 525),
    ("does not count overly long URLs as 23 characters flat",
     "http://example.com/valid?" + "#foo?" * 1000, "", 5025),
    ("counts only the front part of remote usernames", "a" * 493 + " @alice@" + "b" * 30 + ".com",
     "", 500),
    ("does count both parts of remote usernames for overly long domains",
     "@alice@" + "b" * 500 + ".com", "", 511),
])
def test_the_validator_spec_cases(spec, text, warning, count):
    assert _length(text, warning) == count, spec


@pytest.mark.parametrize(("text", "countable"), [
    # Mastodon's path may hold any non-space character but not end in '=' (twitter_regex.rb).
    ("see https://example.com/\u00e4rger/b= now", "see " + "x" * 23 + "= now"),
    ("https://example.com/?q=\u65e5\u672c", "x" * 23),
    ("gemini://example.org/a and dat://example.com", "x" * 23 + " and " + "x" * 23),
    # Other schemes and bare domains are text (extract_url_without_protocol: false).
    ("ftp://example.com or example.com", "ftp://example.com or example.com"),
    ("Dr @Lee.Kim@mastodon.social, hi", "Dr @Lee.Kim, hi"),
    ("mail me@example.org", "mail me@example.org"),
    ("  \n ", ""),  # Rails' blank?: white space alone counts nothing
])
def test_urls_and_mentions_are_rewritten_as_the_server_does(text, countable):
    assert mastodon.countable_text(text) == countable
