"""What the retrospective page of an archived cycle shows, computed once from the model:
the distribution of final scores, the committed objectives that fell short, the objectives
carried into the next cycle and the objectives with retro notes. The department table comes from :mod:`okrsite.render.heatmap`.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from okrsite.model import GRADES, Cycle, Objective, Site
from okrsite.render.heatmap import Row

#: The lower edges of the score bands 0.0-0.1 ... 0.9-1.0 (a score of 1.0 is in the last).
BAND_EDGES = tuple(i / 10 for i in range(1, 10))


@dataclass(frozen=True, slots=True)
class Band:
    label: str  # "0.6–0.7"
    counts: tuple[int, ...]  # objectives per grade, in the order of GRADES
    total: int


def score_bands(objectives: list[Objective]) -> list[Band]:
    """How many objectives ended in each tenth of the score range, split by grade."""
    counts = [[0] * len(GRADES) for _ in range(len(BAND_EDGES) + 1)]
    for objective in objectives:
        counts[bisect_right(BAND_EDGES, objective.score)][GRADES.index(objective.status)] += 1
    return [Band(f"{i / 10:.1f}–{(i + 1) / 10:.1f}", tuple(c), sum(c)) for i, c in enumerate(counts)]


def next_cycle(site: Site, cycle: Cycle) -> Cycle | None:
    """The cycle that follows ``cycle`` by date, if any (``site.cycles`` is newest first)."""
    position = next(i for i, c in enumerate(site.cycles) if c is cycle)
    return site.cycles[position - 1] if position else None


def carried_over(rows: list[Row], later: Cycle | None) -> list[tuple[Row, list[tuple[Objective, Objective]]]]:
    """Each row's objectives that go on in ``later`` under the same owner and id (what ``okrsite
    new-cycle`` carries over), paired with their new selves; rows without any are left out."""
    if later is None:
        return []
    by_key = {(o.owner.id, o.id): o for o in later.objectives}
    groups = [(row, [(o, by_key[key]) for o in row.objectives if (key := (o.owner.id, o.id)) in by_key])
              for row in rows]
    return [(row, pairs) for row, pairs in groups if pairs]


def shown(carried: list[tuple[Row, list[tuple[Objective, Objective]]]], cap: int | None
          ) -> list[tuple[Row, list[tuple[Objective, Objective]], int]]:
    """``carried`` with at most ``cap`` pairs per row (None: all) and how many more each row has."""
    return [(row, pairs[:cap], len(pairs) - len(pairs[:cap])) for row, pairs in carried]


def committed(rows: list[Row]) -> list[Objective]:
    """The committed objectives, in org-chart order."""
    return [o for row in rows for o in row.objectives if o.type == "committed"]


def fell_short(objectives: list[Objective]) -> list[Objective]:
    """Of committed ``objectives``, those not achieved (a final score under 1.0), lowest score first."""
    return sorted((o for o in objectives if o.status != "achieved"), key=lambda o: o.score)


def with_notes(rows: list[Row]) -> list[Objective]:
    """The objectives that have retro notes, in org-chart order."""
    return [o for row in rows for o in row.objectives if o.retro_html]
