"""SVG charts of OKR progress, drawn with pygal.

Pure functions, plain data in, a standalone SVG document (str) out:

* :func:`department_progress_chart` - horizontal bars, progress per department;
* :func:`score_history_chart` - the company's score or progress across cycles;
* :func:`score_distribution_chart` - how many objectives ended in each score band.

The many small charts, one per key result, are drawn directly by
:mod:`okrsite.render.linechart` in the same style, as pygal would be too slow
for them.

Each carries its colours for a dark colour scheme in its own CSS
(:func:`okrsite.render.linechart.dark_style`), which applies in an ``<img>`` too.

The SVGs are meant for ``<img src="chart.svg" alt="...">``: they keep the XML
declaration, have a ``viewBox`` but no ``width``/``height`` (they scale to the
``<img>``'s CSS width; give the img ``width: 100%; height: auto``), and work
without JavaScript. They load nothing: pygal's tooltip script and its inline
config script are left out, and only locally installed fonts are named. Each
SVG has ``role="img"``, a ``<title>`` and a ``<desc>`` stating the data in words.

Output is deterministic: pygal's random chart id is replaced by a hash of the
inputs and its comments (which carry the render date) are dropped.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from functools import partial
from typing import Any
from xml.etree import ElementTree as ET

import pygal
from pygal.style import Style

from okrsite.model import GRADES
from okrsite.render import palette
from okrsite.render.formatting import STATUS_LABELS, percent
from okrsite.render.linechart import BLUE as _BLUE, FONT as _FONT, GREY as _GREY, GUIDE as _GUIDE, \
    STRONG as _STRONG, TEXT as _TEXT, dark_style, place_label
from okrsite.xmltext import clean

__all__ = [
    "CHART_STYLE",
    "GOOD_SCORE",
    "department_progress_chart",
    "score_distribution_chart",
    "score_history_chart",
]

#: The size of a chart (the department chart grows taller with its bars): small enough that its
#: labels stay legible when a phone shrinks it to fit.
WIDTH, HEIGHT = 640, 320

#: The OKR "good stretch" score; the score history chart draws a line there.
GOOD_SCORE = 0.7

_GREEN, _RED, _AMBER = palette.GREEN, palette.RED_BAR, palette.AMBER_BAR  # the grades, as the pages' bars show them

_STYLE_OPTIONS: dict[str, Any] = dict(
    background="#ffffff",
    plot_background="#ffffff",
    foreground=_TEXT,             # axis labels, values
    foreground_strong=_STRONG,    # title, axis lines
    foreground_subtle=_GUIDE,     # guide lines
    opacity="1",
    opacity_hover="1",
    transition="0ms",
    colors=(_BLUE, _GREY, _GREEN, palette.AMBER, palette.RED, palette.PURPLE),
    font_family=_FONT,
    title_font_size=17,
    label_font_size=12,
    major_label_font_size=12,
    value_font_size=12,
    value_label_font_size=12,
    legend_font_size=13,
    no_data_font_size=20,
    guide_stroke_color=_GUIDE,
    major_guide_stroke_color=_GUIDE,
    guide_stroke_dasharray="0",
    major_guide_stroke_dasharray="0",
)
#: The style of all charts, built once (pygal styles are not cheap).
CHART_STYLE = Style(**_STYLE_OPTIONS)
#: The same with the grades' colours: missed, progress made, achieved.
GRADE_STYLE = Style(**{**_STYLE_OPTIONS, "colors": (_RED, _AMBER, _GREEN)})

# CSS added to pygal's own; "{id}" is the chart's scoping selector.
_EXTRA_CSS = (
    "{id}.axis text.major{fill:%s}"
    "{id}.axis .major.line,{id}.axis .guide.line{stroke:%s}"
    "{id}.serie-0 .line{stroke-width:3px}"
    "{id}.serie-1 .line{stroke-width:2px;stroke-dasharray:7 5}"
    "{id}.dot{stroke:#fff;stroke-width:2px}"
    "{id}.line{stroke-opacity:1}"
    "{id}.title{font-size:13px;fill:%s}"
    "{id}.title.plot_title{font-size:17px;fill:%s}"
    "{id}.text-overlay text.value{fill:%s;font-weight:600;"
    "stroke:#fff;stroke-width:3px;stroke-linejoin:round;paint-order:stroke}"
    "{id}.text-overlay text.value.inside{fill:#fff;stroke:none}"
) % (_TEXT, _GUIDE, _TEXT, _STRONG, _STRONG) + dark_style("{id}", series=False) + (
    # in a dark scheme the bars keep their colours, so a value inside one stays white
    "@media (prefers-color-scheme: dark){{id}.text-overlay text.value.inside{fill:#fff;stroke:none}}")

# Options shared by every chart.
_BASE: dict[str, Any] = dict(
    style=CHART_STYLE,
    width=WIDTH,
    height=HEIGHT,
    explicit_size=False,
    disable_xml_declaration=False,
    js=[],
    legend_at_bottom=True,
    legend_at_bottom_columns=2,  # = the number of series (pygal needs that)
    legend_box_size=14,
    margin=16,
    margin_right=36,
    spacing=12,
    truncate_legend=-1,
    truncate_label=-1,
    show_x_guides=False,
    no_data_text="No data yet",
)


_Fix = Callable[[ET.Element], None]


def _clamp01(value: float) -> float:
    """Clamp to 0..1; NaN becomes 0."""
    return 0.0 if math.isnan(value) else min(1.0, max(0.0, value))


def _chart(kind: Callable[..., Any], key: object, **options: Any) -> Any:
    """A pygal chart of class ``kind`` (``pygal.Bar``, ...) with a deterministic id from ``key``.

    pygal names each chart with a random uuid, which also scopes its CSS; a hash
    of the inputs, put in its place by an XML filter (pygal's public way to change
    its output), keeps the output reproducible and still unique per chart.
    """
    name = "chart-" + hashlib.blake2s(repr(key).encode(), digest_size=8).hexdigest()
    css = _EXTRA_CSS.replace("{id}", f"#{name} ")
    chart = kind(**{**_BASE, **options},
                 css=("file://style.css", "file://graph.css", "inline:" + css))
    chart.add_xml_filter(partial(_rename, name))
    return chart


def _rename(name: str, root: ET.Element) -> ET.Element:
    """Give the chart ``name`` for an id in place of pygal's random one, in its CSS too."""
    random = root.get("id")
    root.set("id", name)
    for style in root.iter("style"):
        if random and style.text:
            style.text = style.text.replace(random, name)
    return root


