"""The OKR model: plain dataclasses built once, linked by :mod:`okrsite.graph`,
given numbers by :mod:`okrsite.scoring`, and only read by the renderers.

Fields made with :func:`per_build` ("linked" and "computed") start empty and are
filled by those stages; :func:`reset_build_state` empties them again, so the
objects parsed from an unchanged file can be reused by the next build.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Sequence
from dataclasses import MISSING, dataclass, field, fields
from typing import Any, TypeVar

from okrsite import urls
from okrsite.config import SiteConfig

KINDS = ("company", "department", "team", "person")
KR_TYPES = ("metric", "milestone", "rollup")
STATUSES = ("on-track", "at-risk", "off-track")
GRADES = ("achieved", "progress", "missed")
OBJECTIVE_TYPES = ("aspirational", "committed")  # committed: expected to reach 1.0


T = TypeVar("T")

EMPTY: tuple = ()
"""What a key result's or an objective's list field holds while it holds nothing: one shared empty tuple.

Most of these fields stay empty (contributors, dependencies both ways, the objectives
aligned to a key result, an objective's initiatives...): at 10,000 people, 1.5 million
empty lists took 94 MiB, which a build's worker process then copies as it touches them.
Code that reads such a field works on either (loops, ``len``, ``in``, ``if``; not ``+``);
code that adds to one uses :func:`added`. An owner's lists stay lists: they are few.
"""


def added(items: Sequence[T], item: T) -> list[T]:
    """``items`` with ``item`` at the end: the list itself, grown, or a new list in place of :data:`EMPTY`."""
    if items is EMPTY:
        return [item]
    items.append(item)
    return items


def pickled_by_fields(cls: type[T]) -> type[T]:
    """Pickle the dataclass ``cls`` as its fields in order, given back to its constructor.

    A build's worker process sends the owners it parsed back pickled, and the default
    way (a dict of the slots, or dataclasses' own state for a frozen class) cost three
    times as much for the many small values: check-ins, sources, initiatives. Every
    field of ``cls`` must be an argument of its constructor.
    """
    values = operator.attrgetter(*(f.name for f in fields(cls)))
    cls.__reduce__ = lambda self: (cls, values(self))
    return cls


def per_build(default: Any = MISSING, factory: Any = MISSING, repr: bool = True) -> Any:
    """A field that a build fills in (links, numbers) and the next build starts afresh."""
    return field(default=default, default_factory=factory, repr=repr, metadata={"per_build": True})


_PER_BUILD: dict[type, list[tuple[str, Any, Any]]] = {}


def reset_build_state(item: Any) -> None:
    """Put every :func:`per_build` field of ``item`` back to its default."""
    specs = _PER_BUILD.get(type(item))
    if specs is None:
        specs = _PER_BUILD[type(item)] = [(f.name, f.default, f.default_factory) for f in fields(item)
                                          if f.metadata.get("per_build")]
    for name, default, factory in specs:
        setattr(item, name, default if factory is MISSING else factory())


def trend(now: float | None, before: float | None) -> str | None:
    """'rising', 'falling' or 'steady' from ``before`` to ``now``; None without both."""
    if now is None or before is None:
        return None
    return "rising" if now > before else "falling" if now < before else "steady"


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Source:
    """Where something was written: a file as shown in messages, and a line."""

    path: str
    line: int


@pickled_by_fields
@dataclass(slots=True)
class CheckIn:
    date: dt.date
    value: float
    note: str = ""
    line: int = 0
    confidence: float | None = None  # how likely the key result reaches its target by the cycle's end, 0..1


@pickled_by_fields
@dataclass(slots=True)
class Initiative:
    text: str
    done: bool


@dataclass(eq=False, slots=True)
class Kpi:
    id: str
    title: str
    current_given: float | None = None
    target: float | None = None
    direction: str = "higher"  # higher | lower
    unit: str = ""
    source: Source = Source("", 0)
    checkins: list[CheckIn] = field(default_factory=list)  # as written, oldest first
    graduated_from: str | None = None  # "CYCLE/owner/objective/kr" as written
    key_lines: dict[str, int] = field(default_factory=dict, repr=False)
    owner: Owner = field(default=None, repr=False)  # set with the owner
    # linked
    graduated_from_kr: KeyResult | None = per_build(None, repr=False)  # the key result of an earlier cycle
    # computed
    healthy: bool | None = per_build(None)  # meets its target; None without a current value or a target
    verdicts: list[tuple[dt.date, bool]] = per_build(factory=list, repr=False)  # healthy at each check-in

    @property
    def current(self) -> float | None:
        """``current`` as written, else the latest check-in's value."""
        if self.current_given is not None:
            return self.current_given
        return self.checkins[-1].value if self.checkins else None

    @property
    def anchor(self) -> str:
        """The id of the KPI's row on its owner's page."""
        return f"kpi-{self.id}"


@dataclass(eq=False, slots=True)
class KeyResult:
    id: str
    title: str
    source: Source
    type: str = "metric"
    start: float | None = None
    target: float | None = None
    current_given: float | None = None
    unit: str = ""
    weight: float = 1
    score_given: float | None = None
    confidence_given: float | None = None  # the key result's own `confidence:`, for when no check-in gives one
    done: bool | None = None
    checkins_given: list[CheckIn] = field(default_factory=list)  # as written in the file
    contributor_ids: Sequence[str] = EMPTY  # person ids as written
    depends_on: Sequence[str] = EMPTY  # refs as written
    key_lines: dict[str, int] = field(default_factory=dict, repr=False)
    objective: Objective = field(init=False, repr=False)  # set with the objective
    # linked
    aligned: Sequence[Objective] = per_build(EMPTY, repr=False)
    contributors: Sequence[Owner] = per_build(EMPTY, repr=False)  # people who work on it besides its owner
    dependencies: Sequence[Dependency] = per_build(EMPTY, repr=False)  # what it needs
    needed_by: Sequence[Dependency] = per_build(EMPTY, repr=False)  # what needs it
    private_dependencies: int = per_build(0)  # dependencies on objectives left out of the site
    graduated_to: Sequence[Kpi] = per_build(EMPTY, repr=False)  # KPIs of later cycles it became
    history: Sequence[CheckIn] = per_build(EMPTY, repr=False)  # check-ins from git (okrsite.history)
    # computed
    progress: float = per_build(0.0)
    score: float = per_build(0.0)
    status: str = per_build("")
    stale: bool = per_build(False)  # no check-in for longer than [checks] stale_days in the running cycle

    @property
    def checkins(self) -> list[CheckIn]:
        """The check-ins written in the file, else those read from git history."""
        return self.checkins_given or self.history

    @property
    def updated(self) -> dt.date | None:
        """The day of the latest check-in, if any."""
        return self.checkins[-1].date if self.checkins else None

    @property
    def latest_note(self) -> str:
        """What the latest check-in said, if it said anything."""
        return self.checkins[-1].note if self.checkins else ""

    @property
    def confidences(self) -> list[tuple[dt.date, float]]:
        """The confidence each check-in gave, oldest first; check-ins without one are left out."""
        return [(c.date, c.confidence) for c in self.checkins if c.confidence is not None]

    @property
    def confidence(self) -> float | None:
        """How likely the key result is to reach its target by the cycle's end (0..1), now: what the
        latest check-in that gives a confidence said, else the key result's own ``confidence``, else None.

        With :attr:`previous_confidence` it says whether confidence fell since the check-in before:
        ``kr.confidence < kr.previous_confidence`` (both known) is a drop. :meth:`confidence_on` gives
        the confidence as of a past day, for "since" reports."""
        latest = self._latest_confidences()
        return latest[0] if latest else self.confidence_given

    @property
    def previous_confidence(self) -> float | None:
        """The confidence given by the check-in before the one :attr:`confidence` comes from (None
        when fewer than two check-ins give one)."""
        latest = self._latest_confidences()
        return latest[1] if len(latest) > 1 else None

    @property
    def confidence_trend(self) -> str | None:
        """'rising', 'falling' or 'steady': :attr:`confidence` against :attr:`previous_confidence`;
        None without both."""
        latest = self._latest_confidences()
        return trend(*latest) if len(latest) == 2 else None

    def _latest_confidences(self) -> list[float]:
        """The last two confidences the check-ins gave, newest first (walking back only as far as needed)."""
        found = []
        for checkin in reversed(self.checkins):
            if checkin.confidence is not None:
                found.append(checkin.confidence)
                if len(found) == 2:
                    break
        return found

    def confidence_on(self, day: dt.date) -> float | None:
        """The confidence as it stood at the end of ``day``: what the latest check-in on or before
        ``day`` that gives one said. Without any check-in giving one, the key result's own
        ``confidence`` (undated, so the same on every day); None when check-ins give one only after ``day``."""
        given = self.confidences
        if not given:
            return self.confidence_given
        before = [confidence for date, confidence in given if date <= day]
        return before[-1] if before else None

    @property
    def done_on(self) -> dt.date | None:
        """For a milestone done with a date from git history: the day it was marked done (later
        check-ins that only changed its confidence leave that day as it is)."""
        if self.type != "milestone" or not self.done:
            return None
        day = None
        for checkin in reversed(self.history):
            if not checkin.value:
                break
            day = checkin.date
        return day

    @property
    def current(self) -> float | None:
        """``current`` as written, else the latest check-in, else ``start``."""
        if self.current_given is not None:
            return self.current_given
        if self.checkins:
            return self.checkins[-1].value
        return self.start

    @property
    def cycle(self) -> Cycle:
        return self.objective.cycle

    @property
    def owner(self) -> Owner:
        return self.objective.owner

    @property
    def ref(self) -> str:
        return f"{self.objective.ref}/{self.id}"

    @property
    def private(self) -> bool:
        """Left out of the site with its objective."""
        return self.objective.private

    @property
    def url(self) -> str:
        return urls.key_result(self)


@dataclass(eq=False, slots=True)
class Objective:
    id: str
    title: str
    source: Source
    description_html: str = ""
    retro_html: str = ""  # the end-of-cycle retrospective notes
    aligns_to: list[str] = field(default_factory=list)  # refs as written
    contributor_ids: Sequence[str] = EMPTY  # person ids as written
    depends_on: Sequence[str] = EMPTY  # refs as written
    private: bool = False
    key_results: list[KeyResult] = field(default_factory=list)
    initiatives: Sequence[Initiative] = EMPTY
    score_given: float | None = None
    status_given: str | None = None
    type: str = "aspirational"  # or committed: measured against 1.0 (see scoring.bands_for)
    growth: bool = False  # a person's development goal: on their page only, never rolled up
    key_lines: dict[str, int] = field(default_factory=dict, repr=False)
    owner: Owner = field(init=False, repr=False)  # set with the owner
    # linked
    parents: list[Alignment] = per_build(factory=list, repr=False)
    children: Sequence[Objective] = per_build(EMPTY, repr=False)
    private_parents: int = per_build(0)  # alignments to objectives left out of the site
    contributors: Sequence[Owner] = per_build(EMPTY, repr=False)  # people who work on it besides its owner
    dependencies: Sequence[Dependency] = per_build(EMPTY, repr=False)  # what it needs
    needed_by: Sequence[Dependency] = per_build(EMPTY, repr=False)  # what needs it
    private_dependencies: int = per_build(0)  # dependencies on objectives left out of the site
    # computed
    progress: float = per_build(0.0)
    score: float = per_build(0.0)
    status: str = per_build("")

    @property
    def ref(self) -> str:
        return f"{self.owner.id}/{self.id}"

    @property
    def cycle(self) -> Cycle:
        return self.owner.cycle

    @property
    def url(self) -> str:
        return urls.growth_goal(self) if self.growth else urls.objective(self)

    @property
    def objective(self) -> Objective:
        """Itself, so that an objective and a key result both name the objective they belong to."""
        return self

    @property
    def held_up_by(self) -> list[Dependency]:
        """The needs of the objective and its key results that are off track (or, graded, missed)."""
        return [d for part in (self, *self.key_results) for d in part.dependencies if d.blocking]

    @property
    def chain(self) -> list[Objective]:
        """The objectives above this one, company first, following the first alignment."""
        chain, seen, objective = [], {id(self)}, self
        while objective.parents and id(objective.parents[0].objective) not in seen:
            objective = objective.parents[0].objective
            seen.add(id(objective))
            chain.append(objective)
        return chain[::-1]

    @property
    def chains(self) -> Chains:
        """Every way up from this objective to an objective that aligns to nothing (the company's,
        usually), the first alignment's first: at most :data:`MAX_CHAINS` of them, and whether
        there are more. Linking leaves no loops to follow."""
        found: list[Chain] = []
        # each entry: the alignment it started from, and the way so far as a linked list (top, rest)
        stack: list[tuple[Alignment, tuple]] = [(a, (a.objective, None)) for a in reversed(self.parents)]
        while stack and len(found) <= MAX_CHAINS:
            start, way = stack.pop()
            top = way[0]
            if top.parents:
                stack.extend((start, (above.objective, way)) for above in reversed(top.parents))
                continue
            objectives = []
            while way is not None:
                objectives.append(way[0])
                way = way[1]
            found.append(Chain(objectives, start.key_result))
        return Chains(found[:MAX_CHAINS], more=len(found) > MAX_CHAINS)


MAX_CHAINS = 5  # the ways up an objective's owner page shows


class Chains(list):
    """Ways up from an objective (a list of :class:`Chain`), and whether there are more than it holds."""

    def __init__(self, chains: list[Chain], more: bool = False):
        super().__init__(chains)
        self.more = more


@dataclass(frozen=True, slots=True)
class Chain:
    """A way up from an objective: the objectives above it, the top first, and the key result
    of its direct parent it aligns to, if any."""

    objectives: list[Objective]
    key_result: KeyResult | None

    @property
    def parent(self) -> Objective:
        return self.objectives[-1]


@dataclass(eq=False, slots=True)
class Alignment:
    """An objective's link upward: to an objective, or to one of its key results."""

    objective: Objective
    key_result: KeyResult | None = None

    @property
    def ref(self) -> str:
        return self.key_result.ref if self.key_result else self.objective.ref


BLOCKING = ("off-track", "missed")  # a dependency with this status holds up what needs it


@dataclass(eq=False, slots=True)
class Dependency:
    """A need inside a cycle: ``dependent`` (an objective or a key result) needs ``target`` (either too)."""

    dependent: Objective | KeyResult
    target: Objective | KeyResult

    @property
    def blocking(self) -> bool:
        """The target is off track (or, once graded, missed): the dependent is held up."""
        return self.target.status in BLOCKING


@dataclass(eq=False, slots=True)
class Owner:
    id: str
    name: str
    kind: str
    source: Source
    parent_id: str | None = None
    lead_id: str | None = None
    role: str = ""
    private: bool = False
    declared_objectives: list[Objective] = field(default_factory=list)  # as written in the file
    broken_objectives: frozenset[str] = frozenset()  # ids of objectives with errors of their own
    kpis: list[Kpi] = field(default_factory=list)
    body_html: str = ""
    key_lines: dict[str, int] = field(default_factory=dict, repr=False)
    digest: str = ""  # of the file it was read from: stands for everything the file says ("": unknown)
    # linked
    history_digest: str = per_build("")  # stands for the check-ins git history gave its key results
    cycle: Cycle = per_build(None, repr=False)
    objectives: list[Objective] = per_build(factory=list, repr=False)  # those in the site: public ones
    growth: list[Objective] = per_build(factory=list, repr=False)  # growth goals in the site, kept apart
    parent: Owner | None = per_build(None, repr=False)
    lead: Owner | None = per_build(None, repr=False)
    children: list[Owner] = per_build(factory=list, repr=False)
    contributions: list[Objective | KeyResult] = per_build(factory=list, repr=False)  # others' work it helps with
    # computed
    progress: float | None = per_build(None)
    score: float | None = per_build(None)
    status: str = per_build("")

    def reset(self) -> None:
        """Forget the links and numbers of an earlier build; the objectives are the declared ones again."""
        reset_build_state(self)
        self.sort_declared()
        for objective in self.declared_objectives:
            reset_build_state(objective)
            for kr in objective.key_results:
                reset_build_state(kr)
        for kpi in self.kpis:
            reset_build_state(kpi)

    def sort_declared(self) -> None:
        """The objectives are the declared ones, growth goals apart."""
        self.objectives = [o for o in self.declared_objectives if not o.growth]
        self.growth = [o for o in self.declared_objectives if o.growth]

    @property
    def url(self) -> str:
        return urls.owner(self)

    @property
    def ancestors(self) -> list[Owner]:
        """From the company down to this owner's parent."""
        chain, owner = [], self.parent
        while owner is not None:
            chain.append(owner)
            owner = owner.parent
        return chain[::-1]


@dataclass(eq=False, slots=True, weakref_slot=True)  # weakly held: graph.linked_view
class Cycle:
    id: str
    title: str
    start: dt.date
    end: dt.date
    folder: str = ""  # the cycle's content folder, as shown in messages
    broken: set[str] = field(default_factory=set)  # ids of files whose errors kept them out
    owners: dict[str, Owner] = field(default_factory=dict)
    hidden: set[str] = field(default_factory=set)  # ids of the private owners left out of the site
    # linked
    state: str = ""  # current | archived | upcoming
    company: Owner | None = field(default=None, repr=False)
    # computed
    progress: float | None = None
    score: float | None = None
    expected: float = 0.0  # the elapsed fraction of the cycle at the build date
    status_counts: dict[str, int] = field(default_factory=dict)  # objectives by status
    # edits taken in place since the cycle was linked (okrsite.relink), oldest first: for each, the
    # owners and objectives whose content or numbers changed
    changes: list[frozenset] = field(default_factory=list, repr=False)
    graduated: list[KeyResult] = field(default_factory=list, repr=False)  # its key results KPIs graduated from

    @property
    def slug(self) -> str:
        return self.id.lower()

    @property
    def archived(self) -> bool:
        """Ended: its objectives have final scores."""
        return self.state == "archived"

    @property
    def cycle(self) -> Cycle:
        """Itself, so that a cycle, an owner and an objective all name their cycle alike."""
        return self

    @property
    def url(self) -> str:
        return urls.cycle(self)

    @property
    def objectives(self) -> list[Objective]:
        return [o for owner in self.owners.values() for o in owner.objectives]


@dataclass(slots=True)
class Site:
    config: SiteConfig
    build_date: dt.date
    cycles: list[Cycle]  # newest first
    current: Cycle | None = None
    include_private: bool = False  # a leadership build: private owners and objectives are in it, marked
