"""Line charts over a cycle, drawn directly as SVG text: a key result's check-ins, or any
series of dated values, against the ideal pace to a target.

Every metric key result with check-ins has one, so a 1,000-person company has
about 12,000 of them; pygal takes about 3 ms for each, this module well under 1 ms.
The charts look like :mod:`okrsite.render.charts`' pygal charts (fonts, colours)
and follow the same rules: a standalone document with a ``viewBox`` and no size,
``role="img"``, a ``<title>`` and a ``<desc>`` stating the data in words, nothing
loaded, deterministic output, and colours for a dark colour scheme in their own
``<style>`` (:func:`dark_style`), which works in an ``<img>`` too.

They are small (:data:`WIDTH` by :data:`HEIGHT`) so that a page shows a key result's
chart beside its numbers, and stay legible on a phone. Labels never overlap
(:mod:`okrsite.render.labels`): the target and the latest value always show.

The drawing helpers (:func:`padded_range`, :func:`label_offset`) are shared with the pygal charts.
"""

from __future__ import annotations

import bisect
import datetime
import functools
import html
import math
import operator
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from okrsite.render import palette
from okrsite.render.labels import Box, Item, Segment, placed, text_width
from okrsite.render.formatting import format_number, percent, short_date
from okrsite.xmltext import clean

WIDTH, HEIGHT = 440, 208
FONT = ('-apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, '
        '"DejaVu Sans", "Liberation Sans", sans-serif')
TEXT, STRONG, GUIDE, BLUE, GREY = palette.TEXT, palette.STRONG, palette.GUIDE, palette.BLUE, palette.GREY

# The plot area, in the chart's coordinates; the unit and the legend are above it, the dates
# below, the values' ticks to its left (as wide as they need: LEFT is the least).
LEFT, RIGHT, TOP, BOTTOM = 40.0, 430.0, 32.0, 182.0
INSET = 12.0  # the first and last day are drawn this far inside the plot
MAX_TICKS = 8
Y_TICKS = 5  # at most, on these small charts
NICE_STEPS = (1, 2, 2.5, 5, 10)

def escape(text: str) -> str:
    """``text`` for SVG element content or attribute values: escaped, without characters XML forbids
    (printable ASCII has none to drop)."""
    return html.escape(text if text.isascii() and text.isprintable() else clean(text))


def dark_style(scope: str = "", series: bool = True) -> str:
    """The CSS giving a chart ``scope`` (a selector and a space, or nothing) its dark colours when the
    reader's system asks for a dark scheme; an SVG's own ``<style>`` applies in an ``<img>`` too.

    It covers this module's charts and pygal's (whose own rules it outweighs); ``series`` also
    recolours the lines of :data:`palette.SERIES` (pygal's series keep their colours)."""
    def rule(selectors: str, declarations: str) -> str:
        return ",".join(scope + selector for selector in selectors.split(",")) + "{" + declarations + "}"

    rules = [rule(".bg,.graph > .background,.plot > .background", f"fill:{palette.DARK_BACKGROUND}"),
             rule("text,.title,.title.plot_title,.legends .legend text,.series text,.text-overlay text.value",
                  f"fill:{palette.DARK_TEXT_CHART}"),
             rule(".axis text,.axis text.major,.axis .title", f"fill:{palette.DARK_MUTED}"),
             rule(".axis .line,.axis .major.line", f"stroke:{palette.DARK_MUTED}"),
             rule(".axis .guide.line,.axis .guides .line,.axis .major.guide.line", f"stroke:{palette.DARK_GUIDE}"),
             rule("text.value,text.target-label,.text-overlay text.value,.dot", f"stroke:{palette.DARK_BACKGROUND}")]
    if series:
        for index, colour in enumerate(palette.DARK_SERIES):
            rules += [rule(f".serie-{index} path", f"stroke:{colour}"), rule(f".serie-{index} .dot,.key-{index}", f"fill:{colour}")]
        rules.append(rule(".series.pace path,.target", f"stroke:{palette.DARK_GREY}"))
    return "@media (prefers-color-scheme: dark){" + "".join(rules) + "}"


