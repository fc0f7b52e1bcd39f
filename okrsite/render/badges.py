"""Shields.io-style "flat" SVG status badges.

``render_badge("Q4 2026", "62 %", "on-track")`` returns a complete, standalone
SVG document: a grey label on the left and a value on the right whose colour
says the status. The badge has an intrinsic size (``width``/``height``), so it
can be used as ``<img src="badges/2026-q4/marketing.svg" alt="...">`` in a page
or in a README. It loads nothing: no scripts, no web fonts, no external files.

The module is pure: the same arguments always give byte-identical output.
"""

from __future__ import annotations

import hashlib
import html
import unicodedata

from okrsite.render.formatting import STATUS_LABELS
from okrsite.xmltext import clean
from okrsite.render import palette

__all__ = [
    "LABEL_COLOR",
    "NEUTRAL_COLORS",
    "STATUS_COLORS",
    "badge_colors",
    "render_badge",
    "text_width",
]

#: Background of the label (left) part; white text on it has contrast 7.5:1.
LABEL_COLOR = palette.BADGE_LABEL

DARK_TEXT = palette.DARK_TEXT
LIGHT_TEXT = palette.LIGHT_TEXT

#: status -> (background, text colour). Each pair has a WCAG contrast >= 4.5:1: green 5.1:1,
#: amber 8.8:1 with dark text, red 5.6:1.
STATUS_COLORS: dict[str, tuple[str, str]] = {
    status: (colour, DARK_TEXT if colour == palette.AMBER else LIGHT_TEXT) for status, colour in palette.STATUS.items()}

#: Colours for any other status ("none", "", "upcoming", ...).
NEUTRAL_COLORS: tuple[str, str] = (palette.NEUTRAL, DARK_TEXT)  # light grey, 6.4:1

FONT_FAMILY = "Verdana,DejaVu Sans,sans-serif"
FONT_SIZE = 11
HEIGHT = 20
PADDING = 6  # horizontal padding on each side of a text

# Advance widths in px of printable ASCII (" " .. "~") in 11px Verdana, which
# DejaVu Sans (derived from Bitstream Vera) matches closely. Like shields.io we
# only need an approximation: the texts are drawn with ``textLength``.
_ASCII_WIDTHS = (
    3.87, 4.33, 5.05, 9.00, 6.99, 11.84, 7.99, 2.95, 4.99, 4.99, 6.99, 9.00,
    4.00, 4.99, 4.00, 4.99, 6.99, 6.99, 6.99, 6.99, 6.99, 6.99, 6.99, 6.99,
    6.99, 6.99, 4.99, 4.99, 9.00, 9.00, 9.00, 6.00, 11.00, 7.52, 7.54, 7.68,
    8.48, 6.96, 6.32, 8.53, 8.27, 4.63, 5.00, 7.62, 6.12, 9.27, 8.23, 8.66,
    6.63, 8.66, 7.65, 7.52, 6.78, 8.05, 7.52, 10.88, 7.54, 6.77, 7.54, 4.99,
    4.99, 4.99, 9.00, 6.99, 6.99, 6.61, 6.85, 5.73, 6.85, 6.55, 3.87, 6.85,
    6.96, 3.02, 3.79, 6.51, 3.02, 10.71, 6.96, 6.68, 6.85, 6.85, 4.69, 5.73,
    4.33, 6.96, 6.51, 8.98, 6.51, 6.51, 5.78, 6.98, 4.99, 6.98, 9.00,
)
_CHAR_WIDTHS: dict[str, float] = {
    chr(32 + i): w for i, w in enumerate(_ASCII_WIDTHS)
}
_DEFAULT_WIDTH = 7.0   # other characters: about an average capital
_WIDE_WIDTH = 11.0     # East Asian wide / full-width characters


def _char_width(ch: str) -> float:
    """Approximate advance width in px of one character at 11px."""
    if ch in _CHAR_WIDTHS:
        return _CHAR_WIDTHS[ch]
    if unicodedata.combining(ch):
        return 0.0
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return _WIDE_WIDTH
    base = unicodedata.normalize("NFD", ch)[0]  # "é" is as wide as "e"
    return _CHAR_WIDTHS.get(base, _DEFAULT_WIDTH)


