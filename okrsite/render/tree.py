"""The alignment tree and the org chart as flat lists of items, ready for a template to loop over.

Objectives form a graph (one may align to several parents); a tree shows each
objective in full under its first parent and as a short "also aligns here" leaf
under the others, so nothing is drawn twice.

Trees may be as deep as the content makes them, so nothing here recurses (and
nor do the templates): each tree is walked with a stack into a flat list of
items, in the order they are drawn, where a branch is opened by one item and
closed by an ``end`` item.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from okrsite.model import KINDS, Objective, Owner

_KIND_RANK = {kind: rank for rank, kind in enumerate(KINDS)}
OPEN_LEVELS = 2  # branches of the top two levels of a tree start open
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class TreeItem:
    """One step in drawing an alignment tree.

    ``kind`` is ``leaf`` (an objective shown in full, nothing below it), ``branch``
    (shown in full; its branch of ``descendants`` objectives opens here),
    ``elsewhere`` (shown in full under its first parent: a short line here),
    ``folded`` (shown in full, the ``descendants`` below it only counted: its own page
    shows them) or ``end`` (the branch opened last closes).
    """

    objective: Objective
    kind: str
    descendants: int = 0  # objectives shown in full below a branch
    expanded: bool = False  # a branch that starts open


@dataclass(frozen=True, slots=True)
class OrgItem:
    """One step in drawing the org chart: ``leaf``, ``branch`` (its people follow) or ``end``."""

    owner: Owner
    kind: str


def sort_key(objective: Objective) -> tuple:
    owner = objective.owner
    return (_KIND_RANK[owner.kind], owner.name.lower(), owner.id, owner.objectives.index(objective))


def subtree_children(objective: Objective) -> list[tuple[Objective, bool]]:
    """The objectives aligned to ``objective`` in tree order, each with whether this is
    its first parent (drawn in full here) or not (a short "also aligns here" leaf)."""
    return [(child, bool(child.parents) and child.parents[0].objective is objective)
            for child in sorted(objective.children, key=sort_key)]


def primary_children(objective: Objective) -> list[Objective]:
    """The objectives drawn in full below ``objective``: those whose first parent it is."""
    return [child for child, primary in subtree_children(objective) if primary]


def post_order(top: T, children: Callable[[T], Iterable[T]], done: dict[int, object],
               make: Callable[[T], object]) -> object:
    """``make(node)`` for ``top`` and everything below it, children before parents, each kept in
    ``done`` by ``id(node)`` (so ``make`` finds its children's results there); without recursion.
    The structure must be a tree or a graph without loops."""
    stack = [top]
    while stack:
        node = stack[-1]
        if id(node) in done:
            stack.pop()
            continue
        pending = [child for child in children(node) if id(child) not in done]
        if pending:
            stack.extend(pending)
        else:
            done[id(node)] = make(node)
            stack.pop()
    return done[id(top)]


def shown_below(objective: Objective, counts: dict[int, int],
                primary: Callable[[Objective], list[Objective]] = primary_children) -> int:
    """How many objectives the tree shows in full below ``objective``; ``counts`` keeps them all
    (``primary`` gives the objectives drawn in full below one: :func:`primary_children`, or a memo of it)."""
    return post_order(objective, primary, counts,  # type: ignore[return-value]
                      lambda o: sum(1 + counts[id(c)] for c in primary(o)))


class Children:
    """:func:`subtree_children` and :func:`primary_children` of each objective, sorted once, and how
    many objectives are shown in full below each (:func:`shown_below`), counted once: for one tree,
    or for every tree of a cycle drawn in one build (its objective pages each draw their subtree)."""

    def __init__(self):
        self.all: dict[int, list[tuple[Objective, bool]]] = {}
        self.primary: dict[int, list[Objective]] = {}
        self.counts: dict[int, int] = {}

    def of(self, objective: Objective) -> list[tuple[Objective, bool]]:
        found = self.all.get(id(objective))
        if found is None:
            found = self.all[id(objective)] = subtree_children(objective)
        return found

    def primary_of(self, objective: Objective) -> list[Objective]:
        found = self.primary.get(id(objective))
        if found is None:
            found = self.primary[id(objective)] = [child for child, primary in self.of(objective) if primary]
        return found

    def below(self, objective: Objective) -> int:
        """:func:`shown_below` of ``objective``."""
        return shown_below(objective, self.counts, self.primary_of)


def fold_depth(objective: Objective, limit: int, most: int, known: Children | None = None) -> int | None:
    """Where the objective page of ``objective`` folds its subtree (see :func:`tree_items`, its
    children at depth 1): nowhere (None) when at most ``limit`` objectives are below it; else two
    levels down (its children whole, theirs folded) when those two levels hold at most ``most``
    objectives, else one (its children folded). ``known``: the children already sorted and counted."""
    known = known or Children()
    if known.below(objective) <= limit:
        return None
    children = known.primary_of(objective)
    grandchildren = sum(len(known.primary_of(child)) for child in children)
    return 2 if len(children) + grandchildren <= most else 1


def forest(objectives: list[Objective]) -> list[tuple[Objective, bool]]:
    """``objectives`` as the roots of trees, in tree order, each drawn in full."""
    return [(objective, True) for objective in sorted(objectives, key=sort_key)]


def tree_items(roots: list[tuple[Objective, bool]], depth: int = 0, fold: int | None = None,
               known: Children | None = None) -> list[TreeItem]:
    """The trees of ``roots`` (pairs like those of :func:`subtree_children`, drawn at ``depth``),
    each followed by what aligns to it, as items; with ``fold``, branches at that depth and
    deeper are folded (drawn without what is below them). ``known``: the children already sorted and counted."""
    items: list[TreeItem] = []
    known = known or Children()
    stack: list = [(objective, primary, depth) for objective, primary in reversed(roots)]
    while stack:
        entry = stack.pop()
        if isinstance(entry, TreeItem):
            items.append(entry)
            continue
        objective, primary, level = entry
        children = known.of(objective) if primary else []
        if not primary:
            items.append(TreeItem(objective, "elsewhere"))
        elif not children:
            items.append(TreeItem(objective, "leaf"))
        elif fold is not None and level >= fold:
            items.append(TreeItem(objective, "folded", known.below(objective)))
        else:
            items.append(TreeItem(objective, "branch", known.below(objective), level < OPEN_LEVELS))
            stack.append(TreeItem(objective, "end"))
            stack.extend((child, first, level + 1) for child, first in reversed(children))
    return items


def org_items(owners: list[Owner], people: bool = True) -> list[OrgItem]:
    """``owners`` and everyone below each of them in the org chart, as items; without ``people``,
    the departments and teams alone."""
    def shown(found: list[Owner]) -> list[Owner]:
        return found if people else [o for o in found if o.kind != "person"]
    items: list[OrgItem] = []
    stack: list = list(reversed(shown(owners)))
    while stack:
        entry = stack.pop()
        if isinstance(entry, OrgItem):
            items.append(entry)
        elif children := shown(entry.children):
            items.append(OrgItem(entry, "branch"))
            stack.append(OrgItem(entry, "end"))
            stack.extend(reversed(children))
        else:
            items.append(OrgItem(entry, "leaf"))
    return items
