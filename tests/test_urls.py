"""Tests of okrsite.urls: every output's address declared once (the contract's section 5), and
relative links from any page."""

from __future__ import annotations

import pytest

from okrsite import urls
from test_search import load_index


def test_the_contracts_addresses(site):
    cycle = next(c for c in site.cycles if c.id == "2026-Q4")
    marketing = cycle.owners["marketing"]
    objective = marketing.objectives[0]
    assert urls.cycle(cycle) == cycle.url == "2026-q4/"
    assert urls.owner(marketing) == marketing.url == "2026-q4/marketing/"
    assert urls.objective(objective) == objective.url == f"2026-q4/marketing/{objective.id}/"
    assert urls.cycle_page(cycle, "tree") == "2026-q4/tree/"
    assert urls.cycle_page(cycle, "digest") == "2026-q4/digest/"
    assert urls.absolute(site.config.base_url, marketing.url) == "https://example.github.io/okrs/2026-q4/marketing/"
    assert urls.owner_badge(marketing) == "badges/2026-q4/marketing.svg"
    assert urls.owner_badge(marketing, current=True) == "badges/current/marketing.svg"
    assert urls.objective_badge(objective) == f"badges/2026-q4/marketing/{objective.id}.svg"
    kr = objective.key_results[0]
    assert urls.checkin_chart(kr) == f"2026-q4/marketing/{objective.id}/{kr.id}.svg"
    assert (urls.EXPORT, urls.SITEMAP, urls.NOT_FOUND, urls.NO_JEKYLL) == ("okrs.json", "sitemap.xml", "404.html", ".nojekyll")
    with pytest.raises(KeyError):
        urls.cycle_page(cycle, "nowhere")


def test_every_output_of_the_example_is_one_of_the_declared_kinds(site, out):
    """The files a build writes are the ones this module names: none is made up elsewhere."""
    written = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    declared = {urls.file_of(u) for u in (urls.HOME, urls.CYCLES, urls.SEARCH, urls.NOT_FOUND)}
    declared |= {urls.SEARCH_INDEX, urls.EXPORT, urls.FEED, urls.SITEMAP, urls.NO_JEKYLL, urls.SCORE_HISTORY,
                 ".okrsite-manifest"}
    for cycle in site.cycles:
        declared |= {urls.file_of(urls.cycle(cycle)), urls.cycle_csv(cycle), urls.cycle_export(cycle),
                     urls.departments_chart(cycle)}
        declared |= {urls.file_of(urls.cycle_page(cycle, name)) for name in urls.CYCLE_PAGES}
        declared.add(urls.score_distribution(cycle))
        for owner in cycle.owners.values():
            declared |= {urls.file_of(owner.url), urls.owner_badge(owner), urls.owner_badge(owner, current=True)}
            for objective in owner.objectives:
                declared |= {urls.file_of(objective.url), urls.objective_badge(objective)}
                declared |= {urls.checkin_chart(kr) for kr in objective.key_results}
    head, _, _ = load_index(out)  # the search index's parts, as its head names them
    declared |= {*map(urls.search_words, head["parts"]), *map(urls.search_chunk, range(len(head["chunks"])))}
    static = {w for w in written if w.startswith(urls.STATIC)}
    assert written - static <= declared, sorted(written - static - declared)[:10]


@pytest.mark.parametrize("url, file, root", [
    ("", "index.html", ""),
    ("2026-q4/", "2026-q4/index.html", "../"),
    ("2026-q4/tree/", "2026-q4/tree/index.html", "../../"),
    ("badges/2026-q4/marketing.svg", "badges/2026-q4/marketing.svg", "../../"),
    ("2026-q4/tree/index.html", "2026-q4/tree/index.html", "../../"),
])
def test_files_and_the_way_back_to_the_root(url, file, root):
    assert urls.file_of(url) == file and urls.root_of(url) == root


def test_relative_links_reach_the_target_from_any_page():
    import posixpath

    for page in ("index.html", "2026-q4/index.html", "2026-q4/marketing/leads/index.html", "404.html"):
        for target in ("", "2026-q4/people/", "okrs.json", "static/style.css"):
            link = urls.relative(target, urls.root_of(page))
            assert posixpath.normpath(posixpath.join(posixpath.dirname(page), link)) == urls.file_of(target)


def test_url_for_and_local_links(site):
    cycle = site.current
    assert urls.url_for("cycle_page", cycle, "kpis", root="../../") == "../../2026-q4/kpis/index.html"
    assert urls.url_for("static", "style.css", root="../") == "../static/style.css"
    assert urls.local(urls.SCORE_HISTORY, urls.file_of(urls.CYCLES)) == "scores.svg"
    with pytest.raises(ValueError):
        urls.local(urls.SCORE_HISTORY, "index.html")
