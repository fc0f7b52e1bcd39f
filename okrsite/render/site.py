"""The plan of a site's output: every file, its key and how to render it.

This is the map of section 5 of the contract: which page lives where and which
template, chart or badge makes it. Each :class:`Output` carries a key from
:mod:`okrsite.render.keys`; the writer renders only files whose key changed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache, partial
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup

from okrsite import urls
from okrsite.digest import CAP, Week, Window, make_digest, owner_week
from okrsite.digestformat import entries_of, summary
from okrsite.graph import linked_view, org_order
from okrsite.model import Cycle, KeyResult, Objective, Owner, Site
from okrsite.render import badges, charts, linechart, pacechart, retro
from okrsite.render.export import render_cycle_json, render_json, render_owner_json
from okrsite.render.feeds import (cycle_newest, newest_checkins, render_csv, render_csv_rows, render_feed, render_sitemap,
                                  site_newest)
from okrsite.render.health import OwnerHealth, cycle_health, owner_health
from okrsite.render.heatmap import Row, by_status
from okrsite.render.search import render_chunk, render_search_entries
from okrsite.render.searchindex import WordIndex
from okrsite.render.sections import Section, render_people_index, sections, tree_groups
from okrsite.fingerprint import combine, stable_hash
from okrsite.render.keys import CycleKeys, graduations, owner_extras, site_key
from okrsite.render.formatting import headline, headline_text
from okrsite.render.pages import Page, environment, render_page, rendering
from okrsite.render.people import by_name, kpi_owners, kpi_summary, people
from okrsite.render.scorehistory import score_history, signature
from okrsite.render.tree import Children, TreeItem, fold_depth, org_items, tree_items
from okrsite.render.views import (Falling, FilterForm, alignment_roots, confidence_falling, departments, filter_form,
                                  needs_attention, owner_falling, status_rows, status_summary, unaligned)
from okrsite.theme import static_files, templates_key

FRAGMENTS_KEPT = 100_000
# parts of okrs.json, the CSV, the search index and its words, the feed and the health page per owner, and of the
# current cycle's owners the digest and the falling confidences: at 10,000 people in two cycles about 150,000,
# and the old ones edits leave
PARTS_KEPT = 400_000
CHROME = "_chrome.html"  # the macros of what every page shows around its content: see SiteRenderer.chrome
SUBTREE_LIMIT = 200  # objectives an objective page shows below it before it folds its tree
SUBTREE_SHOWN = 1000  # at most this many shown above the fold: its children and theirs, else its children alone
CARRIED_SHOWN = 10  # the objectives carried over a split cycle's retrospective lists per department
T = TypeVar("T")


@dataclass(slots=True)
class Output:
    """One file of the site: where it goes, what it depends on, and how to make it."""

    path: str
    key: int
    render: Callable[[], bytes]
    page: bool = False


@dataclass
class _CyclePlan:
    cycle: Cycle  # held, so the ids that ``keys`` uses stay this cycle's
    site_key: int
    history: int  # the other cycles' department scores that its pages show
    graduations: int  # the other cycles' side of the links between KPIs and key results its pages show
    revision: int  # the cycle's edits in place (``Cycle.changes``) that it takes in
    keys: CycleKeys
    sections: list[Section]  # see _Plan._sections
    files: list[Output]  # the cycle's own: its pages and their sections, exports and charts
    sectioned: dict[str, list[Output]]  # the pages of each section of a split cycle, by its owner's id
    owned: dict[int, list[Output]]  # each owner's, by the owner's ``id()``, in the cycle's order

    @property
    def groups(self) -> list[list[Output]]:
        return [self.files, *self.owned.values()]


class SiteRenderer:
    """Plans the output of sites with one theme, keeping between builds its compiled
    templates, the plans of cycles that did not change and okrs.json's parts."""

    def __init__(self, dirs: list[Path], keep_parts: bool = True):
        self.dirs = dirs
        self.keep_parts = keep_parts  # keep the parts of site-wide files for the next build
        self.templates: str | None = None  # the key of the templates that ``env`` has compiled
        self.env: jinja2.Environment | None = None  # made by plan()
        self.site: Site | None = None  # the site being rendered: every page sees the latest
        self.cycle_plans: dict[str, _CyclePlan] = {}
        self.parts: dict[int, object] = {}  # parts of okrs.json, the CSVs, the search index and the feed, by key
        self.fragments: dict[int, Markup] = {}  # rendered branches of alignment trees, by key
        self.kept: dict[str, tuple[int, object]] = {}  # values of which only the latest is kept, by name and key
        self.words = WordIndex()  # the search index's head and word parts
        self.listed: dict[int, tuple[list[Output], tuple[tuple[str, ...], int]]] = {}  # the last plan's groups' pages
        self.site_key = 0  # of the site being rendered (keys.site_key): what every page shows around its content

    def plan(self, site: Site) -> list[Output]:
        """Every output of ``site``."""
        return [output for group in self.plan_groups(site) for output in group]

    def plan_groups(self, site: Site) -> list[list[Output]]:
        """Every output of ``site``, in groups (an owner's, a cycle's own, the site's...); a group that did
        not change since the last plan is the same list, so that a build can look only at the others."""
        self.site = site
        templates = templates_key(self.dirs)
        if templates != self.templates:  # compile the templates again, once
            self.templates, self.env = templates, environment(self.dirs, templates)
            self.fragments.clear()
        for kept, most in ((self.fragments, FRAGMENTS_KEPT), (self.parts, PARTS_KEPT)):
            if len(kept) > most:
                kept.clear()
        plan = _Plan(site, self)
        self.site_key = plan.site_key
        return plan.groups

    def compile_templates(self) -> None:
        """Compile the pages' templates now (before the build forks, so that its workers need not); one that
        fails is left for the page that uses it to report, at its line, as it would have been."""
        for name in dict.fromkeys([*(kind.template for kind in PAGES.values()), "base.html", "_macros.html", CHROME]):
            try:
                self.env.get_template(name)
            except Exception:  # noqa: BLE001 - a template in error, or one this theme does without
                pass

    def part(self, file: str, key: int, make: Callable[[], T]) -> T:
        """A part of a ``file`` made of many (okrs.json, a CSV, the search index, the feed), made once per key."""
        if not self.keep_parts:
            return make()
        key = hash((file, key))
        text = self.parts.get(key)
        if text is None:
            text = self.parts[key] = make()
        return text

    def latest(self, name: str, key: int, make: Callable[[], T]) -> T:
        """A value made once per key, of which only the latest is kept (a big one: a cycle's part of okrs.json).
        A one-off build keeps it too: the cycle's okrs.json and the site's are both joined from it."""
        known = self.kept.get(name)
        if known is None or known[0] != key:
            known = self.kept[name] = (key, make())
        return known[1]

    def fragment(self, key: int, root: str, macro: str, *args, template: str = "_macros.html") -> Markup:
        """A macro of ``template`` called for a page at depth ``root``; drawn once per key."""
        key = hash((key, root, macro, template))
        html = self.fragments.get(key)
        if html is None:
            with rendering(Page(root, self.site)):
                html = self.fragments[key] = Markup(getattr(self.env.get_template(template).module, macro)(*args))
        return html

    def chrome(self, context: dict, root: str) -> dict:
        """``context`` with what every page shows around its content, which ``base.html`` writes: the macros of
        :data:`CHROME` (``head_links``, the ``topbar`` of the page's cycle, else of the current one, and the
        ``footer``), drawn once per cycle and depth of page while the site's key (its settings, build date, cycles'
        names and states, the theme and okrsite's version) is the same."""
        site, cycle, key = self.site, context.get("cycle", self.site.current), self.site_key
        shown = hash((key, cycle.id if cycle is not None else None))
        return {**context, "head_links": self.fragment(key, root, "head_links", site, template=CHROME),
                "topbar": self.fragment(shown, root, "topbar", site, cycle, root, template=CHROME),
                "footer": self.fragment(key, root, "footer", site, template=CHROME)}

    def draw_tree(self, items: list[TreeItem], keys: CycleKeys, root: str, filterable: bool = False) -> list[Markup]:
        """Tree items drawn one by one, each once per key; ``filterable`` items carry their status and
        department for the page's filter."""
        def draw(item: TreeItem) -> Markup:
            department = keys.department(item.objective.owner) if filterable else None
            return self.fragment(keys.tree_item(item, department), root, "tree_item", item,
                                 item.objective.owner.cycle, department)
        return [draw(item) for item in items]

    def directory(self, owners: list[Owner], keys: CycleKeys, root: str, people: bool = True) -> list[Markup]:
        """The org chart below ``owners`` (without ``people``: its departments and teams), drawn item by
        item, each item once per key."""
        return [self.fragment(keys.org_item(item), root, "org_item", item) for item in org_items(owners, people)]


