"""A KPI's trend and the history of its verdict, for the KPI tables.

The KPI page of a large company lists thousands of KPIs, so a trend is a few hundred
bytes: a tiny inline SVG line of the latest check-ins against the target, coloured by
the theme's CSS (and so readable in dark mode), with the values as text beside it for
those who cannot see it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from markupsafe import Markup

from okrsite.model import Kpi
from okrsite.render.formatting import HEALTH, format_number, long_date

TREND_POINTS = 8  # the latest check-ins a trend draws and names
RECENT = 4  # the latest check-ins the verdict's history counts
CHANGES = 3  # the latest changes of verdict it names
WIDTH, HEIGHT, PAD = 96, 24, 3


@dataclass(frozen=True)
class VerdictHistory:
    """How often a KPI was healthy at its latest check-ins, and when its verdict last changed."""

    healthy: int  # at how many of the latest ``of`` check-ins
    of: int
    changes: list[tuple[dt.date, bool]]  # (the day, the new verdict), oldest first

    @property
    def summary(self) -> str:
        """'Healthy at 3 of the last 4 check-ins'; 'Not healthy at its one check-in'."""
        if self.of == 1:
            return f"{'Healthy' if self.healthy else 'Not healthy'} at its one check-in"
        return f"Healthy at {self.healthy} of the last {self.of} check-ins"


def verdict_history(kpi: Kpi) -> VerdictHistory | None:
    """The history of ``kpi.verdicts`` (see :func:`okrsite.scoring.kpi_verdicts`); None without any."""
    verdicts = kpi.verdicts
    if not verdicts:
        return None
    recent = verdicts[-RECENT:]
    changes = [(day, now) for (_, before), (day, now) in zip(verdicts, verdicts[1:]) if now != before]
    return VerdictHistory(sum(1 for _, healthy in recent if healthy), len(recent), changes[-CHANGES:])


def trend_values(kpi: Kpi) -> str:
    """The values the trend draws, in words: '4.2 % on 1 Oct 2026, 3.1 % on 1 Nov 2026'."""
    return ", ".join(f"{format_number(c.value, kpi.unit)} on {long_date(c.date)}" for c in kpi.checkins[-TREND_POINTS:])


def sparkline(kpi: Kpi) -> Markup:
    """The latest check-ins as a small line against the target (dashed); its last point shows the verdict.
    Higher values are drawn higher whatever the KPI's direction. Hidden from screen readers:
    :func:`trend_values` says the same."""
    values = [c.value for c in kpi.checkins[-TREND_POINTS:]]
    if not values:
        return Markup("")
    low, high = min(values), max(values)
    if kpi.target is not None:
        low, high = min(low, kpi.target), max(high, kpi.target)

    def y(value: float) -> str:
        share = (value - low) / (high - low) if high > low else 0.5
        return _coordinate(HEIGHT - PAD - share * (HEIGHT - 2 * PAD))

    step = (WIDTH - 2 * PAD) / (len(values) - 1) if len(values) > 1 else 0
    xs = [_coordinate(PAD + i * step) if step else _coordinate(WIDTH / 2) for i in range(len(values))]
    parts = [f'<svg class="spark" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" aria-hidden="true" focusable="false">']
    if kpi.target is not None:
        parts.append(f'<line class="spark-target" x1="0" x2="{WIDTH}" y1="{y(kpi.target)}" y2="{y(kpi.target)}"/>')
    if len(values) > 1:
        parts.append(f'<polyline points="{" ".join(f"{x},{y(v)}" for x, v in zip(xs, values))}"/>')
    verdict = HEALTH[kpi.verdicts[-1][1] if kpi.verdicts else None]
    parts.append(f'<circle class="spark-{verdict}" cx="{xs[-1]}" cy="{y(values[-1])}" r="2.5"/></svg>')
    return Markup("".join(parts))


def _coordinate(number: float) -> str:
    return f"{round(number, 1):g}"
