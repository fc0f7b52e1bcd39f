"""A key result's check-in chart, drawn directly as SVG text.

Every metric key result with check-ins has one, so a 1,000-person company has
about 12,000 of them; pygal takes about 3 ms for each, this module about 0.1 ms.
The chart looks like :mod:`okrsite.render.charts`' pygal charts (same size,
fonts, colours and label placement) and follows the same rules: a standalone
document with a ``viewBox`` and no size, ``role="img"``, a ``<title>`` and a
``<desc>`` stating the data in words, nothing loaded, deterministic output.

The drawing helpers (:func:`date_ticks`, :func:`padded_range`,
:func:`label_offset`) are shared with the pygal charts.
"""

from __future__ import annotations

import datetime
import functools
import html
import math
import sys

from okrsite.render import palette
from okrsite.render.formatting import format_number, short_date
from okrsite.xmltext import clean

WIDTH, HEIGHT = 800, 360
FONT = ('-apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, '
        '"DejaVu Sans", "Liberation Sans", sans-serif')
TEXT, STRONG, GUIDE, BLUE, GREY = palette.TEXT, palette.STRONG, palette.GUIDE, palette.BLUE, palette.GREY

# The plot area, in the chart's coordinates.
LEFT, RIGHT, TOP, BOTTOM = 108.0, 764.0, 46.0, 294.0
INSET = 14.0  # the first and last day are drawn this far inside the plot
MAX_TICKS = 8
NICE_STEPS = (1, 2, 2.5, 5, 10)

def escape(text: str) -> str:
    """``text`` for SVG element content or attribute values: escaped, without characters XML forbids."""
    return html.escape(clean(text))


_HEAD = ("<?xml version='1.0' encoding='utf-8'?>\n"
         f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
         f'font-family="{escape(FONT)}" font-size="12" fill="{TEXT}">')
_VALUE = (f'<text class="value" x="{{:.2f}}" y="{{:.2f}}" text-anchor="{{}}" font-weight="600" fill="{TEXT}" '
          'stroke="#fff" stroke-width="3" stroke-linejoin="round" paint-order="stroke">{}</text>')
_LEGEND = ('<rect x="{x}" y="{y}" width="14" height="14" fill="{color}"/>'
           '<text x="{tx}" y="{ty}" font-size="13">{label}</text>')


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
    gap = span * 0.07  # keep inner labels clear of the start and end labels
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