@dataclass(frozen=True, slots=True)
class PageKind:
    """A kind of page: its template, what it is a page of, where it lives and what it shows.

    ``of`` names what :attr:`url` and :attr:`inputs` take: the ``current`` cycle (the home page), a
    ``cycle`` (planned with the cycle, kept while the cycle does not change), an ``ended`` cycle
    (an archived cycle's page that also reads the next cycle: planned anew each build), a
    ``section`` (a department's part of a split cycle page: :mod:`okrsite.render.sections`), an
    ``owner``, an ``objective``, or the ``site``. ``inputs(plan, item, keys, url)`` gives the
    page's key and a function making its template's context."""

    template: str
    of: str
    url: Callable[..., str]
    inputs: Callable[..., tuple[int, Callable[[], dict]]]
    states: tuple[str, ...] = ("current", "archived", "upcoming")  # the states of the cycles that have it
    wanted: Callable[[Site], bool] = lambda site: True  # whether the site has pages of this kind at all
    has: Callable[[object], bool] = lambda item: True  # whether ``item`` has a page of this kind


class _Plan:
    """Every output of a site, in :attr:`outputs`: the pages of :data:`PAGES`, and the other files
    (charts, badges, exports) of each cycle, owner and objective and of the site as a whole."""

    def __init__(self, site: Site, renderer: SiteRenderer):
        self.site, self.renderer = site, renderer
        self.site_key = site_key(site, renderer.templates)
        self.static = {relative: path.read_bytes() for relative, path in static_files(renderer.dirs).items()}
        self.history = score_history(site)
        self.pace_lines: dict[str, dict] = {}
        self.charting: dict[str, set[Owner]] = {}  # of a cycle planned around its edits, the owners planned again
        self.sections: dict[str, list[Section]] = {}
        self.status_rows: dict[str, dict[int, Row]] = {}
        self.summaries: dict[str, dict] = {}
        self.graduations = graduations(site)
        plans = {c.id: self._cycle_plan(c) for c in site.cycles}
        renderer.cycle_plans = plans
        self.keys = {id(p.cycle): p.keys for p in plans.values()}
        groups = [[Output(relative, stable_hash(data), partial(bytes, data)) for relative, data in self.static.items()]]
        if site.current is not None:
            groups.append(list(self._pages("current", site.current, plans[site.current.id].keys)))
        for cycle in site.cycles:
            groups += plans[cycle.id].groups
            groups.append(list(self._pages("ended", cycle, plans[cycle.id].keys)))
        groups.append(list(self._pages("site", site, None)))
        groups.append(list(self._site_files()))
        groups.append([self._sitemap(groups)])
        self.groups = groups

    def _cycle_plan(self, cycle: Cycle) -> _CyclePlan:
        """The outputs of one cycle; those of the last build when the cycle and the site are the same."""
        known = self.renderer.cycle_plans.get(cycle.id)
        shown = self.history.shown(cycle)
        history = signature(shown, [d for c in shown for d in self.history.departments[c.id].values()])
        graduated = self.graduations.get(cycle.id, 0)
        if (known is not None and known.cycle is cycle and known.site_key == self.site_key and known.history == history
                and known.graduations == graduated):
            self.sections[cycle.id] = known.sections  # the same org chart and objectives: the same sections
            if known.revision == len(cycle.changes):
                return known
            # edited in place since (okrsite.relink): only the owners around the edits, and the sections
            # holding them, get new keys
            keys = known.keys
            affected = self.charting[cycle.id] = keys.update(frozenset().union(*cycle.changes[known.revision:]))
            sectioned = {s.owner.id: known.sectioned[s.owner.id] if affected.isdisjoint(s.owners)
                         else list(self._pages("section", s, keys)) for s in self._sections(cycle)}
            owned = {id(o): list(self._owner(o, keys)) if o in affected else known.owned[id(o)]
                     for o in cycle.owners.values()}
        else:
            keys = CycleKeys(cycle, self.site_key)
            sectioned = {s.owner.id: list(self._pages("section", s, keys)) for s in self._sections(cycle)}
            owned = {id(o): list(self._owner(o, keys)) for o in cycle.owners.values()}
        return _CyclePlan(cycle, self.site_key, history, graduated, len(cycle.changes), keys, self._sections(cycle),
                          list(self._cycle_files(cycle, keys, sectioned)), sectioned, owned)

    def _pages(self, of: str, item, keys: CycleKeys | None) -> Iterator[Output]:
        """The pages of ``item``, one per kind of :data:`PAGES` that is a page of what it is."""
        cycle = getattr(item, "cycle", None)  # the site has none
        for kind in _KINDS_OF.get(of, ()):
            if (cycle is None or cycle.state in kind.states) and kind.wanted(self.site) and kind.has(item):
                url = kind.url(item)
                key, context = kind.inputs(self, item, keys, url)
                yield self._page(kind.template, url, key, context)

    def _page(self, template: str, url: str, key: int, context: Callable[[], dict]) -> Output:
        """The page at ``url``; its ``context`` is made only when the page is rendered."""
        renderer, path = self.renderer, urls.file_of(url)

        def render() -> bytes:
            return render_page(renderer.env, template, path,
                               renderer.chrome({"site": renderer.site, **context()}, urls.root_of(path)))
        return Output(path, combine(_template_key(template), key), render, page=True)

    # The other files of a cycle, an owner, an objective and the site.

    def _cycle_files(self, cycle: Cycle, keys: CycleKeys, sectioned: dict[str, list[Output]]) -> Iterator[Output]:
        yield from self._pages("cycle", cycle, keys)
        for outputs in sectioned.values():
            yield from outputs
        split = self._sections(cycle)
        if split:
            listed = (tuple((s.owner.id, s.owner.name) for s in split),
                      tuple(keys.people_line(person) for s in split for person in s.people))
            yield Output(urls.people_index(cycle), combine(keys.frame, listed), partial(render_people_index, cycle, split))
        yield Output(urls.cycle_csv(cycle), keys.cycle, partial(render_csv, cycle, self._csv_rows))
        bars = tuple((d.name, d.progress or 0.0) for d in departments(cycle))
        if bars:
            title = f"Departments, {cycle.title}"
            yield Output(urls.departments_chart(cycle), stable_hash(("departments", title, bars)),
                         partial(_svg, charts.department_progress_chart, title, bars))
        if cycle.state == "archived":
            title = f"Final scores, {cycle.title}"
            bands = tuple((b.label, b.counts) for b in retro.score_bands(cycle.objectives))
            yield Output(urls.score_distribution(cycle), stable_hash(("distribution", title, bands)),
                         partial(_svg, charts.score_distribution_chart, title, bands))

    def _owner(self, owner: Owner, keys: CycleKeys) -> Iterator[Output]:
        yield from self._pages("owner", owner, keys)
        yield Output(urls.owner_badge(owner), keys.owner_badge(owner), partial(_badge, owner))
        if owner.cycle.state == "current":
            yield Output(urls.owner_badge(owner, current=True), keys.owner_badge(owner), partial(_badge, owner))
        for objective in owner.objectives:
            yield from self._pages("objective", objective, keys)
            yield Output(urls.objective_badge(objective), keys.objective_badge(objective), partial(_badge, objective))
            for index, kr in enumerate(objective.key_results):
                if kr.type == "metric" and kr.checkins:
                    yield Output(urls.checkin_chart(kr), keys.chart(objective, index), partial(_checkin_chart, kr))

    def _site_files(self) -> Iterator[Output]:
        """The site-wide files but the pages and the sitemap (which lists every page)."""
        site = self.site
        scored = _scored_cycles(site)
        if scored:
            points = tuple((c.title, headline(c) or 0.0) for c in scored)
            title = "Company score by cycle"
            yield Output(urls.SCORE_HISTORY, stable_hash(("scores", title, points)),
                         partial(_svg, charts.score_history_chart, title, points))
        yield from self._search_index()
        # each cycle's okrs.json beside the site's, which is joined from the same parts: next to each other,
        # a build's worker process that renders one most likely renders the others (see okrsite.parallel)
        for cycle in site.cycles:
            yield Output(urls.cycle_export(cycle), self.keys[id(cycle)].cycle,
                         partial(render_json, site, self._cycle_json, [cycle]))
        yield Output(urls.EXPORT, self._everything(), self._json)
        yield self._feed()
        yield Output(urls.NO_JEKYLL, 0, bytes)
        if site.config.cname:
            yield Output(urls.CNAME, stable_hash(site.config.cname), partial(str.encode, site.config.cname + "\n"))

    def _sitemap(self, groups: list[list[Output]]) -> Output:
        """The sitemap, listing the pages of ``groups``; a group's pages are listed again only when the
        group is new (see :meth:`SiteRenderer.plan_groups`)."""
        known = self.renderer.listed
        listed = self.renderer.listed = {id(g): known.get(id(g)) or (g, _listing(g)) for g in groups}
        base, parts = self.site.config.base_url, [listed[id(g)][1] for g in groups]
        key = combine(stable_hash(base), tuple(part[1] for part in parts))
        return Output(urls.SITEMAP, key, lambda: render_sitemap(base, [page for part in parts for page in part[0]]))

    def _everything(self) -> int:
        """The key of what shows the whole site: every cycle."""
        return combine(self.site_key, tuple(self.keys[id(c)].cycle for c in self.site.cycles))

    # What each kind of page shows (see PAGES): its key and its context.

    def _overview(self, cycle: Cycle, keys: CycleKeys, url: str) -> tuple[int, Callable[[], dict]]:
        below = cycle.company.children if cycle.company else []
        split = self._split(cycle)  # its people are in the people directory's sections
        return keys.cycle, lambda: dict(
            self._summary(cycle, keys), split=split,
            directory=self.renderer.directory(below, keys, urls.root_of(url), people=not split))

    def _summary(self, cycle: Cycle, keys: CycleKeys) -> dict:
        """What the cycle's overview and (of the current cycle) the home page show of it but the org
        chart, made once per build; the key results with falling confidence kept per owner."""
        found = self.summaries.get(cycle.id)
        if found is None:
            def falling(owner: Owner) -> Falling:
                return self.renderer.part("falling", keys.owner_parts(owner), partial(owner_falling, owner))
            found = self.summaries[cycle.id] = dict(
                cycle=cycle, departments=departments(cycle), status_counts=status_summary(cycle),
                attention=needs_attention(cycle), falling=confidence_falling(cycle, falling),
                heatmap=self._heatmap(cycle), kpi_summary=kpi_summary(kpi_owners(cycle)))
        return found

    def _sections(self, cycle: Cycle) -> list[Section]:
        """The sections the cycle's long pages are split into (none: they are whole), once per cycle."""
        found = self.sections.get(cycle.id)
        if found is None:
            found = self.sections[cycle.id] = sections(cycle, self.site.config.split_above)
        return found

    def _split(self, cycle: Cycle) -> bool:
        """Whether the cycle's long pages are split by department."""
        return bool(self._sections(cycle))

    def _heatmap(self, cycle: Cycle) -> list[Row]:
        """The rows of the cycle's status page (:func:`status_rows`), made once per cycle."""
        return list(self._status_rows(cycle).values())

    def _status_rows(self, cycle: Cycle) -> dict[int, Row]:
        """The rows of the cycle's status page by their owner's ``id()``, made once per cycle."""
        rows = self.status_rows.get(cycle.id)
        if rows is None:
            rows = self.status_rows[cycle.id] = {id(row.owner): row for row in status_rows(cycle)}
        return rows

    def _tree(self, cycle: Cycle, keys: CycleKeys, url: str) -> tuple[int, Callable[[], dict]]:
        """The alignment tree; split, the company's objectives and what aligns to them, folded one level
        down, and the sections' trees."""
        root, split = urls.root_of(url), self._sections(cycle)
        return keys.cycle, lambda: dict(  # split, a department is a page: no choice of one
            cycle=cycle, filters=filter_form(cycle, "objective", "objectives", departments=not split),
            sections=[s for s in split if s.listed],
            roots=self.renderer.draw_tree(self._tree_items(cycle, ("tree", bool(split)), partial(alignment_roots, cycle),
                                                           fold=lambda: 1 if split else None), keys, root, filterable=True),
            unaligned=[] if split else self.renderer.draw_tree(
                self._tree_items(cycle, "unaligned", partial(unaligned, cycle), 2), keys, root, filterable=True))

    def _linked(self, cycle: Cycle, name: object, make: Callable[[], T]) -> T:
        """``make()``, kept by :func:`okrsite.graph.linked_view` in watch mode, where the next builds reuse it;
        made anew in a one-off build, which uses it once."""
        return linked_view(cycle, name, make) if self.renderer.keep_parts else make()

    def _tree_items(self, cycle: Cycle, name: object, roots: Callable[[], list[tuple[Objective, bool]]],
                    depth: int = 0, fold: Callable[[], int | None] | None = None,
                    known: Children | None = None) -> list[TreeItem]:
        """:func:`tree_items` of ``roots()`` at ``depth``, folded at ``fold()`` (``known``: the cycle's children,
        sorted and counted): the ``name``d tree of ``cycle``, kept per linked cycle in watch mode (:meth:`_linked`)."""
        return self._linked(cycle, ("tree", name), lambda: tree_items(roots(), depth, fold() if fold else None, known))

    def _tree_section(self, section: Section, keys: CycleKeys, url: str) -> tuple[int, Callable[[], dict]]:
        """A section's alignment trees, each under what it rolls up to outside the section."""
        cycle, root = section.cycle, urls.root_of(url)
        groups = self._linked(cycle, ("section", section.owner.id), lambda: [
            (parent, tree_items(roots)) for parent, roots in tree_groups(section)])
        shown = tuple((keys.objectives[id(parent)] if parent else None,
                       tuple(keys.tree_item(item, keys.department(item.objective.owner)) for item in items))
                      for parent, items in groups)
        return combine(keys.frame, section.owner.id, section.owner.name, shown), lambda: dict(
            cycle=cycle, section=section, filters=filter_form(cycle, "objective", "objectives", departments=False),
            groups=[(parent, self.renderer.draw_tree(items, keys, root, filterable=True)) for parent, items in groups])

    def _status(self, cycle: Cycle, keys: CycleKeys, url: str) -> tuple[int, Callable[[], dict]]:
        """The status page; split, the heat map of the departments leads to their sections' pages."""
        split = self._split(cycle)
        return keys.cycle, lambda: dict(cycle=cycle, filters=filter_form(cycle, "objective", "objectives"),
                                        section=None, split=split, rows=self._heatmap(cycle),
                                        groups=[] if split else [(row, by_status(row)) for row in self._heatmap(cycle)])

    def _status_section(self, section: Section, keys: CycleKeys, url: str) -> tuple[int, Callable[[], dict]]:
        cycle = section.cycle
        row = self._status_rows(cycle)[id(section.owner)]
        shown = (tuple(keys.owners[id(o)] for o in section.owners), tuple(keys.objectives[id(o)] for o in row.objectives))
        return combine(keys.frame, shown), lambda: dict(
            cycle=cycle, section=section, split=False, groups=[(row, by_status(row))],
            filters=filter_form(cycle, "objective", "objectives", departments=False))

    def _people(self, cycle: Cycle, keys: CycleKeys, url: str) -> tuple[int, Callable[[], dict]]:
        """The people directory, drawn person by person (each entry kept until it changes); split,
        the sections and a filter that finds anyone in ``people.js``."""
        filters = filter_form(cycle, "person", "people")  # its departments' names are on the page
        split = self._sections(cycle)
        if split:
            return keys.cycle, lambda: dict(cycle=cycle, filters=filters, sections=[s for s in split if s.listed],
                                            section=None, entries=[])
        return self._people_entries(cycle, people(cycle), keys, url, filters, None)

    def _people_section(self, section: Section, keys: CycleKeys, url: str) -> tuple[int, Callable[[], dict]]:
        everyone = sorted(section.people, key=by_name)
        filters = filter_form(section.cycle, "person", "people", departments=False)
        return self._people_entries(section.cycle, everyone, keys, url, filters, section)

    def _people_entries(self, cycle: Cycle, everyone: list[Owner], keys: CycleKeys, url: str, filters: FilterForm,
                        section: Section | None) -> tuple[int, Callable[[], dict]]:
        """A directory of ``everyone`` (the cycle's people, or a ``section``'s)."""
        entries = [keys.person_entry(p) for p in everyone]
        root = urls.root_of(url)
        named = (section.owner.id, section.owner.name) if section else None
        return combine(keys.frame, tuple(entries), stable_hash(filters), stable_hash(named)), lambda: dict(
            cycle=cycle, filters=filters, section=section, sections=(), entries=[
                self.renderer.fragment(entry, root, "person_entry", person, cycle, keys.department(person))
                for person, entry in zip(everyone, entries)])

    def _kpis(self, cycle: Cycle, keys: CycleKeys, url: str) -> tuple[int, Callable[[], dict]]:
        owners = kpi_owners(cycle)
        return keys.kpis(owners), lambda: dict(cycle=cycle, owners=owners, summary=kpi_summary(owners))

    def _digest(self, cycle: Cycle, keys: CycleKeys, url: str) -> tuple[int, Callable[[], dict]]:
        """The current cycle's weekly digest: the week up to the build date, as ``okrsite digest`` gives it."""
        def context() -> dict:
            bands = stable_hash(self.site.config.status)
            # the latest site, as every page sees it; each owner's week kept while the owner does not change
            digest = make_digest(self.renderer.site, week=partial(self._owner_week, keys, bands))
            return dict(cycle=cycle, digest=digest, summary=summary(digest), groups=entries_of(digest), cap=CAP)
        return keys.digest(self.site.config.status), context

    def _owner_week(self, keys: CycleKeys, bands: int, window: Window, owner: Owner) -> Week:
        return self.renderer.part("digest", keys.owner_week(owner, bands), partial(owner_week, window, owner))

    def _health(self, cycle: Cycle, keys: CycleKeys, url: str) -> tuple[int, Callable[[], dict]]:
        checks, today = self.site.config.checks, self.site.build_date
        settings = stable_hash((sorted(checks.off), checks.stale_days))

        def part(owner: Owner) -> OwnerHealth:  # kept while the owner does not change
            return self.renderer.part("health", keys.owner_health(owner, settings),
                                      partial(owner_health, cycle, checks, today, owner))
        return combine(keys.cycle, settings), lambda: dict(cycle=cycle, health=cycle_health(cycle, checks, today, part))

    def _retro(self, cycle: Cycle, keys: CycleKeys, url: str) -> tuple[int, Callable[[], dict]]:
        """The retrospective of an archived cycle; it also shows what the next cycle carried over."""
        rows = self._heatmap(cycle)
        committed = retro.committed(rows)
        later = retro.next_cycle(self.site, cycle)
        split = self._split(cycle)
        carried = retro.carried_over(rows, later)
        # of the next cycle the page shows only which objectives go on there (links; their progress is
        # on their own pages), so an edit in the running cycle leaves the retrospective alone
        shown_later = stable_hash(tuple(now.ref for _, pairs in carried for _, now in pairs))
        # the departments' scores in earlier cycles: those on the page are part of its key
        history_cycles, history_rows = self.history.table(cycle)
        shown_history = signature(history_cycles, [d for _, row in history_rows for d in row])
        return combine(keys.cycle, shown_later, shown_history), lambda: dict(
            cycle=cycle, rows=rows, split=split, status_counts=status_summary(cycle),
            bands=retro.score_bands(cycle.objectives),
            later=later, carried=retro.shown(carried, CARRIED_SHOWN if split else None), notes=retro.with_notes(rows),
            committed=committed,
            fell_short=retro.fell_short(committed), history_cycles=history_cycles, history_rows=history_rows)

    def _owner_page(self, owner: Owner, keys: CycleKeys, url: str) -> tuple[int, Callable[[], dict]]:
        """An owner's page; the company's, departments' and teams' draw their progress week by week,
        departments' their final scores in earlier cycles: both are part of its key."""
        line = self._pace_lines(owner.cycle).get(id(owner))
        scores = self.history.of(owner) if owner.kind == "department" else []
        split = owner.kind == "department" and self._split(owner.cycle)  # it has pages of its own there
        shown = owner_extras(line.values if line else None,
                             signature([c for c, _ in scores], [d for _, d in scores]) if scores else None, split)
        return keys.owner(owner, shown), lambda: dict(
            cycle=owner.cycle, owner=owner, pace=line and pacechart.draw(line, owner.name), pace_line=line,
            scores=scores, split=split)

    def _pace_lines(self, cycle: Cycle) -> dict:
        """The weekly progress lines of the cycle's owners (see pacechart), computed once per cycle."""
        lines = self.pace_lines.get(cycle.id)
        if lines is None:
            lines = self.pace_lines[cycle.id] = pacechart.pace_lines(cycle, self.site.build_date,
                                                                     self.charting.get(cycle.id))
        return lines

    def _objective_page(self, objective: Objective, keys: CycleKeys, url: str) -> tuple[int, Callable[[], dict]]:
        def context() -> dict:
            # a big subtree (a company objective's at 1,000 people) is folded two levels down, or one at
            # 10,000 people: each folded objective's own page shows what is below it
            known = linked_view(objective.cycle, "children", Children)  # sorted and counted once per linked cycle
            items = self._tree_items(objective.cycle, id(objective), partial(known.of, objective), 1,
                                     partial(fold_depth, objective, SUBTREE_LIMIT, SUBTREE_SHOWN, known), known)
            below = self.renderer.draw_tree(items, keys, urls.root_of(url))
            return dict(cycle=objective.cycle, owner=objective.owner, objective=objective, below=below)
        return keys.objective(objective), context

    def _cycles(self, site: Site, keys: None, url: str) -> tuple[int, Callable[[], dict]]:
        return self._everything(), lambda: dict(scored_cycles=_scored_cycles(site))

    def _search(self, site: Site, keys: None, url: str) -> tuple[int, Callable[[], dict]]:
        root = urls.root_of(url)
        return self._everything(), lambda: dict(sections=[
            self.renderer.fragment(self.keys[id(c)].cycle, root, "index_section", c, partial(self._index_owners, c),
                                   self._split(c)) for c in site.cycles])

    def _index_owners(self, cycle: Cycle) -> list[Owner]:
        """The owners the search page lists for a cycle: all of them, or of a split cycle its departments
        and teams (its people are in the people directory's sections)."""
        split = self._split(cycle)
        return sorted((o for o in cycle.owners.values() if not split or o.kind != "person"), key=org_order)

    def _not_found(self, site: Site, keys: None, url: str) -> tuple[int, Callable[[], dict]]:
        css = self.static.get("static/style.css", b"")
        base = urlsplit(site.config.base_url).path or "/"
        return stable_hash((self.site_key, css)), lambda: dict(base_href=base, inline_css=_inline_css(css))

    # Parts of the files made of many (okrs.json, the CSVs, the search index, the feed), kept per owner.

    def _owner_parts(self, owner: Owner) -> int:
        """The key of the owner's parts (see :meth:`CycleKeys.owner_parts`)."""
        return self.keys[id(owner.cycle)].owner_parts(owner)

    def _csv_rows(self, owner: Owner) -> bytes:
        return self.renderer.part("csv", self._owner_parts(owner), partial(render_csv_rows, owner))

    def _search_index(self) -> Iterator[Output]:
        """The search index: its chunks of entries, each kept while its owners do not change, then its head and
        word parts, kept from build to build and brought up to date with the owners that changed."""
        index = self.renderer.words if self.renderer.keep_parts else WordIndex()
        groups = index.update(self.site, self._owner_parts, lambda cycle: self.keys[id(cycle)].cycle)
        for number, owners in enumerate(groups):
            path = urls.search_chunk(number)
            yield Output(path, combine(tuple(self._owner_parts(o) for o in owners)),
                         partial(render_chunk, path, owners, self._search_entries))
        for path, data, key in index.files():
            yield Output(path, key, partial(bytes, data))

    def _search_entries(self, owner: Owner) -> str:
        return self.renderer.part("search", self._owner_parts(owner), partial(render_search_entries, owner))

    def _feed(self) -> Output:
        """The feed: its check-ins are picked from the cycles' newest, each cycle's kept while it does
        not change; it is rendered again only when they or their owners change."""
        picked = site_newest(self.site, self._cycle_newest)
        key = combine(self.site_key, tuple((self._owner_parts(owner), o, k, c) for owner, o, k, c in picked))
        return Output(urls.FEED, key, partial(render_feed, self.site, picked))

    def _cycle_newest(self, cycle: Cycle) -> list:
        return self.renderer.latest(f"feed {cycle.id}", self.keys[id(cycle)].cycle,
                                    partial(cycle_newest, cycle, self._newest_checkins))

    def _newest_checkins(self, owner: Owner) -> list:
        return self.renderer.part("feed", self._owner_parts(owner), partial(newest_checkins, owner))

    def _json(self) -> bytes:
        """okrs.json, from the parts of cycles and owners that did not change since they were last made."""
        data = render_json(self.site, self._cycle_json)
        if not self.renderer.keep_parts:  # a one-off build: the cycles' files, planned just before, are made
            for cycle in self.site.cycles:  # (70 MB at 10,000 people, that the rest of the build would hold)
                self.renderer.kept.pop(_json_part(cycle), None)
        return data

    def _cycle_json(self, cycle: Cycle) -> bytes:
        return self.renderer.latest(_json_part(cycle), self.keys[id(cycle)].cycle,
                                    partial(render_cycle_json, cycle, self._owner_json))

    def _owner_json(self, owner: Owner) -> bytes:
        return self.renderer.part("owner", self._owner_parts(owner), partial(render_owner_json, owner))


