"""Fingerprints of what each output file shows, so a rebuild renders only what changed.

Every object gets a signature: a hash of every field a page can display about it.
A page's key combines the signatures of the objects it shows, the cycle and the
site (its settings, build date, theme templates and okrsite's own code): see
:func:`site_key` and :class:`CycleKeys`. Two builds give a page the same key only
if the page would come out the same, so watch mode skips rendering it.

Keys are the same in every process, so the build cache (:mod:`okrsite.cache`) can
keep them from one run to the next: signatures of objects with text in them are
:func:`okrsite.fingerprint.stable_hash` values, and keys made of those numbers only
are combined by :func:`okrsite.fingerprint.combine`.
"""

from __future__ import annotations

from collections.abc import Callable

from okrsite.config import StatusBands
from okrsite.fingerprint import code_version, combine, stable_hash
from okrsite.graph import org_walk
from okrsite.model import Cycle, KeyResult, Kpi, Objective, Owner, Site
from okrsite.render.heatmap import row_owners
from okrsite.render.tree import OrgItem, TreeItem, post_order, primary_children, subtree_children
from okrsite.timeline import rolled_up


def _declared_key_result(kr: KeyResult) -> tuple:
    return (kr.id, kr.title, kr.type, kr.start, kr.target, kr.current, kr.unit, kr.weight, kr.score_given, kr.done,
            kr.confidence_given, tuple((c.date, c.value, c.note, c.confidence) for c in kr.checkins))


def _declared_objective(objective: Objective) -> tuple:
    """What the file says about an objective: its file's digest stands for all of it, when known."""
    owner = objective.owner
    if owner.digest:
        return owner.digest, owner.history_digest, objective.id
    return (objective.title, objective.type, objective.description_html, objective.retro_html, objective.private, objective.score_given, owner.name,
            owner.kind, tuple((i.text, i.done) for i in objective.initiatives),
            tuple(_declared_key_result(kr) for kr in objective.key_results))


def _objective(objective: Objective) -> int:
    """Everything a page can show about an objective: what its file says, and what the build linked and computed
    (with the KPIs of later cycles its key results graduated into)."""
    return stable_hash((_declared_objective(objective), objective.ref, objective.private_parents, objective.progress,
                        objective.score, objective.status,
                        tuple((kr.progress, kr.score, kr.status, kr.stale, tuple(o.ref for o in kr.aligned))
                              for kr in objective.key_results),
                        tuple(a.ref for a in objective.parents), tuple(c.ref for c in objective.children),
                        tuple(_work(part) for part in (objective, *objective.key_results)),
                        tuple(graduation(k) for kr in objective.key_results for k in kr.graduated_to)))


def _work(part: Objective | KeyResult) -> tuple:
    """Who contributes to an objective or key result and what it needs and is needed by (the other
    sides' titles and numbers are in their objectives' signatures: see ``CycleKeys._neighbourhood``)."""
    return (tuple(p.id for p in part.contributors), tuple(d.target.ref for d in part.dependencies),
            tuple(d.dependent.ref for d in part.needed_by), part.private_dependencies)


def _linked_work(objective: Objective) -> tuple[list[Objective], list[Owner]]:
    """The objectives on the other side of the needs of ``objective`` and its key results, and their contributors."""
    objectives, people = [], []
    for part in (objective, *objective.key_results):
        objectives += [d.target.objective for d in part.dependencies] + [d.dependent.objective for d in part.needed_by]
        people += part.contributors
    return objectives, people


def _above(objectives: list[Objective]) -> list[Objective]:
    """``objectives`` and every objective they align to, directly or not."""
    return _reach(objectives, lambda o: [a.objective for a in o.parents])


def _below(objectives: list[Objective]) -> list[Objective]:
    """``objectives`` and every objective aligned to them, directly or not."""
    return _reach(objectives, lambda o: o.children)


def _reach(start: list[Objective], step) -> list[Objective]:
    seen, found, stack = set(), [], list(start)
    while stack:
        objective = stack.pop()
        if id(objective) not in seen:
            seen.add(id(objective))
            found.append(objective)
            stack.extend(step(objective))
    return found


def graduation(kpi: Kpi) -> tuple:
    """What the pages of both cycles show of a KPI that graduated from a key result of an earlier cycle."""
    owner, kr = kpi.owner, kpi.graduated_from_kr
    return (owner.cycle.id, owner.cycle.title, owner.id, owner.name, kpi.id, kpi.title,
            kr.cycle.id, kr.cycle.title, kr.ref, kr.title, kr.objective.growth)


