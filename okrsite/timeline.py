"""Progress as it stood on earlier days, reconstructed from the check-ins.

The weekly digest compares two days, and owner pages draw progress through the
cycle; both ask :func:`timeline` for the numbers of section 4 of the contract on
a list of days, computed once for the whole cycle, children first, as
:mod:`okrsite.scoring` computes them for the build date.

What a key result stood at on a day:

- a metric: its latest check-in on or before that day, else its ``start``;
- a milestone: done from the day of the check-in that marked it done (git history
  gives those), else not done;
- a rollup: the mean of the objectives aligned to it, on that day;
- on the build date and after: what the build shows (``current`` as written wins);
- a key result with no check-ins at all has no history: it counts as it stands
  on every day, so the digest never reports a move it cannot date.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

from okrsite.model import Cycle, KeyResult, Objective, Owner
from okrsite.scoring import elapsed_fraction, key_result_progress, mean, metric_progresses, weighted_means


@dataclass(slots=True)
class Timeline:
    """Progress on each of ``days``: one list per key result, objective and owner, indexed like ``days``."""

    days: list[dt.date]
    expected: list[float]  # the elapsed fraction of the cycle on each day
    key_results: dict[int, list[float]] = field(default_factory=dict)  # by id() of the key result
    objectives: dict[int, list[float]] = field(default_factory=dict)
    owners: dict[int, list[float | None]] = field(default_factory=dict)

    def of(self, item: KeyResult | Objective | Owner) -> list:
        """The progress of ``item`` on each day."""
        table = (self.key_results if isinstance(item, KeyResult) else
                 self.objectives if isinstance(item, Objective) else self.owners)
        return table[id(item)]


def timeline(cycle: Cycle, days: list[dt.date], today: dt.date, owners: list[Owner] | None = None) -> Timeline:
    """The progress of everything in a scored cycle on each of ``days`` (oldest first); with ``owners``,
    of those owners only, their objectives and what their rollups reach (a fraction of the work when
    the people are left out)."""
    line = on_demand(cycle, days)
    owners = list(cycle.owners.values()) if owners is None else owners
    for owner in owners:
        for objective in owner.objectives:
            reach(line, objective, today)
    for owner in owners:
        lines = [line.objectives[id(o)] for o in owner.objectives]
        line.owners[id(owner)] = [mean(list(values)) for values in _by_day(lines, days)]
    return line


def on_demand(cycle: Cycle, days: list[dt.date]) -> Timeline:
    """An empty timeline of the cycle on ``days``, for :func:`reach` to fill objective by objective."""
    return Timeline(days, [elapsed_fraction(cycle.start, cycle.end, day) for day in days])


def reach(line: Timeline, objective: Objective, today: dt.date) -> None:
    """Add to ``line`` the progress of ``objective`` and its key results, and first that of every objective
    its rollups reach (those it lacks): the numbers :func:`timeline` gives, for one owner's objectives
    without the rest of the cycle."""
    if id(objective) in line.objectives:
        return
    entered = {id(objective)}
    stack = [(objective, _rollup_aligned(objective))]
    while stack:
        top, below = stack[-1]
        child = next(below, None)
        if child is None:
            stack.pop()
            _add(line, top, today)
        elif id(child) not in entered and id(child) not in line.objectives:
            entered.add(id(child))
            stack.append((child, _rollup_aligned(child)))


def _rollup_aligned(objective: Objective) -> Iterator[Objective]:
    return (aligned for kr in objective.key_results if kr.type == "rollup" for aligned in kr.aligned)


def _add(line: Timeline, objective: Objective, today: dt.date) -> None:
    """The progress of the objective and its key results (what its rollups reach is in ``line`` already)."""
    days = line.days
    for kr in objective.key_results:
        line.key_results[id(kr)] = _key_result_line(kr, days, today, line)
    weights = [kr.weight for kr in objective.key_results]
    lines = [line.key_results[id(kr)] for kr in objective.key_results]
    line.objectives[id(objective)] = weighted_means(lines, weights, len(days))


def rolled_up(objectives: list[Objective]) -> list[Objective]:
    """The objectives that the rollup key results of ``objectives`` reach, at any depth (not those
    of ``objectives`` that no rollup reaches): what their progress on earlier days reads besides them."""
    found: set[int] | None = None  # made at the first rollup: most objectives have none
    reached, stack = [], list(objectives)
    while stack:
        for kr in stack.pop().key_results:
            if kr.type != "rollup":
                continue
            if found is None:
                found = {id(o) for o in objectives}
            for aligned in kr.aligned:
                if id(aligned) not in found:
                    found.add(id(aligned))
                    reached.append(aligned)
                    stack.append(aligned)
    return reached


def _by_day(lines: list[list[float]], days: list[dt.date]) -> list[tuple[float, ...]]:
    """The values of several lines, day by day (empty tuples when there are no lines)."""
    return list(zip(*lines)) if lines else [()] * len(days)


def weekly_days(cycle: Cycle, today: dt.date, step: int = 7) -> list[dt.date]:
    """The cycle's start, every ``step`` days after it, and the last day that has passed
    (the build date, or the cycle's end once it is over)."""
    last = min(today, cycle.end)
    if last < cycle.start:
        return []
    days = [cycle.start + dt.timedelta(days=n) for n in range(0, (last - cycle.start).days + 1, step)]
    return days if days[-1] == last else [*days, last]


def _key_result_line(kr: KeyResult, days: list[dt.date], today: dt.date, line: Timeline) -> list[float]:
    if kr.type == "rollup":
        aligned = [line.objectives[id(o)] for o in kr.aligned]
        return [mean(list(values)) or 0.0 for values in _by_day(aligned, days)]
    now = key_result_progress(kr) if kr.progress is None else kr.progress  # scoring's, when scored
    checkins = kr.checkins
    if not checkins:
        return [now] * len(days)
    dates = [checkin.date for checkin in checkins]
    made = [bisect.bisect_right(dates, day) for day in days]  # how many check-ins were made by each day
    return [now if day >= today else step for day, step in zip(days, _steps(kr, checkins, made))]


def _steps(kr: KeyResult, checkins: list, made: list[int]) -> list[float]:
    """A metric's or a milestone's progress once its first ``count`` check-ins were made, for each
    ``count`` of ``made`` (only those: the digest needs one of a key result's many)."""
    if kr.type == "milestone":
        return [1.0 if count and checkins[count - 1].value else 0.0 for count in made]
    if kr.start is None or kr.target is None or kr.start == kr.target:
        return [0.0] * len(made)
    return metric_progresses(kr.start, kr.target, [checkins[count - 1].value if count else kr.start for count in made])