def _render(chart: Any, desc: str, fix: _Fix | None = None) -> str:
    """Render ``chart`` to a str with ``desc`` as its ``<desc>``.

    Removes every comment (pygal writes the render date in one), every
    ``<script>`` and the tooltip data (``<desc>``/``<title>`` below the root,
    useless without JavaScript), then applies ``fix`` to the tree.
    """
    def clean(root: ET.Element) -> ET.Element:
        for parent in list(root.iter()):
            for child in list(parent):
                if (not isinstance(child.tag, str) or child.tag == "script"  # a comment's tag is a function
                        or (parent is not root and child.tag in ("desc", "title"))):
                    parent.remove(child)
        root.set("role", "img")
        node = root.makeelement("desc", {})
        node.text = desc
        root.insert(2, node)  # after <defs> and <title>
        if fix:
            fix(root)
        return root

    chart.add_xml_filter(clean)
    return chart.render(is_unicode=True)


def _place_bar_values(root: ET.Element) -> None:
    """Put each bar's value label inside its bar's end, or after a short bar."""
    rects = [r for r in root.iter("rect") if "rect" in r.get("class", "").split()]
    texts = [t for t in root.iter("text") if t.get("class") == "value"]
    for rect, text in zip(rects, texts):
        left, width = float(rect.get("x", 0)), float(rect.get("width", 0))
        if width >= 48:
            text.set("x", f"{left + width - 8:.2f}")
            text.set("text-anchor", "end")
            text.set("class", "value inside")
        else:
            text.set("x", f"{left + width + 6:.2f}")
            text.set("text-anchor", "start")


def _place_point_values(root: ET.Element) -> None:
    """Move each dot's value label next to its dot, clear of the line.

    Only the first series has dots, so dots and value labels pair up in order.
    """
    plot = root.find(".//g[@class='plot']/rect")
    right = float(plot.get("width", WIDTH)) if plot is not None else WIDTH
    bottom = float(plot.get("height", HEIGHT)) if plot is not None else HEIGHT
    dots = [c for c in root.iter("circle") if "dot" in c.get("class", "").split()]
    texts = [t for t in root.iter("text") if t.get("class") == "value"]
    xs = [float(d.get("cx", 0)) for d in dots]
    ys = [float(d.get("cy", 0)) for d in dots]
    for i, text in enumerate(texts[:len(dots)]):
        x, y, anchor = place_label(xs, ys, i, right, bottom)
        text.set("x", f"{x:.2f}")
        text.set("y", f"{y:.2f}")
        text.set("text-anchor", anchor)


