"""Every output file of a site, as ``(relative path, bytes)`` pairs in a stable order.

This is the map of section 5 of the contract: which page lives where and which
template, chart or badge makes it.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from okrsite.model import Cycle, Objective, Owner, Site
from okrsite.render import badges, charts
from okrsite.render.export import render_json
from okrsite.render.pages import format_score, make_environment, percent, render_page
from okrsite.render.tree import forest, subtree
from okrsite.theme import static_files, theme_dirs

STATUS_ORDER = {
    "current": ("on-track", "at-risk", "off-track"),
    "archived": ("achieved", "progress", "missed"),
}
STATUS_ORDER["upcoming"] = ("not-started",)
NEEDS_ATTENTION = ("at-risk", "off-track", "missed")


class RenderedSite:
    """Iterates over the files of a site; counts the HTML pages as it goes."""

    def __init__(self, site: Site):
        self.site = site
        self.dirs = theme_dirs(site.config)
        self.env = make_environment(self.dirs)
        self.pages = 0
        self.page_paths: list[str] = []

    def __iter__(self) -> Iterator[tuple[str, bytes]]:
        for relative, path in static_files(self.dirs).items():
            yield relative, path.read_bytes()
        if self.site.current is not None:
            yield from self._cycle_files(self.site.current, "index.html")
        for cycle in self.site.cycles:
            yield from self._cycle_files(cycle, f"{cycle.slug}/index.html")
        yield from self._site_files()

    def page(self, template: str, path: str, **context) -> tuple[str, bytes]:
        self.pages += 1
        self.page_paths.append(path)
        return path, render_page(self.env, template, path, {"site": self.site, **context})

    def _cycle_files(self, cycle: Cycle, overview_path: str) -> Iterator[tuple[str, bytes]]:
        """The overview at ``overview_path``; for the cycle's own folder, everything else too."""
        departments = sorted((o for o in cycle.owners.values() if o.kind == "department"), key=lambda o: o.name.lower())
        yield self.page("cycle.html", overview_path, cycle=cycle, departments=departments,
                        status_counts=status_summary(cycle), attention=needs_attention(cycle))
        if overview_path != f"{cycle.slug}/index.html":
            return
        if departments:
            bars = [(d.name, d.progress or 0.0) for d in departments]
            yield f"{cycle.slug}/departments.svg", _svg(charts.department_progress_chart(f"Departments, {cycle.title}", bars))
        yield self.page("tree.html", f"{cycle.slug}/tree/index.html", cycle=cycle, roots=alignment_roots(cycle),
                        unaligned=unaligned(cycle))
        for owner in cycle.owners.values():
            yield from self._owner_files(owner)

    def _owner_files(self, owner: Owner) -> Iterator[tuple[str, bytes]]:
        cycle = owner.cycle
        yield self.page("owner.html", f"{owner.url}index.html", cycle=cycle, owner=owner)
        yield f"badges/{cycle.slug}/{owner.id}.svg", _badge(cycle, owner.progress, owner.score, owner.status)
        if cycle is self.site.current:
            yield f"badges/current/{owner.id}.svg", _badge(cycle, owner.progress, owner.score, owner.status)
        for objective in owner.objectives:
            yield self.page("objective.html", f"{objective.url}index.html", cycle=cycle, owner=owner,
                            objective=objective, tree=subtree(objective))
            yield f"badges/{cycle.slug}/{owner.id}/{objective.id}.svg", _badge(cycle, objective.progress, objective.score, objective.status)
            yield from self._checkin_charts(objective)

    def _checkin_charts(self, objective: Objective) -> Iterator[tuple[str, bytes]]:
        cycle = objective.owner.cycle
        for kr in objective.key_results:
            if kr.type == "metric" and kr.checkins:
                svg = charts.checkin_chart(kr.title, cycle.start, cycle.end, kr.start, kr.target,
                                           [(c.date, c.value) for c in kr.checkins], kr.unit)
                yield f"{objective.url}{kr.id}.svg", _svg(svg)

    def _site_files(self) -> Iterator[tuple[str, bytes]]:
        site = self.site
        scored = [c for c in site.cycles[::-1] if c.state != "upcoming" and c.company is not None]
        if scored:
            points = [(c.title, (c.score if c.state == "archived" else c.progress) or 0.0) for c in scored]
            yield "cycles/scores.svg", _svg(charts.score_history_chart("Company score by cycle", points))
        yield self.page("cycles.html", "cycles/index.html", scored_cycles=scored)
        not_found_base = urlsplit(site.config.base_url).path or "/"
        yield self.page("404.html", "404.html", base_href=not_found_base)
        yield "okrs.json", render_json(site)
        yield ".nojekyll", b""
        yield "sitemap.xml", sitemap(site.config.base_url, self.page_paths)


def _svg(text: str) -> bytes:
    return text.encode("utf-8")


def _badge(cycle: Cycle, progress: float | None, score: float | None, status: str) -> bytes:
    value = format_score(score) if cycle.state == "archived" else percent(progress)
    return _svg(badges.render_badge(cycle.title, value, status or "none"))


def status_summary(cycle: Cycle) -> list[tuple[str, int]]:
    """Objectives per status, in the order the cycle's state uses."""
    return [(status, cycle.status_counts.get(status, 0)) for status in STATUS_ORDER[cycle.state]]


def needs_attention(cycle: Cycle) -> list[Objective]:
    """Company and department objectives that are at risk, off track or missed, worst first."""
    flagged = [o for o in cycle.objectives
               if o.status in NEEDS_ATTENTION and o.owner.kind in ("company", "department")]
    return sorted(flagged, key=lambda o: (o.progress, o.owner.name.lower(), o.id))


def alignment_roots(cycle: Cycle):
    company = cycle.company
    return forest(company.objectives) if company else []


def unaligned(cycle: Cycle):
    """Objectives below the company that align to nothing public: roots of their own trees."""
    return forest([o for o in cycle.objectives if o.owner.kind != "company" and not o.parents])


def sitemap(base_url: str, page_paths: list[str]) -> bytes:
    urls = []
    for path in page_paths:
        if path == "404.html":
            continue
        location = base_url + (path[: -len("index.html")] if path.endswith("index.html") else path)
        urls.append(f"  <url><loc>{escape(location)}</loc></url>\n")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            + "".join(urls) + "</urlset>\n").encode("utf-8")


def render_site(site: Site) -> RenderedSite:
    return RenderedSite(site)
