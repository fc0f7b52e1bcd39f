"""Tests of okrsite.render.badges: flat SVG status badges."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from okrsite.render.formatting import STATUS_LABELS
from hypothesis import given
from hypothesis import strategies as st

from okrsite.render.badges import (
    LABEL_COLOR,
    NEUTRAL_COLORS,
    STATUS_COLORS,
    badge_colors,
    render_badge,
    text_width,
)

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    """Parse a badge; fails the test if it is not well-formed XML."""
    return ET.fromstring(svg)


def visible_texts(root: ET.Element) -> list[str]:
    """The texts a reader sees (the shadow copies are aria-hidden)."""
    return [t.text or "" for t in root.iter(f"{SVG}text")
            if t.get("aria-hidden") != "true"]


def value_fill(root: ET.Element) -> str:
    """Background colour of the value (right) part."""
    rects = [r for r in root.iter(f"{SVG}rect") if r.get("x")]
    return rects[-1].get("fill")


def luminance(color: str) -> float:
    """WCAG relative luminance of #rgb or #rrggbb."""
    h = color.lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    channels = [int(h[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
           for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours."""
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_texts_title_and_aria_label():
    root = parse(render_badge("Q4 2026", "62 %", "on-track"))
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-label") == "Q4 2026: 62 %, on track"
    assert root.find(f"{SVG}title").text == "Q4 2026: 62 %, on track"
    assert visible_texts(root) == ["Q4 2026", "62 %"]


@pytest.mark.parametrize("status, words", [
    ("at-risk", "at risk"), ("off-track", "off track"), ("achieved", "achieved"),
    ("progress", "progress made"), ("missed", "missed"), ("none", None),
])
def test_title_says_the_status_in_words(status, words):
    """Status is never only a colour: the title a screen reader reads names it."""
    title = parse(render_badge("Q3 2026", "0.70", status)).find(f"{SVG}title").text
    assert title == ("Q3 2026: 0.70" + (f", {words}" if words else ""))


def test_intrinsic_size_matches_viewbox():
    root = parse(render_badge("Q4 2026", "62 %", "on-track"))
    width, height = int(root.get("width")), int(root.get("height"))
    assert height == 20
    assert root.get("viewBox") == f"0 0 {width} {height}"


@pytest.mark.parametrize("status, color", [
    ("on-track", "#2e7d32"), ("achieved", "#2e7d32"),
    ("at-risk", "#f9a825"), ("progress", "#f9a825"),
    ("off-track", "#c62828"), ("missed", "#c62828"),
    ("none", NEUTRAL_COLORS[0]), ("", NEUTRAL_COLORS[0]),
    ("upcoming", NEUTRAL_COLORS[0]),
])
def test_status_colour(status, color):
    assert value_fill(parse(render_badge("Q4", "1 %", status))) == color


def test_status_colours_differ():
    fills = {value_fill(parse(render_badge("Q4", "1 %", s)))
             for s in ("on-track", "at-risk", "off-track", "none")}
    assert len(fills) == 4
    assert LABEL_COLOR not in fills


def test_status_matching_is_lenient():
    assert badge_colors(" On_Track ") == STATUS_COLORS["on-track"]
    assert badge_colors("AT RISK") == STATUS_COLORS["at-risk"]


@pytest.mark.parametrize("background, text",
                         [*STATUS_COLORS.values(), NEUTRAL_COLORS,
                          (LABEL_COLOR, "#fff")])
def test_text_contrast_at_least_4_5(background, text):
    assert contrast(background, text) >= 4.5


def test_value_text_uses_the_status_text_colour():
    root = parse(render_badge("Q4", "41 %", "at-risk"))
    value = [t for t in root.iter(f"{SVG}text")
             if t.get("aria-hidden") != "true"][-1]
    assert value.get("fill") == STATUS_COLORS["at-risk"][1]


def test_width_grows_with_text_length():
    def width(label: str, value: str) -> int:
        return int(parse(render_badge(label, value, "none")).get("width"))

    assert width("Q4", "1 %") < width("Q4 2026", "1 %") < width(
        "Marketing department, Q4 2026", "1 %")
    assert width("Q4", "1 %") < width("Q4", "100 %")
    # per-character widths, not a fixed width per character
    assert width("WWWW", "x") > width("iiii", "x")


def test_text_length_fits_the_parts():
    root = parse(render_badge("Q4 2026", "62 %", "on-track"))
    texts = [t for t in root.iter(f"{SVG}text")
             if t.get("aria-hidden") != "true"]
    total = int(root.get("width"))
    lengths = [float(t.get("textLength")) for t in texts]
    assert sum(lengths) < total
    assert lengths[0] == pytest.approx(text_width("Q4 2026"), abs=1)


def test_text_width_handles_any_character():
    assert text_width("") == 0
    assert text_width("é") == text_width("e")
    assert text_width("目標") > text_width("ab")
    assert text_width("e\u0301") == text_width("e")  # combining accent


def test_escaping_of_markup_in_texts():
    nasty = "<script>alert('x')</script> & \"quoted\""
    svg = render_badge(nasty, "A&B <b>", "on-track")
    root = parse(svg)
    assert "<script" not in svg
    assert not list(root.iter(f"{SVG}script"))
    spoken = f"{nasty}: A&B <b>, on track"
    assert root.get("aria-label") == spoken
    assert root.find(f"{SVG}title").text == spoken
    assert visible_texts(root) == [nasty, "A&B <b>"]


def test_whitespace_collapsed_and_control_characters_dropped():
    root = parse(render_badge(" Q4\n\t2026\x00 ", "62\x07 %", "on-track"))
    assert visible_texts(root) == ["Q4 2026", "62 %"]


def test_empty_label_gives_value_only_badge():
    root = parse(render_badge("", "62 %", "on-track"))
    assert root.get("aria-label") == "62 %, on track"
    assert visible_texts(root) == ["62 %"]
    assert LABEL_COLOR not in {r.get("fill") for r in root.iter(f"{SVG}rect")}


def test_deterministic():
    args = ("Q4 2026", "62 %", "on-track")
    assert render_badge(*args) == render_badge(*args)


def test_ids_differ_between_badges():
    """Two badges inlined in one page must not share clip-path ids."""
    def ids(svg: str) -> set[str]:
        return {e.get("id") for e in parse(svg).iter() if e.get("id")}

    a = ids(render_badge("Q4 2026", "62 %", "on-track"))
    b = ids(render_badge("Q4 2026", "100 %", "on-track"))
    assert a and b and not a & b


def test_loads_nothing():
    svg = render_badge("Q4 2026", "62 %", "on-track")
    root = parse(svg)
    assert re.findall(r"https?://[^\"]*", svg) == ["http://www.w3.org/2000/svg"]
    for element in root.iter():
        assert not element.tag.endswith(("script", "image", "foreignObject"))
        for name, value in element.attrib.items():
            assert "http" not in value, (name, value)
    assert "@import" not in svg and "url(http" not in svg
    families = {e.get("font-family") for e in root.iter() if e.get("font-family")}
    assert families == {"Verdana,DejaVu Sans,sans-serif"}


@given(st.text(), st.text(), st.sampled_from(
    ["on-track", "at-risk", "off-track", "achieved", "missed", "none", "?"]))
def test_any_text_gives_well_formed_svg(label, value, status):
    root = parse(render_badge(label, value, status))
    clean = [" ".join(re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", "",
                             s).split()) for s in (label, value)]
    spoken = f"{clean[0]}: {clean[1]}" if clean[0] else clean[1]
    if status in STATUS_LABELS and status:
        spoken += f", {STATUS_LABELS[status].lower()}"
    assert root.find(f"{SVG}title").text == (spoken or None)
    assert root.get("aria-label") == spoken


def test_the_pages_bars_and_the_charts_share_one_palette():
    """The theme's stylesheet draws status bars in the colours okrsite's charts use (render/palette.py)."""
    import re

    from conftest import REPO
    from okrsite.render import palette

    css = (REPO / "themes/default/static/style.css").read_text(encoding="utf-8")
    light = css[css.index(":root {"):css.index("@media (prefers-color-scheme: dark)")]
    assert re.search(r"--amber-bar:\s*(#[0-9a-f]+)", light).group(1) == palette.AMBER_BAR
    assert re.search(r"--red-bar:\s*(#[0-9a-f]+)", light).group(1) == palette.RED_BAR
    assert {status: colours[0] for status, colours in STATUS_COLORS.items()} == palette.STATUS
