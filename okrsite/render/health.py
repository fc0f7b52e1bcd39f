"""The OKR health of a cycle, for the champions who run the program: what the coaching
checks find on the site, by check and by department, and a few figures of the program.

It reads the cycle as the site shows it (private objectives are not in it), runs the
checks of :mod:`okrsite.coaching` that site.toml leaves on, and groups what they find
under the department each owner belongs to (as the status page does). Each group
shows its first :data:`SHOWN` findings and counts the rest, so the page stays light
at any size. What the checks find about each owner, and its share of the figures,
is an :class:`OwnerHealth`, which the site's renderer keeps while the owner does not
change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial

from okrsite.coaching import ABOUT, LINKED, MAX_KEY_RESULTS, MIN_KEY_RESULTS, SCORED, Check, alone, applies
from okrsite.config import CheckSettings
from okrsite.graph import linked_view
from okrsite.model import Cycle, KeyResult, Objective, Owner
from okrsite.outcomes import is_output
from okrsite.render.formatting import confidence_word
from okrsite.render.heatmap import row_owners
from okrsite.scoring import is_running

SHOWN = 10  # findings shown per check and department


@dataclass(slots=True)
class Shown:
    """A finding as the page shows it: what it is about (an objective, an owner or the cycle) and why."""

    about: Objective | Owner | Cycle
    label: str  # the objective's title, the owner's name or the cycle's title
    owner: Owner | None  # an objective's owner
    message: str

    @classmethod
    def of(cls, about: Objective | Owner | Cycle, message: str) -> Shown:
        if isinstance(about, Objective):
            return cls(about, about.title, about.owner, message)
        return cls(about, about.name if isinstance(about, Owner) else about.title, None, message)


@dataclass(slots=True)
class Group:
    """What one check found in one department (or the company's row: its own objectives and
    the teams and people directly under it; ``owner`` is None for the cycle as a whole)."""

    owner: Owner | None
    shown: list[Shown]
    more: int  # found but not shown


@dataclass(slots=True)
class CheckResult:
    name: str  # as in [checks] of site.toml
    title: str
    why: str
    count: int
    groups: list[Group]


@dataclass(slots=True)
class Figure:
    """A share of the program: ``part`` of ``whole`` (None when nothing counts), with what it means."""

    label: str
    part: int
    whole: int
    why: str
    better: str = "higher"  # or "lower"

    @property
    def share(self) -> float | None:
        return self.part / self.whole if self.whole else None


@dataclass(slots=True)
class Health:
    checks: list[CheckResult]  # the checks that apply to the cycle, as site.toml leaves them on
    off: list[str]  # titles of the checks site.toml switches off
    figures: list[Figure]

    @property
    def found(self) -> list[CheckResult]:
        """The checks that found something."""
        return [check for check in self.checks if check.count]

    @property
    def clear(self) -> list[CheckResult]:
        """The checks that found nothing."""
        return [check for check in self.checks if not check.count]


EVERY = {**LINKED, **SCORED}  # the checks, in the order the page shows them
#: The checks that look at each owner's objectives alone (and, for ``dependencies``, at what they need):
#: what they find is kept per owner (:class:`OwnerHealth`). The others look at the cycle as a whole.
OWNER_CHECKS = frozenset({"key_result_count", "objective_count", "outputs", "units", "unaligned", "stale",
                          "dependencies"})


@dataclass(frozen=True, slots=True)
class OwnerHealth:
    """What the checks of :data:`OWNER_CHECKS` find about one owner and what it adds to the figures, with no
    objects: each finding by its place (the index of the objective it is about, None for the owner itself),
    so that a renderer can keep it while the owner does not change (:func:`cycle_health`'s ``part``)."""

    found: tuple[tuple[str, int | None, str], ...]  # (check, place, message), check by check
    focused: int  # objectives with 2 to 5 key results
    objectives: int
    updated: int  # metric key results updated within the stale limit
    metrics: int
    outputs: int  # key results that read as outputs
    key_results: int
    confident: int  # key results with a confidence
    doubtful: int  # of those, Low


def owner_health(cycle: Cycle, settings: CheckSettings, today: dt.date, owner: Owner) -> OwnerHealth:
    """What the checks that ``settings`` leave on and that apply to the cycle find about ``owner``, and its
    share of the figures."""
    by_itself, places = alone(cycle, [owner]), {id(o): index for index, o in enumerate(owner.objectives)}
    found = tuple((name, places.get(id(finding.about)), finding.message)
                  for name, check in _checks(cycle, settings, today) if name in OWNER_CHECKS
                  for finding in check(by_itself, settings, today))
    objectives = owner.objectives
    key_results = [kr for objective in objectives for kr in objective.key_results]
    metrics = [kr for kr in key_results if kr.type == "metric"]
    given = [kr.confidence for kr in key_results if kr.confidence is not None]
    return OwnerHealth(
        found, sum(MIN_KEY_RESULTS <= len(o.key_results) <= MAX_KEY_RESULTS for o in objectives), len(objectives),
        sum(_updated_within(kr, today, settings.stale_days) for kr in metrics), len(metrics),
        sum(is_output(kr.title) for kr in key_results), len(key_results),
        len(given), sum(confidence_word(confidence) == "Low" for confidence in given))


Part = Callable[[Owner], OwnerHealth]


def cycle_health(cycle: Cycle, settings: CheckSettings, today: dt.date, part: Part | None = None) -> Health:
    """The cycle's health: what the checks find, by check and department, and the figures.

    ``part`` gives what an owner adds (by default :func:`owner_health`); a renderer can pass one that
    reuses the parts of owners that did not change."""
    rows, order = linked_view(cycle, "health rows", partial(_rows, cycle))
    part = partial(owner_health, cycle, settings, today) if part is None else part
    parts = [(owner, part(owner)) for owner in cycle.owners.values()]
    found: dict[str, list[tuple[Owner | None, Objective | Owner | Cycle, str]]] = {}
    for owner, health in parts:
        for name, place, message in health.found:
            about = owner if place is None else owner.objectives[place]
            found.setdefault(name, []).append((owner, about, message))
    checks = [_check(name, found.get(name, ()) if name in OWNER_CHECKS else
                     ((_owner_of(f.about), f.about, f.message) for f in check(cycle, settings, today)), rows, order)
              for name, check in _checks(cycle, settings, today)]
    off = [ABOUT[name][0] for name in EVERY if not settings.on(name)]
    return Health(checks, off, figures(cycle, settings, today, [health for _, health in parts]))


def _rows(cycle: Cycle) -> tuple[dict[int, Owner], dict[int, int]]:
    """The owner of each owner's row on the status page, and each row's place, by ``id()``."""
    rows = {id(owner): row for owner, row in row_owners(cycle)}
    return rows, {id(row): index for index, row in enumerate(dict.fromkeys(rows.values()))}


def _checks(cycle: Cycle, settings: CheckSettings, today: dt.date) -> list[tuple[str, Check]]:
    """The checks that ``settings`` leave on and that apply to the cycle."""
    return [(name, check) for name, check in EVERY.items() if settings.on(name) and applies(name, cycle, today)]


def _check(name: str, found: Iterable[tuple[Owner | None, Objective | Owner | Cycle, str]], rows: dict[int, Owner],
           order: dict[int, int]) -> CheckResult:
    """What check ``name`` found, each finding (its owner, what it is about, its message) under its department."""
    groups: dict[int, Group] = {}
    count = 0
    for owner, about, message in found:
        count += 1
        row = rows.get(id(owner)) if owner is not None else None
        group = groups.setdefault(id(row), Group(row, [], 0))
        if len(group.shown) < SHOWN:
            group.shown.append(Shown.of(about, message))
        else:
            group.more += 1
    title, why = ABOUT[name]
    ranked = sorted(groups.values(), key=lambda g: -1 if g.owner is None else order.get(id(g.owner), len(order)))
    return CheckResult(name, title, why, count, ranked)


def _owner_of(about: Objective | Owner | Cycle) -> Owner | None:
    if isinstance(about, Objective):
        return about.owner
    return about if isinstance(about, Owner) else None


def figures(cycle: Cycle, settings: CheckSettings, today: dt.date, parts: list[OwnerHealth]) -> list[Figure]:
    """The program's figures: focus, rhythm, alignment and outcomes, summed from the owners' ``parts``."""
    def total(field: str) -> int:
        return sum(getattr(part, field) for part in parts)

    people = [owner for owner in cycle.owners.values() if owner.kind == "person" and owner.objectives]
    running, tops = is_running(cycle, today), {}
    return [
        Figure("Objectives with 2 to 5 key results", total("focused"), total("objectives"),
               "Focus: enough key results to measure the objective, few enough to act on."),
        Figure(f"Metric key results updated in the last {settings.stale_days} days",
               total("updated") if running else 0, total("metrics") if running else 0,
               "Rhythm: a weekly check-in keeps progress true (counted while the cycle runs)."),
        Figure("People whose every objective rolls up to the company",
               sum(all(_reaches_company(o, tops) for o in person.objectives) for person in people), len(people),
               "Alignment: each person can see how their work serves the company's goals."),
        Figure("Key results that read as outputs", total("outputs"), total("key_results"),
               "Outcomes over outputs: count the change, not the work.", better="lower"),
        *_confidence_figures(total("key_results"), total("confident"), total("doubtful")),
    ]


def _confidence_figures(key_results: int, given: int, low: int) -> list[Figure]:
    """Where confidence is given: how often, and how much of it is low (none when nobody gives any)."""
    if not given:
        return []
    return [Figure("Key results with a confidence", given, key_results,
                   "Confidence at each check-in says early which targets are in danger."),
            Figure("Of those, Low confidence", low, given,
                   "Key results their owners doubt they will reach: worth a conversation.", better="lower")]


def _updated_within(kr: KeyResult, today: dt.date, days: int) -> bool:
    return kr.updated is not None and (today - kr.updated).days <= days


def _reaches_company(objective: Objective, tops: dict[int, Objective]) -> bool:
    """Whether the objective's :attr:`~okrsite.model.Objective.chain` starts at a company objective;
    ``tops`` keeps the top of each chain walked (the chain above an objective is its parent's, and the parent)."""
    top = _top(objective, tops)
    if top is None:  # a loop, which linking leaves none of: the chain's own walk
        chain = objective.chain
        return bool(chain) and chain[0].owner.kind == "company"
    return top is not objective and top.owner.kind == "company"


def _top(objective: Objective, tops: dict[int, Objective]) -> Objective | None:
    """The objective at the top of the chain from ``objective`` up (itself when it aligns to nothing;
    None when the way up loops)."""
    path, seen = [], {id(objective)}
    while objective.parents and id(objective) not in tops:
        path.append(objective)
        objective = objective.parents[0].objective
        if id(objective) in seen:
            return None
        seen.add(id(objective))
    top = tops.get(id(objective), objective)
    for below in path:
        tops[id(below)] = top
    return top
