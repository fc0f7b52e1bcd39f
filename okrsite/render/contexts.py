"""What each kind of page shows: the table of the kinds of page (:data:`PAGES`: template, what it is a
page of, address) and, for each kind, the method of :class:`PageContexts` giving a page its key and the
context of its template, made only when the page is rendered. The site's plan
(:class:`okrsite.render.site._Plan`) inherits those methods and calls them through the table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TypeVar
from urllib.parse import urlsplit

from markupsafe import Markup

from okrsite import urls
from okrsite.digest import CAP, Week, Window, make_digest, owner_week
from okrsite.digestformat import entries_of, summary
from okrsite.fingerprint import combine, stable_hash
from okrsite.graph import linked_view, org_order
from okrsite.model import Cycle, Objective, Owner, Site
from okrsite.render import pacechart, retro
from okrsite.render.health import OwnerHealth, cycle_health, owner_health
from okrsite.render.heatmap import Row, by_status
from okrsite.render.keys import CycleKeys, owner_extras
from okrsite.render.people import by_name, kpi_owners, kpi_summary, people
from okrsite.render.scorehistory import signature
from okrsite.render.sections import Section, sections, tree_groups
from okrsite.render.tree import Children, TreeItem, fold_depth, tree_items
from okrsite.render.views import (Falling, FilterForm, alignment_roots, confidence_falling, departments, filter_form,
                                  needs_attention, owner_falling, scored_cycles, status_rows, status_summary, unaligned)

SUBTREE_LIMIT = 200  # objectives an objective page shows below it before it folds its tree
SUBTREE_SHOWN = 1000  # at most this many shown above the fold: its children and theirs, else its children alone
CARRIED_SHOWN = 10  # the objectives carried over a split cycle's retrospective lists per department
T = TypeVar("T")


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


class PageContexts:
    """What each kind of page of :data:`PAGES` shows: its key and its context, and what they share, made once
    per cycle. The site's plan (:class:`okrsite.render.site._Plan`) inherits these methods; they read what it
    holds: the site, its renderer, key, static files and score history, the cycles' keys by ``id()``, the
    owners planned again by ``charting``, and the dicts by cycle id they fill (``summaries``, ``sections``,
    ``status_rows``, ``pace_lines``)."""

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

    def _everything(self) -> int:
        """The key of what shows the whole site: every cycle."""
        return combine(self.site_key, tuple(self.keys[id(c)].cycle for c in self.site.cycles))

    def _cycles(self, site: Site, keys: None, url: str) -> tuple[int, Callable[[], dict]]:
        return self._everything(), lambda: dict(scored_cycles=scored_cycles(site))

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


def _inline_css(css: bytes) -> Markup:
    """The theme's stylesheet for a <style> element (the 404 page must look right at any depth, even from disk)."""
    return Markup(css.decode("utf-8").replace("</", "<\\/"))


def _cycle_page(name: str) -> Callable[[Cycle], str]:
    return partial(urls.cycle_page, name=name)


def _section_page(name: str) -> Callable[[Section], str]:
    return lambda section: urls.cycle_section(section.cycle, name, section.owner)


def _listed(section: Section) -> bool:
    return section.listed


STARTED = ("current", "archived")

#: Every kind of page of the site, in the order the sitemap lists them within what they are pages of.
#: A new kind of page is a row here, an address in :mod:`okrsite.urls` and a method of :class:`PageContexts`
#: giving its key and context.
PAGES = {
    "home": PageKind("cycle.html", "current", lambda cycle: urls.HOME, PageContexts._overview),
    "cycle": PageKind("cycle.html", "cycle", urls.cycle, PageContexts._overview),
    "tree": PageKind("tree.html", "cycle", _cycle_page("tree"), PageContexts._tree),
    "status": PageKind("status.html", "cycle", _cycle_page("status"), PageContexts._status, states=STARTED),
    "people": PageKind("people.html", "cycle", _cycle_page("people"), PageContexts._people),
    "kpis": PageKind("kpis.html", "cycle", _cycle_page("kpis"), PageContexts._kpis),
    "digest": PageKind("digest.html", "cycle", _cycle_page("digest"), PageContexts._digest, states=("current",)),
    "health": PageKind("health.html", "cycle", _cycle_page("health"), PageContexts._health,
                       wanted=lambda site: site.config.checks.health_page),
    "retro": PageKind("retro.html", "ended", _cycle_page("retro"), PageContexts._retro, states=("archived",)),
    "tree_section": PageKind("tree_section.html", "section", _section_page("tree"), PageContexts._tree_section,
                             has=_listed),
    "status_section": PageKind("status.html", "section", _section_page("status"), PageContexts._status_section,
                               states=STARTED),
    "people_section": PageKind("people.html", "section", _section_page("people"), PageContexts._people_section,
                               has=_listed),
    "owner": PageKind("owner.html", "owner", urls.owner, PageContexts._owner_page),
    "objective": PageKind("objective.html", "objective", urls.objective, PageContexts._objective_page),
    "cycles": PageKind("cycles.html", "site", lambda site: urls.CYCLES, PageContexts._cycles),
    "search": PageKind("search.html", "site", lambda site: urls.SEARCH, PageContexts._search),
    "not_found": PageKind("404.html", "site", lambda site: urls.NOT_FOUND, PageContexts._not_found),
}


KINDS_OF: dict[str, list[PageKind]] = {}  # PAGES by what they are pages of, in their order
for _kind in PAGES.values():
    KINDS_OF.setdefault(_kind.of, []).append(_kind)
