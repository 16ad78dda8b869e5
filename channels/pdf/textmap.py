"""Text that reads back as written: one character code per glyph *and* its text.

WeasyPrint 70 gives each glyph one entry in a font's ToUnicode map, the text of the first
place it was drawn (``draw/text.py``: ``if glyph_id not in font.to_unicode``).  That is
right for Latin text and wrong wherever one glyph stands for different text in different
places, or a cluster's glyphs come in another order than its characters: Devanagari's
vowel sign ि is drawn before its consonant, and a conjunct's half forms carry no text of
their own.  PDFium, poppler and pypdf then read other words than the page shows.

While a PDF is drawn, :func:`recording` hears every glyph WeasyPrint maps (its font's map
says no glyph is known yet, so WeasyPrint states each glyph's text) and, at the end of each
line, gives each (glyph, text) pair its own character code; a cluster's text is spread over
its glyphs in drawing order, so the codes read back the cluster's characters in order, and
a mark shifted back over its base gets a code as wide as the shift, so no reader sees a gap
(a space) after it (``fontcodes`` adds a copy of the glyph with that advance to the font).
:func:`apply` writes the codes into the finished file's fonts (``channels.pdf.fontcodes``).
Text with a one-to-one mapping keeps its codes and bytes.

Only WeasyPrint's ``Font.to_unicode`` and ``draw_first_line`` are wrapped; a drawn line
whose glyphs do not line up with what was heard keeps WeasyPrint's codes.
"""

from __future__ import annotations

import contextlib
import contextvars
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from weasyprint.draw import text as wp_text
from weasyprint.pdf import fonts as wp_fonts

from channels.pdf import fontcodes
from channels.pdf.clusters import directions, spread
from channels.pdf.fontcodes import FontCodes

# A TJ array's tokens: a run of two-byte glyph codes, or a position adjustment.
_TOKEN = re.compile(rb"<([0-9a-f]*)>|(-?[0-9.]+)")


@dataclass
class Record:
    """What one PDF's drawing heard: glyphs waiting for their string, codes per font."""

    pending: list[tuple[Any, int, str]] = field(default_factory=list)
    fonts: dict[str, FontCodes] = field(default_factory=dict)
    heard: set[str] = field(default_factory=set)  # names of the fonts whose glyphs are heard
    by_font: dict[int, FontCodes] = field(default_factory=dict)  # id(WeasyPrint font) -> codes

    def codes(self, font: Any) -> FontCodes:
        """The codes of ``font``'s file (WeasyPrint may open one file as several fonts)."""
        codes = self.by_font.get(id(font))
        if codes is None:
            codes = self.fonts.setdefault(font.hash, FontCodes(font.glyph_count))
            codes.sources.append(font)
            self.by_font[id(font)] = codes
        return codes


_RECORD: contextvars.ContextVar[Record | None] = contextvars.ContextVar("textmap", default=None)


@contextlib.contextmanager
def recording() -> Iterator[Record]:
    """Hear the glyphs WeasyPrint draws in this context (one PDF's ``write_pdf``)."""
    record = Record()
    token = _RECORD.set(record)
    try:
        yield record
    finally:
        _RECORD.reset(token)


class _HeardMap(dict):  # type: ignore[type-arg]
    """A font's glyph -> text map that, while recording, hears each glyph as it is drawn."""

    def __init__(self, font: Any) -> None:
        super().__init__()
        self.font = font

    def __contains__(self, glyph: object) -> bool:
        return _RECORD.get() is None and super().__contains__(glyph)

    def __setitem__(self, glyph: int, text: str) -> None:
        record = _RECORD.get()
        if record is not None:
            record.pending.append((self.font, glyph, text))
            record.heard.add(self.font.hash)
        if not super().__contains__(glyph):
            super().__setitem__(glyph, text)


def _rewrite_line(record: Record, chunks: list[bytes], start: int, font: bytes) -> None:
    """Put each heard glyph's code into the line's ``TJ`` chunks (``chunks[start:]``, drawn
    in ``font`` until a ``Tf`` says otherwise), if the glyphs there are the glyphs heard;
    else leave them, each glyph its own code."""
    heard, record.pending = record.pending, []
    shares = _shares(heard)
    if _as_drawn(record, heard, shares):
        return
    spots: list[tuple[int, list[int | float]]] = []
    drawn: list[int | float] = []
    for index in range(start, len(chunks)):
        chunk = chunks[index]
        if chunk.endswith(b" Tf"):
            font = chunk.split()[0][1:]
        elif chunk.endswith(b"] TJ") and font.decode() in record.heard:
            spots.append((index, _tokens(chunk[1:-4])))
            drawn += [token for token in spots[-1][1] if isinstance(token, int)]
    if drawn != [glyph for _, glyph, _ in heard]:
        _left_as_drawn(record, heard)
        return
    glyphs = iter(zip(heard, shares, directions(shares), strict=True))
    for index, tokens in spots:
        body, moved = _encode(record, tokens, glyphs)
        if moved:  # else WeasyPrint's bytes stay as they are
            chunks[index] = b"[" + body + b"] TJ"


