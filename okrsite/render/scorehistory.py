"""Each department's final score across archived cycles, for department pages and retrospectives.

Departments are matched across cycles by owner id. A page of a cycle shows the
archived cycles up to and including that cycle (at most :data:`SHOWN_CYCLES`, oldest
first), so a page never changes because a later cycle did. A page that shows other
cycles' scores depends on them: :func:`signature` is the part of its key that says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from okrsite.fingerprint import stable_hash
from okrsite.model import Cycle, Owner, Site
from okrsite.render.views import departments

SHOWN_CYCLES = 8


@dataclass(frozen=True, slots=True)
class ScoreHistory:
    """The archived cycles of a site, oldest first, and the departments of each by id."""

    cycles: tuple[Cycle, ...]
    departments: dict[str, dict[str, Owner]]  # cycle id -> department id -> the department in that cycle

    def shown(self, cycle: Cycle) -> list[Cycle]:
        """The archived cycles a page of ``cycle`` shows: those that started no later, the last few."""
        return [c for c in self.cycles if c.start <= cycle.start][-SHOWN_CYCLES:]

    def of(self, department: Owner) -> list[tuple[Cycle, Owner]]:
        """The department's final scores: each shown cycle that had a department of its id, with it;
        none when that would be its own cycle's score alone."""
        found = [(c, self.departments[c.id].get(department.id)) for c in self.shown(department.cycle)]
        scores = [(c, owner) for c, owner in found if owner is not None]
        return scores if any(owner is not department for _, owner in scores) else []

    def table(self, cycle: Cycle) -> tuple[list[Cycle], list[tuple[Owner, list[Owner | None]]]]:
        """The retrospective's table: the shown cycles, and each department of ``cycle`` with itself in
        each of them (None where it did not exist); nothing while ``cycle`` is the only one."""
        shown = self.shown(cycle)
        if len(shown) < 2:
            return [], []
        return shown, [(d, [self.departments[c.id].get(d.id) for c in shown]) for d in departments(cycle)]


def score_history(site: Site) -> ScoreHistory:
    archived = tuple(c for c in site.cycles[::-1] if c.archived)
    return ScoreHistory(archived, {c.id: {d.id: d for d in departments(c)} for c in archived})


def signature(cycles: list[Cycle], owners: list[Owner | None]) -> int:
    """What a page shows of other cycles' departments: which cycles, and each department's score and grade."""
    return stable_hash((tuple(c.id for c in cycles),
                        tuple((o.id, o.name, o.score, o.status) if o is not None else None for o in owners)))