def graduations(site: Site) -> dict[str, int]:
    """For each cycle with KPIs that graduated from key results, or key results that graduated into KPIs,
    the signature of those links: the pages of a cycle planned in an earlier build show the other cycle's
    side of them (see ``_Plan._cycle_plan``)."""
    found: dict[str, list[tuple]] = {}
    for cycle in site.cycles:
        for owner in cycle.owners.values():
            for kpi in owner.kpis:
                if kpi.graduated_from_kr is not None:
                    link = graduation(kpi)
                    found.setdefault(cycle.id, []).append(link)
                    found.setdefault(kpi.graduated_from_kr.cycle.id, []).append(link)
    return {cycle_id: stable_hash(tuple(links)) for cycle_id, links in found.items()}


def _kpis(owner: Owner) -> tuple:
    return tuple((k.id, k.title, k.current, k.target, k.direction, k.unit, k.graduated_from,
                  tuple((c.date, c.value, c.note) for c in k.checkins)) for k in owner.kpis)


def _linked_kpis(owner: Owner) -> tuple:
    """What the build linked and computed of the owner's KPIs."""
    return tuple((k.healthy, graduation(k) if k.graduated_from_kr is not None else None) for k in owner.kpis)


def _owner(owner: Owner) -> int:
    """Everything a page can show about an owner itself: what its file says, and its place and numbers
    (with its KPIs' links and its growth goals)."""
    declared = owner.digest or (owner.name, owner.kind, owner.role, owner.private, owner.body_html, _kpis(owner))
    return stable_hash((declared, owner.id, owner.progress, owner.score, owner.status,
                        owner.parent.id if owner.parent else None, owner.lead.id if owner.lead else None,
                        tuple(c.id for c in owner.children), tuple(o.id for o in owner.objectives),
                        tuple(p.ref for p in owner.contributions),
                        _linked_kpis(owner) if owner.kpis else (), tuple(_objective(o) for o in owner.growth)))


def owner_extras(line: tuple[float, ...] | None, history: int | None, split: bool = False) -> int:
    """What an owner's page shows beyond its objectives and neighbours: its progress through the
    cycle (the rounded values its chart draws; the days follow from the cycle's dates and the build
    date, which every key holds), its department's final scores in other cycles (the
    ``scorehistory.signature`` of those it shows) and whether it links its department's parts of
    the split cycle pages."""
    return combine(line or (), history or 0, split)


def site_key(site: Site, theme: str) -> int:
    """What every page shows around its content: site settings, build date, theme, cycles' names and states,
    which pages exist."""
    return stable_hash((site.config.title, site.config.base_url, site.config.history, site.build_date, code_version(), theme,
                        site.include_private, site.config.checks.health_page, site.config.split_above,
                        tuple((c.id, c.title, c.state) for c in site.cycles)))


END = 0  # the key of an item that closes a branch: the same everywhere


