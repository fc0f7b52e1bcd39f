"""A cycle's objectives by department and status: the heatmap of the cycle overview,
the list its cells link to, and the department table of the retrospective.

Each objective counts in one row: that of the nearest department above or at its
owner in the org chart, or the company's row when there is none (the company's own
objectives, and teams or people placed directly under it). Rows come in org-chart
order, company first, so the rows add up to the cycle's status counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from okrsite.graph import linked_view, org_walk
from okrsite.model import Cycle, Objective, Owner
from okrsite.render.formatting import headline
from okrsite.scoring import mean

#: Colour steps of a cell: 0 for none, then by the cell's share of its row, in quarters.
LEVELS = 4


@dataclass(frozen=True, slots=True)
class Cell:
    status: str
    count: int
    level: int  # 0 (none) .. LEVELS (most of the row)
    anchor: str  # the id of the cell's list on the status page


@dataclass(slots=True)
class Row:
    owner: Owner  # a department, or the company
    objectives: list[Objective]  # in org-chart order
    cells: list[Cell]
    mean_score: float | None


def department_rows(cycle: Cycle, statuses: tuple[str, ...]) -> list[Row]:
    """One row per department (and the company's), with a cell per status of ``statuses``."""
    groups: dict[int, tuple[Owner, list[Objective]]] = {}
    for owner, row_owner in row_owners(cycle):
        group = groups.setdefault(id(row_owner), (row_owner, []))
        group[1].extend(owner.objectives)
    return [_row(owner, objectives, statuses) for owner, objectives in groups.values()]


def row_owners(cycle: Cycle) -> tuple[tuple[Owner, Owner], ...]:
    """Each owner below the company (and the company) in org-chart order, with the owner of its
    row: the nearest department at or above it, else the company (made once per linked cycle)."""
    return linked_view(cycle, "row owners", partial(_row_owners, cycle))


def _row_owners(cycle: Cycle) -> tuple[tuple[Owner, Owner], ...]:
    if cycle.company is None:
        return ()
    pairs, home = [], {}  # home: owner -> the owner of its row
    for owner in org_walk(cycle.company):
        row_owner = owner if owner.kind in ("company", "department") else home[id(owner.parent)]
        home[id(owner)] = row_owner
        pairs.append((owner, row_owner))
    return tuple(pairs)


def _row(owner: Owner, objectives: list[Objective], statuses: tuple[str, ...]) -> Row:
    counts = dict.fromkeys(statuses, 0)
    for objective in objectives:
        if objective.status in counts:
            counts[objective.status] += 1
    cells = [Cell(status, count, level(count, len(objectives)), f"{owner.id}-{status}")
             for status, count in counts.items()]
    return Row(owner, objectives, cells, mean([o.score for o in objectives]))


def level(count: int, total: int) -> int:
    """The colour step of ``count`` objectives out of ``total``: 0 for none, else the quarter it reaches."""
    return 0 if count == 0 else -(-count * LEVELS // total)


def by_status(row: Row) -> list[tuple[Cell, list[Objective]]]:
    """The row's objectives under each cell with any, lowest :func:`headline` (final score or progress) first."""
    def worst_first(o: Objective) -> tuple:
        return headline(o), o.title.lower(), o.ref

    groups: dict[str, list[Objective]] = {cell.status: [] for cell in row.cells}
    for objective in row.objectives:
        if objective.status in groups:
            groups[objective.status].append(objective)
    return [(cell, sorted(groups[cell.status], key=worst_first))
            for cell in row.cells if cell.count]
