"""Generated articles for the handout tests: many scripts, symbols, tables and lengths."""

from __future__ import annotations

import random
from pathlib import Path

from tests.conftest import prepare_file

SCRIPTS = {
    "symbols": "Sleep → mood ⇒ energy; CBT‑I (non-breaking hyphen) ≥ 6 weeks, ±2 h, ✓ done",
    "greek": "Ελληνικά: η ψυχική υγεία είναι σημαντική",
    "cyrillic": "Кириллица: психическое здоровье важно",
    "cjk": "中文：心理健康很重要。日本語：こころの健康",
    "arabic": "العربية: الصحة النفسية مهمة",
    "hebrew": "עברית: בריאות הנפש חשובה",
    "devanagari": "हिन्दी: मानसिक स्वास्थ्य महत्वपूर्ण है",
    "emoji": "Feeling 😀 or 😢? Both are okay 💚",
}
WORDS = ("sleep", "stress", "mood", "routine", "support", "therapy", "breathing", "walks",
         "friends", "appointments", "medication", "journaling", "meals", "sunlight")


def paragraph(rng: random.Random, words: int = 60) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def article_text(seed: int, paragraphs: int, *, extra: str = "", table: bool = True,
                 takeaways: bool = True, cta: bool = False) -> str:
    """A whole source file: front matter, ``paragraphs`` paragraphs under headings, a table,
    ``extra`` (for example characters from several scripts) and a Key takeaways section."""
    rng = random.Random(seed)
    parts = []
    for number in range(paragraphs):
        if number % 3 == 0:
            parts.append(f"## Section {number // 3 + 1}")
        parts.append(paragraph(rng))
    if extra:
        parts.append(extra)
    if table:
        parts.append("| Habit | How often |\n|---|---|\n| Walks | Daily |\n| Diary | Weekly |")
    if takeaways:
        parts.append("## Key takeaways {.takeaways}\n\n- Keep a routine.\n- Ask for help early.")
    front = ("---\ntitle: Generated article\nsummary: A generated article for the tests.\n"
             "date: 2026-11-20\nreviewed: {by: Clinical team, on: 2026-11-20}\n"
             "tags: [mental-health]\n")
    if cta:
        front += "cta: {text: Book a visit, url: https://www.pacificmindhealth.com/book}\n"
    return front + "---\n\n" + "\n\n".join(parts) + "\n"


def prepared(tmp: Path, name: str, text: str, settings, project):  # type: ignore[no-untyped-def]
    """Write ``text`` as ``tmp/name.md`` and prepare it as a run would."""
    path = tmp / f"{name}.md"
    path.write_text(text, encoding="utf-8")
    return prepare_file(path, settings, project)
