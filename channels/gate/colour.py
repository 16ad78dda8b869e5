"""CSS colours as RGB, and the WCAG contrast ratio between two of them."""

from __future__ import annotations

import re

RGB = tuple[float, float, float]
# The names an editor or a template plausibly uses; anything else is ignored (not guessed).
NAMED = {
    "white": "#ffffff",
    "black": "#000000",
    "red": "#ff0000",
    "green": "#008000",
    "blue": "#0000ff",
    "gray": "#808080",
    "grey": "#808080",
    "silver": "#c0c0c0",
    "yellow": "#ffff00",
    "navy": "#000080",
    "whitesmoke": "#f5f5f5",
    "snow": "#fffafa",
    "ivory": "#fffff0",
    "ghostwhite": "#f8f8ff",
    "lightgray": "#d3d3d3",
    "lightgrey": "#d3d3d3",
    "gainsboro": "#dcdcdc",
}
_RGB_FN = re.compile(
    r"rgba?\(\s*([\d.]+%?)[\s,]+([\d.]+%?)[\s,]+([\d.]+%?)(?:[\s,/]+([\d.]+%?))?\s*\)"
)


def parse_colour(value: str) -> RGB | None:
    """``#rgb``, ``#rrggbb(aa)``, ``rgb()``/``rgba()`` or a common name; None otherwise."""
    value = NAMED.get(value.strip().lower(), value.strip().lower())
    if re.fullmatch(r"#[0-9a-f]{3,4}", value):
        value = "#" + "".join(c * 2 for c in value[1:4])
    if re.fullmatch(r"#[0-9a-f]{6}([0-9a-f]{2})?", value):
        return tuple(int(value[i : i + 2], 16) / 255 for i in (1, 3, 5))  # type: ignore[return-value]
    match = _RGB_FN.fullmatch(value)
    if match:
        return tuple(_channel(c) for c in match.groups()[:3])  # type: ignore[return-value]
    return None


def _channel(text: str) -> float:
    return float(text[:-1]) / 100 if text.endswith("%") else float(text) / 255


def luminance(rgb: RGB) -> float:
    """WCAG 2 relative luminance."""
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: RGB, b: RGB) -> float:
    """WCAG contrast ratio, 1 (identical) to 21 (black on white)."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)
