"""Invisible characters: format and bidi controls a reader cannot see but a platform keeps.

One definition, used twice: the front matter refuses them (one line, at load) and the gate
refuses a social post that holds one (a hidden control can make a disclaimer read mirrored
or not match at all).
"""

from __future__ import annotations

import unicodedata


def first_invisible(text: str) -> str:
    """The first invisible format or bidi control character in ``text`` ("" if none).

    A zero-width joiner between two emoji (a family, a flag) is part of the emoji.
    """
    for index, char in enumerate(text):
        if char in "\u2028\u2029" or unicodedata.category(char) == "Cf":
            if char == "\u200d" and _emoji(text, index - 1) and _emoji(text, index + 1):
                continue
            return f"U+{ord(char):04X} {unicodedata.name(char, 'control character')}"
    return ""


def _emoji(text: str, index: int) -> bool:
    return 0 <= index < len(text) and unicodedata.category(text[index]) in ("So", "Mn", "Sk")
