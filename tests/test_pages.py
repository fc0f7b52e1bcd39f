"""Every kind of page, read the way a reader reads it: parse the HTML, find the
numbers, links and status words, and compare them with the model the site was
built from (contract sections 4 and 5).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from okrsite.build import build_site
from okrsite.options import BuildOptions
from conftest import COMPANY, EXAMPLE_DATE, REPO
from htmlcheck import (by_href, is_absolute, linked_targets, links, numbers, parse, parse_file, resolve, says_status,
                       script_sources, theme_scripts)

GRADED = ("achieved", "progress", "missed")
PACED = ("on-track", "at-risk", "off-track")


# --- what a reader expects to see, computed independently of okrsite's filters ---

def pct(fraction: float) -> str:
    """'NN %' as the contract's worked example shows it (0.605 -> '60 %')."""
    return f"{round(fraction * 100)} %"


def two(score: float) -> str:
    return f"{score:.2f}"


def measure(item, cycle) -> str:
    """The number shown for an objective, key result or owner: progress now, the score once archived."""
    return two(item.score) if cycle.state == "archived" else pct(item.progress)


def page_of(url: str) -> str:
    return url + "index.html"


def read_date(text: str) -> dt.date:
    for fmt in ("%d %b %Y", "%d %B %Y", "%Y-%m-%d", "%b %d, %Y", "%B %d, %Y"):
        try:
            return dt.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            pass
    raise AssertionError(f"not a date a reader can read: {text!r}")


# --- fixtures ---

@pytest.fixture(scope="session")
def pages(out):
    """``pages("2026-q4/index.html")`` -> the parsed page (parsed once per session)."""
    cache = {}

    def get(path: str):
        if path not in cache:
            file = out / path
            assert file.is_file(), f"missing page {path}"
            cache[path] = parse_file(file)
        return cache[path]
    return get


@pytest.fixture(scope="session")
def current(site):
    assert site.current is not None and site.current.id == "2026-Q4"
    return site.current


@pytest.fixture(scope="session")
def archived(site):
    cycle = next(c for c in site.cycles if c.id == "2026-Q3")
    assert cycle.state == "archived"
    return cycle


def pill_of(element):
    pill = element.find(cls="pill")
    assert pill is not None, f"no status pill in {element!r}"
    return pill.text()


# --- section 5: every page at its URL ---

def test_every_page_is_at_its_contract_url_and_nothing_else_is(site, out):
    expected = {"index.html", "cycles/index.html", "404.html", "search/index.html"}
    for cycle in site.cycles:
        expected |= {f"{cycle.slug}/index.html", f"{cycle.slug}/tree/index.html", f"{cycle.slug}/status/index.html",
                     f"{cycle.slug}/people/index.html", f"{cycle.slug}/kpis/index.html",
                     f"{cycle.slug}/health/index.html"}
        if cycle.state == "archived":
            expected.add(f"{cycle.slug}/retro/index.html")
        if cycle.state == "current":  # the weekly digest, an addition to section 5
            expected.add(f"{cycle.slug}/digest/index.html")
        for owner in cycle.owners.values():
            expected.add(page_of(owner.url))
            expected |= {page_of(o.url) for o in owner.objectives}
    assert "2026-q4/index.html" in expected and "2026-q3/index.html" in expected
    assert "2026-q4/suds/index.html" in expected
    found = {p.relative_to(out).as_posix() for p in out.rglob("*.html")}
    assert found == expected


def test_owner_and_objective_urls_follow_the_contract_pattern(site):
    for cycle in site.cycles:
        for owner in cycle.owners.values():
            assert owner.url == f"{cycle.id.lower()}/{owner.id}/"
            for objective in owner.objectives:
                assert objective.url == f"{cycle.id.lower()}/{owner.id}/{objective.id}/"


# --- home: the current cycle ---

def test_home_shows_the_current_cycle(pages, current):
    home, overview = pages("index.html"), pages(page_of(current.url))
    assert home.one("main").text() == overview.one("main").text()
    assert home.one("main").one("h1").text() == current.company.name
    assert current.title in home.one("main").text()


def test_home_company_objectives_show_their_progress_and_status(pages, current):
    home = pages("index.html")
    objectives = current.company.objectives
    assert objectives
    for objective in objectives:
        cards = {a.closest("article") for a in by_href(home, "index.html", page_of(objective.url))
                 if a.closest("article") is not None}
        assert len(cards) == 1, objective.ref
        card = cards.pop()
        assert objective.title in card.text()
        assert card.find(cls="num").text() == pct(objective.progress), objective.ref
        assert says_status(pill_of(card), objective.status), objective.ref


def test_home_shows_every_department_with_its_progress(pages, current):
    home = pages("index.html")
    departments = [o for o in current.owners.values() if o.kind == "department"]
    assert departments
    for department in departments:
        cards = [a for a in by_href(home, "index.html", page_of(department.url)) if a.find(cls="num")]
        assert len(cards) >= 1, department.id
        card = cards[0]
        assert department.name in card.text()
        assert card.find(cls="num").text() == pct(department.progress), department.id
        assert says_status(pill_of(card), department.status), department.id


def status_counts(page) -> dict[str, int]:
    counts = {}
    for number in page.find_all(cls="count-num"):
        holder = number.parent
        label = pill_of(holder)
        status = next(s for s in PACED + GRADED if says_status(label, s))
        counts[status] = int(number.text())
    return counts


def test_home_status_counts_add_up_to_the_objectives(pages, current):
    counts = status_counts(pages("index.html"))
    assert set(counts) == set(PACED)
    assert sum(counts.values()) == len(current.objectives)
    for status in PACED:
        assert counts[status] == sum(1 for o in current.objectives if o.status == status), status


def test_home_links_the_tree_and_every_owner(pages, current):
    home = pages("index.html")
    targets = set(linked_targets(home.one("main"), "index.html"))
    assert f"{current.slug}/tree/index.html" in targets
    missing = [o.id for o in current.owners.values() if page_of(o.url) not in targets]
    assert not missing


def test_home_numbers_match_the_company(pages, current):
    main = pages("index.html").one("main")
    assert pct(current.progress) in main.find(cls="big-number").text()


# --- an archived cycle ---

def test_archived_overview_says_so_and_links_the_current_cycle(pages, archived, current):
    path = page_of(archived.url)
    page = pages(path)
    banners = [e for e in page.one("main").elements() if "archived" in e.text().lower()
               and e.tag in ("p", "div", "aside", "section") and e.find("a") is not None]
    assert banners, "no banner saying the cycle is archived"
    banner = banners[-1]
    assert set(linked_targets(banner, path)) & {page_of(current.url), "index.html"}


def test_archived_overview_uses_grades_and_final_scores(pages, archived):
    path = page_of(archived.url)
    main = pages(path).one("main")
    labels = [p.text() for p in main.find_all(cls="pill")]
    assert labels
    for label in labels:
        assert any(says_status(label, s) for s in GRADED), label
        assert not any(says_status(label, s) for s in PACED), label
    assert two(archived.score) in main.find(cls="big-number").text()
    for objective in archived.company.objectives:
        card = by_href(main, path, page_of(objective.url))[0].closest("article")
        assert card.find(cls="num").text() == two(objective.score), objective.ref
        assert says_status(pill_of(card), objective.status)
    counts = status_counts(main)
    assert set(counts) == set(GRADED)
    assert sum(counts.values()) == len(archived.objectives)
    for status in GRADED:
        assert counts[status] == sum(1 for o in archived.objectives if o.status == status)


