"""The OKR health of a cycle, for the champions who run the program: what the coaching
checks find on the site, by check and by department, and a few figures of the program.

It reads the cycle as the site shows it (private objectives are not in it), runs the
checks of :mod:`okrsite.coaching` that site.toml leaves on, and groups what they find
under the department each owner belongs to (as the status page does). Each group
shows its first :data:`SHOWN` findings and counts the rest, so the page stays light
at any size.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from okrsite.coaching import ABOUT, LINKED, MAX_KEY_RESULTS, MIN_KEY_RESULTS, SCORED, Finding, applies
from okrsite.config import CheckSettings
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
    def of(cls, finding: Finding) -> Shown:
        about = finding.about
        if isinstance(about, Objective):
            return cls(about, about.title, about.owner, finding.message)
        return cls(about, about.name if isinstance(about, Owner) else about.title, None, finding.message)


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


def cycle_health(cycle: Cycle, settings: CheckSettings, today: dt.date) -> Health:
    rows = {id(owner): row for owner, row in row_owners(cycle)}
    order = {id(row): index for index, row in enumerate(dict.fromkeys(rows.values()))}
    every = {**LINKED, **SCORED}
    checks = [_check(name, check(cycle, settings, today), rows, order) for name, check in every.items()
              if settings.on(name) and applies(name, cycle, today)]
    off = [ABOUT[name][0] for name in every if not settings.on(name)]
    return Health(checks, off, figures(cycle, settings, today))


def _check(name: str, found, rows: dict[int, Owner], order: dict[int, int]) -> CheckResult:
    groups: dict[int, Group] = {}
    count = 0
    for finding in found:
        count += 1
        owner = _owner_of(finding.about)
        row = rows.get(id(owner)) if owner is not None else None
        group = groups.setdefault(id(row), Group(row, [], 0))
        if len(group.shown) < SHOWN:
            group.shown.append(Shown.of(finding))
        else:
            group.more += 1
    title, why = ABOUT[name]
    ranked = sorted(groups.values(), key=lambda g: -1 if g.owner is None else order.get(id(g.owner), len(order)))
    return CheckResult(name, title, why, count, ranked)


def _owner_of(about: Objective | Owner | Cycle) -> Owner | None:
    if isinstance(about, Objective):
        return about.owner
    return about if isinstance(about, Owner) else None


def figures(cycle: Cycle, settings: CheckSettings, today: dt.date) -> list[Figure]:
    """The program's figures: focus, rhythm, alignment and outcomes."""
    objectives = cycle.objectives
    key_results = [kr for objective in objectives for kr in objective.key_results]
    metrics = [kr for kr in key_results if kr.type == "metric"]
    people = [owner for owner in cycle.owners.values() if owner.kind == "person" and owner.objectives]
    running = is_running(cycle, today)
    return [
        Figure("Objectives with 2 to 5 key results",
               sum(MIN_KEY_RESULTS <= len(o.key_results) <= MAX_KEY_RESULTS for o in objectives), len(objectives),
               "Focus: enough key results to measure the objective, few enough to act on."),
        Figure(f"Metric key results updated in the last {settings.stale_days} days",
               sum(_updated_within(kr, today, settings.stale_days) for kr in metrics) if running else 0,
               len(metrics) if running else 0,
               "Rhythm: a weekly check-in keeps progress true (counted while the cycle runs)."),
        Figure("People whose every objective rolls up to the company",
               sum(all(_reaches_company(o) for o in person.objectives) for person in people), len(people),
               "Alignment: each person can see how their work serves the company's goals."),
        Figure("Key results that read as outputs", sum(is_output(kr.title) for kr in key_results), len(key_results),
               "Outcomes over outputs: count the change, not the work.", better="lower"),
        *_confidence_figures(key_results),
    ]


def _confidence_figures(key_results: list[KeyResult]) -> list[Figure]:
    """Where confidence is given: how often, and how much of it is low (none when nobody gives any)."""
    given = [kr.confidence for kr in key_results if kr.confidence is not None]
    if not given:
        return []
    low = sum(confidence_word(confidence) == "Low" for confidence in given)
    return [Figure("Key results with a confidence", len(given), len(key_results),
                   "Confidence at each check-in says early which targets are in danger."),
            Figure("Of those, Low confidence", low, len(given),
                   "Key results their owners doubt they will reach: worth a conversation.", better="lower")]


def _updated_within(kr: KeyResult, today: dt.date, days: int) -> bool:
    return kr.updated is not None and (today - kr.updated).days <= days


def _reaches_company(objective: Objective) -> bool:
    chain = objective.chain
    return bool(chain) and chain[0].owner.kind == "company"
