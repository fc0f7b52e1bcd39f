"""Stage 4: progress, score and status for every key result, objective, owner and cycle, and each KPI's health.

The rules are section 4 of the format contract. The small functions at the top are
the arithmetic; :func:`score_cycle` applies them to a linked cycle, children first,
so a rollup key result sees the progress of the objectives aligned to it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import MISSING, replace
from functools import cache

from okrsite.config import StatusBands
from okrsite.model import Cycle, KeyResult, Kpi, Objective, Owner
from okrsite.written import Written


def clamp(value: float) -> float:
    return min(1.0, max(0.0, value))


def metric_progress(start: float, target: float, current: float) -> float:
    """(current - start) / (target - start), clamped to 0..1; works for falling targets.

    Whole numbers are subtracted exactly. Near the ends of the float range (start
    -1e308, target 1e308) a difference would overflow to infinity: then every value
    is halved first, which gives the same fraction.
    """
    if not (isinstance(start, int) and isinstance(target, int) and isinstance(current, int)):
        start, target, current = float(start), float(target), float(current)
    done, span = current - start, target - start
    if isinstance(span, float) and not (math.isfinite(done) and math.isfinite(span)):
        done, span = current / 2 - start / 2, target / 2 - start / 2
    if not span:  # whole numbers beyond 2**53 that are equal as floats
        return 0.0
    try:
        return clamp(done / span)
    except OverflowError:  # whole numbers: a quotient beyond the float range, far past one end
        return 1.0 if (done > 0) == (span > 0) else 0.0


_SAFE_INT, _SAFE_FLOAT = 2 ** 52, 1e300  # below these, numbers and their differences are exact or finite as floats


def _plain(number: float) -> bool:
    kind = type(number)
    return ((kind is int and -_SAFE_INT < number < _SAFE_INT)
            or ((kind is float or kind is Written) and -_SAFE_FLOAT < number < _SAFE_FLOAT))


def metric_progresses(start: float, target: float, values: list[float]) -> list[float]:
    """``metric_progress(start, target, value)`` for each of ``values``, with the same results, faster:
    when every number is an everyday one (a whole number below 2**52, a float far from the ends of the
    range), the quotients share one span and need none of the care for extremes."""
    if not (_plain(start) and _plain(target) and all(map(_plain, values))):
        return [metric_progress(start, target, v) for v in values]
    start, span = float(start), float(target) - float(start)
    if not span:
        return [0.0] * len(values)
    return [min(1.0, max(0.0, (float(v) - start) / span)) for v in values]


def weighted_mean(pairs: Iterable[tuple[float, float]]) -> float:
    """Mean of (value, weight) pairs; 0 when there are none.

    Weights so large that their sum overflows are first divided by the largest one.
    """
    pairs = [(value, float(weight)) for value, weight in pairs]
    total = weight_sum = 0.0
    for value, weight in pairs:
        total += value * weight
        weight_sum += weight
    if not math.isfinite(weight_sum):
        largest = max(weight for _, weight in pairs)
        return weighted_mean((value, weight / largest) for value, weight in pairs)
    return total / weight_sum if weight_sum else 0.0


def weighted_means(lines: list[list[float]], weights: list[float], length: int) -> list[float]:
    """:func:`weighted_mean` of each column of ``lines`` (lists of ``length`` values, weighted by
    ``weights``), with the same results, faster: the sums run along the columns in the same order."""
    floats = [float(weight) for weight in weights]
    weight_sum = 0.0
    for weight in floats:
        weight_sum += weight
    if not lines or not weight_sum or not math.isfinite(weight_sum):
        return [weighted_mean(zip(column, weights)) for column in zip(*lines)] if lines else [0.0] * length
    totals = [0.0] * length
    for line, weight in zip(lines, floats):
        totals = [total + value * weight for total, value in zip(totals, line)]
    return [total / weight_sum for total in totals]


def mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def elapsed_fraction(start: dt.date, end: dt.date, today: dt.date) -> float:
    """How much of the cycle lies behind the build date, 0..1."""
    return clamp((today - start).days / (end - start).days)


def pace_status(progress: float, expected: float, bands: StatusBands) -> str:
    """on-track / at-risk / off-track by progress against the elapsed part of the cycle."""
    if expected <= 0:
        return "on-track"
    pace = progress / expected
    if pace >= bands.on_track:
        return "on-track"
    return "at-risk" if pace >= bands.at_risk else "off-track"


def grade(score: float, bands: StatusBands) -> str:
    """achieved / progress / missed: the score band of an archived cycle."""
    if score >= bands.achieved:
        return "achieved"
    return "progress" if score >= bands.progress else "missed"


COMMITTED_BAR = 1.0  # a committed objective is expected to reach it


@cache
def bands_for(objective_type: str, bands: StatusBands) -> StatusBands:
    """The bands an objective of ``objective_type`` and its key results are measured by. A committed
    one is on track only at the pace of a straight line to 1.0 and achieved only at 1.0 (or at the
    site's own bands where they ask for more); at risk and progress made keep the site's bands.
    Owners and cycles mix types and keep the site's bands."""
    if objective_type != "committed":
        return bands
    return replace(bands, on_track=max(COMMITTED_BAR, bands.on_track), achieved=max(COMMITTED_BAR, bands.achieved))


def key_result_progress(kr: KeyResult) -> float:
    if kr.type == "milestone":
        return 1.0 if kr.done else 0.0
    if kr.type == "rollup":
        return mean([o.progress for o in kr.aligned]) or 0.0
    if kr.start is None or kr.target is None or kr.start == kr.target:
        return 0.0
    return metric_progress(kr.start, kr.target, kr.current)


def kpi_healthy(kpi: Kpi, value: float | None = MISSING) -> bool | None:
    """Whether a KPI meets its target in its direction (at or above it, or at or below it
    for ``direction: lower``) now, or at ``value``; None when it has no such value or no target."""
    value = kpi.current if value is MISSING else value
    if value is None or kpi.target is None:
        return None
    return value <= kpi.target if kpi.direction == "lower" else value >= kpi.target


def kpi_verdicts(kpi: Kpi) -> list[tuple[dt.date, bool]]:
    """The KPI's health at each check-in, oldest first (none without a target)."""
    if kpi.target is None:
        return []
    return [(c.date, kpi_healthy(kpi, c.value)) for c in kpi.checkins]


def is_stale(kr: KeyResult, today: dt.date, stale_days: int) -> bool:
    """Whether a key result kept up by check-ins has had none for more than ``stale_days`` and has
    not reached its target (one updated through ``current`` alone does not say when)."""
    return (kr.type == "metric" and bool(kr.checkins) and (today - kr.checkins[-1].date).days > stale_days
            and key_result_progress(kr) < 1)


def is_running(cycle: Cycle, today: dt.date) -> bool:
    """Whether ``cycle`` is the current one and the build date lies in it: check-ins are due."""
    return cycle.state == "current" and cycle.start <= today <= cycle.end


def score_cycle(cycle: Cycle, today: dt.date, bands: StatusBands, stale_days: int = 14) -> None:
    """Fill the computed fields of everything in a linked cycle; key results go stale only in the
    running cycle, while the build date lies in it."""
    scorer = _Scorer(cycle, today, bands, stale_days)
    for objective in children_first(cycle.objectives):
        scorer.objective(objective)
    for owner in cycle.owners.values():
        scorer.owner(owner)
    scorer.totals()


def rescore(cycle: Cycle, edited: list[Owner], today: dt.date, bands: StatusBands,
            stale_days: int = 14) -> set[Owner | Objective]:
    """Score again, in a scored cycle, what an edit of the ``edited`` owners' files can change (their
    objectives, what those roll up into through rollup key results, and the owners of all these),
    as :func:`score_cycle` would; returns the owners and objectives whose numbers changed."""
    objectives = _rolled_into([o for owner in edited for o in owner.objectives])
    owners = list({id(o.owner): o.owner for o in objectives}.values())
    owners += [owner for owner in edited if owner not in owners]
    before = {item: numbers(item) for item in (*objectives, *owners)}
    scorer = _Scorer(cycle, today, bands, stale_days)
    for objective in objectives:
        scorer.objective(objective)
    for owner in owners:
        scorer.owner(owner)
    scorer.totals()
    return {item for item, value in before.items() if numbers(item) != value}


def numbers(item: Owner | Objective) -> tuple:
    """What scoring gave an owner (with its growth goals and KPIs) or an objective (with its key results)."""
    if isinstance(item, Objective):
        return (item.progress, item.score, item.status,
                tuple((kr.progress, kr.score, kr.status, kr.stale) for kr in item.key_results))
    return (item.progress, item.score, item.status, tuple(numbers(g) for g in item.growth),
            tuple((k.healthy, tuple(k.verdicts)) for k in item.kpis))


class _Scorer:
    """The rules of one cycle's numbers on one day, applied one objective or owner at a time."""

    def __init__(self, cycle: Cycle, today: dt.date, bands: StatusBands, stale_days: int):
        self.cycle, self.today, self.bands, self.stale_days = cycle, today, bands, stale_days
        self.archived = cycle.state == "archived"
        cycle.expected = elapsed_fraction(cycle.start, cycle.end, today)
        self.running = is_running(cycle, today)

    def status(self, progress: float, score: float, bands: StatusBands | None = None) -> str:
        if self.cycle.state == "upcoming":
            return "not-started"
        bands = bands or self.bands
        return grade(score, bands) if self.archived else pace_status(progress, self.cycle.expected, bands)

    def objective(self, objective: Objective) -> None:
        """Score the objective and its key results (after what its rollups reach)."""
        measured_by = bands_for(objective.type, self.bands)
        for kr in objective.key_results:
            kr.progress = key_result_progress(kr)
            kr.score = kr.progress if kr.score_given is None else kr.score_given
            kr.status = self.status(kr.progress, kr.score, measured_by)
            kr.stale = self.running and is_stale(kr, self.today, self.stale_days)
        _score_objective(objective)
        objective.status = self.status(objective.progress, objective.score, measured_by)
        if objective.status_given and self.cycle.state == "current":
            objective.status = objective.status_given

    def owner(self, owner: Owner) -> None:
        """Score the owner (after its objectives), its growth goals and its KPIs."""
        for goal in owner.growth:  # scored like any objective, and counted nowhere else
            self.objective(goal)
        _score_owner(owner, self.status)
        for kpi in owner.kpis:
            kpi.healthy = kpi_healthy(kpi)
            kpi.verdicts = kpi_verdicts(kpi)

    def totals(self) -> None:
        cycle = self.cycle
        if cycle.company is not None:
            cycle.progress, cycle.score = cycle.company.progress, cycle.company.score
        cycle.status_counts = dict(Counter(o.status for o in cycle.objectives))


def _rolled_into(objectives: list[Objective]) -> list[Objective]:
    """``objectives`` and every objective whose rollup key results reach them, at any height, each
    after every one of these that it rolls up (so each is scored after what it rolls up)."""
    reached, stack = {id(o): o for o in objectives}, list(objectives)
    while stack:
        for alignment in stack.pop().parents:
            above = alignment.objective
            if alignment.key_result is not None and alignment.key_result.type == "rollup" and id(above) not in reached:
                reached[id(above)] = above
                stack.append(above)
    return _rollups_first(list(reached.values()))


def _rollups_first(objectives: list[Objective]) -> list[Objective]:
    """``objectives`` ordered so that each comes after every one of them that its rollup key results
    reach (all that its numbers are made of)."""
    among, order, done = {id(o) for o in objectives}, [], set()
    for top in objectives:  # depth first along the rollups, below before above
        stack = [(top, False)]
        while stack:
            objective, expanded = stack.pop()
            if id(objective) in done:
                continue
            if expanded:
                done.add(id(objective))
                order.append(objective)
                continue
            stack.append((objective, True))
            stack.extend((o, False) for kr in objective.key_results if kr.type == "rollup"
                         for o in kr.aligned if id(o) in among and id(o) not in done)
    return order


def _score_objective(objective: Objective) -> None:
    krs = objective.key_results
    objective.progress = weighted_mean((kr.progress, kr.weight) for kr in krs)
    if objective.score_given is not None:
        objective.score = objective.score_given
    else:
        objective.score = weighted_mean((kr.score, kr.weight) for kr in krs)


def _score_owner(owner: Owner, status) -> None:
    owner.progress = mean([o.progress for o in owner.objectives])
    owner.score = mean([o.score for o in owner.objectives])
    owner.status = status(owner.progress, owner.score) if owner.objectives else ""


def children_first(objectives: list[Objective]) -> list[Objective]:
    """Objectives ordered so each comes after every objective aligned to it."""
    order: list[Objective] = []
    seen: set[int] = set()
    for root in objectives:
        if id(root) in seen:
            continue
        seen.add(id(root))
        stack = [(root, iter(root.children))]
        while stack:
            objective, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                order.append(objective)
            elif id(child) not in seen:
                seen.add(id(child))
                stack.append((child, iter(child.children)))
    return order