def test_current_pages_never_use_grades(pages, current):
    """Only the final scores of earlier cycles, on a department's page, are graded."""
    for owner in current.owners.values():
        for pill in pages(page_of(owner.url)).find_all(cls="pill"):
            if pill.is_inside("table", "score-history"):
                assert owner.kind == "department" and any(says_status(pill.text(), s) for s in GRADED)
            else:
                assert any(says_status(pill.text(), s) for s in PACED), (owner.id, pill.text())


# --- owner pages ---

def all_owners(site):
    return [owner for cycle in site.cycles for owner in cycle.owners.values()]


def objective_card(main, path, objective):
    heads = [a for a in by_href(main, path, page_of(objective.url)) if a.parent.tag in ("h2", "h3", "h4")]
    assert len(heads) == 1, f"{path}: {objective.ref} has {len(heads)} headings"
    card = heads[0].closest("article")
    assert card is not None
    return card


def test_owner_pages_show_who_and_where(site, pages):
    for owner in all_owners(site):
        cycle, path = owner.cycle, page_of(owner.url)
        main = pages(path).one("main")
        assert main.one("h1").text() == owner.name, path
        assert owner.kind in main.find_all(cls="kind")[0].text(), path
        if owner.role:
            assert owner.role in main.text(), path
        crumbs = main.one("nav", cls="breadcrumb")
        assert [li.text() for li in crumbs.find_all("li")] == [cycle.title] + [a.name for a in owner.ancestors] + [owner.name]
        assert linked_targets(crumbs, path) == [page_of(cycle.url)] + [page_of(a.url) for a in owner.ancestors]
        if owner.kind != "company":
            assert owner.ancestors and owner.ancestors[0] is cycle.company, path
            assert page_of(owner.parent.url) in linked_targets(main.find("dl"), path), path
        targets = set(linked_targets(main, path))
        assert {page_of(c.url) for c in owner.children} <= targets, path
        if owner.lead is not None:
            assert page_of(owner.lead.url) in targets


def source_file(owner) -> Path:
    """The OKR file an owner comes from (its stem is the owner's id)."""
    found = list((REPO / "content" / owner.cycle.id).rglob(f"{owner.id}.md"))
    assert len(found) == 1, owner.id
    return found[0]


def test_owner_pages_render_the_markdown_body(site, pages):
    bodies = 0
    for owner in all_owners(site):
        raw = source_file(owner).read_text(encoding="utf-8")
        body = raw.split("\n---", 1)[1].split("\n", 1)[1] if raw.startswith("---") else ""
        if not body.strip():
            continue
        bodies += 1
        main = pages(page_of(owner.url)).one("main")
        prose = [s for s in main.find_all(cls="prose") if s.closest(cls="objective") is None and s.tag == "section"]
        assert len(prose) == 1, owner.url
        prose = prose[0]
        first_words = " ".join(re.sub(r"[*_#`\[\]]", "", body).split()[:3])
        assert first_words in prose.text(), owner.url
        assert "**" not in prose.text(), owner.url
        if re.search(r"\*\*[^*\n]+\*\*", body):
            assert prose.find("strong") is not None, owner.url
        if re.search(r"^#{1,6} ", body, re.M):
            assert any(prose.find(h) for h in ("h1", "h2", "h3", "h4", "h5", "h6")), owner.url
        if re.search(r"\[[^\]\n]+\]\([^)\n]+\)", body):
            assert prose.find("a") is not None, owner.url
    assert bodies >= 10


def test_owner_pages_show_each_objective_with_key_results_and_status(site, pages):
    for owner in all_owners(site):
        cycle, path = owner.cycle, page_of(owner.url)
        main = pages(path).one("main")
        cards = main.find_all("article")
        assert len(cards) == len(owner.objectives) + len(owner.growth), path
        for goal in owner.growth:  # in the growth section: the same key result rows
            rows = main.one("section", cls="growth-goals").one("article", id=f"growth-{goal.id}").find_all("li", cls="kr")
            assert len(rows) == len(goal.key_results), goal.ref
            for kr, row in zip(goal.key_results, rows):
                check_kr_row(kr, row, cycle)
        for objective in owner.objectives:
            card = objective_card(main, path, objective)
            assert objective.title in card.text()
            pills = card.find_all(cls="pill")
            assert len(pills) == 1 + len(objective.key_results), objective.ref
            assert says_status(pills[0].text(), objective.status), objective.ref
            assert card.find(cls="num").text() == measure(objective, cycle), objective.ref
            rows = card.find_all("li", cls="kr")
            assert len(rows) == len(objective.key_results), objective.ref
            for kr, row in zip(objective.key_results, rows):
                check_kr_row(kr, row, cycle)


def check_kr_row(kr, row, cycle):
    where = kr.ref
    assert row.text().startswith(kr.title), where
    assert says_status(pill_of(row), kr.status), where
    assert row.find(cls="num").text() == measure(kr, cycle), where
    facts = row.find(cls="values") or row
    text = facts.text()
    if kr.type == "metric":
        assert numbers(text)[:3] == [kr.start, kr.current, kr.target], (where, text)
        assert text.count("\u2192") >= 2 or text.count("->") >= 2, (where, text)
        if kr.unit:
            assert text.endswith(kr.unit) or kr.unit in text.split()[-1], (where, text)
    elif kr.type == "milestone":
        assert ("not done" in text.lower()) == (not kr.done), (where, text)
        assert "done" in text.lower()
    else:
        assert numbers(text) == [len(kr.aligned)], (where, text)


def test_owner_pages_list_initiatives_as_a_checklist(site, pages):
    seen = 0
    for owner in all_owners(site):
        path = page_of(owner.url)
        main = pages(path).one("main")
        for objective in owner.objectives:
            if not objective.initiatives:
                continue
            seen += 1
            card = objective_card(main, path, objective)
            lists = [ul for ul in card.find_all("ul") if len(ul.find_all("li")) == len(objective.initiatives)
                     and all(i.text in li.text() for i, li in zip(objective.initiatives, ul.find_all("li")))]
            assert len(lists) == 1, objective.ref
            for item, li in zip(objective.initiatives, lists[0].find_all("li")):
                assert li.has_class("done") == item.done, (objective.ref, item.text)
                marker = li.text().replace(item.text, "")
                assert ("\u2713" in marker or "(done)" in marker) == item.done, (objective.ref, li.text())
    assert seen >= 3


def test_owner_pages_show_kpis(site, pages):
    seen = 0
    for owner in all_owners(site):
        if not owner.kpis:
            continue
        main = pages(page_of(owner.url)).one("main")
        for kpi in owner.kpis:
            seen += 1
            heads = [th for th in main.find_all("th") if kpi_title(th) == kpi.title]
            assert len(heads) == 1, (owner.url, kpi.id)
            cells = [td.text() for td in heads[0].parent.find_all("td")]
            assert numbers(cells[0]) == ([kpi.current] if kpi.current is not None else []), (owner.url, kpi.id)
            assert numbers(cells[1]) == ([kpi.target] if kpi.target is not None else []), (owner.url, kpi.id)
            if kpi.unit and kpi.current is not None:
                assert cells[0].endswith(kpi.unit)
            assert cells[1].endswith(f"{kpi.direction} is better")
            assert cells[2].startswith(verdict(kpi)), (owner.url, kpi.id, cells[2])
        assert page_of(f"{owner.cycle.url}kpis/") in linked_targets(main, page_of(owner.url)), owner.url
    assert seen >= 4


