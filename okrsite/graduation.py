"""Stage 3c: link each KPI's ``graduated_from`` to the key result of an earlier cycle that it carries on.

Cycles are linked one at a time, and one whose inputs did not change is reused whole
(:mod:`okrsite.assemble`), so the links across cycles are made afterwards, for the whole
site, on every build: a reused cycle's key results are emptied of the last build's links first
(those it lists in ``Cycle.graduated``).
"""

from __future__ import annotations

from okrsite.diagnostics import Diagnostics, did_you_mean
from okrsite.model import EMPTY, Cycle, KeyResult, Kpi, Objective, Owner, added


def link_graduations(cycles: list[Cycle], diagnostics: Diagnostics) -> None:
    """Set every KPI's ``graduated_from_kr`` and every key result's ``graduated_to``; report refs that
    name nothing, or a key result of the KPI's own or a later cycle, at the KPI's ``graduated_from`` line."""
    for cycle in cycles:
        for kr in cycle.graduated:
            kr.graduated_to = EMPTY
        cycle.graduated = []
    by_slug = {cycle.slug: cycle for cycle in cycles}
    for cycle in cycles:
        for owner in cycle.owners.values():
            for kpi in owner.kpis:
                kpi.graduated_from_kr = None
                if kpi.graduated_from:
                    kr = _resolve(kpi, cycle, by_slug, diagnostics)
                    if kr is not None:
                        kpi.graduated_from_kr = kr
                        if not kr.graduated_to:
                            kr.cycle.graduated.append(kr)
                        kr.graduated_to = added(kr.graduated_to, kpi)


def _all_objectives(owner: Owner) -> list[Objective]:
    return owner.objectives + owner.growth if owner.growth else owner.objectives


def _resolve(kpi: Kpi, cycle: Cycle, by_slug: dict[str, Cycle], diagnostics: Diagnostics) -> KeyResult | None:
    ref = kpi.graduated_from
    cycle_id, owner_id, objective_id, kr_id = ref.split("/")

    def error(message: str, candidates=()) -> None:
        diagnostics.error(kpi.source.path, kpi.key_lines.get("graduated_from", kpi.source.line),
                          f"KPI '{kpi.id}': 'graduated_from' names '{ref}', {message}{did_you_mean(ref, candidates)}")

    earlier = by_slug.get(cycle_id.lower())
    if earlier is None:
        before = sorted(c.id for c in by_slug.values() if c.start < cycle.start)
        hint = did_you_mean(cycle_id, before) or (f" (earlier cycles: {', '.join(before)})" if before
                                                  else f" (no cycle is earlier than {cycle.id})")
        error(f"but there is no cycle '{cycle_id}'{hint}")
        return None
    if earlier.start >= cycle.start:
        error(f"but a KPI graduates from a key result of an earlier cycle than its own ({cycle.id})")
        return None
    owner = earlier.owners.get(owner_id)
    if owner is None:
        if owner_id not in earlier.hidden and owner_id not in earlier.broken:
            error(f"which is not an owner's key result in cycle {earlier.id}",
                  [f"{earlier.id}/{o}/{kr.objective.id}/{kr.id}" for o, found in earlier.owners.items()
                   for objective in found.objectives for kr in objective.key_results])
        return None
    objective = next((o for o in _all_objectives(owner) if o.id == objective_id), None)
    if objective is None:
        hidden = any(o.id == objective_id and o.private for o in owner.declared_objectives)
        if not hidden and objective_id not in owner.broken_objectives:
            error(f"but {owner.name} has no objective '{objective_id}' in cycle {earlier.id}",
                  [f"{earlier.id}/{kr.ref}" for o in _all_objectives(owner) for kr in o.key_results])
        return None
    kr = next((k for k in objective.key_results if k.id == kr_id), None)
    if kr is None:
        error(f"but objective '{objective.ref}' of cycle {earlier.id} has no key result '{kr_id}'",
              [f"{earlier.id}/{k.ref}" for k in objective.key_results])
    return kr