def department_progress_chart(title: str, bars: list[tuple[str, float]]) -> str:
    """Horizontal bars of the departments' progress (fractions 0..1).

    ``bars`` are ``(department name, progress)`` pairs, drawn top to bottom in
    the given order on a 0-100 % axis with value labels such as ``"62 %"``.
    The chart grows taller with the number of bars.
    """
    title, values = clean(title), [(clean(name), _clamp01(p)) for name, p in bars]
    chart = _chart(
        pygal.HorizontalBar, ("dept", title, values),
        title=title,
        height=max(HEIGHT, 110 + 40 * len(values)),
        show_legend=False,
        range=(0, 100),
        y_labels=list(range(0, 101, 20)),
        value_formatter=lambda v: f"{v:.0f} %",
        print_values=True,
        print_values_position="top",
        truncate_label=36,
    )
    chart.x_labels = [name for name, _ in reversed(values)]
    chart.add("Progress", [p * 100 for _, p in reversed(values)])
    said = "; ".join(f"{name}: {percent(p)}" for name, p in values)
    return _render(chart, f"{title}. {said or 'No departments'}.",
                   _place_bar_values)


def score_history_chart(title: str, points: list[tuple[str, float]]) -> str:
    """The company's score (or progress) per cycle, oldest first.

    ``points`` are ``(cycle title, value 0..1)`` pairs such as
    ``("Q3 2026", 0.67)``; each point is labelled ``"0.67"`` and a dashed line
    marks the good-stretch score :data:`GOOD_SCORE` (0.7).
    """
    title, values = clean(title), [(clean(label), _clamp01(v)) for label, v in points]
    count = len(values)
    chart = _chart(
        pygal.XY, ("score", title, values),
        title=title,
        range=(0, 1),
        # x = 1..count, with room beside the first and last point; x = 0 is
        # kept out of the range as pygal would draw a y axis line there
        xrange=(0.5, count + 0.5),
        x_labels=[{"label": label, "value": i} for i, (label, _) in
                  enumerate(values, 1)],
        y_labels=[i / 10 for i in range(0, 11, 2)],
        value_formatter=lambda v: f"{v:.1f}",
        formatter=lambda point: f"{point[1]:.2f}",
        dots_size=5,
        print_values=True,
        print_values_position="top",
    )
    chart.add("Score", [(i, v) for i, (_, v) in enumerate(values, 1)])
    if values:  # else pygal shows its "no data" text
        chart.add(f"Good stretch ({GOOD_SCORE})",
                  [(0.5, GOOD_SCORE), (count + 0.5, GOOD_SCORE)],
                  show_dots=False)
    said = "; ".join(f"{label}: {v:.2f}" for label, v in values)
    desc = f"{title}. {said or 'No cycles yet'}. Good stretch score: {GOOD_SCORE}."
    return _render(chart, desc, _place_point_values)


def score_distribution_chart(title: str, bands: list[tuple[str, tuple[int, ...]]]) -> str:
    """Stacked bars of how many objectives ended in each score band, split by grade.

    ``bands`` are ``(label, counts)`` pairs, lowest band first, with the counts in the
    order of :data:`okrsite.model.GRADES`: ``("0.6–0.7", (0, 3, 0))`` is three
    objectives graded "progress made". Missed is drawn red, progress amber, achieved green.
    """
    top = max((sum(counts) for _, counts in bands), default=0) or 1
    title = clean(title)  # the band labels are okrsite's own
    chart = _chart(
        pygal.StackedBar, ("distribution", title, bands),
        style=GRADE_STYLE,
        title=title,
        legend_at_bottom_columns=len(GRADES),
        range=(0, top),
        y_labels=_whole_steps(top),
        value_formatter=lambda v: f"{v:.0f}",
        x_title="Final score",
        y_title="Objectives",
    )
    chart.x_labels = [label for label, _ in bands]
    for index in reversed(range(len(GRADES))):  # missed first: red, amber, green
        chart.add(STATUS_LABELS[GRADES[index]], [counts[index] or None for _, counts in bands])
    said = "; ".join(f"{label}: {sum(counts)}" for label, counts in bands if sum(counts))
    return _render(chart, f"{title}. Objectives per final score band: {said or 'none'}.")


def _whole_steps(top: int) -> list[int]:
    """About five whole-number axis labels from 0 to at least ``top``."""
    step = max(1, math.ceil(top / 5))
    return list(range(0, top + step, step))