def text_width(text: str) -> float:
    """Approximate width in px of ``text`` set in 11px Verdana/DejaVu Sans."""
    return sum(_char_width(ch) for ch in text)


def badge_colors(status: str) -> tuple[str, str]:
    """Return ``(background, text colour)`` of the value part for ``status``.

    Matching ignores case, surrounding blanks and ``_`` versus ``-``, so
    ``"On_Track"`` is on-track; unknown statuses are neutral grey.
    """
    key = status.strip().lower().replace("_", "-").replace(" ", "-")
    return STATUS_COLORS.get(key, NEUTRAL_COLORS)


def _clean(text: str) -> str:
    """Drop characters XML forbids and collapse whitespace as SVG renders it."""
    return " ".join(clean(text).split())


def _esc(text: str) -> str:
    """Escape ``text`` for XML element content and attribute values."""
    return html.escape(text, quote=True)


def _part(x: float, width: float, text: str, fg: str) -> str:
    """The two ``<text>`` elements (shadow and text) centred in one part."""
    if not text:
        return ""
    cx = x + width / 2
    length = f'textLength="{width - 2 * PADDING:.1f}"'
    shadow = "#010101" if fg == LIGHT_TEXT else "#fff"
    return (
        f'<text aria-hidden="true" x="{cx:.1f}" y="15" fill="{shadow}" '
        f'fill-opacity=".3" {length}>{_esc(text)}</text>'
        f'<text x="{cx:.1f}" y="14" fill="{fg}" {length}>{_esc(text)}</text>'
    )


def render_badge(label: str, value: str, status: str) -> str:
    """Render a flat badge: ``label`` on grey, ``value`` in the status colour.

    Returns a standalone SVG document (str) with ``role="img"``, an
    ``aria-label`` and a ``<title>`` of ``"{label}: {value}, {status in words}"``
    (so the status is never only a colour); all texts are XML-escaped. An empty
    label gives a value-only badge.
    """
    label, value = _clean(label), _clean(value)
    bg, fg = badge_colors(status)
    label_w = round(text_width(label)) + 2 * PADDING if label else 0
    value_w = round(text_width(value)) + 2 * PADDING
    total = label_w + value_w
    spoken = f"{label}: {value}" if label else value
    if status in STATUS_LABELS and status:
        spoken += f", {STATUS_LABELS[status].lower()}"
    uid = "b" + hashlib.blake2s(
        "\0".join((label, value, bg, fg)).encode(), digest_size=5
    ).hexdigest()
    label_rect = (
        f'<rect width="{label_w}" height="{HEIGHT}" fill="{LABEL_COLOR}"/>'
        if label else ""
    )
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" '
        f'width="{total}" height="{HEIGHT}" viewBox="0 0 {total} {HEIGHT}" '
        f'role="img" aria-label="{_esc(spoken)}">'
        f"<title>{_esc(spoken)}</title>"
        f'<linearGradient id="{uid}-s" x2="0" y2="100%">'
        '<stop offset="0" stop-color="#bbb" stop-opacity=".1"/>'
        '<stop offset="1" stop-opacity=".1"/></linearGradient>'
        f'<clipPath id="{uid}-r">'
        f'<rect width="{total}" height="{HEIGHT}" rx="3" fill="#fff"/>'
        "</clipPath>"
        f'<g clip-path="url(#{uid}-r)">{label_rect}'
        f'<rect x="{label_w}" width="{value_w}" height="{HEIGHT}" fill="{bg}"/>'
        f'<rect width="{total}" height="{HEIGHT}" fill="url(#{uid}-s)"/></g>'
        f'<g text-anchor="middle" font-family="{FONT_FAMILY}" '
        f'font-size="{FONT_SIZE}" text-rendering="geometricPrecision">'
        f"{_part(0, label_w, label, LIGHT_TEXT)}"
        f"{_part(label_w, value_w, value, fg)}"
        "</g></svg>\n"
    )
