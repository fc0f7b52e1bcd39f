"""``okrsite digest``: the week in OKRs, for the people who run the weekly check-in.

A :class:`Digest` compares the current cycle on two days, ``since`` (by default a
week before the build date) and the build date, with the progress that
:func:`okrsite.timeline.timeline` reconstructs from the check-ins:

- *moved*: key results whose progress differs between the two days, with their
  value before and after and the notes of the check-ins after ``since``;
- *got worse*: objectives whose status fell (on track -> at risk or off track,
  at risk -> off track), the earlier status by :func:`okrsite.scoring.pace_status`
  at that day's pace (a manual ``status:`` stands on both days: it never falls);
- *confidence dropped*: a hook, always empty until check-ins carry a confidence;
- *stale*: key results that are stale now (:func:`okrsite.scoring.is_stale`);
- *achieved*: key results and objectives that reached 1.0 (their target, a
  milestone done) after ``since``.

Everything is grouped by department: an owner's group is the nearest department
at or above it, the company's own objectives make the "Company" group, and a
branch of the org chart with no department (a team placed right under the
company, with its people) is a group of its own. Company and department items
come first in a group, then the biggest moves; each section shows at most
:data:`CAP` items and counts the rest. The work is linear in the size of the
cycle, in one :class:`Week` per owner (what its objectives did: :func:`owner_week`),
which the site's renderer keeps while the owner does not change.
:mod:`okrsite.digestformat` writes a digest as Markdown or HTML; the site shows
one as the current cycle's digest page.
"""

from __future__ import annotations

import bisect
import datetime as dt
import heapq
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import Generic, TypeVar

from okrsite.config import StatusBands
from okrsite.graph import linked_view, org_walk
from okrsite.model import CheckIn, Cycle, KeyResult, Objective, Owner, Site
from okrsite.scoring import pace_status
from okrsite.timeline import Timeline, on_demand, reach

CAP = 10  # items shown per section and group; the rest are counted ("and 4 more")
DEFAULT_DAYS = 7  # since defaults to this many days before the build date
COMPANY_GROUP = "Company"
SECTIONS = ("moved", "worse", "confidence_drops", "stale", "achieved")  # a group's sections, in the order shown
NOISE = 1e-9  # progress that differs by less has not moved (the same numbers summed in another order)
SEVERITY = {"on-track": 0, "at-risk": 1, "off-track": 2}
T = TypeVar("T")


@dataclass(slots=True)
class Move:
    """A key result whose progress moved: its value (a metric's) and progress on both days."""

    key_result: KeyResult
    value_before: float | None  # None for milestones and rollups (they have no value of their own)
    value_after: float | None
    progress_before: float
    progress_after: float
    notes: list[CheckIn]  # the check-ins after ``since`` that say something, newest first

    @property
    def change(self) -> float:
        return self.progress_after - self.progress_before


@dataclass(slots=True)
class StatusChange:
    """An objective whose status got worse."""

    objective: Objective
    before: str
    after: str
    progress_before: float
    progress_after: float


@dataclass(slots=True)
class Stale:
    key_result: KeyResult
    days: int  # since its latest check-in, at the build date


@dataclass(slots=True)
class ConfidenceDrop:
    """A key result whose confidence is lower than it was on ``since``."""

    key_result: KeyResult
    before: float
    after: float


@dataclass(slots=True)
class Achievement:
    """A key result or an objective that reached 1.0 after ``since``."""

    item: KeyResult | Objective
    progress_before: float


@dataclass(slots=True)
class Section(Generic[T]):
    """The items of one section of a group: those shown (at most :data:`CAP`) and how many more there are."""

    shown: list[T] = field(default_factory=list)
    more: int = 0

    @property
    def total(self) -> int:
        return len(self.shown) + self.more


@dataclass(slots=True)
class Group:
    """What happened in one department (or the company's own objectives, or a branch without a department)."""

    name: str
    owner: Owner  # the department, the company, or the top of a branch without a department
    moved: Section[Move] = field(default_factory=Section)
    worse: Section[StatusChange] = field(default_factory=Section)
    confidence_drops: Section[ConfidenceDrop] = field(default_factory=Section)
    stale: Section[Stale] = field(default_factory=Section)
    achieved: Section[Achievement] = field(default_factory=Section)

    @property
    def sections(self) -> list[tuple[str, Section]]:
        """(name, section) in the order they are shown (:data:`SECTIONS`)."""
        return [(name, getattr(self, name)) for name in SECTIONS]

    @property
    def empty(self) -> bool:
        return not any(section.total for _, section in self.sections)


