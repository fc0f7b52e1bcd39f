"""The alignment tree as nested nodes, ready for a template to loop over.

Objectives form a graph (one may align to several parents); a tree shows each
objective in full under its first parent and as a short "also aligns here" leaf
under the others, so nothing is drawn twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from okrsite.model import KINDS, Objective

_KIND_RANK = {kind: rank for rank, kind in enumerate(KINDS)}


@dataclass
class TreeNode:
    objective: Objective
    children: list[TreeNode] = field(default_factory=list)
    elsewhere: bool = False  # shown in full under its first parent
    descendants: int = 0  # objectives shown in full below this one


def sort_key(objective: Objective) -> tuple:
    owner = objective.owner
    return (_KIND_RANK[owner.kind], owner.name.lower(), owner.id, owner.objectives.index(objective))


def subtree_children(objective: Objective) -> list[tuple[Objective, bool]]:
    """The objectives aligned to ``objective`` in tree order, each with whether this is
    its first parent (drawn in full here) or not (a short "also aligns here" leaf)."""
    return [(child, bool(child.parents) and child.parents[0].objective is objective)
            for child in sorted(objective.children, key=sort_key)]


def subtree(objective: Objective) -> TreeNode:
    """``objective`` and everything aligned to it, down to people."""
    node = TreeNode(objective)
    for child, primary in subtree_children(objective):
        node.children.append(subtree(child) if primary else TreeNode(child, elsewhere=True))
    node.descendants = sum(1 + c.descendants for c in node.children if not c.elsewhere)
    return node


def forest(objectives: list[Objective]) -> list[TreeNode]:
    return [subtree(o) for o in sorted(objectives, key=sort_key)]
