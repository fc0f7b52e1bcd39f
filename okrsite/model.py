"""The OKR model: plain dataclasses built once, linked by :mod:`okrsite.graph`,
given numbers by :mod:`okrsite.scoring`, and only read by the renderers.

Fields made with :func:`per_build` ("linked" and "computed") start empty and are
filled by those stages; :func:`reset_build_state` empties them again, so the
objects parsed from an unchanged file can be reused by the next build.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import MISSING, dataclass, field, fields
from typing import Any

from okrsite import urls
from okrsite.config import SiteConfig

KINDS = ("company", "department", "team", "person")
KR_TYPES = ("metric", "milestone", "rollup")
STATUSES = ("on-track", "at-risk", "off-track")
GRADES = ("achieved", "progress", "missed")
OBJECTIVE_TYPES = ("aspirational", "committed")  # committed: expected to reach 1.0


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


@dataclass(frozen=True, slots=True)
class Source:
    """Where something was written: a file as shown in messages, and a line."""

    path: str
    line: int


@dataclass(slots=True)
class CheckIn:
    date: dt.date
    value: float
    note: str = ""
    line: int = 0


@dataclass(slots=True)
class Initiative:
    text: str
    done: bool


@dataclass(slots=True)
class Kpi:
    id: str
    title: str
    current: float | None = None
    target: float | None = None
    direction: str = "higher"  # higher | lower
    unit: str = ""
    # computed
    healthy: bool | None = per_build(None)  # meets its target; None without a current value or a target


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
    done: bool | None = None
    checkins_given: list[CheckIn] = field(default_factory=list)  # as written in the file
    objective: Objective = field(init=False, repr=False)  # set with the objective
    # linked
    aligned: list[Objective] = per_build(factory=list, repr=False)
    history: list[CheckIn] = per_build(factory=list, repr=False)  # check-ins from git (okrsite.history)
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
    def done_on(self) -> dt.date | None:
        """For a milestone done with a date from git history: the day it was marked done."""
        if self.type == "milestone" and self.done and self.history and self.history[-1].value:
            return self.history[-1].date
        return None

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
    def ref(self) -> str:
        return f"{self.objective.ref}/{self.id}"


@dataclass(eq=False, slots=True)
class Objective:
    id: str
    title: str
    source: Source
    description_html: str = ""
    retro_html: str = ""  # the end-of-cycle retrospective notes
    aligns_to: list[str] = field(default_factory=list)  # refs as written
    private: bool = False
    key_results: list[KeyResult] = field(default_factory=list)
    initiatives: list[Initiative] = field(default_factory=list)
    score_given: float | None = None
    status_given: str | None = None
    type: str = "aspirational"  # or committed: measured against 1.0 (see scoring.bands_for)
    key_lines: dict[str, int] = field(default_factory=dict, repr=False)
    owner: Owner = field(init=False, repr=False)  # set with the owner
    # linked
    parents: list[Alignment] = per_build(factory=list, repr=False)
    children: list[Objective] = per_build(factory=list, repr=False)
    private_parents: int = per_build(0)  # alignments to objectives left out of the site
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
        return urls.objective(self)

    @property
    def chain(self) -> list[Objective]:
        """The objectives above this one, company first, following the first alignment."""
        chain, seen, objective = [], {id(self)}, self
        while objective.parents and id(objective.parents[0].objective) not in seen:
            objective = objective.parents[0].objective
            seen.add(id(objective))
            chain.append(objective)
        return chain[::-1]


@dataclass(eq=False, slots=True)
class Alignment:
    """An objective's link upward: to an objective, or to one of its key results."""

    objective: Objective
    key_result: KeyResult | None = None

    @property
    def ref(self) -> str:
        return self.key_result.ref if self.key_result else self.objective.ref


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
    broken_objectives: set[str] = field(default_factory=set)  # ids of objectives with errors of their own
    kpis: list[Kpi] = field(default_factory=list)
    body_html: str = ""
    key_lines: dict[str, int] = field(default_factory=dict, repr=False)
    digest: str = ""  # of the file it was read from: stands for everything the file says ("": unknown)
    # linked
    history_digest: str = per_build("")  # stands for the check-ins git history gave its key results
    cycle: Cycle = per_build(None, repr=False)
    objectives: list[Objective] = per_build(factory=list, repr=False)  # those in the site: public ones
    parent: Owner | None = per_build(None, repr=False)
    lead: Owner | None = per_build(None, repr=False)
    children: list[Owner] = per_build(factory=list, repr=False)
    # computed
    progress: float | None = per_build(None)
    score: float | None = per_build(None)
    status: str = per_build("")

    def reset(self) -> None:
        """Forget the links and numbers of an earlier build; the objectives are the declared ones again."""
        reset_build_state(self)
        self.objectives = list(self.declared_objectives)
        for objective in self.objectives:
            reset_build_state(objective)
            for kr in objective.key_results:
                reset_build_state(kr)
        for kpi in self.kpis:
            reset_build_state(kpi)

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


@dataclass(eq=False, slots=True)
class Cycle:
    id: str
    title: str
    start: dt.date
    end: dt.date
    folder: str = ""  # the cycle's content folder, as shown in messages
    broken: set[str] = field(default_factory=set)  # ids of files whose errors kept them out
    owners: dict[str, Owner] = field(default_factory=dict)
    # linked
    state: str = ""  # current | archived | upcoming
    company: Owner | None = field(default=None, repr=False)
    # computed
    progress: float | None = None
    score: float | None = None
    expected: float = 0.0  # the elapsed fraction of the cycle at the build date
    status_counts: dict[str, int] = field(default_factory=dict)  # objectives by status

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