def _listing(group: list[Output]) -> tuple[tuple[str, ...], int]:
    """The pages of a group of outputs, in order, and their hash."""
    pages = tuple(o.path for o in group if o.page)
    return pages, stable_hash(pages)


def _json_part(cycle: Cycle) -> str:
    """The name the renderer keeps a cycle's part of okrs.json by (:meth:`SiteRenderer.latest`)."""
    return f"okrs.json {cycle.id}"


def _cycle_page(name: str) -> Callable[[Cycle], str]:
    return partial(urls.cycle_page, name=name)


def _section_page(name: str) -> Callable[[Section], str]:
    return lambda section: urls.cycle_section(section.cycle, name, section.owner)


def _listed(section: Section) -> bool:
    return section.listed


STARTED = ("current", "archived")

#: Every kind of page of the site, in the order the sitemap lists them within what they are pages of.
#: A new kind of page is a row here, an address in :mod:`okrsite.urls` and a method of :class:`_Plan`
#: giving its key and context.
PAGES = {
    "home": PageKind("cycle.html", "current", lambda cycle: urls.HOME, _Plan._overview),
    "cycle": PageKind("cycle.html", "cycle", urls.cycle, _Plan._overview),
    "tree": PageKind("tree.html", "cycle", _cycle_page("tree"), _Plan._tree),
    "status": PageKind("status.html", "cycle", _cycle_page("status"), _Plan._status, states=STARTED),
    "people": PageKind("people.html", "cycle", _cycle_page("people"), _Plan._people),
    "kpis": PageKind("kpis.html", "cycle", _cycle_page("kpis"), _Plan._kpis),
    "digest": PageKind("digest.html", "cycle", _cycle_page("digest"), _Plan._digest, states=("current",)),
    "health": PageKind("health.html", "cycle", _cycle_page("health"), _Plan._health,
                       wanted=lambda site: site.config.checks.health_page),
    "retro": PageKind("retro.html", "ended", _cycle_page("retro"), _Plan._retro, states=("archived",)),
    "tree_section": PageKind("tree_section.html", "section", _section_page("tree"), _Plan._tree_section,
                             has=_listed),
    "status_section": PageKind("status.html", "section", _section_page("status"), _Plan._status_section,
                               states=STARTED),
    "people_section": PageKind("people.html", "section", _section_page("people"), _Plan._people_section,
                               has=_listed),
    "owner": PageKind("owner.html", "owner", urls.owner, _Plan._owner_page),
    "objective": PageKind("objective.html", "objective", urls.objective, _Plan._objective_page),
    "cycles": PageKind("cycles.html", "site", lambda site: urls.CYCLES, _Plan._cycles),
    "search": PageKind("search.html", "site", lambda site: urls.SEARCH, _Plan._search),
    "not_found": PageKind("404.html", "site", lambda site: urls.NOT_FOUND, _Plan._not_found),
}


