"""Stage 3b, continued: resolve the references an objective or a key result makes to others of its
cycle (``aligns_to`` and ``depends_on``), and link ``contributors`` to people and ``depends_on`` to
what is needed, reporting every unknown id, wrong kind and loop of needs at its line.

Everything is looked up by dict, and the search for loops is iterative: linking stays linear in
the size of the cycle, and a chain of needs thousands deep is fine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from okrsite.diagnostics import Diagnostics, did_you_mean
from okrsite.model import Alignment, Cycle, Dependency, KeyResult, Objective, Owner, added

T = TypeVar("T")
E = TypeVar("E")

Part = Objective | KeyResult  # what may have contributors and dependencies
Index = dict[str, dict[str, Objective]]  # owner id -> objective id -> objective


def key_line(item, key: str) -> int:
    """The line of ``key`` in the mapping of ``item`` (an owner, objective or key result), else its own line."""
    return item.key_lines.get(key, item.source.line)


def objective_index(cycle: Cycle) -> Index:
    return {owner.id: {o.id: o for o in owner.objectives} for owner in cycle.owners.values()}


def resolve(item: Part, key: str, ref: str, index: Index, cycle: Cycle, diagnostics: Diagnostics) -> Alignment | None:
    """The objective (and key result) that ``ref``, written under ``key`` of ``item``, names; ``None``
    and an error with a did-you-mean when there is none. A target whose file or objective has errors
    of its own is not reported again."""
    owner_id, objective_id, *kr_id = ref.split("/")
    owner = cycle.owners.get(owner_id)
    if owner_id in cycle.broken or (owner is not None and objective_id in owner.broken_objectives):
        return None  # the target's own errors are reported already
    target = index.get(owner_id, {}).get(objective_id)
    key_result = None
    if target is not None and kr_id:
        key_result = next((kr for kr in target.key_results if kr.id == kr_id[0]), None)
    if target is not None and (key_result is not None or not kr_id):
        return Alignment(target, key_result)
    growth = next((o for o in owner.growth if o.id == objective_id), None) if owner is not None else None
    if growth is not None:
        diagnostics.error(item.owner.source.path, key_line(item, key),
                          f"'{key}' names '{ref}', a growth goal of {owner.name}: growth goals are personal "
                          "and nothing aligns to them or depends on them")
        return None
    if target is None and owner_id in index:
        candidates = [f"{owner_id}/{o}" for o in index[owner_id]]
    elif target is not None:
        candidates = [kr.ref for kr in target.key_results]
    else:
        candidates = [f"{owner}/{o}" for owner, objectives in index.items() for o in objectives]
    what = "key result" if kr_id else "objective"
    diagnostics.error(item.owner.source.path, key_line(item, key),
                      f"'{key}' names '{ref}', which is not a{'' if kr_id else 'n'} {what} in cycle {cycle.id}"
                      f"{did_you_mean(ref, candidates)}")
    return None


def parts(cycle: Cycle) -> Iterator[Part]:
    """Every objective of the cycle, each followed by its key results."""
    for objective in cycle.objectives:
        yield objective
        yield from objective.key_results


def link_work(cycle: Cycle, index: Index, diagnostics: Diagnostics) -> None:
    """Link every objective's and key result's ``contributors`` and ``depends_on``, then cut loops of needs."""
    for part in parts(cycle):
        for person_id in dict.fromkeys(part.contributor_ids):
            person = _contributor(part, person_id, cycle, diagnostics)
            if person is not None:
                part.contributors = added(part.contributors, person)
                person.contributions.append(part)
        for ref in dict.fromkeys(part.depends_on):
            _link_dependency(part, ref, index, cycle, diagnostics)
    _break_dependency_loops(cycle, diagnostics)


def _contributor(part: Part, person_id: str, cycle: Cycle, diagnostics: Diagnostics) -> Owner | None:
    person = cycle.owners.get(person_id)
    path, line = part.owner.source.path, key_line(part, "contributors")
    if person is None:
        if person_id not in cycle.broken:
            candidates = [o.id for o in cycle.owners.values() if o.kind == "person"]
            diagnostics.error(path, line, f"'contributors' names '{person_id}', which is not a person in cycle "
                                          f"{cycle.id}{did_you_mean(person_id, candidates)}")
        return None
    if person.kind != "person":
        diagnostics.error(path, line, f"'contributors' must name people, but '{person_id}' is a {person.kind}: "
                                      "list its people, or make the work depend on it (depends_on)")
        return None
    if person is part.owner:
        diagnostics.error(path, line, f"'contributors' names '{person_id}', the owner: list only the people "
                                      "who work on it besides its owner")
        return None
    return person


def _link_dependency(part: Part, ref: str, index: Index, cycle: Cycle, diagnostics: Diagnostics) -> None:
    found = resolve(part, "depends_on", ref, index, cycle, diagnostics)
    if found is None:
        return
    target = found.key_result or found.objective
    path, line = part.owner.source.path, key_line(part, "depends_on")
    if target is part:
        diagnostics.error(path, line, f"'{part.ref}' depends on itself")
    elif isinstance(target, KeyResult) and target.objective is part:
        diagnostics.error(path, line, f"'depends_on' names '{ref}', a key result of this objective: "
                                      "an objective needs its key results already")
    else:
        dependency = Dependency(part, target)
        part.dependencies = added(part.dependencies, dependency)
        target.needed_by = added(target.needed_by, dependency)


def _needs(part: Part) -> list[Part]:
    """What ``part`` waits for: its dependencies, and an objective its key results with dependencies
    (an objective is reached when its key results are)."""
    needs = [d.target for d in part.dependencies]
    if isinstance(part, Objective):
        needs += [kr for kr in part.key_results if kr.dependencies]
    return needs


def _break_dependency_loops(cycle: Cycle, diagnostics: Diagnostics) -> None:
    """Loops of needs: each is reported once, at the ``depends_on`` of its last need, and cut there."""
    roots = [part for part in parts(cycle) if part.dependencies or isinstance(part, Objective)]
    cut_loops(roots, _needs, lambda need: need, lambda loop, need: _cut(loop, diagnostics))


def cut_loops(roots: Iterable[T], edges: Callable[[T], list[E]], target: Callable[[E], T],
              cut: Callable[[list[T], E], None]) -> None:
    """Depth-first search, without recursion, from each of ``roots`` along ``edges`` (each node's
    ``edges`` are read once, so ``cut`` may change them). Each loop found, its nodes with the first
    repeated at the end, is handed to ``cut`` with the edge that closes it."""
    state: dict[int, int] = {}  # id(node) -> 1 on the current path, 2 finished
    for root in roots:
        if id(root) in state:
            continue
        stack, path = [(root, iter(edges(root)))], [root]
        state[id(root)] = 1
        while stack:
            node, pending = stack[-1]
            edge = next(pending, None)
            if edge is None:
                stack.pop()
                path.pop()
                state[id(node)] = 2
                continue
            to = target(edge)
            if state.get(id(to)) == 1:
                cut(path[path.index(to):] + [to], edge)
            elif id(to) not in state:
                state[id(to)] = 1
                path.append(to)
                stack.append((to, iter(edges(to))))


def _cut(loop: list[Part], diagnostics: Diagnostics) -> None:
    """Report ``loop`` (its first part repeated at its end) at the last need written as ``depends_on``, and drop it."""
    for before, after in reversed(list(zip(loop, loop[1:]))):
        dependency = next((d for d in before.dependencies if d.target is after), None)
        if dependency is not None:
            diagnostics.error(before.owner.source.path, key_line(before, "depends_on"),
                              "the dependencies have a loop: " + " -> ".join(p.ref for p in loop))
            before.dependencies.remove(dependency)
            after.needed_by.remove(dependency)
            return
