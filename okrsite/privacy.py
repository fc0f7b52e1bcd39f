"""Leave private owners and objectives out of the model before anything is rendered.

Validation sees everything (an objective may align to a private one); the pages,
badges, charts and okrs.json only ever see what this module keeps.
"""

from __future__ import annotations

from okrsite.graph import org_order
from okrsite.model import EMPTY, Cycle, Owner


def remove_private(cycle: Cycle) -> None:
    """Drop private owners and objectives and every link to them, in place."""
    if not any(owner.private or any(o.private for o in owner.declared_objectives) for owner in cycle.owners.values()):
        cycle.hidden = set()
        return  # nothing to leave out: every link stays as it is
    public = {oid: owner for oid, owner in cycle.owners.items() if not owner.private}
    for owner in public.values():
        owner.parent = _public_ancestor(owner.parent)
        if owner.lead is not None and owner.lead.private:
            owner.lead = None
        owner.children = [c for c in owner.children if not c.private]
        owner.objectives = [o for o in owner.objectives if not o.private]
        owner.growth = [o for o in owner.growth if not o.private]
    for owner in public.values():
        if owner.parent is not None and owner not in owner.parent.children:
            owner.parent.children.append(owner)  # adopted past a private parent
            owner.parent.children.sort(key=org_order)
    cycle.hidden = set(cycle.owners) - set(public)
    cycle.owners = public
    for objective in cycle.objectives:
        hidden = [a for a in objective.parents if _is_private(a.objective)]
        objective.private_parents = len(hidden)
        objective.parents = [a for a in objective.parents if not _is_private(a.objective)]
        objective.children = [c for c in objective.children if not _is_private(c)] or EMPTY
        for kr in objective.key_results:
            kr.aligned = [c for c in kr.aligned if not _is_private(c)] or EMPTY
        for part in (objective, *objective.key_results):
            _hide_private_work(part)
    for owner in public.values():
        owner.contributions = [part for part in owner.contributions if not _is_private(part.objective)]


def _hide_private_work(part) -> None:
    """Drop private people from ``part``'s contributors and private objectives from its needs, both ways;
    hidden dependencies are counted, never named."""
    part.contributors = [p for p in part.contributors if not p.private] or EMPTY
    hidden = [d for d in part.dependencies if _is_private(d.target.objective)]
    part.private_dependencies = len(hidden)
    part.dependencies = [d for d in part.dependencies if not _is_private(d.target.objective)] or EMPTY
    part.needed_by = [d for d in part.needed_by if not _is_private(d.dependent.objective)] or EMPTY


def _public_ancestor(owner: Owner | None) -> Owner | None:
    while owner is not None and owner.private:
        owner = owner.parent
    return owner


def _is_private(objective) -> bool:
    return objective.private or objective.owner.private