# --- the KPI page ---

def kpi_title(th) -> str:
    """A KPI row's title: its header's text without the key result it graduated from."""
    origin = th.find(cls="kpi-origin")
    return th.text() if origin is None else th.text()[:-len(origin.text())].strip()


def verdict(kpi) -> str:
    """A KPI's verdict in words, worked out here from its numbers and direction."""
    if kpi.current is None or kpi.target is None:
        return "No verdict"
    meets = kpi.current <= kpi.target if kpi.direction == "lower" else kpi.current >= kpi.target
    return "Healthy" if meets else "Not healthy"


def org_chart_order(owner) -> list:
    return [owner] + [o for child in owner.children for o in org_chart_order(child)]


def test_kpi_page_lists_every_kpi_by_owner_in_org_chart_order_with_its_verdict(site, pages):
    for cycle in site.cycles:
        path = f"{cycle.slug}/kpis/index.html"
        main = pages(path).one("main")
        owners = [o for o in org_chart_order(cycle.company) if o.kpis]
        assert owners, cycle.id
        sections = [s for s in main.find_all("section") if s.find("table") is not None]
        assert [linked_targets(s.one("h2"), path) for s in sections] == [[page_of(o.url)] for o in owners]
        for owner, section in zip(owners, sections):
            rows = section.one("tbody").find_all("tr")
            assert [kpi_title(r.one("th")) for r in rows] == [k.title for k in owner.kpis], owner.id
            for kpi, row in zip(owner.kpis, rows):
                cells = [td.text() for td in row.find_all("td")]
                assert numbers(cells[0]) == [kpi.current] and numbers(cells[1]) == [kpi.target], (owner.id, kpi.id)
                assert cells[1].endswith(f"{kpi.direction} is better")
                assert row.one(cls="health").text() == verdict(kpi), (owner.id, kpi.id)
        kpis = [k for o in owners for k in o.kpis]
        counts = {c.one(cls="health").text(): int(c.one(cls="count-num").text()) for c in main.find_all(cls="count")}
        assert counts == {v: sum(1 for k in kpis if verdict(k) == v) for v in ("Healthy", "Not healthy", "No verdict")}
        assert counts["Healthy"] and counts["Not healthy"], "the example has KPIs of both kinds"
        assert "not goals" in main.one("p", cls="lead").text()


def test_cycle_overview_links_the_people_directory_and_the_kpis(site, pages):
    for cycle in site.cycles:
        path = page_of(cycle.url)
        targets = linked_targets(pages(path).one("main"), path)
        assert f"{cycle.slug}/people/index.html" in targets and f"{cycle.slug}/kpis/index.html" in targets


# --- the people directory ---

def test_people_directory_lists_every_person_once_by_name(site, pages):
    for cycle in site.cycles:
        path = f"{cycle.slug}/people/index.html"
        directory = pages(path).one("main").one("ul", cls="directory")
        entries = directory.child_elements
        people = sorted((o for o in cycle.owners.values() if o.kind == "person"), key=lambda o: o.name.lower())
        assert len(people) >= 10
        assert [e.child_elements[0].find("a").text() for e in entries] == [p.name for p in people]
        for person, entry in zip(people, entries):
            who = entry.child_elements[0]
            assert linked_targets(who, path) == [page_of(person.url), page_of(person.parent.url)], person.id
            counts = (f" {len(person.objectives)} objective{'' if len(person.objectives) == 1 else 's'} · "
                      f"contributes to {len(person.contributions)}") if person.contributions else ""
            assert who.text() == f"{person.name} {person.role} in {person.parent.name}{counts}", person.id


def test_the_people_directory_counts_what_each_person_owns_and_contributes_to(site, pages):
    """The example: Inès Moreau helps with the formulation lab's panel rating; people who
    contribute to nothing have no counts."""
    counts = {e.child_elements[0].find("a").text(): e.child_elements[0].find("span", cls="counts")
              for e in pages("2026-q4/people/index.html").one("main").one("ul", cls="directory").child_elements}
    assert {name: span.text() for name, span in counts.items() if span} == {
        "Inès Moreau": "1 objective · contributes to 1", "Oluwaseun Adeyemi": "1 objective · contributes to 1",
        "Priya Raman": "1 objective · contributes to 1"}


def test_people_directory_shows_each_objective_with_its_progress_and_chain(site, pages):
    chains = 0
    for cycle in site.cycles:
        path = f"{cycle.slug}/people/index.html"
        entries = pages(path).one("main").one("ul", cls="directory").child_elements
        people = {page_of(p.url): p for p in cycle.owners.values() if p.kind == "person"}
        for entry in entries:
            person = people[linked_targets(entry.child_elements[0], path)[0]]
            items = entry.one("ul").child_elements if person.objectives else []
            assert len(items) == len(person.objectives), person.id
            for objective, item in zip(person.objectives, items):
                assert linked_targets(item, path)[0] == page_of(objective.url)
                assert item.find("a").text() == objective.title
                assert item.one(cls="mini").text() == measure(objective, cycle), objective.ref
                assert says_status(item.one(cls="pill").text(), objective.status), objective.ref
                up = item.find(cls="rolls-up")
                chain = [page_of(o.url) for o in objective.chain]
                assert (linked_targets(up, path) if up else []) == chain, objective.ref
                if up:
                    chains += 1
                    assert objective.chain[0].owner is cycle.company, objective.ref
                    assert up.texts("a") == [o.owner.name for o in objective.chain]
    assert chains >= 20


def test_every_page_links_the_people_and_kpis_of_its_cycle(site, out, current):
    slugs = {c.slug for c in site.cycles}
    pages_seen = 0
    for file in sorted(out.rglob("*.html")):
        path = file.relative_to(out).as_posix()
        if path == "404.html":
            continue  # its links start from base_url (checked with the other site-wide pages' links)
        folder = path.split("/")[0]
        slug = folder if folder in slugs else current.slug
        nav = parse_file(file).one("nav", aria_label="Site")
        links = {a.text(): resolve(path, a.get("href")) for a in nav.find_all("a")}
        assert links["People"] == f"{slug}/people/index.html", path
        assert links["KPIs"] == f"{slug}/kpis/index.html", path
        assert (out / links["People"]).is_file() and (out / links["KPIs"]).is_file()
        pages_seen += 1
    assert pages_seen > 100


def link_group(container, path, targets: list[str], ordered: bool = True):
    """The smallest element in ``container`` whose links are exactly ``targets``
    (in that order when ``ordered``; the page's own URL may follow a chain)."""
    for element in container.find_all():
        if element.tag not in ("p", "ol", "ul", "div", "dd", "nav", "section", "span"):
            continue
        found = linked_targets(element, path)
        if ordered and found in (targets, targets + [path]):
            return element
        if not ordered and set(found) == set(targets) and len(found) == len(set(found)):
            return element
    return None