_HEAD = ("<?xml version='1.0' encoding='utf-8'?>\n"
         f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
         f'font-family="{escape(FONT)}" font-size="12" fill="{TEXT}">')
_STYLE = f"<style>{dark_style()}</style>"
_LEGEND = ('<rect class="{cls}" x="{x:.1f}" y="6" width="10" height="10" fill="{color}"/>'
           '<text x="{tx:.1f}" y="15">{label}</text>')


def day_of(value: datetime.date) -> datetime.date:
    """The calendar day of a date or datetime."""
    return value.date() if isinstance(value, datetime.datetime) else value


def date_ticks(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """X-axis ticks: start, end and each first of a month (weeks if short)."""
    span = (end - start).days
    if span <= 0:
        return [start]
    if span < 50:
        inner = [start + datetime.timedelta(days=n) for n in range(7, span, 7)]
    else:
        days = (start + datetime.timedelta(days=n) for n in range(1, span))
        inner = [d for d in days if d.day == 1]
    gap = span * 0.12  # keep inner labels clear of the start and end labels
    inner = [d for d in inner if gap < (d - start).days < span - gap]
    return [start, *inner, end]


def padded_range(values: list[float]) -> tuple[float, float]:
    """A y range around ``values`` with 12 % room above and below for labels.

    The room below never crosses zero: values that are all >= 0 keep 0 as the
    lowest possible bound. The range stays within the floats, however large the values.
    """
    low, high = min(values), max(values)
    span = high - low if math.isfinite(high - low) else sys.float_info.max
    pad = (span or abs(high) or 1) * 0.12
    bottom = max(low - pad, -sys.float_info.max)
    if low >= 0 > bottom:
        bottom = 0.0
    return bottom, min(high + pad, sys.float_info.max)


def share(value: float, low: float, high: float) -> float:
    """Where ``value`` lies from ``low`` (0) to ``high`` (1); values halved first where
    their differences would overflow (a range from -1e308 to 1e308)."""
    span = high - low
    if math.isfinite(span):
        return (value - low) / span
    return (value / 2 - low / 2) / (high / 2 - low / 2)


def value_ticks(low: float, high: float, most: int = MAX_TICKS) -> list[float]:
    """Round y-axis values inside ``low..high``: at most ``most``, a step of 1, 2, 2.5 or 5 times a power of ten."""
    span = high - low
    if span == math.inf:  # beyond the floats: the ticks of half the range, doubled
        return [2 * value for value in value_ticks(low / 2, high / 2, most)]
    if not span > 0 or not math.isfinite(span):
        return [low] if math.isfinite(low) else []
    power = 10.0 ** math.floor(math.log10(span / most))
    for nice in NICE_STEPS:
        step = nice * power
        first, last = math.ceil(low / step - 1e-9), math.floor(high / step + 1e-9)
        if last - first + 1 <= most:
            return list(_multiples(first, last, step))
    return [low, high]


@functools.lru_cache(maxsize=1024)
def _multiples(first: int, last: int, step: float) -> tuple[float, ...]:
    """``first`` to ``last`` times ``step``, rounded: the same for the charts of many ranges."""
    return tuple(round(k * step, 10) for k in range(first, last + 1))


def label_offset(prev: float | None, y: float, nxt: float | None) -> tuple[float, float, str]:
    """Where a point's label goes, as ``(dx, dy, text-anchor)``.

    Picks the side of the point its line segments leave free, from the SVG
    y of the previous and next points (smaller y is higher up).
    """
    up_prev = prev is not None and prev < y - 0.5
    up_next = nxt is not None and nxt < y - 0.5
    down_next = nxt is not None and nxt > y + 0.5
    if up_prev and (up_next or nxt is None):     # valley, or falling end
        return 0, 20, "middle"
    if up_prev or (down_next and prev is None):  # falling
        return 8, -8, "start"
    if up_next:                                  # rising
        return (10, 18, "start") if prev is None else (-8, -8, "end")
    return 0, -11, "middle"                      # peak, flat, lone point


def place_label(xs: list[float], ys: list[float], index: int, right: float, bottom: float,
                left: float = 0.0, top: float = 0.0) -> tuple[float, float, str]:
    """The position ``(x, y, text-anchor)`` of point ``index``'s label in a plot
    from ``left, top`` to ``right, bottom``, kept clear of the lines and inside."""
    x, y = xs[index], ys[index]
    dx, dy, anchor = label_offset(ys[index - 1] if index else None, y,
                                  ys[index + 1] if index + 1 < len(ys) else None)
    if anchor != "start" and x + dx < left + 50:
        dx, anchor = 8, "start"
    elif anchor != "end" and x + dx > right - 50:
        dx, anchor = -8, "end"
    if not top - 6 < y + dy < bottom - 4:  # may reach up into the margin
        dy = 20 if dy < 0 else 4 if anchor == "start" else -11
    return x + dx, y + dy, anchor


@dataclass(frozen=True)
class Series:
    """One line of a chart: ``points`` are ``(date, value)`` pairs in any order."""

    label: str
    points: Sequence[tuple[datetime.date, float]]


@dataclass(frozen=True)
class Pace:
    """The ideal pace: a dashed line from ``start`` on the first day to ``target`` on the last, its end labelled."""

    start: float
    target: float
    label: str = "Ideal pace"


def checkin_chart(
    title: str,
    start: datetime.date,
    end: datetime.date,
    start_value: float,
    target_value: float,
    checkins: list[tuple[datetime.date, float]],
    unit: str = "",
) -> str:
    """A key result's check-ins over the cycle against the ideal pace.

    The "Actual" line starts at ``(start, start_value)`` and goes through the
    check-ins (sorted by date), each labelled like ``"41,000 leads"`` (see
    :func:`format_number`) where there is room; the dashed "Ideal pace" line runs
    straight from ``(start, start_value)`` to ``(end, target_value)``, its end
    labelled ``"Target 100,000 leads"``. Works for falling targets
    (``target_value < start_value``) and for no check-ins at all.
    """
    start = day_of(start)
    checks = sorted([(day_of(day), value) for day, value in checkins], key=_day)
    texts = [_value_text(value, unit) for _, value in checks]  # the check-ins' labels too
    said = "; ".join([f"{short_date(day)}: {text}" for (day, _), text in zip(checks, texts)])
    start_text, target_text = _value_text(start_value, unit), _value_text(target_value, unit)
    desc = (f"{title}. From {start_text} on {short_date(start)} to a target of {target_text} "
            f"by {short_date(day_of(end))}. " + (f"Check-ins: {said}." if said else "No check-ins yet."))
    at = bisect.bisect_left(checks, start, key=_day)  # the start point goes before same-day check-ins
    checks.insert(at, (start, start_value))
    texts.insert(at, start_text)
    return _draw(title, desc, start, day_of(end), ("Actual",), [checks], [texts], Pace(start_value, target_value),
                 target_text, unit)


_day = operator.itemgetter(0)  # a point's day


def _value_text(value: float, unit: str) -> str:
    """A value as its chart writes it (:func:`format_number` to 2 places, which keeps each text it wrote)."""
    return format_number(value, unit, 2)


def line_chart(title: str, desc: str, start: datetime.date, end: datetime.date, series: Sequence[Series],
               pace: Pace | None = None, unit: str = "", percent_values: bool = False) -> str:
    """A chart of ``series`` over the days from ``start`` to ``end``, with the ``pace`` line if given.

    ``title`` is the SVG's ``<title>``, ``desc`` its ``<desc>`` (the data in words). Values
    are written like ``"41,000 leads"`` (``unit``), or as percentages (``"42 %"``) with
    ``percent_values`` for fractions 0..1. A single series labels each point where there
    is room; several label their latest points; the latest points and the target always show.
    Series take the colours of :data:`palette.SERIES` in order, up to four.
    """
    def label(value: float) -> str:
        return percent(value) if percent_values else _value_text(value, unit)

    points = [sorted([(day_of(d), v) for d, v in s.points], key=_day) for s in series]
    return _draw(title, desc, day_of(start), day_of(end), tuple(s.label for s in series), points,
                 [[label(v) for _, v in line] for line in points], pace, label(pace.target) if pace else "", unit,
                 percent_values)


def _draw(title: str, desc: str, start: datetime.date, end: datetime.date, names: tuple[str, ...],
          points: list[list[tuple[datetime.date, float]]], texts: list[list[str]], pace: Pace | None,
          target_text: str, unit: str, percent_values: bool = False) -> str:
    """:func:`line_chart` of series ``names`` whose ``points`` are sorted by day and labelled ``texts``."""
    first = min([start, *(line[0][0] for line in points if line)])
    days = max((max([end, *(line[-1][0] for line in points if line)]) - first).days, 1)
    values = [v for line in points for _, v in line] + ([pace.start, pace.target] if pace else [])
    low, high = padded_range(values or [0.0])
    ticks = tuple(value_ticks(low, high, Y_TICKS))
    left, marks, axis_line = _value_axis(ticks, percent_values)
    xs = [_xs([d for d, _ in line], first, days, left) for line in points]
    ys = [_ys([v for _, v in line], low, high) for line in points]
    parts = [_HEAD, f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>", _BACKGROUND,
             _legend(names, pace.label if pace else None, "" if percent_values else unit),
             _y_axis(marks, _ys(ticks, low, high), axis_line), _x_axis(start, end, first, days, left)]
    coords = [([f"{x:.2f}" for x in line_x], [f"{y:.2f}" for y in line_y]) for line_x, line_y in zip(xs, ys)]
    parts += [_line(i, line_x, line_y, _SERIES_STROKES[i % 4]) for i, (line_x, line_y) in enumerate(coords)]
    ends = None
    if pace:
        (x0, x1), (y0, y1) = _xs([start, end], first, days, left), _ys([pace.start, pace.target], low, high)
        ends = (x0, y0, x1, y1)
        parts.append(_line(len(points), [f"{x0:.2f}", f"{x1:.2f}"], [f"{y0:.2f}", f"{y1:.2f}"], _PACE_STROKE, " pace"))
        parts.append(f'<path class="target" d="M{x1:.2f} {y1 - 6:.2f}l6 6l-6 6l-6 -6z" fill="none" '
                     f'stroke="{GREY}" stroke-width="2"/>')
    parts += [_dots(i, line_x, line_y) for i, (line_x, line_y) in enumerate(coords)]
    labels = chart_labels(xs, ys, texts,
                          (ends[2], ends[3], "Target " + target_text, pace.target >= pace.start) if ends else None,
                          ends, (left, TOP - 6, RIGHT, BOTTOM - 2))
    parts += ['<g class="text-overlay">', *[_text(item) for item in labels], "</g></svg>\n"]
    return "".join(parts)


_BACKGROUND = f'{_STYLE}<rect class="bg" width="{WIDTH}" height="{HEIGHT}" fill="#fff"/>'
_SERIES_STROKES = [f'stroke="{colour}" stroke-width="3"' for colour in palette.SERIES[:4]]
_PACE_STROKE = f'stroke="{GREY}" stroke-width="2" stroke-dasharray="7 5"'


def plot_box(left: float = LEFT) -> Box:
    """Where the labels of a chart whose plot starts at ``left`` may go."""
    return Box(left, TOP - 6, RIGHT, BOTTOM - 2)


_Placed = tuple[float, float, str, str, str]  # a label placed: x, y, anchor, text, kind


def chart_labels(xs: list[list[float]], ys: list[list[float]], texts: list[list[str]],
                 target: tuple[float, float, str, bool] | None, pace: Segment | None,
                 plot: tuple[float, float, float, float]) -> list[_Placed]:
    """The labels of a chart's points, placed clear of each other, the dots and the lines
    (:func:`okrsite.render.labels.placed`), as ``(x, y, anchor, text, kind)``.

    ``xs``, ``ys`` and ``texts`` hold each series' points; ``target`` is the pace line's
    end ``(x, y, text, rising)`` and ``pace`` the line itself; ``plot`` is where they may go
    (left, top, right, bottom). The target and each series' latest point are always
    labelled, then the first series' start and its other points from the newest back
    (those only where there is room clear of the lines, and only when there is one series). They come in
    drawing order: the points' from left to right, then the target's.
    """
    dots = [(x, y) for line_x, line_y in zip(xs, ys) for x, y in zip(line_x, line_y)]
    lines: list[Segment] = [(a, b, c, d) for line_x, line_y in zip(xs, ys)
                            for a, b, c, d in zip(line_x, line_y, line_x[1:], line_y[1:])]
    wanted: list[Item] = []
    if target is not None:
        x, y, text, rising = target
        wanted.append((x, y, text, _TARGET_RISING if rising else _TARGET_FALLING, True, "target-label"))
    order = [(i, len(xs[i]) - 1) for i in range(len(xs)) if xs[i]]
    if len(xs) == 1 and xs[0]:
        order += [(0, 0)] + [(0, j) for j in range(len(xs[0]) - 2, 0, -1)]
    for i, j in dict.fromkeys(order):
        line_y = ys[i]
        last = len(line_y) - 1
        first = label_offset(line_y[j - 1] if j else None, line_y[j], line_y[j + 1] if j < last else None)
        wanted.append((xs[i][j], line_y[j], texts[i][j], first, j == last, "value"))
    if target is not None:
        dots.append(target[:2])
    found = placed(wanted, plot, dots, lines, [], [pace] if pace else [])
    labels = [(where[0], where[1], where[2], item[2], item[5]) for where, item in zip(found, wanted) if where is not None]
    labels.sort(key=_drawing_order)
    return labels


_TARGET_RISING, _TARGET_FALLING = (-10, -10, "end"), (-10, 20, "end")


def _drawing_order(label: _Placed) -> tuple[bool, float]:
    return label[4] != "value", label[0]


def _text(label: _Placed) -> str:
    x, y, anchor, text, kind = label
    return (f'<text class="{kind}" x="{x:.2f}" y="{y:.2f}" text-anchor="{anchor}" font-weight="600" fill="{TEXT}" '
            f'stroke="#fff" stroke-width="3" stroke-linejoin="round" paint-order="stroke">{_label_text(text)}</text>')


_label_text = functools.lru_cache(maxsize=4096)(escape)  # a few thousand values, written on many charts


@functools.lru_cache(maxsize=256)
def _legend(names: tuple[str, ...], pace: str | None, unit: str) -> str:
    """A row above the plot: the unit of the values at the left (where there is room), and
    the keys at the right, each series' colour and name, then the ``pace``'s (the same for
    most charts, so drawn once for them)."""
    keys = [(f"key-{i}", palette.SERIES[i % 4], name) for i, name in enumerate(names)]
    if pace is not None:
        keys.append(("key-pace", GREY, pace))
    widths = [24 + text_width(name) for _, _, name in keys]
    x = max(RIGHT - sum(widths), 4.0)  # from the left edge when the names are long
    parts = ['<g class="legends">']
    if unit and 4 + text_width(unit) + 12 < x:
        parts.append(f'<text class="title unit" x="4" y="15">{escape(unit)}</text>')
    for (cls, colour, name), width in zip(keys, widths):
        parts.append(_LEGEND.format(cls=cls, x=x, color=colour, tx=x + 14, label=escape(name)))
        x += width
    return "".join(parts) + "</g>"


def _line(index: int, xs: list[str], ys: list[str], stroke: str, kind: str = "") -> str:
    """The path through the points at ``xs``, ``ys`` (as written)."""
    path = "M" + " L".join([f"{x} {y}" for x, y in zip(xs, ys)]) if xs else ""
    return (f'<g class="series serie-{index}{kind}"><path d="{path}" fill="none" {stroke} '
            'stroke-linejoin="round" stroke-linecap="round"/></g>')


def _dots(index: int, xs: list[str], ys: list[str]) -> str:
    """The dots of series ``index`` at ``xs``, ``ys`` (as written)."""
    colour = palette.SERIES[index % 4]
    return "".join([f'<g class="dots serie-{index}">',
                    *[f'<circle class="dot" cx="{x}" cy="{y}" r="4" fill="{colour}" stroke="#fff" stroke-width="2"/>'
                      for x, y in zip(xs, ys)], "</g>"])


def _y_axis(marks: tuple[tuple[str, str, str], ...], ys: list[float], line: str) -> str:
    """The value axis: the ``marks`` of :func:`_value_axis` at their ticks' ``ys``, then its ``line``."""
    return "".join(['<g class="axis y">', *[f"{before}{y:.2f}{between}{y + 4:.2f}{after}"
                                            for y, (before, between, after) in zip(ys, marks)], line])


@functools.lru_cache(maxsize=1024)
def _value_axis(ticks: tuple[float, ...], percent_values: bool) -> tuple[float, tuple[tuple[str, str, str], ...], str]:
    """Where the plot starts (the ticks' texts at its left), and the value axis in pieces (:func:`_y_axis`):
    for each tick what comes before its y, between it and its text's y, and after; then the axis' line.
    The same for the charts of many ranges (80 tick sets for 12,312 charts), so made once for them."""
    texts = [percent(v) if percent_values else format_number(v, places=2) for v in ticks]
    left = min(max(LEFT, 12 + max((text_width(text) for text in texts), default=0)), WIDTH / 3)
    before = f'<path class="guide line" d="M{left:.1f} '
    between = f'H{RIGHT}" stroke="{GUIDE}"/><text class="major" x="{left - 6:.1f}" y="'
    marks = tuple((before, between, f'" text-anchor="end" fill="{STRONG}">{escape(text)}</text>') for text in texts)
    return left, marks, f'<path class="line" d="M{left:.2f} {TOP}V{BOTTOM}" stroke="{STRONG}"/></g>'


def _ys(values: Sequence[float], low: float, high: float) -> list[float]:
    """The y of each of ``values`` on an axis from ``low`` to ``high``."""
    span = high - low
    if math.isfinite(span):  # share(), the usual case in one go
        return [BOTTOM - (value - low) / span * (BOTTOM - TOP) for value in values]
    return [BOTTOM - share(value, low, high) * (BOTTOM - TOP) for value in values]


def _xs(days: list[datetime.date], first: datetime.date, count: int, left: float) -> list[float]:
    """The x of each of ``days`` on an axis of ``count`` days from ``first``, the plot starting at ``left``."""
    origin, width = left + INSET, RIGHT - left - 2 * INSET
    return [origin + (day - first).days / count * width for day in days]


@functools.lru_cache(maxsize=64)
def _x_axis(start: datetime.date, end: datetime.date, first: datetime.date, days: int, left: float) -> str:
    """The date axis; the same for most charts of a cycle, so drawn once for them."""
    parts = ['<g class="axis x">', f'<path class="line" d="M{left:.1f} {BOTTOM}H{RIGHT}" stroke="{STRONG}"/>']
    ticks = date_ticks(start, end)
    for day, x in zip(ticks, _xs(ticks, first, days, left)):
        parts.append(f'<path class="major line" d="M{x:.2f} {BOTTOM}v5" stroke="{STRONG}"/>'
                     f'<text x="{x:.2f}" y="{BOTTOM + 17}" text-anchor="middle">{short_date(day)}</text>')
    return "".join(parts) + "</g>"
