"""Views of a cycle that pages show: its departments, statuses, what needs attention and
the roots of its alignment trees; and the site's cycles with a company score. Plain
functions of the model, for the pages' contexts (:mod:`okrsite.render.contexts`) and
the file map (:mod:`okrsite.render.site`) to hand to templates.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from okrsite.graph import linked_view
from okrsite.model import Cycle, KeyResult, Objective, Owner, Site
from okrsite.render.formatting import STATUS_LABELS
from okrsite.render.heatmap import Row, department_rows, row_owners
from okrsite.render.tree import forest

STATUS_ORDER = {
    "current": ("on-track", "at-risk", "off-track"),
    "archived": ("achieved", "progress", "missed"),
    "upcoming": ("not-started",),
}
NEEDS_ATTENTION = ("at-risk", "off-track", "missed")
FALLING_SHOWN = 8  # the key results with falling confidence an overview lists; the rest are counted


@dataclass(frozen=True, slots=True)
class FilterForm:
    """What the filter of a page listing a cycle's items (the tree, the status page, the people)
    offers: the statuses of the cycle's state, the departments the items belong to (those of the
    status page's rows: the company, then each department in org-chart order) and the statuses
    that need attention. A choice of one is no choice: such a list is empty."""

    one: str  # what the page lists: "objective", "person"
    many: str  # "objectives", "people"
    statuses: tuple[tuple[str, str], ...]  # (status, label)
    departments: tuple[tuple[str, str], ...]  # (owner id, name)
    attention: tuple[tuple[str, str], ...]  # (status, label)


def filter_form(cycle: Cycle, one: str, many: str, departments: bool = True) -> FilterForm:
    """The filter of a page listing the cycle's items; without ``departments`` (a page of one department,
    or of a split cycle where each department is a page) it offers no choice of department."""
    statuses = STATUS_ORDER[cycle.state]
    rows = linked_view(cycle, "department choices", partial(_department_choices, cycle)) if departments else ()
    return FilterForm(one, many, tuple((s, STATUS_LABELS[s]) for s in statuses) if len(statuses) > 1 else (),
                      rows if len(rows) > 1 else (),
                      tuple((s, STATUS_LABELS[s]) for s in statuses if s in NEEDS_ATTENTION))


def _department_choices(cycle: Cycle) -> tuple[tuple[str, str], ...]:
    """(id, name) of the owner of each row of the status page, in its order."""
    return tuple({row.id: row.name for _, row in row_owners(cycle)}.items())


def departments(cycle: Cycle) -> list[Owner]:
    return sorted((o for o in cycle.owners.values() if o.kind == "department"), key=lambda o: o.name.lower())


def status_summary(cycle: Cycle) -> list[tuple[str, int]]:
    """Objectives per status, in the order the cycle's state uses."""
    return [(status, cycle.status_counts.get(status, 0)) for status in STATUS_ORDER[cycle.state]]


def status_rows(cycle: Cycle) -> list[Row]:
    """The cycle's objectives counted by department and status (none in an upcoming cycle)."""
    return [] if cycle.state == "upcoming" else department_rows(cycle, STATUS_ORDER[cycle.state])


def needs_attention(cycle: Cycle) -> list[Objective]:
    """Company and department objectives that are at risk, off track or missed, worst first."""
    flagged = [o for owner in cycle.owners.values() if owner.kind in ("company", "department")
               for o in owner.objectives if o.status in NEEDS_ATTENTION]
    return sorted(flagged, key=lambda o: (o.progress, o.owner.name.lower(), o.id))


#: An owner's key results whose latest confidence is below the one before it, each ``(drop, ref, objective,
#: key result)``: the fall, the key result's ref and its place among the owner's objectives.
Falling = tuple[tuple[float, str, int, int], ...]


def owner_falling(owner: Owner) -> Falling:
    """The owner's key results whose confidence is falling (see :data:`Falling`); no objects, so that a
    renderer can keep them while the owner does not change."""
    return tuple((kr.confidence - kr.previous_confidence, kr.ref, o, k) for o, objective in enumerate(owner.objectives)
                 for k, kr in enumerate(objective.key_results) if kr.confidence_trend == "falling")


def confidence_falling(cycle: Cycle,
                       falling: Callable[[Owner], Falling] = owner_falling) -> tuple[list[KeyResult], int]:
    """Key results of the running cycle whose latest confidence is below the one before it, biggest
    drop first (at most :data:`FALLING_SHOWN`), and how many more there are, from each owner's
    (``falling``: by default :func:`owner_falling`; a renderer can pass one that reuses those of owners
    that did not change)."""
    if cycle.state != "current":
        return [], 0
    found = [(item, owner) for owner in cycle.owners.values() for item in falling(owner)]
    shown = heapq.nsmallest(FALLING_SHOWN, found, key=lambda pair: pair[0][:2])
    return [owner.objectives[o].key_results[k] for (_, _, o, k), owner in shown], len(found) - len(shown)


def alignment_roots(cycle: Cycle):
    company = cycle.company
    return forest(company.objectives) if company else []


def unaligned(cycle: Cycle):
    """Objectives below the company that align to nothing public: roots of their own trees."""
    return forest([o for o in cycle.objectives if o.owner.kind != "company" and not o.parents])


def scored_cycles(site: Site) -> list[Cycle]:
    """The cycles with a company score, oldest first."""
    return [c for c in site.cycles[::-1] if c.state != "upcoming" and c.company is not None]