def value_ticks(low: float, high: float) -> list[float]:
    """Round y-axis values inside ``low..high``: at most 8, a step of 1, 2, 2.5 or 5 times a power of ten."""
    span = high - low
    if span == math.inf:  # beyond the floats: the ticks of half the range, doubled
        return [2 * value for value in value_ticks(low / 2, high / 2)]
    if not span > 0 or not math.isfinite(span):
        return [low] if math.isfinite(low) else []
    power = 10.0 ** math.floor(math.log10(span / MAX_TICKS))
    for nice in NICE_STEPS:
        step = nice * power
        first, last = math.ceil(low / step - 1e-9), math.floor(high / step + 1e-9)
        if last - first + 1 <= MAX_TICKS:
            return [round(k * step, 10) for k in range(first, last + 1)]
    return [low, high]


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
    :func:`format_number`); the dashed "Ideal pace" line runs straight from
    ``(start, start_value)`` to ``(end, target_value)``. Works for falling
    targets (``target_value < start_value``) and for no check-ins at all.
    """
    start, end = day_of(start), day_of(end)
    checks = sorted(((day_of(day), value) for day, value in checkins), key=lambda point: point[0])
    # sorted() is stable: the start point stays before same-day check-ins
    points = sorted([(start, start_value), *checks], key=lambda point: point[0])

    def fmt(value: float) -> str:
        return format_number(value, unit, places=2)

    first = min(start, points[0][0])
    days = max((max(end, points[-1][0]) - first).days, 1)
    low, high = padded_range([target_value] + [value for _, value in points])

    def x_of(day: datetime.date) -> float:
        return _x(day, first, days)

    def y_of(value: float) -> float:
        return BOTTOM - share(value, low, high) * (BOTTOM - TOP)

    said = "; ".join(f"{short_date(d)}: {fmt(v)}" for d, v in checks)
    desc = (f"{title}. From {fmt(start_value)} on {short_date(start)} to a target of {fmt(target_value)} "
            f"by {short_date(end)}. " + (f"Check-ins: {said}." if said else "No check-ins yet."))
    xs = [x_of(day) for day, _ in points]
    ys = [y_of(value) for _, value in points]
    parts = [_HEAD, f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>",
             f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#fff"/>',
             f'<text class="title" x="{WIDTH / 2}" y="26" text-anchor="middle" font-size="17" fill="{STRONG}">'
             f"{escape(title)}</text>",
             _y_axis(low, high, y_of, unit), _x_axis(start, end, first, days),
             _line(0, xs, ys, f'stroke="{BLUE}" stroke-width="3"'),
             _line(1, [x_of(start), x_of(end)], [y_of(start_value), y_of(target_value)],
                   f'stroke="{GREY}" stroke-width="2" stroke-dasharray="7 5"'),
             '<g class="dots">', *(f'<circle class="dot" cx="{x:.2f}" cy="{y:.2f}" r="5" fill="{BLUE}" '
                                   'stroke="#fff" stroke-width="2"/>' for x, y in zip(xs, ys)), "</g>",
             '<g class="text-overlay">',
             *(_VALUE.format(*place_label(xs, ys, i, RIGHT, BOTTOM, LEFT, TOP), escape(fmt(value)))
               for i, (_, value) in enumerate(points)), "</g>",
             '<g class="legends">', _LEGEND.format(x=118, y=324, color=BLUE, tx=138, ty=336, label="Actual"),
             _LEGEND.format(x=447, y=324, color=GREY, tx=467, ty=336, label="Ideal pace"), "</g></svg>\n"]
    return "".join(parts)


def _line(index: int, xs: list[float], ys: list[float], stroke: str) -> str:
    path = " ".join(f"{'L' if i else 'M'}{x:.2f} {y:.2f}" for i, (x, y) in enumerate(zip(xs, ys)))
    return (f'<g class="series serie-{index}"><path d="{path}" fill="none" {stroke} '
            'stroke-linejoin="round" stroke-linecap="round"/></g>')


def _y_axis(low: float, high: float, y_of, unit: str) -> str:
    parts = ['<g class="axis y">']
    for value in value_ticks(low, high):
        y = y_of(value)
        parts.append(f'<path class="guide line" d="M{LEFT} {y:.2f}H{RIGHT}" stroke="{GUIDE}"/>'
                     f'<text class="major" x="{LEFT - 6}" y="{y + 4:.2f}" text-anchor="end" fill="{STRONG}">'
                     f"{escape(format_number(value, places=2))}</text>")
    parts.append(f'<path class="line" d="M{LEFT} {TOP}V{BOTTOM}" stroke="{STRONG}"/>')
    if unit:
        middle = (TOP + BOTTOM) / 2
        parts.append(f'<text class="title" x="28" y="{middle}" text-anchor="middle" font-size="13" '
                     f'transform="rotate(-90 28 {middle})">{escape(unit)}</text>')
    return "".join(parts) + "</g>"


def _x(day: datetime.date, first: datetime.date, days: int) -> float:
    """The x of ``day`` on an axis of ``days`` days from ``first``."""
    return LEFT + INSET + (day - first).days / days * (RIGHT - LEFT - 2 * INSET)


@functools.lru_cache(maxsize=64)
def _x_axis(start: datetime.date, end: datetime.date, first: datetime.date, days: int) -> str:
    """The date axis; the same for most charts of a cycle, so drawn once for them."""
    parts = ['<g class="axis x">', f'<path class="line" d="M{LEFT} {BOTTOM}H{RIGHT}" stroke="{STRONG}"/>']
    for day in date_ticks(start, end):
        x = _x(day, first, days)
        parts.append(f'<path class="major line" d="M{x:.2f} {BOTTOM}v5" stroke="{STRONG}"/>'
                     f'<text x="{x:.2f}" y="{BOTTOM + 18}" text-anchor="middle">{short_date(day)}</text>')
    return "".join(parts) + "</g>"
