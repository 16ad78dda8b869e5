"""Each post leads with its hook; the disclaimers come before "see more", never first."""

from __future__ import annotations

import dataclasses
import re

import pytest

from channels.errors import ContentTooLong
from channels.rules import PLATFORMS, platform
from channels.social import counting
from channels.social.layout import ELLIPSIS, opener
from channels.social.posts import _where, compose

SHORT = "Educational only, not medical advice."
CRISIS = "In crisis? Call or text 988 or chat 988lifeline.org."
CUT = [rule for rule in PLATFORMS if rule.see_more]
LONG_SUMMARY = ("Sleep, mood and the gut are linked in ways researchers are still mapping, "
                "and small daily habits may help: regular meals, fibre, movement, daylight in the "
                "morning and a steady bedtime. This guide explains what the studies show, what "
                "they do not, and when to talk with a clinician about how you feel.")
TITLES = [
    "Why your sleep, your mood and the bacteria in your gut are talking all the time",
    "Sleep and mood: what the research on the gut-brain axis says about your nights",
    "Sleep",
    "Schlafgesundheitsverbesserungsmaßnahmenkatalog und Stimmung im Alltag verstehen",
]


def _check(post, rule, hook_start: str) -> None:
    text = post.text
    shown = counting.before_cut(text, rule.see_more)
    assert SHORT in shown and CRISIS in shown, rule.name
    assert not text.startswith((SHORT, CRISIS)), rule.name
    assert text.startswith(hook_start), (rule.name, text[:80])


@pytest.mark.parametrize("rule", CUT, ids=lambda r: r.name)
def test_seed_posts_open_with_the_hook_and_show_the_disclaimers_before_the_cut(seed, rule):
    post = compose(rule, seed.article, seed.context.required_for("social"))
    _check(post, rule, seed.article.title.split(":")[0])


@pytest.mark.parametrize("title", TITLES)
@pytest.mark.parametrize("rule", CUT, ids=lambda r: r.name)
def test_a_long_article_opens_with_its_hook_not_its_disclaimers(seed, rule, title):
    assert len(LONG_SUMMARY) <= 300  # within the content rules
    article = dataclasses.replace(seed.article, title=title, summary=LONG_SUMMARY, social=())
    post = compose(rule, article, seed.context.required_for("social"))
    # The hook is the title, or (a title whose first word alone is too long) the summary.
    hook = title if post.text.startswith(title.split()[0]) else LONG_SUMMARY
    _check(post, rule, hook.split()[0])
    assert all(w in post.text.casefold() for w in re.findall(r"\w+", hook.casefold())[:12])


def test_a_title_too_long_for_the_cut_is_continued_after_the_disclaimers():
    hook, rest = opener(f"{TITLES[0]}\n\nSummary.", 23)
    assert (hook, rest) == (f"Why your sleep, your{ELLIPSIS}",
                            f"{ELLIPSIS}mood and the bacteria in your gut are talking all the "
                            "time\n\nSummary.")
    assert opener("Incomprehensibilities everywhere", 10) == (
        "", "Incomprehensibilities everywhere")


@pytest.mark.parametrize(("see_more", "fix"), [
    (112, "open social.instagram with a line of at most 10 characters"),
    (100, "shorten the short wording of the disclaimers in source/disclaimers.yaml"),
])
def test_a_post_whose_disclaimers_leave_no_room_for_its_hook_is_refused(seed, see_more, fix):
    article = dataclasses.replace(
        seed.article, social=(("instagram", "Incomprehensibilities everywhere, truly."),))
    rule = dataclasses.replace(platform("instagram"), see_more=see_more)
    with pytest.raises(ContentTooLong) as err:
        compose(rule, article, seed.context.required_for("social"))
    assert str(err.value) == (
        f"{_where(article, 'instagram')}: social: the Instagram post cannot open with its hook "
        f"and still show the disclaimers before 'see more' ({see_more} characters) ({fix})")