def _ellipsis(said: str) -> str:
    """What a glyph of an ellipsized line reads as: Pango hands the ellipsis the whole text
    it hides (words, spaces and all), which no cluster of one glyph ever is."""
    hides = len(said) > _LONGEST_CLUSTER or (len(said) > 1 and any(c.isspace() for c in said))
    return "\u2026" if hides else said


_LONGEST_CLUSTER = 12  # code points; a family emoji with skin tones is 11


def _left_as_drawn(record: Record, heard: list[tuple[Any, int, str]]) -> None:
    """Glyphs drawn with their own numbers as codes: each reads as WeasyPrint heard it,
    unless the glyph already reads as other text."""
    for font, glyph, said in heard:
        record.codes(font).first.setdefault(glyph, said)


def _as_drawn(record: Record, heard: list[tuple[Any, int, str]], shares: list[str]) -> bool:
    """Whether every glyph of the line keeps its own number as its code (most lines of
    most scripts): then the line's bytes stay WeasyPrint's and are not even parsed."""
    for (font, glyph, _), share in zip(heard, shares, strict=True):
        if font.widths.get(glyph) == 0:  # a mark: may need a code as wide as its shift
            return False
        if record.codes(font).first.setdefault(glyph, share) != share:
            return False
    return True


def _tokens(body: bytes) -> list[int | float]:
    """A ``TJ`` array's glyphs (int) and position adjustments (float), in order."""
    out: list[int | float] = []
    for hexes, number in _TOKEN.findall(body):
        if number:
            out.append(float(number))
        out += [int(hexes[i:i + 4], 16) for i in range(0, len(hexes), 4)]
    return out


def _encode(record: Record, tokens: list[int | float],
            glyphs: Iterator[Any]) -> tuple[bytes, bool]:
    """The ``TJ`` body again, each glyph as its code, and whether any code or width moved.
    A mark WeasyPrint draws with no advance after a shift back (``226 <mark> -226``) gets a
    code as wide as the shift, so it ends where the next glyph starts: readers judge spaces
    by such gaps."""
    out: list[bytes] = []
    moved = False
    index = 0
    while index < len(tokens):
        token = tokens[index]
        index += 1
        if isinstance(token, float):
            out.append(b" %s " % _number(token) if round(token, 3) else b"")
            continue
        (font, glyph, _), share, rtl = next(glyphs)
        width = 0 if rtl else _shift(tokens, index - 1, font.widths.get(glyph))
        if width:
            tokens[index] += width  # type: ignore[operator]
        code = record.codes(font).code(glyph, share, width or None)
        moved = moved or code != glyph
        out.append(b"<%04x>" % code)
    return b"".join(out), moved


def _number(value: float) -> bytes:
    """A PDF real: no exponent, at most three decimals."""
    return (b"%.3f" % value).rstrip(b"0").rstrip(b".") or b"0"


def _shift(tokens: list[int | float], at: int, own: float | None) -> int:
    """The leftward shift before the zero-width glyph at ``at`` that the number after it
    undoes, rounded; 0 when the glyph has width or is not shifted back."""
    before = tokens[at - 1] if at else None
    after = tokens[at + 1] if at + 1 < len(tokens) else None
    if own or not isinstance(before, float) or not isinstance(after, float):
        return 0
    shift = round(before)
    return shift if shift > 0 and abs(after + shift) <= 1 else 0


def _shares(heard: list[tuple[Any, int, str]]) -> list[str]:
    """:func:`spread` over each run of glyphs of one font (no cluster spans two fonts)."""
    out: list[str] = []
    for _, run in itertools.groupby(heard, key=lambda item: id(item[0])):
        out += spread([said for _, _, said in run])
    return out


def apply(pdf: bytes, record: Record) -> bytes:
    """``pdf`` with the codes ``record`` gave (unchanged when every glyph kept its own)."""
    return fontcodes.write(pdf, record.fonts)


def _patch() -> None:
    """Give WeasyPrint's fonts a hearing map, and rewrite each drawn line's codes."""
    font_init = wp_fonts.Font.__init__
    draw_first_line = wp_text.draw_first_line

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        font_init(self, *args, **kwargs)
        if not self.bitmap:
            self.to_unicode = _HeardMap(self)

    def draw_line(stream: Any, textbox: Any, text_overflow: str, block_ellipsis: str,
                  *args: Any, **kwargs: Any) -> Any:
        record = _RECORD.get()
        start, (font, _) = len(stream.stream), stream._current_font or ("", 0)
        emojis = draw_first_line(stream, textbox, text_overflow, block_ellipsis, *args, **kwargs)
        if record is not None and record.pending:
            # An ellipsis stands for the text it hides: its glyphs keep WeasyPrint's codes.
            if text_overflow == "ellipsis" or block_ellipsis != "none":
                record.pending = [(f, g, _ellipsis(said)) for f, g, said in record.pending]
            _rewrite_line(record, stream.stream, start, font.encode())
        return emojis

    wp_fonts.Font.__init__ = init  # type: ignore[method-assign]
    wp_text.draw_first_line = draw_line


_patch()