def test_owner_pages_link_alignments_both_ways(site, pages):
    """Each objective links the objectives it aligns to and, apart from them, those aligned to it."""
    for owner in all_owners(site):
        path = page_of(owner.url)
        main = pages(path).one("main")
        for objective in owner.objectives:
            card = objective_card(main, path, objective)
            links = set(linked_targets(card, path))
            ups = [page_of(a.objective.url) for a in objective.parents]
            downs = [page_of(c.url) for c in objective.children]
            assert set(ups) <= links, objective.ref
            if downs:
                group = link_group(card, path, downs, ordered=False)
                assert group is not None, f"{objective.ref}: no list of exactly the objectives aligned to it"
                assert group.text().lower() != " ".join(a.text() for a in group.find_all("a")).lower(), \
                    f"{objective.ref}: the list of aligned objectives has no label"
            for up in ups:
                holders = [a.parent for a in by_href(card, path, up) if a.parent.tag != "h3"]
                assert all(set(downs).isdisjoint(linked_targets(h, path)) for h in holders), objective.ref


def test_person_pages_show_the_chain_up_to_the_company(site, pages):
    people = [o for o in all_owners(site) if o.kind == "person"]
    assert people
    chains = 0
    for person in people:
        path = page_of(person.url)
        main = pages(path).one("main")
        for objective in person.objectives:
            card = objective_card(main, path, objective)
            chain = [page_of(o.url) for o in objective.chain]
            if not chain:
                continue
            chains += 1
            assert objective.chain[0].owner.kind == "company", objective.ref
            assert link_group(card, path, chain) is not None, f"{objective.ref}: no chain {chain}"
    assert chains >= 10


def test_owner_pages_give_the_badge_snippet_with_base_url(site, pages, current):
    base = site.config.base_url
    assert base.startswith("https://")
    for owner in current.owners.values():
        text = pages(page_of(owner.url)).one("main").text()
        pattern = r"!\[[^\]]+\]\(" + re.escape(f"{base}badges/current/{owner.id}.svg") + r"\)"
        assert re.search(pattern, text), owner.id


# --- objective pages ---

def descendants(objective) -> set[str]:
    """Pages of everything aligned below ``objective`` (followed down first parents)."""
    found = set()
    for child in objective.children:
        found.add(page_of(child.url))
        if child.parents and child.parents[0].objective is objective:
            found |= descendants(child)
    return found


def test_objective_pages(site, pages, out):
    charts = 0
    for cycle in site.cycles:
        for objective in cycle.objectives:
            path = page_of(objective.url)
            main = pages(path).one("main")
            assert main.one("h1").text() == objective.title + (" Committed" if objective.type == "committed" else ""), path
            crumbs = main.one("nav", cls="breadcrumb")
            assert linked_targets(crumbs, path)[-1] == page_of(objective.owner.url)
            assert main.find(cls="big-number").text().startswith(measure(objective, cycle)), path
            if objective.description_html:
                described = parse(objective.description_html).text()
                assert described in [p.text() for p in main.find_all(cls="prose")], path
            for kr in objective.key_results:
                card = main.one(id_=f"kr-{kr.id}")
                assert card.find("h3").text() == kr.title
                assert says_status(pill_of(card), kr.status), kr.ref
                images = [resolve(path, img.get("src")) for img in card.find_all("img")]
                if kr.type == "metric" and kr.checkins:
                    charts += 1
                    assert images == [f"{objective.url}{kr.id}.svg"], kr.ref
                    assert (out / images[0]).is_file()
                    assert card.one("img").get("alt"), kr.ref
                    check_checkin_table(kr, card)
                else:
                    assert images == [], kr.ref
    assert charts >= 20


def confidence_shown(confidence: float | None) -> str:
    """A check-in's confidence as the table shows it: 'Medium 0.5' (bands 0.7 and 0.4), '–' for none."""
    if confidence is None:
        return "–"
    word = "High" if confidence >= 0.7 else "Medium" if confidence >= 0.4 else "Low"
    return f"{word} {confidence:g}"


def check_checkin_table(kr, card):
    rows = [tr for tr in card.find_all("tr") if tr.find("td") is not None]
    assert len(rows) == len(kr.checkins), kr.ref
    headers = card.one("table").texts("th")
    given = any(c.confidence is not None for c in kr.checkins)
    assert headers == (["Date", "Value", "Confidence", "Note"] if given else ["Date", "Value", "Note"]), kr.ref
    shown = []
    for tr in rows:
        cells = dict(zip(headers, (td.text() for td in tr.find_all("td"))))
        value = cells["Value"].replace(kr.unit, "") if kr.unit else cells["Value"]
        shown.append((read_date(cells["Date"]), numbers(value), cells.get("Note", ""), cells.get("Confidence")))
    expected = [(c.date, [c.value], c.note, confidence_shown(c.confidence) if given else None) for c in kr.checkins]
    assert sorted(shown, key=lambda r: r[0]) == expected, kr.ref
    assert [r[0] for r in shown] in ([c.date for c in kr.checkins], [c.date for c in kr.checkins][::-1])


def test_objective_pages_show_the_chain_and_the_subtree(site, pages):
    for cycle in site.cycles:
        for objective in cycle.objectives:
            path = page_of(objective.url)
            main = pages(path).one("main")
            if objective.chain:
                chain = link_group(main, path, [page_of(o.url) for o in objective.chain])
                assert chain is not None, path
                assert objective.title in chain.text(), path
            trees = main.find_all("ul", cls="tree")
            below = {target for tree in trees for a, target in tree_targets(tree, path)}
            assert below == descendants(objective), path


# --- the alignment tree ---

def tree_links(page, path, objective):
    """Links to ``objective`` in the tree that show it in full (not as an 'also aligns here' note)."""
    return [a for a in by_href(page.one("main"), path, page_of(objective.url))
            if a.is_inside("ul", "tree") and not a.is_inside(cls="node-elsewhere") and not a.is_inside(cls="also")]


def tree_targets(tree, path):
    """The objectives a tree shows (full or as 'also aligns here'): its links but those to the other
    parents of an objective aligned to several ('also aligns to ...')."""
    return [(a, resolve(path, a.get("href"))) for a in tree.find_all("a") if not a.is_inside(cls="also")]


def summary_target(details, path):
    """The objective a branch belongs to: the one linked on the line just above its toggle."""
    line = details.parent.find("div", cls="node")
    targets = linked_targets(line, path)
    assert len(targets) == 1, details
    assert details.find("summary").text().strip(), details  # the toggle says what it opens
    return targets[0]


def test_tree_nests_each_objective_inside_the_ones_it_rolls_up_to(site, pages):
    deep = 0
    for cycle in site.cycles:
        path = f"{cycle.slug}/tree/index.html"
        page = pages(path)
        for objective in cycle.objectives:
            shown = tree_links(page, path, objective)
            assert len(shown) == 1, f"{path}: {objective.ref} shown in full {len(shown)} times"
            link = shown[0]
            outer = [summary_target(d, path) for d in link.ancestors() if d.tag == "details"][::-1]
            if outer and outer[-1] == page_of(objective.url):
                outer.pop()  # its own branch
            assert outer == [page_of(o.url) for o in objective.chain], objective.ref
            if [o.owner.kind for o in objective.chain] == ["company", "department", "team"] and objective.owner.kind == "person":
                deep += 1
    assert deep >= 2, "the example should have people under teams under departments"


def committed_tags(element) -> list[str]:
    return element.texts(cls="committed-tag")


