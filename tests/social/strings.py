"""Hypothesis strategies for posts: emoji sequences, line breaks, URLs, mentions, tags, scripts."""

from __future__ import annotations

from hypothesis import strategies as st

ZWJ, VS16, KEYCAP = "\u200d", "\ufe0f", "\u20e3"
TONES = [chr(c) for c in range(0x1F3FB, 0x1F400)]
PEOPLE = ["\U0001F468", "\U0001F469", "\U0001F467", "\U0001F466", "\U0001F9D1", "\U0001F44D"]
# Text-presentation symbols (with and without VS16) and emoji newer than Python 3.11's data.
SYMBOLS = ["\u00a9", "\u00ae", "\u2122", "\u203c", "\u2049", "\u2139", "\u2194", "\u231a",
           "\u2328", "\u24c2", "\u25b6", "\u2600", "\u260e", "\u2614", "\u2640", "\u2642",
           "\u2665", "\u267b", "\u26a0", "\u2702", "\u2714", "\u2764", "\u27a1", "\u3030",
           "\u303d", "\u3297", "\U0001F170", "\U0001F17F"]
NEWER = ["\U0001FAE8", "\U0001FA77", "\U0001FACE", "\U0001F426\u200d\U0001F525",
         "\U0001FA89", "\U0001FAE9", "\U0001F642\u200d\u2194\ufe0f", "\U0001FAEA"]
BREAKS = ["\n", "\r", "\r\n", "\u2028", "\u2029", "\x0b", "\x0c", "\x85", "\n\n"]
SCRIPTS = ["caf\u00e9", "e\u0301t\u00e9", "\u65e5\u672c\u8a9e", "\ud55c\uad6d\uc5b4",
           "\u1100\u1161\u11a8", "\u0928\u092e\u0938\u094d\u0924\u0947", "\u0915\u094d\u0937\u093f",
           "\u0645\u0631\u062d\u0628\u0627", "\u0e2a\u0e27\u0e31\u0e2a\u0e14\u0e35",
           "\u0432\u0440\u0430\u0447", "\u05e9\u05dc\u05d5\u05dd", "\uff21\uff22\uff23", "TMS"]
HOSTS = ["example.com", "pacificmindhealth.com", "www.pacificmindhealth.com", "988lifeline.org",
         "sub.example.co.uk", "b\u00fccher.de", "xn--bcher-kva.de", "example.social",
         "localhost", "ex-ample.io:8080"]
PATHS = ["", "/", "/gut-brain-axis/", "/a/b/c", "/\u00e4rger/b", "/caf\u00e9?x=1",
         "/p?utm_source=x&utm_medium=social&utm_campaign=gut", "/a_(b)", "/x#frag",
         "/search?q=a=b=", "/\u65e5\u672c", "/%C3%A4?b=%20"]
TRAILING = ["", ".", ",", "!", "?", ")", ":", ";", "=", "'", "\u2026", "..."]
SCHEMES = ["https://", "http://", "", "", "ftp://", "HTTPS://", "mailto:"]


def _url(draw: st.DrawFn) -> str:
    return (draw(st.sampled_from(SCHEMES)) + draw(st.sampled_from(HOSTS))
            + draw(st.sampled_from(PATHS)) + draw(st.sampled_from(TRAILING)))


def _emoji(draw: st.DrawFn) -> str:
    kind = draw(st.integers(0, 6))
    if kind == 0:
        return ZWJ.join(draw(st.lists(st.sampled_from(PEOPLE), min_size=2, max_size=4)))
    if kind == 1:
        return draw(st.sampled_from(PEOPLE)) + draw(st.sampled_from(TONES))
    if kind == 2:
        return "".join(chr(0x1F1E6 + draw(st.integers(0, 25))) for _ in range(2))
    if kind == 3:
        return draw(st.sampled_from("0123456789#*")) + draw(st.sampled_from(["", VS16])) + KEYCAP
    if kind == 4:
        return draw(st.sampled_from(SYMBOLS)) + draw(st.sampled_from(["", VS16]))
    if kind == 5:
        return draw(st.sampled_from(NEWER))
    return "\U0001F3F4\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F"


def _tag(draw: st.DrawFn) -> str:
    mark = draw(st.sampled_from(["#", "#", "\uff03"]))
    body = draw(st.sampled_from(["TMS", "GutHealth", "mental_health", "123", "1\ufe0f\u20e3",
                                 "a#b", "caf\u00e9", "\u65e5\u672c", "x.", "ok!", "", "MH2026"]))
    return mark + body


def _mention(draw: st.DrawFn) -> str:
    user = draw(st.sampled_from(["user", "pmh_clinic", "a", "Dr.Lee"]))
    host = draw(st.sampled_from(["", "@mastodon.social", "@example.org", ".bsky.social"]))
    return f"@{user}{host}"


@st.composite
def piece(draw: st.DrawFn) -> str:
    kind = draw(st.integers(0, 6))
    if kind == 0:
        return _url(draw)
    if kind == 1:
        return _emoji(draw)
    if kind == 2:
        return _tag(draw)
    if kind == 3:
        return _mention(draw)
    if kind == 4:
        return draw(st.sampled_from(SCRIPTS))
    if kind == 5:
        return draw(st.sampled_from(BREAKS))
    return draw(st.text(max_size=6))


# What Mastodon's own URL and mention patterns add: other schemes, non-ASCII queries,
# '=' at a path's end, remote mentions (a long domain included).
MASTODON_SCHEMES = ["dat://", "gemini://", "gopher://", "ipfs://", "ssb://", "xmpp:", "magnet:?"]
MASTODON_TAILS = ["/b=", "/a=b", "?q=\u00e4", "?q=\u65e5\u672c", "/\u00e4rger=", "/x.", "/(a)=",
                  "?x=1&", "/\U0001F600", "/~u"]
MASTODON_MENTIONS = ["@alice@mastodon.social", "@Bob.Lee@example.org", "@a@b",
                     "@x@" + "b" * 260 + ".com", "@user@d\u00f6main.de", "mail@user@example.com",
                     "=@user@ex.org", "@user@@x.org"]


@st.composite
def mastodon_piece(draw: st.DrawFn) -> str:
    kind = draw(st.integers(0, 3))
    if kind == 0:
        return (draw(st.sampled_from(MASTODON_SCHEMES + SCHEMES)) + draw(st.sampled_from(HOSTS))
                + draw(st.sampled_from(MASTODON_TAILS + PATHS)) + draw(st.sampled_from(TRAILING)))
    if kind == 1:
        return draw(st.sampled_from(MASTODON_MENTIONS))
    return draw(piece())


@st.composite
def posts(draw: st.DrawFn, pieces: st.SearchStrategy[str] | None = None) -> str:
    """Pieces joined by spaces, line breaks or nothing at all (adjacency matters too)."""
    parts = draw(st.lists(piece() if pieces is None else pieces, min_size=1, max_size=8))
    glue = st.sampled_from([" ", " ", "\n", "", "\r\n", ". ", " ("])
    return "".join(part + draw(glue) for part in parts).rstrip(" ")
