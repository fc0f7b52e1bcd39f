"""An owner's progress through the cycle, week by week, against the ideal pace.

:func:`pace_lines` asks :mod:`okrsite.timeline` for the progress of every owner of a
cycle on the cycle's weekly days, once for the whole cycle; :func:`draw` turns one
owner's line into a small SVG for the owner's page. The SVG goes inline into the
page (no file, no request): ``width="100%"`` with a ``viewBox``, so it shrinks to a
phone; its colours follow the page (``currentColor``), with a dark variant of the
progress line in its ``<style>``. Every class it styles starts with ``pace-``, as an
inline ``<style>`` reaches the whole page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from markupsafe import Markup

from okrsite.model import Cycle, Owner
from okrsite.render import palette
from okrsite.render.formatting import percent, short_date
from okrsite.timeline import timeline, weekly_days
from okrsite.xmltext import quoteattr

# A person's page has no line: their objective pages chart each key result, and the line would add
# 3 KB to each person's page (half as much again), 30 MB more to write at 10,000 people.
CHARTED = ("company", "department", "team")
PLACES = 4  # progress is drawn, shown and signed rounded to this, as okrs.json gives fractions
WIDTH, HEIGHT = 320, 186  # small, so that its 12 px text stays readable on a phone
LEFT, RIGHT, TOP, BOTTOM = 44.0, 308.0, 10.0, 140.0  # the plot area
DARK_BLUE = "#8fb0ff"  # the progress line on a dark page (the stylesheet's dark --accent)
_STYLE = (
    "<style>"
    ".pace-svg{display:block;max-width:26rem;height:auto;overflow:visible}"
    ".pace-svg text{font-size:12px;fill:currentColor}"
    ".pace-grid{stroke:currentColor;stroke-opacity:.25}"
    ".pace-ideal{fill:none;stroke:currentColor;stroke-opacity:.7;stroke-width:2;stroke-dasharray:6 5}"
    f".pace-actual{{fill:none;stroke:{palette.BLUE};stroke-width:3;stroke-linejoin:round;stroke-linecap:round}}"
    f".pace-dot{{fill:{palette.BLUE}}}"
    f"@media (prefers-color-scheme: dark){{.pace-actual{{stroke:{DARK_BLUE}}}.pace-dot{{fill:{DARK_BLUE}}}}}"
    "</style>")


@dataclass(frozen=True, slots=True)
class PaceLine:
    """One owner's progress on each of its cycle's weekly days, and the ideal pace on those days."""

    start: dt.date  # the cycle's dates: the ends of the chart's time axis
    end: dt.date
    days: tuple[dt.date, ...]  # shared by every owner of the cycle
    expected: tuple[float, ...]  # the elapsed fraction of the cycle on each day (the ideal pace)
    values: tuple[float, ...]  # the owner's progress on each day

    @property
    def rows(self) -> list[tuple[dt.date, float, float]]:
        """(day, progress, ideal pace), oldest first: the chart's text alternative."""
        return list(zip(self.days, self.values, self.expected))


def pace_lines(cycle: Cycle, today: dt.date, among: Collection[Owner] | None = None) -> dict[int, PaceLine]:
    """The line of every company, department and team with objectives (``among`` some owners only), by
    ``id()`` of the owner, in a current or archived cycle with at least two weekly days behind the build
    date; computed at once for them all."""
    if cycle.state not in ("current", "archived"):
        return {}
    days = weekly_days(cycle, today)
    if len(days) < 2:
        return {}
    charted = [owner for owner in cycle.owners.values() if owner.objectives and owner.kind in CHARTED
               and (among is None or owner in among)]
    line = timeline(cycle, days, today, charted)
    shared_days, expected = tuple(days), tuple(round(e, PLACES) for e in line.expected)
    return {id(owner): PaceLine(cycle.start, cycle.end, shared_days, expected,
                                tuple(round(v, PLACES) for v in line.owners[id(owner)])) for owner in charted}


def draw(line: PaceLine, name: str) -> Markup:
    """The chart of ``line``, the progress of the owner called ``name``."""
    span = max((line.end - line.start).days, 1)

    def x(day: dt.date) -> float:
        return LEFT + (day - line.start).days / span * (RIGHT - LEFT)

    def y(value: float) -> float:
        return BOTTOM - value * (BOTTOM - TOP)

    points = " ".join(f"{x(day):.2f},{y(value):.2f}" for day, value in zip(line.days, line.values))
    last_x, last_y = x(line.days[-1]), y(line.values[-1])
    parts = [f'<svg class="pace-svg" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
             f'width="100%" role="img" aria-label={quoteattr(_summary(line, name))}>', _STYLE]
    for level in (0.0, 0.5, 1.0):
        parts.append(f'<path class="pace-grid" d="M{LEFT} {y(level):.2f}H{RIGHT}"/>'
                     f'<text x="{LEFT - 6}" y="{y(level) + 4:.2f}" text-anchor="end">{percent(level)}</text>')
    parts += [f'<text x="{LEFT}" y="{BOTTOM + 18}">{short_date(line.start)}</text>',
              f'<text x="{RIGHT}" y="{BOTTOM + 18}" text-anchor="end">{short_date(line.end)}</text>',
              f'<path class="pace-ideal" d="M{LEFT} {y(0.0):.2f}L{RIGHT} {y(1.0):.2f}"/>',
              f'<polyline class="pace-actual" points="{points}"/>',
              f'<circle class="pace-dot" cx="{last_x:.2f}" cy="{last_y:.2f}" r="4.5"/>',
              _last_label(last_x, last_y, percent(line.values[-1])),
              _legend(), "</svg>"]
    return Markup("".join(parts))


def _last_label(x: float, y: float, text: str) -> str:
    """The latest value above its dot (below it when the dot is at the top), kept inside the plot."""
    anchor = "end" if x > RIGHT - 30 else "start" if x < LEFT + 30 else "middle"
    return (f'<text class="pace-value" x="{x:.2f}" y="{y - 9 if y - 9 >= TOP + 12 else y + 20:.2f}" text-anchor="{anchor}" '
            f'font-weight="700">{text}</text>')


def _legend() -> str:
    y = HEIGHT - 4
    return (f'<path class="pace-actual" d="M{LEFT} {y - 4}h22"/><text x="{LEFT + 28}" y="{y}">Progress</text>'
            f'<path class="pace-ideal" d="M{LEFT + 110} {y - 4}h22"/><text x="{LEFT + 138}" y="{y}">Ideal pace</text>')


def _summary(line: PaceLine, name: str) -> str:
    """What the chart says, in words (the table beside it gives every week)."""
    return (f"Progress of {name} week by week from {short_date(line.days[0])} to {short_date(line.days[-1])}: "
            f"{percent(line.values[-1])} on {short_date(line.days[-1])} against an ideal pace of "
            f"{percent(line.expected[-1])}.")
