"""Views of a cycle that pages show: its departments, statuses, what needs attention and
the roots of its alignment trees. Plain functions of the model, for the file map
(:mod:`okrsite.render.site`) to hand to templates.
"""

from __future__ import annotations

import heapq

from okrsite.model import Cycle, KeyResult, Objective, Owner
from okrsite.render.heatmap import Row, department_rows
from okrsite.render.tree import forest

STATUS_ORDER = {
    "current": ("on-track", "at-risk", "off-track"),
    "archived": ("achieved", "progress", "missed"),
    "upcoming": ("not-started",),
}
NEEDS_ATTENTION = ("at-risk", "off-track", "missed")
FALLING_SHOWN = 8  # the key results with falling confidence an overview lists; the rest are counted


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
    flagged = [o for o in cycle.objectives
               if o.status in NEEDS_ATTENTION and o.owner.kind in ("company", "department")]
    return sorted(flagged, key=lambda o: (o.progress, o.owner.name.lower(), o.id))


def confidence_falling(cycle: Cycle) -> tuple[list[KeyResult], int]:
    """Key results of the running cycle whose latest confidence is below the one before it, biggest
    drop first (at most :data:`FALLING_SHOWN`), and how many more there are. One pass over the key results."""
    if cycle.state != "current":
        return [], 0
    falling = [(kr.confidence - kr.previous_confidence, kr.ref, kr) for objective in cycle.objectives
               for kr in objective.key_results if kr.confidence_trend == "falling"]
    shown = heapq.nsmallest(FALLING_SHOWN, falling, key=lambda item: item[:2])
    return [kr for _, _, kr in shown], len(falling) - len(shown)


def alignment_roots(cycle: Cycle):
    company = cycle.company
    return forest(company.objectives) if company else []


def unaligned(cycle: Cycle):
    """Objectives below the company that align to nothing public: roots of their own trees."""
    return forest([o for o in cycle.objectives if o.owner.kind != "company" and not o.parents])