class CycleKeys:
    """Signatures of one cycle's objects and the keys of its pages, and the department of each
    owner that the filterable items (tree items, people entries) carry.

    Objects are known by ``id()``: an instance must not outlive the cycle it signs.
    """

    def __init__(self, cycle: Cycle, site: int):
        self._signed = cycle
        self.objectives: dict[int, int] = {}
        self.owners: dict[int, int] = {}
        self.subtrees: dict[int, int] = {}
        self.neighbourhoods: dict[int, tuple] = {}
        # by the owner's id(): the keys of its parts, and of its week and health with their settings
        self.parts: dict[int, int] = {}
        self.weeks: dict[int, tuple[int, int]] = {}
        self.healths: dict[int, tuple[int, int]] = {}
        self.listed: dict[int, int] = {}  # and of its line in people.js
        for owner in cycle.owners.values():
            self.owners[id(owner)] = _owner(owner)
            for objective in owner.objectives:
                self.objectives[id(objective)] = _objective(objective)
        self.frame = stable_hash((site, cycle.id, cycle.title, cycle.start, cycle.end, cycle.state, cycle.expected))
        self.cycle = self._everything()  # anything in the cycle: overview, tree
        self.departments = {id(owner): row.id for owner, row in row_owners(cycle)}
        self._led: dict[int, list[Owner]] = {}  # the people each person leads (``Owner.lead``), by the lead's id()
        for owner in cycle.owners.values():
            if owner.lead is not None:
                self._led.setdefault(id(owner.lead), []).append(owner)

    def _everything(self) -> int:
        cycle = self._signed
        return combine(self.frame, combine(tuple(self.owners[id(o)] for o in cycle.owners.values()),
                                           tuple(self.objectives[id(o)] for o in cycle.objectives)))

    def update(self, changed: frozenset[Owner | Objective]) -> set[Owner]:
        """Sign again the owners and objectives in ``changed`` (edited in place: their links are as
        they were, see :mod:`okrsite.relink`), and return the owners whose outputs' keys may read
        those signatures: the only ones whose keys must be made again."""
        objectives = [item for item in changed if isinstance(item, Objective)]
        owners = [item for item in changed if isinstance(item, Owner)]
        for objective in objectives:
            self.objectives[id(objective)] = _objective(objective)
        for owner in owners:
            self.owners[id(owner)] = _owner(owner)
        above = _above(objectives)
        for objective in above:  # their subtrees hold the changed objectives
            self.subtrees.pop(id(objective), None)
        affected = self._around(objectives, above, owners)
        for owner in affected:  # the changed objects' owners among them
            for kept in (self.parts, self.weeks, self.healths, self.listed):
                kept.pop(id(owner), None)
            for objective in owner.objectives:
                self.neighbourhoods.pop(id(objective), None)
        self.cycle = self._everything()
        return affected

    def _around(self, objectives: list[Objective], above: list[Objective], changed: list[Owner]) -> set[Owner]:
        """The owners whose pages, badges, charts and parts may show something of the changed
        ``objectives`` (``above``: they and what they align to) and ``changed`` owners: what the methods
        below read. For an objective, the owners of every objective whose chains, links, needs or
        subtree hold it, and the people who contribute to it; for an owner, everyone below it in the org
        chart (their ancestors), its parent (its children), the people it leads, the people contributing
        to its objectives and the owners of the work it contributes to."""
        owners: set[Owner] = set()
        owners.update(objective.owner for objective in (*above, *_below(objectives)))
        for objective in objectives:
            needs, people = _linked_work(objective)
            owners.update(o.owner for o in needs)
            owners.update(people)
        for owner in changed:
            owners.update(org_walk(owner))
            owners.update(self._led.get(id(owner), ()))
            if owner.parent is not None:
                owners.add(owner.parent)
            owners.update(part.owner for part in owner.contributions)
            for objective in owner.objectives:
                owners.update(_linked_work(objective)[1])
        return owners

    def department(self, owner: Owner) -> str:
        """The id of the owner's row on the status page, which the pages' filters know it by: its
        nearest department, else the company ('' for an owner outside the company's org chart)."""
        return self.departments.get(id(owner), "")

    def owner_data(self, owner: Owner) -> int:
        """The owner's entry in okrs.json: the owner and its objectives."""
        return combine(self.owners[id(owner)], tuple(self.objectives[id(o)] for o in owner.objectives))

    def owner(self, owner: Owner, shown: int = 0) -> int:
        """The owner's page: the owner, its org-chart neighbours and its objectives with their links, and
        ``shown``, what else it draws (:func:`owner_extras`)."""
        people = [*owner.ancestors, owner.lead, *owner.children]
        return combine(self.frame, self.owners[id(owner)], tuple(self.owners[id(p)] for p in people if p is not None),
                       tuple(self._neighbourhood(o) for o in owner.objectives), shown, self.contributions(owner))

    def contributions(self, person: Owner) -> tuple:
        """What a person contributes to, as their page shows it: each objective and its owner."""
        return tuple((self.objectives[id(p.objective)], self.owners[id(p.owner)]) for p in person.contributions)

    def objective(self, objective: Objective) -> int:
        """The objective's page: it, its owner's place, its links and everything aligned below it."""
        owner = objective.owner
        return combine(self.frame, self.owners[id(owner)], tuple(self.owners[id(a)] for a in owner.ancestors),
                       self._neighbourhood(objective), self.subtree(objective))

    def chart(self, objective: Objective, index: int) -> int:
        """The chart of the objective's key result number ``index``: everything it draws is in the
        objective's signature and the cycle's dates."""
        return combine(self.frame, self.objectives[id(objective)], index)

    def owner_badge(self, owner: Owner) -> int:
        return combine(self.frame, self.owners[id(owner)])

    def objective_badge(self, objective: Objective) -> int:
        return combine(self.frame, self.objectives[id(objective)])

    def person_entry(self, person: Owner) -> int:
        """A person's entry in the people directory: the person, their team's name, their department
        (for the filter), and their objectives with the objectives (titles, owners) of the chain above each."""
        team = person.parent
        return combine(self.frame, stable_hash((
            self.owners[id(person)], (team.id, team.name) if team else None, self.department(person),
            tuple((self.objectives[id(o)], tuple((up.ref, up.title, up.owner.name) for up in o.chain))
                  for o in person.objectives))))

    def people_line(self, person: Owner) -> int:
        """A person's line of ``people.js`` (:func:`okrsite.render.sections.render_people_index`): name, id,
        role, team and their objectives' statuses."""
        key = self.listed.get(id(person))  # kept as the parts' key is
        if key is None:
            team = person.parent
            key = self.listed[id(person)] = stable_hash((person.name, person.id, person.role,
                                                         (team.id, team.name) if team else None,
                                                         tuple(o.status for o in person.objectives)))
        return key

    def owner_parts(self, owner: Owner) -> int:
        """The owner's parts of the files made of many (okrs.json, the CSV, the search index, the
        feed): the owner, its objectives, its cycle, its parent's name."""
        key = self.parts.get(id(owner))  # kept until update() finds the owner among those it affects
        if key is None:
            key = self.parts[id(owner)] = combine(self.frame, self.owner_data(owner),
                                                  owner.parent.name if owner.parent else None)
        return key

    def tree_item(self, item: TreeItem, department: str | None = None) -> int:
        """An item of an alignment tree: its objective, where it stands in the tree and the
        ``department`` it carries for the filter (None where the tree is not filtered)."""
        if item.kind == "end":
            return END
        parents = tuple(self.objectives[id(a.objective)] for a in item.objective.parents)  # "also aligns to"
        return combine(self.frame, self.objectives[id(item.objective)], item.kind, item.descendants, item.expanded,
                       parents, stable_hash(department))

    def org_item(self, item: OrgItem) -> int:
        """An item of the org chart: its owner and where it stands."""
        return END if item.kind == "end" else combine(self.frame, self.owners[id(item.owner)], item.kind)

    def kpis(self, owners: list[Owner]) -> int:
        """The cycle's KPI page: ``owners`` in the order shown, each with its KPIs."""
        return combine(self.frame, stable_hash(tuple((o.id, o.name, o.kind, o.private, _kpis(o), _linked_kpis(o))
                                                     for o in owners)))

    def digest(self, bands: StatusBands) -> int:
        """The current cycle's weekly digest: everything in the cycle (check-ins, numbers, staleness) and the
        build date, which sets its week; ``bands`` give the statuses of the week's first day."""
        return combine(self.cycle, stable_hash(bands))

    def owner_week(self, owner: Owner, bands: int) -> int:
        """The owner's part of the weekly digest (:func:`okrsite.digest.owner_week`): its parts' key (with
        the build date, which sets the week), ``bands`` (the status bands' ``stable_hash``) and the
        objectives its rollups reach, whose progress on the week's first day theirs reads."""
        return self._kept(self.weeks, owner, bands, self._owner_week)

    def _owner_week(self, owner: Owner, bands: int) -> int:
        reached = rolled_up(owner.objectives)
        return combine(self.owner_parts(owner), bands, tuple(self.objectives[id(o)] for o in reached) if reached else ())

    def owner_health(self, owner: Owner, checks: int) -> int:
        """The owner's part of the health page (:func:`okrsite.render.health.owner_health`): its parts' key
        (with the build date), ``checks`` (the ``stable_hash`` of the checks switched off and the stale
        limit) and the objectives its needs depend on, whose status and owner its findings name."""
        return self._kept(self.healths, owner, checks, self._owner_health)

    @staticmethod
    def _kept(store: dict[int, tuple[int, int]], owner: Owner, setting: int, make: Callable[[Owner, int], int]) -> int:
        """``make(owner, setting)``, kept in ``store`` as the parts' key is (until :meth:`update` finds the
        owner among those it affects), and made again for another ``setting``."""
        kept = store.get(id(owner))
        if kept is None or kept[0] != setting:
            kept = store[id(owner)] = (setting, make(owner, setting))
        return kept[1]

    def _owner_health(self, owner: Owner, checks: int) -> int:
        needs, signed = [], self.objectives
        for objective in owner.objectives:  # most have no needs: look before making a list
            if objective.dependencies:
                needs += [signed[id(d.target.objective)] for d in objective.dependencies]
            for kr in objective.key_results:
                if kr.dependencies:
                    needs += [signed[id(d.target.objective)] for d in kr.dependencies]
        return combine(self.owner_parts(owner), checks, tuple(needs))

    def _neighbourhood(self, objective: Objective) -> tuple:
        found = self.neighbourhoods.get(id(objective))
        if found is None:
            needs, people = _linked_work(objective)
            linked = [*(o for chain in objective.chains for o in chain.objectives),
                      *(a.objective for a in objective.parents), *objective.children, *needs]
            found = self.neighbourhoods[id(objective)] = (self.objectives[id(objective)],
                                                          tuple(self.objectives[id(o)] for o in linked),
                                                          tuple(self.owners[id(p)] for p in people))
        return found

    def subtree(self, objective: Objective) -> int:
        """The objective and its tree of aligned objectives, as the tree templates draw it."""
        def make(o: Objective) -> int:
            return combine(self.objectives[id(o)], tuple(self.subtrees[id(child)] if primary else self.objectives[id(child)]
                                                         for child, primary in subtree_children(o)))
        return post_order(objective, primary_children, self.subtrees, make)  # type: ignore[return-value]
