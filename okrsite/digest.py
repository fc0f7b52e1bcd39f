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
cycle. :mod:`okrsite.digestformat` writes a digest as Markdown or HTML; the site
shows one as the current cycle's digest page.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from okrsite.graph import org_walk
from okrsite.model import CheckIn, Cycle, KeyResult, Objective, Owner, Site
from okrsite.scoring import pace_status
from okrsite.timeline import timeline

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


def make_digest(site: Site, since: dt.date | None = None) -> Digest:
    """The digest of the site's current cycle from ``since`` (default: a week before) to the build date."""
    until = site.build_date
    since = default_since(until) if since is None else since
    cycle = site.current
    digest = Digest(site.config.title, site.config.base_url, cycle, since, until, [])
    if cycle is None or until < cycle.start:
        return digest
    line = timeline(cycle, [since, until], until)
    bands, expected_before = site.config.status, line.expected[0]
    found: dict[int, _Found] = {}
    for owner, home in _homes(cycle):
        items = found.setdefault(id(home), _Found(home))
        first = owner.kind in ("company", "department")
        for objective in owner.objectives:
            for kr in objective.key_results:
                before, after = line.of(kr)
                if abs(after - before) > NOISE:
                    items.moved.append((first, (kr, before, after)))
                if after >= 1 > before:
                    items.achieved.append((first, Achievement(kr, before)))
                now, then = kr.confidence, kr.confidence_on(since)
                if now is not None and then is not None and now < then:
                    items.confidence_drops.append((first, ConfidenceDrop(kr, then, now)))
                if kr.stale and kr.updated is not None:
                    items.stale.append((first, Stale(kr, (until - kr.updated).days)))
            before = line.of(objective)[0]
            status = objective.status_given or pace_status(before, expected_before, bands)
            if SEVERITY.get(objective.status, -1) > SEVERITY.get(status, 3):
                change = StatusChange(objective, status, objective.status, before, objective.progress)
                items.worse.append((first, change))
            if objective.progress >= 1 > before + NOISE:
                items.achieved.append((first, Achievement(objective, before)))
    digest.groups = [group for group in (f.group(since, until) for f in found.values()) if not group.empty]
    return digest


@dataclass
class _Found:
    """What a group found, each item with whether a company or department owns it, before sorting and capping."""

    home: Owner
    moved: list[tuple[bool, tuple[KeyResult, float, float]]] = field(default_factory=list)  # made Moves once shown
    worse: list[tuple[bool, StatusChange]] = field(default_factory=list)
    confidence_drops: list[tuple[bool, ConfidenceDrop]] = field(default_factory=list)
    stale: list[tuple[bool, Stale]] = field(default_factory=list)
    achieved: list[tuple[bool, Achievement]] = field(default_factory=list)

    def group(self, since: dt.date, until: dt.date) -> Group:
        home = self.home
        name = COMPANY_GROUP if home.kind == "company" else home.name
        return Group(
            name, home,
            moved=_section(self.moved, lambda m: (-abs(m[2] - m[1]), m[0].title.lower(), m[0].ref),
                           lambda m: _move(*m, since, until)),
            worse=_section(self.worse, lambda c: (-SEVERITY[c.after], c.progress_after, c.objective.ref)),
            confidence_drops=_section(self.confidence_drops, lambda d: (d.after - d.before, d.key_result.ref)),
            stale=_section(self.stale, lambda s: (-s.days, s.key_result.ref)),
            achieved=_section(self.achieved,
                              lambda a: (isinstance(a.item, KeyResult), a.item.title.lower(), a.item.ref)))


def _section(found: list[tuple[bool, Any]], order, make=None) -> Section:
    """The items company and department ones first, then by ``order``; at most :data:`CAP` shown,
    each made by ``make`` when given (so that what is only counted is never made)."""
    items = [item for _, item in sorted(found, key=lambda pair: (not pair[0], order(pair[1])))]
    shown = items[:CAP] if make is None else [make(item) for item in items[:CAP]]
    return Section(shown, max(0, len(items) - CAP))


def _homes(cycle: Cycle) -> list[tuple[Owner, Owner]]:
    """(owner, the owner of its group) for every owner of the cycle, in org-chart order."""
    company = cycle.company
    if company is None:
        return [(owner, owner) for owner in cycle.owners.values()]
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
    return pairs + [(owner, owner) for owner in cycle.owners.values() if id(owner) not in reached]


def _move(kr: KeyResult, before: float, after: float, since: dt.date, until: dt.date) -> Move:
    checkins = kr.checkins
    dates = [checkin.date for checkin in checkins]
    first, last = bisect.bisect_right(dates, since), bisect.bisect_right(dates, until)
    notes = [checkin for checkin in reversed(checkins[first:last]) if checkin.note]
    if kr.type != "metric":
        return Move(kr, None, None, before, after, notes)
    value_before = checkins[first - 1].value if first else kr.start
    return Move(kr, value_before, kr.current, before, after, notes)
