"""Flesch-Kincaid grade level, counted offline with pyphen (the method textstat 0.7.4 used).

``textstat`` 0.7.13 downloads NLTK's CMU dictionary at run time and fails offline, so the
grade is computed here: 0.39 * words/sentence + 11.8 * syllables/word - 15.59, with a
word's syllables = pyphen's en_US hyphenation points + 1.  The threshold in
``source/checks.yaml`` assumes this method.
"""

from __future__ import annotations

import functools
import re

import pyphen  # type: ignore[import-untyped]

# A heading or list item ends where its line does, with or without a full stop.
_SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)|\n")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*")


@functools.lru_cache(maxsize=1)
def _dictionary() -> pyphen.Pyphen:
    return pyphen.Pyphen(lang="en_US")


def syllables(word: str) -> int:
    return len(_dictionary().positions(word.lower())) + 1


def reading_grade(text: str) -> float:
    """Flesch-Kincaid grade of ``text`` (0.0 for text without words)."""
    sentences = [s for s in _SENTENCE_END.split(text) if _WORD.search(s)]
    words = _WORD.findall(text)
    if not words:
        return 0.0
    total = sum(syllables(w) for w in words)
    return 0.39 * len(words) / len(sentences) + 11.8 * total / len(words) - 15.59