_KINDS_OF: dict[str, list[PageKind]] = {}  # PAGES by what they are pages of, in their order
for _kind in PAGES.values():
    _KINDS_OF.setdefault(_kind.of, []).append(_kind)


def _scored_cycles(site: Site) -> list[Cycle]:
    """The cycles with a company score, oldest first."""
    return [c for c in site.cycles[::-1] if c.state != "upcoming" and c.company is not None]


@cache
def _template_key(template: str) -> int:
    return stable_hash(template)


def _inline_css(css: bytes) -> Markup:
    """The theme's stylesheet for a <style> element (the 404 page must look right at any depth, even from disk)."""
    return Markup(css.decode("utf-8").replace("</", "<\\/"))


def _checkin_chart(kr: KeyResult) -> bytes:
    cycle = kr.objective.owner.cycle
    return _svg(linechart.checkin_chart, kr.title, cycle.start, cycle.end, kr.start, kr.target,
                [(c.date, c.value) for c in kr.checkins], kr.unit)


def _svg(chart: Callable[..., str], *args) -> bytes:
    return chart(*args).encode("utf-8")


def _badge(item: Owner | Objective) -> bytes:
    return _badge_of(item.cycle.title, headline_text(item), item.status or "none")


@lru_cache(maxsize=4096)
def _badge_of(title: str, headline: str, status: str) -> bytes:
    """A badge, made once per process for its texts: thousands of badges share a few hundred of them."""
    return badges.render_badge(title, headline, status).encode("utf-8")