@dataclass(slots=True)
class Digest:
    title: str  # the site's
    base_url: str
    cycle: Cycle | None  # the current cycle; None when the site has none
    since: dt.date
    until: dt.date  # the build date
    groups: list[Group]  # only those with something to say, in org-chart order

    @property
    def totals(self) -> dict[str, int]:
        """Items per section over all groups, the capped ones included."""
        totals = dict.fromkeys(SECTIONS, 0)
        for group in self.groups:
            for name, section in group.sections:
                totals[name] += section.total
        return totals

    @property
    def empty(self) -> bool:
        return not self.groups


def default_since(build_date: dt.date) -> dt.date:
    return build_date - dt.timedelta(days=DEFAULT_DAYS)


#: One section of an owner's :class:`Week`: how many items it found, and the first :data:`CAP` of them in
#: the order a group shows them, each ``(order, place)``: its sort key, and where it is among the owner's
#: objectives with what the section says of it (see :func:`owner_week`).
Found = tuple[int, tuple[tuple[tuple, tuple], ...]]
NONE: Found = (0, ())


@dataclass(frozen=True, slots=True)
class Week:
    """What one owner's objectives did in a digest's window, section by section (see :data:`Found`): no
    objects, only places (the index of the objective among the owner's, of the key result among the
    objective's), so that a renderer can keep it while the owner does not change (:func:`make_digest`'s ``week``)."""

    moved: Found = NONE  # places (objective, key result, progress before, after)
    worse: Found = NONE  # (objective, its status before, its progress before)
    confidence_drops: Found = NONE  # (objective, key result, before, after)
    stale: Found = NONE  # (objective, key result, days since its latest check-in)
    achieved: Found = NONE  # (objective, key result or None for the objective, progress before)


QUIET = Week()


@dataclass(slots=True)
class Window:
    """The days a digest compares, the status bands, and the progress on those days of what was asked for so far."""

    since: dt.date
    until: dt.date
    bands: StatusBands
    line: Timeline

    @classmethod
    def of(cls, cycle: Cycle, since: dt.date, until: dt.date, bands: StatusBands) -> Window:
        return cls(since, until, bands, on_demand(cycle, [since, until]))


WeekOf = Callable[[Window, Owner], Week]


def make_digest(site: Site, since: dt.date | None = None, week: WeekOf | None = None) -> Digest:
    """The digest of the site's current cycle from ``since`` (default: a week before) to the build date.

    ``week`` gives what an owner's objectives did in the window (by default :func:`owner_week`); a
    renderer can pass one that reuses the weeks of owners that did not change."""
    until = site.build_date
    since = default_since(until) if since is None else since
    cycle = site.current
    digest = Digest(site.config.title, site.config.base_url, cycle, since, until, [])
    if cycle is None or until < cycle.start:
        return digest
    window = Window.of(cycle, since, until, site.config.status)
    week = owner_week if week is None else week
    found: dict[int, _Found] = {}
    for owner, home in _homes(cycle):
        group = found.get(id(home))
        if group is None:
            group = found[id(home)] = _Found(home)
        group.add(owner, week(window, owner))
    digest.groups = [group for group in (f.group(since, until) for f in found.values()) if not group.empty]
    return digest


def owner_week(window: Window, owner: Owner) -> Week:
    """What the owner's objectives and key results did in the window (progress on its first day from
    :func:`okrsite.timeline.reach`, with what their rollups reach)."""
    line, since, until = window.line, window.since, window.until
    expected_before = line.expected[0]
    moved, worse, drops, stale, achieved = [], [], [], [], []
    for o, objective in enumerate(owner.objectives):
        reach(line, objective, until)
        for k, kr in enumerate(objective.key_results):
            before, after = line.key_results[id(kr)]
            if abs(after - before) > NOISE:  # the biggest moves first
                moved.append(((-abs(after - before), kr.title.lower(), kr.ref), (o, k, before, after)))
            if after >= 1 > before:  # after the objectives
                achieved.append(((True, kr.title.lower(), kr.ref), (o, k, before)))
            now, then = kr.confidence, kr.confidence_on(since)
            if now is not None and then is not None and now < then:  # the biggest drops first
                drops.append(((now - then, kr.ref), (o, k, then, now)))
            if kr.stale and kr.updated is not None:  # the longest silent first
                days = (until - kr.updated).days
                stale.append(((-days, kr.ref), (o, k, days)))
        before = line.objectives[id(objective)][0]
        status = objective.status_given or pace_status(before, expected_before, window.bands)
        if SEVERITY.get(objective.status, -1) > SEVERITY.get(status, 3):  # the worst first
            worse.append(((-SEVERITY[objective.status], objective.progress, objective.ref), (o, status, before)))
        if objective.progress >= 1 > before + NOISE:  # objectives first
            achieved.append(((False, objective.title.lower(), objective.ref), (o, None, before)))
    if not (moved or worse or drops or stale or achieved):
        return QUIET
    return Week(*(_first(items) for items in (moved, worse, drops, stale, achieved)))