def test_committed_objectives_say_so_in_words_where_they_are_shown(site, pages):
    notes = {"current": "Committed: expected to reach 100 %; on track only while it keeps pace with a straight "
                        "line to 100 %.",
             "archived": "Committed: expected to reach 100 %; achieved only at a score of 1.0."}
    seen = set()
    for cycle in site.cycles:
        tree_path = f"{cycle.slug}/tree/index.html"
        for objective in cycle.objectives:
            committed = objective.type == "committed"
            expected = ["Committed"] if committed else []
            path = page_of(objective.url)
            main = pages(path).one("main")
            assert committed_tags(main.one("h1")) == expected, path
            assert main.texts(cls="committed-note") == ([notes[cycle.state]] if committed else []), path
            owner_path = page_of(objective.owner.url)
            assert committed_tags(objective_card(pages(owner_path).one("main"), owner_path, objective)) == expected
            [link] = tree_links(pages(tree_path), tree_path, objective)
            assert committed_tags(link.closest("div", cls="node")) == expected, objective.ref
            if committed:
                seen.add((cycle.state, objective.ref))
    assert seen == {("current", "product/gift-range"), ("archived", "ecommerce/replatform")}
    for owner in all_owners(site):
        main = pages(page_of(owner.url)).one("main")
        has = any(o.type == "committed" for o in owner.objectives)
        assert main.texts(cls="committed-note") == (["Committed: expected to reach 100 %."] if has else []), owner.id


def test_a_committed_objective_and_its_key_results_keep_pace_with_a_line_to_1(site, pages, current):
    """Product's gift range at 2026-11-20 (expected 50/91): 70 % is on track, the gift revenue's 48 % is not."""
    gift = next(o for o in current.objectives if o.ref == "product/gift-range")
    assert current.expected == pytest.approx(50 / 91)
    card = pages(page_of(gift.url)).one("main").one(id_="kr-gift-revenue")
    assert pill_of(card) == "At risk"  # 0.4825 / 0.5495 = 0.88: on track for an aspirational objective
    assert [(kr.id, kr.status) for kr in gift.key_results] == [
        ("advent-calendar", "on-track"), ("gift-revenue", "at-risk"), ("new-skus", "on-track")]
    assert says_status(pill_of(pages(page_of(gift.url)).one("main").one(cls="hero")), "on-track")


def test_tree_marks_status_with_words(site, pages):
    for cycle in site.cycles:
        page = pages(f"{cycle.slug}/tree/index.html")
        pills = page.one("main").find_all(cls="pill")
        assert len(pills) >= len(cycle.objectives)


# --- all cycles ---

def test_cycles_page_lists_every_cycle_newest_first(site, pages):
    path = "cycles/index.html"
    main = pages(path).one("main")
    rows = [tr for tr in main.find_all("tr") if tr.find("td") is not None]
    assert len(rows) == len(site.cycles) >= 2
    starts = []
    for cycle, row in zip(site.cycles, rows):
        assert linked_targets(row, path)[0] == page_of(cycle.url)
        assert cycle.title in row.text()
        dates = re.findall(r"\d{1,2} \w{3} \d{4}|\d{4}-\d{2}-\d{2}", row.text())
        assert [read_date(d) for d in dates[:2]] == [cycle.start, cycle.end], row.text()
        assert cycle.state in row.text().lower()
        assert measure(cycle.company, cycle) in [n.text() for n in row.find_all(cls="num")]
        assert says_status(pill_of(row), cycle.company.status)
        starts.append(cycle.start)
    assert starts == sorted(starts, reverse=True)


def test_404_page(site, pages):
    page = pages("404.html")
    base = page.one("base").get("href")
    assert base == "/" + site.config.base_url.split("://", 1)[1].split("/", 1)[1]
    assert "not found" in page.one("h1").text().lower()
    assert page_of("") in {resolve("x.html", a.get("href")) for a in page.find_all("a") if not is_absolute(a.get("href"))}


# --- status is never colour alone ---

def test_every_pill_has_words(out):
    count = 0
    for file in sorted(out.rglob("*.html")):
        for pill in parse_file(file).find_all(cls="pill"):
            count += 1
            assert pill.text(), f"{file.relative_to(out)} line {pill.line}: a status pill without text"
    assert count > 500


# --- small sites: rendering rules of sections 4 and 5 ---

WORKED = """\
---
name: Test Co
kind: company
objectives:
  - id: ship
    title: Ship faster
    key_results:
      - {id: days, title: Days to ship, start: 14, target: 7, current: 9, unit: days, score: 0.7}
      - {id: rating, title: Rating, start: 7.5, target: 9.0, current: 8.4, score: 0.8}
      - {id: share, title: Share, start: 0, target: 80, current: 40, unit: "%", score: 0.5}
---
"""


def build(root: Path, tmp_path: Path, name: str = "out") -> Path:
    out = tmp_path / name
    report = build_site(root, out, BuildOptions(EXAMPLE_DATE))
    assert report.ok(False), [d.format() for d in report.diagnostics.items]
    return out


def test_worked_example_is_shown_as_60_percent_and_graded_0_67(make_site, tmp_path):
    root = make_site({"content/2026-Q3/test-co.md": WORKED, "content/2026-Q4/test-co.md": WORKED})
    out = build(root, tmp_path)
    now = parse_file(out / "2026-q4/test-co/ship/index.html").one("main")
    assert now.find(cls="big-number").text().startswith("60 %")
    facts = [numbers(e.text())[:3] for e in now.find_all(cls="values")]
    assert facts == [[14, 9, 7], [7.5, 8.4, 9.0], [0, 40, 80]]
    shown = [card.find(cls="num").text() for card in now.find_all("article")]
    assert shown == ["71 %", "60 %", "50 %"]
    then = parse_file(out / "2026-q3/test-co/ship/index.html").one("main")
    assert then.find(cls="big-number").text().startswith("0.67")


def test_an_objective_aligned_twice_to_the_same_parent_is_drawn_once(make_site, tmp_path):
    """aligns_to: [acme/grow, acme/grow/revenue] is one parent; the tree and the
    'aligned to it' list must not show the child twice (``okrsite new`` writes this)."""
    team = """\
    ---
    name: Sales
    kind: department
    parent: test-co
    objectives:
      - id: deals
        title: Close more deals
        aligns_to: [test-co/grow, test-co/grow/revenue]
        key_results:
          - {id: a, title: Deals, start: 0, target: 10, current: 5}
          - {id: b, title: Demos, start: 0, target: 10, current: 5}
    ---
    """
    root = make_site({"content/2026-Q4/test-co.md": COMPANY, "content/2026-Q4/sales.md": team})
    out = build(root, tmp_path)
    tree = parse_file(out / "2026-q4/tree/index.html")
    shown = [a for a in by_href(tree, "2026-q4/tree/index.html", "2026-q4/sales/deals/index.html")
             if a.is_inside("ul", "tree") and not a.is_inside(cls="node-elsewhere")]
    assert len(shown) == 1
    company = parse_file(out / "2026-q4/test-co/index.html")
    down = [p for p in company.find_all("p") if p.text().lower().startswith("aligned to it")]
    assert linked_targets(down[0], "2026-q4/test-co/index.html") == ["2026-q4/sales/deals/index.html"]


