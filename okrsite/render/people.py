"""A cycle's people directory and its list of KPIs, ready for the templates.

Both are linear in the size of the cycle: one pass over its owners, one sort.
"""

from __future__ import annotations

from okrsite.graph import linked_view, org_order, org_walk
from okrsite.model import Cycle, Kpi, Owner

HEALTH_ORDER = (True, False, None)  # healthy, not healthy, no verdict


def by_name(owner: Owner) -> tuple[str, str]:
    """The order of the people directory: by name, then id."""
    return owner.name.lower(), owner.id


def people(cycle: Cycle) -> tuple[Owner, ...]:
    """Every person of the cycle, by name (found once per linked cycle)."""
    return linked_view(cycle, "people", lambda: tuple(sorted((o for o in cycle.owners.values() if o.kind == "person"),
                                                             key=by_name)))


def org_chart(cycle: Cycle) -> list[Owner]:
    """Every owner of the cycle in org-chart order: each one followed by everyone below it,
    children as the org chart sorts them (teams before people, each by name)."""
    roots = sorted((o for o in cycle.owners.values() if o.parent is None), key=org_order)
    return [owner for root in roots for owner in org_walk(root)]


def kpi_owners(cycle: Cycle) -> list[Owner]:
    """The owners with KPIs, in org-chart order."""
    return [o for o in org_chart(cycle) if o.kpis]


def kpi_summary(owners: list[Owner]) -> list[tuple[bool | None, int]]:
    """How many of the owners' KPIs are healthy, not healthy, or without a verdict, in that order;
    nothing when they have no KPIs."""
    kpis: list[Kpi] = [k for owner in owners for k in owner.kpis]
    if not kpis:
        return []
    return [(verdict, sum(1 for k in kpis if k.healthy is verdict)) for verdict in HEALTH_ORDER]