def _first(items: list[tuple[tuple, tuple]]) -> Found:
    return len(items), tuple(heapq.nsmallest(CAP, items, key=_order))


def _order(item: tuple) -> tuple:
    return item[0]


@dataclass
class _Found:
    """The weeks of a group's owners that found something, each with whether a company or department
    owns it (theirs come first), before they are merged and capped."""

    home: Owner
    weeks: list[tuple[bool, Owner, Week]] = field(default_factory=list)

    def add(self, owner: Owner, week: Week) -> None:
        if week != QUIET:
            self.weeks.append((owner.kind in ("company", "department"), owner, week))

    def group(self, since: dt.date, until: dt.date) -> Group:
        home = self.home
        name = COMPANY_GROUP if home.kind == "company" else home.name
        return Group(name, home, **{section: self._section(section, make, since, until)
                                    for section, make in _MAKE.items()})

    def _section(self, name: str, make: Callable, since: dt.date, until: dt.date) -> Section:
        """The section's items, company and department ones first, each in its order; at most
        :data:`CAP` shown, made by ``make`` (what is only counted is never made)."""
        total, shown = 0, []
        for first in (True, False):
            found = [(getattr(week, name), owner) for is_first, owner, week in self.weeks if is_first is first]
            total += sum(count for (count, _), _ in found)
            if len(shown) < CAP:  # each owner's items are in order: merge them, as far as shown
                merged = heapq.merge(*(_of(owner, items) for (_, items), owner in found if items), key=_order)
                shown += itertools.islice(merged, CAP - len(shown))
        return Section([make(owner.objectives, place, since, until) for _, owner, place in shown],
                       max(0, total - CAP))


def _of(owner: Owner, items: tuple) -> Iterator[tuple]:
    return ((order, owner, place) for order, place in items)


def _moved(objectives: list[Objective], place: tuple, since: dt.date, until: dt.date) -> Move:
    o, k, before, after = place
    return _move(objectives[o].key_results[k], before, after, since, until)


def _worse(objectives: list[Objective], place: tuple, since: dt.date, until: dt.date) -> StatusChange:
    o, status, before = place
    objective = objectives[o]
    return StatusChange(objective, status, objective.status, before, objective.progress)


def _dropped(objectives: list[Objective], place: tuple, since: dt.date, until: dt.date) -> ConfidenceDrop:
    o, k, before, after = place
    return ConfidenceDrop(objectives[o].key_results[k], before, after)


def _stale(objectives: list[Objective], place: tuple, since: dt.date, until: dt.date) -> Stale:
    o, k, days = place
    return Stale(objectives[o].key_results[k], days)


def _achieved(objectives: list[Objective], place: tuple, since: dt.date, until: dt.date) -> Achievement:
    o, k, before = place
    return Achievement(objectives[o] if k is None else objectives[o].key_results[k], before)


_MAKE = {"moved": _moved, "worse": _worse, "confidence_drops": _dropped, "stale": _stale, "achieved": _achieved}


def _homes(cycle: Cycle) -> tuple[tuple[Owner, Owner], ...]:
    """(owner, the owner of its group) for every owner of the cycle, in org-chart order (made once per
    linked cycle)."""
    return linked_view(cycle, "digest homes", partial(_find_homes, cycle))


def _find_homes(cycle: Cycle) -> tuple[tuple[Owner, Owner], ...]:
    company = cycle.company
    if company is None:
        return tuple((owner, owner) for owner in cycle.owners.values())
    home: dict[int, Owner] = {}
    pairs = []
    for owner in org_walk(company):
        parent = owner.parent
        if owner is company or owner.kind == "department" or parent is None or parent is company:
            home[id(owner)] = owner
        else:
            home[id(owner)] = home[id(parent)]
        pairs.append((owner, home[id(owner)]))
    reached = {id(owner) for owner, _ in pairs}
    return (*pairs, *((owner, owner) for owner in cycle.owners.values() if id(owner) not in reached))


def _move(kr: KeyResult, before: float, after: float, since: dt.date, until: dt.date) -> Move:
    checkins = kr.checkins
    dates = [checkin.date for checkin in checkins]
    first, last = bisect.bisect_right(dates, since), bisect.bisect_right(dates, until)
    notes = [checkin for checkin in reversed(checkins[first:last]) if checkin.note]
    if kr.type != "metric":
        return Move(kr, None, None, before, after, notes)
    value_before = checkins[first - 1].value if first else kr.start
    return Move(kr, value_before, kr.current, before, after, notes)