def test_user_text_is_escaped_not_injected(make_site, tmp_path):
    company = COMPANY.replace("Grow the business", "Grow <script>alert(1)</script> & more")
    company = company.replace("The company.", "Hello <b>raw</b> [bad](javascript:alert(1))")
    root = make_site({"content/2026-Q4/test-co.md": company})
    out = build(root, tmp_path)
    for file in out.rglob("*.html"):
        page = parse_file(file)
        assert script_sources(page) == theme_scripts(file), file
        assert all(not (e.get("href") or "").lower().startswith("javascript:") for e in page.find_all("a"))
    objective = parse_file(out / "2026-q4/test-co/grow/index.html")
    assert objective.one("h1").text() == "Grow <script>alert(1)</script> & more"


def test_the_headline_number_is_the_score_in_archived_cycles_and_the_progress_otherwise(site):
    """One rule for every page, badge and chart (render/formatting.py's headline): archived
    cycles show final scores, the current one progress so far."""
    from okrsite.render.formatting import headline, headline_text

    archived = next(c for c in site.cycles if c.state == "archived")
    current = site.current
    objective = next(o for o in archived.objectives if round(o.score, 2) != round(o.progress, 2))  # graded by hand
    assert headline(objective) == objective.score and headline_text(objective) == f"{objective.score:.2f}"
    assert headline(archived) == archived.score and headline(archived.company) == archived.company.score
    live = current.objectives[0]
    assert headline(live) == live.progress and headline_text(live) == f"{round(live.progress * 100)} %"
    assert headline(live.key_results[0]) == live.key_results[0].progress
    assert headline(current) == current.progress


# --- the latest word on each key result ---

def test_days_ago_in_words():
    from okrsite.render.formatting import days_ago

    today = dt.date(2026, 11, 20)
    assert [days_ago(today - dt.timedelta(days=n), today) for n in (0, 1, 2, 20, -1, -3)] == [
        "today", "yesterday", "2 days ago", "20 days ago", "in 1 day", "in 3 days"]


@pytest.fixture(scope="module")
def built_late(tmp_path_factory):
    """The example built on 10 Dec 2026: its last check-ins (20 Nov) are 20 days old, past the 14 of stale_days."""
    out = tmp_path_factory.mktemp("late") / "public"
    assert build_site(REPO, out, BuildOptions(dt.date(2026, 12, 10))).ok(False)
    return out


def test_each_key_result_says_when_it_was_updated_what_was_said_and_if_it_went_stale(built_late):
    page = parse_file(built_late / "2026-q4/fulfillment/index.html")
    latest = page.find_all("p", "kr-latest")
    assert latest and all("Updated 20 days ago" in p.text() for p in latest)
    assert all(p.one("span", "stale-tag").text() == "Stale" for p in latest)


def test_the_latest_note_is_on_the_page_without_opening_anything(out, site):
    kr = next(kr for o in site.current.objectives for kr in o.key_results if kr.latest_note)
    page = parse_file(out / kr.objective.owner.url / "index.html")
    notes = [note.text() for note in page.find_all("span", "kr-note")]
    assert kr.latest_note in notes


def test_archived_cycles_never_go_stale_and_readers_never_see_editor_instructions(built_late):
    import json

    data = json.loads((built_late / "okrs.json").read_text(encoding="utf-8"))
    for cycle in data["cycles"]:
        for owner in cycle["owners"]:
            for objective in owner["objectives"]:
                for kr in objective["key_results"]:
                    assert kr["updated"] == (kr["checkins"][-1]["date"] if kr["checkins"] else None)
                    assert kr["stale"] is False or cycle["state"] == "current"
    stale = [kr for c in data["cycles"] if c["state"] == "current" for o in c["owners"] for ob in o["objectives"]
             for kr in ob["key_results"] if kr["stale"]]
    assert stale, "no stale key result in the current cycle 20 days after the last check-ins"
    for page in built_late.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "checkins:</code>" not in text and "commit each week" not in text, page
    archived_pages = list((built_late / "2026-q3").rglob("*.html"))
    assert archived_pages and not any("stale-tag" in p.read_text(encoding="utf-8") for p in archived_pages)


# --- confidence: a word and a number beside the progress, its trend, and the falling ones ---

def test_confidence_words_numbers_and_series():
    from okrsite.render.formatting import (CONFIDENCE_SERIES, confidence_series, confidence_text, confidence_word,
                                           format_confidence)

    assert [confidence_word(c) for c in (1, 0.7, 0.69, 0.4, 0.39, 0)] == ["High", "High", "Medium", "Medium", "Low", "Low"]
    assert [format_confidence(c) for c in (0.5, 0.75, 1, 0, 0.333, None)] == ["0.5", "0.75", "1.0", "0.0", "0.33", "–"]
    assert confidence_text(0.5, 0.8) == "Medium 0.5, falling from 0.8"
    assert confidence_text(0.8, 0.6) == "High 0.8, rising from 0.6"
    assert confidence_text(0.8, 0.8) == "High 0.8, steady"
    assert confidence_text(0.3) == "Low 0.3" and confidence_text(None) == "–"
    assert confidence_series([0.8, 0.7, 0.5]) == "0.8 → 0.7 → 0.5"
    many = [0.9] * 3 + [0.5] * CONFIDENCE_SERIES
    assert confidence_series(many) == "… → " + " → ".join(["0.5"] * CONFIDENCE_SERIES)


def test_each_key_result_shows_its_confidence_and_trend_beside_its_progress(out):
    page = parse_file(out / "2026-q4/packaging/index.html")
    shown = {}
    for item in page.find_all("li", "kr"):
        confidence = item.find(cls="kr-confidence")
        shown[item.one("div", "kr-title").text()] = confidence.text() if confidence else None
        assert confidence is None or confidence.is_inside("div", "kr-measure")
    assert shown == {"Orders shipped in compostable mailers": "Confidence: Low 0.3, falling from 0.4 ↓",
                     "Second mailer supplier qualified": "Confidence: Medium 0.6",
                     "Packaging cost per order": None}
    low = page.one(cls="confidence-low")
    assert low.one("strong", "confidence-word").text() == "Low 0.3"
    assert low.one("span", "trend-arrow").get("aria-hidden") == "true"  # the words say it; the arrow is for the eye


def test_the_objective_page_lists_the_confidence_of_each_checkin(out):
    page = parse_file(out / "2026-q4/packaging/compostable-mailers/index.html")
    card = page.one("article", id="kr-compostable-share")
    assert card.one("p", "kr-confidence").text() == "Confidence: Low 0.3, falling from 0.4 ↓"
    checkins = card.one("details", "checkins")
    assert checkins.one("summary").text() == "4 check-ins · confidence 0.8 → 0.7 → 0.4 → 0.3"
    table = checkins.one("table")
    assert table.texts("th") == ["Date", "Value", "Confidence", "Note"]
    assert [row.texts("td")[2] for row in table.one("tbody").find_all("tr")] == [
        "Low 0.3", "Medium 0.4", "High 0.7", "High 0.8"]
    cost = page.one("article", id="kr-packaging-cost")  # no check-in gives a confidence: no column, no series
    assert cost.find(cls="kr-confidence") is None and cost.find(cls="confidence-series") is None
    assert cost.one("table").texts("th") == ["Date", "Value", "Note"]


