"""Stage 3b: link one cycle's owners into an org tree and its objectives into an
alignment graph, and report every broken reference, loop or missing company.

Everything is looked up by dict, so linking is linear in the size of the cycle.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import TypeVar

from okrsite.diagnostics import Diagnostics, did_you_mean
from okrsite.links import cut_loops, key_line, link_work, objective_index, resolve
from okrsite.urls import CYCLE_PAGES
from okrsite.model import KINDS, Alignment, Cycle, Objective, Owner, added

T = TypeVar("T")
_VIEWS: weakref.WeakKeyDictionary[Cycle, dict[object, object]] = weakref.WeakKeyDictionary()


def linked_view(cycle: Cycle, name: object, make: Callable[[], T]) -> T:
    """A value made from how ``cycle`` is linked alone (its owners, their kinds, names, parents and order;
    its objectives and their alignments), made once for each cycle object, by the renderer: a cycle's links
    do not change once it is rendered (an edit that keeps them copies content into the cycle, see
    :mod:`okrsite.relink`; any other change links a new cycle). Views die with their cycle."""
    views = _VIEWS.get(cycle)
    if views is None:
        views = _VIEWS[cycle] = {}
    value = views.get(name)
    if value is None:
        value = views[name] = make()
    return value  # type: ignore[return-value]


def link_cycle(cycle: Cycle, owners: list[Owner], diagnostics: Diagnostics, broken: set[str] = frozenset()) -> None:
    """Fill ``cycle.owners`` and every link between owners and objectives (then
    :func:`check_checkin_dates` warns of check-ins dated outside the cycle).

    ``broken`` holds the ids of files that had errors of their own: references to
    them are not reported again, so one mistake gives one message.
    """
    cycle.broken = set(broken)
    _collect(cycle, owners, diagnostics)
    _link_org_chart(cycle, diagnostics)
    index = objective_index(cycle)
    _link_alignments(cycle, index, diagnostics)
    link_work(cycle, index, diagnostics)


def _collect(cycle: Cycle, owners: list[Owner], diagnostics: Diagnostics) -> None:
    for owner in owners:
        first = cycle.owners.get(owner.id)
        if first is not None:
            diagnostics.error(owner.source.path, 1, f"duplicate owner id '{owner.id}' in cycle {cycle.id}: {first.source.path} has the same file name")
            continue
        if owner.id in CYCLE_PAGES:
            diagnostics.error(owner.source.path, 1, f"the owner id '{owner.id}' is the address of the cycle's "
                                                    f"{CYCLE_PAGES[owner.id]} page: rename the file")
            cycle.broken.add(owner.id)  # references to it are not reported again
            continue
        owner.cycle = cycle
        cycle.owners[owner.id] = owner


def _link_org_chart(cycle: Cycle, diagnostics: Diagnostics) -> None:
    companies = [o for o in cycle.owners.values() if o.kind == "company"]
    if not companies and not cycle.broken:
        diagnostics.error(cycle.folder, None, f"cycle {cycle.id} has no company: one file needs 'kind: company'")
    for company in companies:
        if company.private:
            diagnostics.error(company.source.path, key_line(company, "visibility"), "the company cannot be private: it is the root of the site")
    for extra in companies[1:]:
        diagnostics.error(extra.source.path, key_line(extra, "kind"), f"a second company in cycle {cycle.id} ({companies[0].source.path} is the first): a cycle has exactly one")
    cycle.company = companies[0] if companies else None
    for owner in cycle.owners.values():
        _link_parent(owner, cycle, diagnostics)
        _link_lead(owner, cycle, diagnostics)
    _break_org_loops(cycle, diagnostics)
    for owner in cycle.owners.values():
        if owner.parent is not None:
            owner.parent.children.append(owner)
    for owner in cycle.owners.values():
        owner.children.sort(key=org_order)


def org_order(owner: Owner) -> tuple:
    """Teams before people, each by name: the order of org-chart lists."""
    return (KINDS.index(owner.kind), owner.name.lower(), owner.id)


def org_walk(top: Owner) -> list[Owner]:
    """``top`` and everyone below it, depth first, each followed by those under it in org-chart order."""
    order, stack = [], [top]
    while stack:
        owner = stack.pop()
        order.append(owner)
        stack.extend(reversed(owner.children))
    return order


def _link_parent(owner: Owner, cycle: Cycle, diagnostics: Diagnostics) -> None:
    if owner.kind == "company":
        if owner.parent_id:
            diagnostics.error(owner.source.path, key_line(owner, "parent"), "the company is the top of the org chart: remove 'parent'")
        return
    if owner.parent_id is None:
        if "parent" not in owner.key_lines:
            diagnostics.error(owner.source.path, owner.source.line, f"'{owner.id}' has no 'parent': name its place in the org chart, e.g. parent: {cycle.company.id if cycle.company else 'acme'}")
        return
    owner.parent = _find_owner(owner, "parent", owner.parent_id, cycle, diagnostics)


def _link_lead(owner: Owner, cycle: Cycle, diagnostics: Diagnostics) -> None:
    if owner.lead_id is None:
        return
    lead = _find_owner(owner, "lead", owner.lead_id, cycle, diagnostics)
    if lead is not None and lead.kind != "person":
        diagnostics.error(owner.source.path, key_line(owner, "lead"), f"'lead' must name a person, but '{lead.id}' is a {lead.kind}")
        return
    owner.lead = lead


def _find_owner(owner: Owner, key: str, wanted: str, cycle: Cycle, diagnostics: Diagnostics) -> Owner | None:
    found = cycle.owners.get(wanted)
    if found is None and wanted in cycle.broken:
        return None  # that file's own errors are reported already
    if found is None:
        hint = did_you_mean(wanted, cycle.owners)
        diagnostics.error(owner.source.path, key_line(owner, key), f"'{key}' names '{wanted}', which is not an owner in cycle {cycle.id}{hint}")
    elif found is owner:
        diagnostics.error(owner.source.path, key_line(owner, key), f"'{key}' names the owner itself")
        return None
    return found


def _break_org_loops(cycle: Cycle, diagnostics: Diagnostics) -> None:
    """Report each loop of parents once and cut it, so later walks up always end."""
    done: set[str] = set()
    for start in cycle.owners.values():
        path: list[Owner] = []
        on_path: set[str] = set()
        owner: Owner | None = start
        while owner is not None and owner.id not in done:
            if owner.id in on_path:
                loop = path[path.index(owner):]
                names = " -> ".join(o.id for o in loop + [owner])
                diagnostics.error(owner.source.path, key_line(owner, "parent"), f"the org chart has a loop: {names}")
                owner.parent = None
                break
            path.append(owner)
            on_path.add(owner.id)
            owner = owner.parent
        done.update(on_path)


def _link_alignments(cycle: Cycle, index: dict, diagnostics: Diagnostics) -> None:
    linked: set[tuple[int, int]] = set()  # (child, parent) pairs, so a child is listed once
    for objective in cycle.objectives:
        for ref in objective.aligns_to:
            alignment = resolve(objective, "aligns_to", ref, index, cycle, diagnostics)
            if alignment is None:
                continue
            if alignment.objective is objective:
                diagnostics.error(objective.owner.source.path, key_line(objective, "aligns_to"), f"objective '{objective.ref}' aligns to itself")
                continue
            objective.parents.append(alignment)
            if (id(objective), id(alignment.objective)) not in linked:
                linked.add((id(objective), id(alignment.objective)))
                alignment.objective.children = added(alignment.objective.children, objective)
            if alignment.key_result is not None:
                alignment.key_result.aligned = added(alignment.key_result.aligned, objective)
    _break_alignment_loops(cycle, diagnostics)


def _break_alignment_loops(cycle: Cycle, diagnostics: Diagnostics) -> None:
    """Loops upward through ``parents``: each is reported at the ``aligns_to`` that closes it, and cut there."""
    def cut(loop: list[Objective], alignment: Alignment) -> None:
        objective, parent = loop[-2], alignment.objective
        diagnostics.error(objective.owner.source.path, key_line(objective, "aligns_to"),
                          "the alignment has a loop: " + " -> ".join(o.ref for o in loop))
        objective.parents.remove(alignment)
        if objective in parent.children:
            parent.children.remove(objective)
        if alignment.key_result is not None:
            alignment.key_result.aligned.remove(objective)
    cut_loops(cycle.objectives, lambda o: list(o.parents), lambda a: a.objective, cut)


def check_checkin_dates(cycle: Cycle, diagnostics: Diagnostics) -> None:
    """A check-in dated outside its cycle is most likely a typo in the date."""
    for objective in cycle.objectives:
        for kr in objective.key_results:
            for checkin in kr.checkins_given:
                if not cycle.start <= checkin.date <= cycle.end:
                    diagnostics.warning(objective.owner.source.path, checkin.line or kr.source.line,
                                        f"key result '{kr.id}' has a check-in dated {checkin.date}, outside cycle {cycle.id} ({cycle.start} to {cycle.end})")
