"""The plan of a site's output: every file, its key and how to render it.

This is the map of section 5 of the contract: which page lives where and which
template, chart or badge makes it. Each :class:`Output` carries a key from
:mod:`okrsite.render.keys`; the writer renders only files whose key changed. The
kinds of page, and the key and context of each page, are in
:mod:`okrsite.render.contexts`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache, partial
from pathlib import Path
from typing import TypeVar

import jinja2
from markupsafe import Markup

from okrsite import urls
from okrsite.model import Cycle, KeyResult, Objective, Owner, Site
from okrsite.render import badges, charts, linechart, retro
from okrsite.render.contexts import KINDS_OF, PAGES, PageContexts
from okrsite.render.export import render_cycle_json, render_json, render_owner_json
from okrsite.render.feeds import (cycle_newest, newest_checkins, render_csv, render_csv_rows, render_feed, render_sitemap,
                                  site_newest)
from okrsite.render.heatmap import Row
from okrsite.render.search import render_chunk, render_search_entries
from okrsite.render.searchindex import WordIndex
from okrsite.render.sections import Section, render_people_index
from okrsite.fingerprint import combine, stable_hash
from okrsite.render.keys import CycleKeys, graduations, site_key
from okrsite.render.formatting import headline, headline_text
from okrsite.render.pages import Page, environment, render_page, rendering
from okrsite.render.scorehistory import score_history, signature
from okrsite.render.tree import TreeItem, org_items
from okrsite.render.views import departments, scored_cycles
from okrsite.theme import static_files, templates_key

FRAGMENTS_KEPT = 100_000
# parts of okrs.json, the CSV, the search index and its words, the feed and the health page per owner, and of the
# current cycle's owners the digest and the falling confidences: at 10,000 people in two cycles about 150,000,
# and the old ones edits leave
PARTS_KEPT = 400_000
CHROME = "_chrome.html"  # the macros of what every page shows around its content: see SiteRenderer.chrome
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



class _Plan(PageContexts):
    """Every output of a site, in :attr:`outputs`: the pages of :data:`PAGES` (their keys and contexts are
    :class:`PageContexts`' methods), and the other files (charts, badges, exports) of each cycle, owner and
    objective and of the site as a whole."""

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
        for kind in KINDS_OF.get(of, ()):
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
        scored = scored_cycles(site)
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


@cache
def _template_key(template: str) -> int:
    return stable_hash(template)


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