def test_the_home_page_lists_key_results_whose_confidence_fell_biggest_drop_first(out):
    home = parse_file(out / "index.html")
    section = home.one("h2", id="confidence-falling").parent
    items = section.one("ul", "falling").find_all("li")
    assert [item.one("span", "kr-confidence").text() for item in items] == [
        "Confidence: Medium 0.5, falling from 0.7 ↓", "Confidence: Low 0.3, falling from 0.4 ↓"]
    assert [linked_targets(item, "index.html") for item in items] == [
        ["2026-q4/suds/planet-friendly/index.html"], ["2026-q4/packaging/compostable-mailers/index.html"]]
    assert [item.one("a").get("href").split("#")[1] for item in items] == ["kr-plastic-free", "kr-compostable-share"]
    assert section.find("p", "small") is None  # every one is shown
    archived = parse_file(out / "2026-q3/index.html")
    assert archived.find("h2", id="confidence-falling") is None


def test_the_falling_list_is_capped_and_counts_the_rest(make_site, tmp_path):
    from okrsite.render.views import FALLING_SHOWN

    krs = "".join(f"      - {{id: k{n}, title: K{n}, start: 0, target: 10, checkins: ["
                  f"{{date: 2026-10-05, value: 1, confidence: 0.9}}, {{date: 2026-11-05, value: 2, confidence: 0.{9 - n % 9}}}]}}\n"
                  for n in range(1, FALLING_SHOWN + 3))
    company = COMPANY.replace("      - {id: launch, title: Launch shop, type: milestone, done: true}\n", krs)
    root = make_site({"content/2026-Q4/test-co.md": company})
    assert build_site(root, tmp_path / "out", BuildOptions(EXAMPLE_DATE)).ok(False)
    section = parse_file(tmp_path / "out/index.html").one("h2", id="confidence-falling").parent
    shown = [item.one("a").text() for item in section.find_all("li")]
    # drops: k1 0.1 ... k8 0.8, k9 0.0 (0.9 again: steady), k10 0.1; biggest first, equal drops by reference
    assert shown == ["K8", "K7", "K6", "K5", "K4", "K3", "K2", "K1"]
    assert section.one("p", "small").text() == "And 1 more key result whose confidence fell."
# --- the weekly digest (an addition to section 5: CYCLE/digest/ of the current cycle) ---

DIGEST = "2026-q4/digest/index.html"


def test_the_digest_page_shows_the_week_up_to_the_build_date(site, pages, out):
    page = pages(DIGEST)
    main = page.one("main")
    assert main.one("h1").text() == "This week in Q4 2026"
    assert main.one("p", "lead").text() == "Q4 2026, 13 Nov to 20 Nov 2026: 86 key results moved, 2 key results lost confidence."
    headings = main.texts("h2")
    assert headings[:3] == ["company Suds & Co.", "department Customer Care", "department E-commerce & Growth"]
    enps = next(li for li in main.find_all("li") if li.text().startswith("Employee Net Promoter Score"))
    assert enps.text() == "Employee Net Promoter Score · Suds & Co. 19 points → 22 points (31 % → 50 %)"
    link = enps.one("a").get("href")
    assert resolve(DIGEST, link) == "2026-q4/suds/great-team/index.html" and link.endswith("#kr-enps")
    assert parse_file(out / "2026-q4/suds/great-team/index.html").find(id="kr-enps") is not None
    plastic = next(li for li in main.find_all("li") if li.text().startswith("Orders shipped completely plastic-free"))
    assert plastic.texts("li") == ["Nov 16: Compostable mailer supplier slipped to December"]
    assert main.find_all("li", "muted")[0].text() == "and 2 more: see Suds & Co."  # 12 moved, 10 shown
    for element, _, url in links(main):
        assert not is_absolute(url) and (out / resolve(DIGEST, url)).is_file(), url


def test_only_the_current_cycle_has_a_digest_and_every_page_links_it(site, out):
    assert not (out / "2026-q3/digest").exists()
    for path in ("index.html", "2026-q3/index.html", "2026-q4/suds/index.html", "cycles/index.html"):
        nav = parse_file(out / path).one("nav", aria_label="Site")
        [week] = [a for a in nav.find_all("a") if a.text() == "This week"]
        assert resolve(path, week.get("href")) == DIGEST, path


def test_the_digest_page_of_a_week_with_every_kind_of_news(make_site, tmp_path):
    from content import WEEK, WEEK_TOML

    root = make_site(WEEK, WEEK_TOML)
    out = tmp_path / "week"
    assert build_site(root, out, BuildOptions(dt.date(2026, 1, 21))).ok(False)
    main = parse_file(out / "sprint/digest/index.html").one("main")
    sections = {h2.text(): h2.parent for h2 in main.find_all("h2")}
    assert list(sections) == ["company Acme", "department Marketing", "team Ops"]
    marketing = sections["department Marketing"]
    assert marketing.texts("h3") == ["Moved", "Status got worse", "Gone stale", "Achieved"]
    worse = marketing.one("span", "digest-at-risk")
    assert worse.text() == "on track → at risk (50 %)"
    assert worse.parent.text() == "More leads · Marketing on track → at risk (50 %)"
    assert [li.text() for li in marketing.find_all("li") if "no check-in" in li.text()] == [
        "Signups · Marketing no check-in since 2 Jan 2026 (19 days)",
        "Mentions · Ads no check-in since 1 Jan 2026 (20 days)"]
    revenue = next(li for li in sections["company Acme"].find_all("li") if li.text().startswith("Revenue"))
    assert revenue.texts("li") == ["Jan 20: Renewals", "Jan 16: Big deal"]
    assert "Secret" not in main.text()
def test_numbers_show_as_written(pages):
    """The holiday campaign's cost per customer is written 28.0 -> 20.0 EUR with check-ins 27.8 ...: so it shows."""
    card = pages("2026-q4/marketing/holiday-campaign/index.html").find(id="kr-cpa")
    assert card.find(cls="values").text() == "28.0 \u2192 24.4 \u2192 20.0 EUR"
    assert [td.text() for td in card.find_all("td", cls="n")] == ["24.4 EUR", "25.3 EUR", "26.4 EUR", "27.1 EUR", "27.8 EUR"]
    subscribers = pages("2026-q4/marketing/holiday-campaign/index.html").find(id="kr-newsletter")
    assert subscribers.find(cls="values").text() == "24,000 \u2192 32,440 \u2192 40,000 subscribers"


# --- KPIs over time, graduation, growth goals ---

EXAMPLE_TRENDS = {  # (cycle, owner, KPI) -> the check-ins in words, and the verdict's history
    ("2026-Q4", "web-store", "checkout-bugs"): (
        "Check-ins: 7 bugs on 5 Oct 2026, 4 bugs on 19 Oct 2026, 6 bugs on 2 Nov 2026, 3 bugs on 16 Nov 2026.",
        "Healthy at 2 of the last 4 check-ins; became healthy on 19 Oct 2026, not healthy on 2 Nov 2026, "
        "healthy on 16 Nov 2026"),
    ("2026-Q4", "customer-care", "csat"): (
        "Check-ins: 92 % on 1 Oct 2026, 88 % on 15 Oct 2026, 90 % on 1 Nov 2026, 91 % on 15 Nov 2026.",
        "Healthy at 3 of the last 4 check-ins; became not healthy on 15 Oct 2026, healthy on 1 Nov 2026"),
    ("2026-Q4", "ecommerce", "lcp"): (
        "Check-ins: 2.9 s on 1 Oct 2026, 2.6 s on 15 Oct 2026, 2.4 s on 1 Nov 2026, 2.3 s on 15 Nov 2026.",
        "Healthy at 2 of the last 4 check-ins; became healthy on 1 Nov 2026"),
}


