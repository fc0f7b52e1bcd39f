"""The pages that grow with the company, split by department.

A cycle's alignment tree, status page and people directory list every objective or
person: at 10,000 people each would be over 10 MB. Past ``split_above`` objectives
(site.toml), each becomes a light page leading to one page per *section*: a
department with its teams and people (``2026-q4/tree/marketing/``), and the
company's own section for the owners outside every department. A section is the
row of the owner on the status page (:func:`okrsite.render.heatmap.row_owners`), so
the filters, the heat map and the sections agree on where everyone belongs.

The split people directory cannot hold everyone, so beside it ``people.js`` lists
each person in a few words for its filter (``static/filter.js``) to find anyone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from okrsite.model import Cycle, Objective, Owner
from okrsite.render.heatmap import row_owners
from okrsite.render.people import by_name, org_chart
from okrsite.render.search import script_json
from okrsite.render.tree import forest, sort_key


@dataclass(slots=True)
class Section:
    """A department (or the company, for the owners outside every department) and the owners
    whose section it is, in org-chart order; its pages are ``2026-q4/tree/<owner id>/`` and the like."""

    cycle: Cycle
    owner: Owner
    owners: list[Owner] = field(default_factory=list)

    @property
    def label(self) -> str:
        """What the section is called on its pages: its department's name, or what the company's holds."""
        return "Outside departments" if self.owner.kind == "company" else self.owner.name

    @property
    def listed(self) -> bool:
        """Whether it has a tree and a people page: the company's only when it holds teams or people
        outside every department (its own objectives are on the tree page itself)."""
        return self.owner.kind != "company" or len(self.owners) > 1

    @property
    def people(self) -> list[Owner]:
        return [o for o in self.owners if o.kind == "person"]

    @property
    def objectives(self) -> list[Objective]:
        return [objective for owner in self.owners for objective in owner.objectives]


def sections(cycle: Cycle, split_above: int) -> list[Section]:
    """The sections of the cycle's split pages, the company's first, then the departments in
    org-chart order; none when the cycle has at most ``split_above`` objectives or no company."""
    company = cycle.company
    if company is None or sum(len(o.objectives) for o in cycle.owners.values()) <= split_above:
        return []
    found: dict[int, Section] = {}
    placed = set()
    for owner, row in row_owners(cycle):
        found.setdefault(id(row), Section(cycle, row)).owners.append(owner)
        placed.add(id(owner))
    # owners the org chart does not reach from the company (their parent is private) are in its section
    found[id(company)].owners.extend(o for o in org_chart(cycle) if id(o) not in placed)
    return list(found.values())


def tree_groups(section: Section) -> list[tuple[Objective | None, list[tuple[Objective, bool]]]]:
    """The trees of a section's page: its objectives that roll up to something outside it (the
    company's, another department's), grouped by that objective in tree order, then those aligned
    to nothing (``None``). What aligns to them, wherever it is, is drawn below them."""
    inside = {id(o) for o in section.owners if o.kind != "company"}
    groups: dict[int, tuple[Objective | None, list[Objective]]] = {}
    for owner in section.owners:
        if id(owner) not in inside:
            continue
        for objective in owner.objectives:
            parent = objective.parents[0].objective if objective.parents else None
            if parent is None or id(parent.owner) not in inside:
                groups.setdefault(id(parent), (parent, []))[1].append(objective)
    aligned = sorted((g for g in groups.values() if g[0] is not None), key=lambda g: sort_key(g[0]))
    ordered = aligned + [g for g in groups.values() if g[0] is None]
    return [(parent, forest(objectives)) for parent, objectives in ordered]


def render_people_index(cycle: Cycle, found: list[Section]) -> bytes:
    """``people.js``: ``okrsitePeople({...})`` with the cycle's folder, its sections (id, name), the
    teams people are in (id, name) and each person, by name, as ``[name, id, role, team, section,
    statuses]`` (team and section by their place in those lists, -1 for no team; statuses those of
    their objectives, as the directory's entries carry them). Loaded by a ``<script>`` tag, which
    also works for a site opened from disk."""
    teams: dict[str, int] = {}
    team_rows: list[list[str]] = []
    people = []
    everyone = sorted(((person, index) for index, section in enumerate(found) for person in section.people),
                      key=lambda pair: by_name(pair[0]))
    for person, index in everyone:
        team = person.parent
        if team is not None and team.id not in teams:
            teams[team.id] = len(team_rows)
            team_rows.append([team.id, team.name])
        statuses = " ".join(dict.fromkeys(o.status for o in person.objectives))
        people.append([person.name, person.id, person.role or "", teams[team.id] if team else -1, index, statuses])
    data = {"cycle": cycle.slug, "sections": [[s.owner.id, s.owner.name] for s in found], "teams": team_rows,
            "people": people}
    return f"okrsitePeople({script_json(data)});\n".encode("utf-8")