def kpi_row(main, kpi):
    rows = [th.parent for th in main.find_all("th") if kpi_title(th) == kpi.title]
    assert len(rows) == 1, kpi.id
    return rows[0]


def test_kpis_with_check_ins_show_their_trend_values_and_verdicts_history(site, pages):
    with_checkins = {(c.id, o.id, k.id): (o, k) for c in site.cycles for o in c.owners.values() for k in o.kpis
                     if k.checkins}
    assert set(with_checkins) == set(EXAMPLE_TRENDS)
    for (cycle_id, _, _), (owner, kpi) in with_checkins.items():
        values, history = EXAMPLE_TRENDS[(cycle_id, owner.id, kpi.id)]
        for path in (page_of(owner.url), f"{owner.cycle.slug}/kpis/index.html"):
            row = kpi_row(pages(path).one("main"), kpi)
            trend = row.one("td", cls="kpi-trend")
            assert trend.one(cls="visually-hidden").text() == values, path
            assert trend.one(cls="verdicts").text() == history, path
            svg = trend.one("svg")
            assert svg.get("aria-hidden") == "true"
            assert len(svg.one("polyline").get("points").split()) == len(kpi.checkins)
            assert svg.one("circle").get("class") == f"spark-{'healthy' if kpi.verdicts[-1][1] else 'unhealthy'}"
            assert row.closest("table").one("thead").texts("th")[-1] == "Trend"


def test_kpi_tables_without_check_ins_have_no_trend_column(site, pages):
    owner = site.current.company
    assert owner.kpis and not any(k.checkins for k in owner.kpis)
    table = pages(page_of(owner.url)).one("main").one("table", cls="kpis")
    assert table.one("thead").texts("th") == ["Metric", "Current", "Target", "Health"]
    assert table.find("td", cls="kpi-trend") is None and table.find("tr", id=True) is None


def test_a_graduated_kpi_and_its_key_result_link_to_each_other(site, pages):
    graduated = [(o, k) for c in site.cycles for o in c.owners.values() for k in o.kpis if k.graduated_from]
    assert len(graduated) == 1
    owner, kpi = graduated[0]
    kr = kpi.graduated_from_kr
    assert (kr.cycle.id, kr.ref) == ("2026-Q3", "web-store/launch-store/checkout-bugs")
    for path in (page_of(owner.url), f"{owner.cycle.slug}/kpis/index.html"):
        row = kpi_row(pages(path).one("main"), kpi)
        origin = row.one(cls="kpi-origin")
        assert origin.text() == f"Graduated from {kr.title} (Q3 2026)"
        assert origin.one("a").get("href").endswith("#kr-checkout-bugs")
        assert linked_targets(origin, path) == [page_of(kr.objective.url)]
    owner_path = page_of(owner.url)
    assert pages(owner_path).one("tr", id="kpi-checkout-bugs") is kpi_row(pages(owner_path).one("main"), kpi)
    objective_path = page_of(kr.objective.url)
    for path, card in ((objective_path, pages(objective_path).one(id="kr-checkout-bugs")),
                       (page_of(kr.objective.owner.url), None)):
        where = card or pages(path).one("main")
        line = where.one("p", cls="kr-graduated")
        assert line.text() == "Graduated into a KPI Open checkout bugs (Web Store, Q4 2026)"
        assert line.one("a").get("href").endswith("#kpi-checkout-bugs")
        assert linked_targets(line, path) == [owner_path]
    assert sum(len(kr.graduated_to) for c in site.cycles for o in c.objectives for kr in o.key_results) == 1


def test_a_growth_goal_is_shown_apart_on_its_persons_page_only(site, pages):
    cycle = site.current
    mei = cycle.owners["mei-chen"]
    goal = mei.growth[0]
    main = pages(page_of(mei.url)).one("main")
    section = main.one("section", cls="growth-goals")
    assert section.one("h2").text() == "Growth"
    card = section.one("article", id="growth-lead-the-lab")
    assert card.one("h3").text() == goal.title
    assert card.one(cls="obj-measure").text().startswith(pct(goal.progress)) and pct(goal.progress) == "29 %"
    assert says_status(card.one("header").text(), goal.status)
    assert [li.one(cls="kr-title").text() for li in card.find_all("li", cls="kr")] == [kr.title for kr in goal.key_results]
    objectives = [s for s in main.find_all("section") if s.find("h2") and s.one("h2").text() == "Objectives"][0]
    assert goal.title not in objectives.text()
    assert main.one(cls="big-number").one(cls="value").text() == pct(mei.objectives[0].progress) == "73 %"
    for path in ("tree/index.html", "status/index.html", "index.html", "health/index.html"):
        assert goal.title not in pages(f"{cycle.slug}/{path}").text(), path
    entry = [li for li in pages(f"{cycle.slug}/people/index.html").one("ul", cls="directory").child_elements
             if li.find("a") and li.find("a").text() == "Mei Chen"][0]
    assert goal.title not in entry.text() and "1 growth goal" in entry.text()


def test_a_person_with_growth_goals_only_has_no_progress_and_points_to_them(make_site, tmp_path):
    person = ("---\nname: Ada\nkind: person\nparent: test-co\nobjectives:\n  - id: speak\n    title: Speak at a conference\n"
              "    growth: true\n    key_results:\n      - {id: talks, title: Talks given, start: 0, target: 4, current: 1}\n---\n")
    root = make_site({"content/2026-Q4/test-co.md": COMPANY, "content/2026-Q4/ada.md": person})
    out = build(root, tmp_path)
    main = parse_file(out / "2026-q4/ada/index.html").one("main")
    hero = main.one(cls="hero-counts")
    assert hero.text() == "No objectives this cycle. Growth goals below."
    assert hero.one("a").get("href") == "#growth-speak" and main.find(id="growth-speak") is not None
    assert main.one(id="growth-speak").one(cls="obj-measure").text().startswith("25 %")
    directory = parse_file(out / "2026-q4/people/index.html").one("ul", cls="directory")
    assert "1 growth goal" in directory.text() and "Speak at a conference" not in directory.text()


def test_a_theme_that_imports_the_macros_with_context_makes_the_same_pages(example_copy, out, tmp_path):
    """The default theme imports ``_macros.html`` without the page's context (a module made once); a theme
    that imports it ``with context`` still links from the page being rendered, at every depth."""
    templates = example_copy / "themes/default/templates"
    templates.mkdir(parents=True)
    for name in ("objective.html", "owner.html"):
        text = (REPO / "themes/default/templates" / name).read_text(encoding="utf-8")
        theirs, count = re.subn(r'(\{% from "_macros.html" import [^%]*?) %\}', r"\1 with context %}", text)
        assert count == 1
        (templates / name).write_text(theirs, encoding="utf-8")
    theirs = tmp_path / "theirs"
    assert build_site(example_copy, theirs, BuildOptions(EXAMPLE_DATE, strict=True)).ok(True)
    pages = [p.relative_to(out) for p in [*out.glob("2026-q4/*/*/index.html"), out / "2026-q4/mei-chen/index.html"]]
    assert len(pages) > 20 and all((theirs / p).read_bytes() == (out / p).read_bytes() for p in pages)
