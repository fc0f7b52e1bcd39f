"""Objectives by department and status: the rows (okrsite/render/heatmap.py), the heatmap
on the cycle overview and the status page its cells link to, read as a reader reads them."""

from __future__ import annotations

from collections import Counter

import pytest

from okrsite.build import build_site
from okrsite.render.heatmap import by_status, department_rows, level
from okrsite.render.views import STATUS_ORDER
from okrsite.options import BuildOptions
from conftest import EXAMPLE_DATE
from htmlcheck import Element, linked_targets, parse_file, resolve, says_status


def department_of(objective):
    """The nearest department at or above the objective's owner, else the company."""
    owner = objective.owner
    chain = [*owner.ancestors, owner]
    return next((o for o in reversed(chain) if o.kind == "department"), owner.cycle.company)


def expected_counts(cycle) -> dict[str, Counter]:
    """Objectives per status under each row's owner id, counted without okrsite's rows."""
    counts: dict[str, Counter] = {}
    for objective in cycle.objectives:
        counts.setdefault(department_of(objective).id, Counter())[objective.status] += 1
    return counts


def graded_cycles(site):
    return [c for c in site.cycles if c.state != "upcoming"]


# --- the rows ---

def test_rows_are_the_company_then_every_department_and_add_up_to_the_cycle(site):
    for cycle in graded_cycles(site):
        rows = department_rows(cycle, STATUS_ORDER[cycle.state])
        assert rows[0].owner is cycle.company
        departments = [r.owner for r in rows[1:]]
        assert all(d.kind == "department" for d in departments)
        assert {d.id for d in departments} == {o.id for o in cycle.owners.values() if o.kind == "department"}
        refs = [o.ref for r in rows for o in r.objectives]
        assert sorted(refs) == sorted(o.ref for o in cycle.objectives)  # each objective in one row
        expected = expected_counts(cycle)
        for row in rows:
            assert [c.status for c in row.cells] == list(STATUS_ORDER[cycle.state])
            assert {c.status: c.count for c in row.cells} == {s: expected.get(row.owner.id, Counter())[s]
                                                               for s in STATUS_ORDER[cycle.state]}
            assert all(department_of(o) is row.owner for o in row.objectives)
            scores = [o.score for o in row.objectives]
            assert row.mean_score == (sum(scores) / len(scores) if scores else None)
        totals = Counter()
        for row in rows:
            totals.update({c.status: c.count for c in row.cells})
        assert +totals == Counter(cycle.status_counts)


def team(owner_id: str, kind: str, parent: str, objective: str) -> str:
    return f"""\
    ---
    name: {owner_id.title()}
    kind: {kind}
    parent: {parent}
    objectives:
      - id: {objective}
        title: {objective.title()}
        aligns_to: test-co/grow
        key_results:
          - {{id: a, title: A, start: 0, target: 10, current: 1}}
          - {{id: b, title: B, start: 0, target: 10, current: 9}}
    ---
    """


def test_nested_departments_get_rows_and_teams_outside_departments_count_for_the_company(check):
    site, diagnostics = check({
        "content/2026-Q4/ops.md": team("ops", "department", "test-co", "run"),
        "content/2026-Q4/qa.md": team("qa", "department", "ops", "test"),
        "content/2026-Q4/lab.md": team("lab", "team", "qa", "mix"),
        "content/2026-Q4/adhoc.md": team("adhoc", "team", "test-co", "tidy"),
    })
    assert site is not None, [d.format() for d in diagnostics.items]
    rows = department_rows(site.current, STATUS_ORDER["current"])
    assert [(r.owner.id, [o.ref for o in r.objectives]) for r in rows] == [
        ("test-co", ["test-co/grow", "adhoc/tidy"]),
        ("ops", ["ops/run"]),
        ("qa", ["qa/test", "lab/mix"]),
    ]


def test_a_cell_is_shaded_by_its_share_of_the_row_in_quarters():
    assert [level(n, 8) for n in range(9)] == [0, 1, 1, 2, 2, 3, 3, 4, 4]
    assert level(1, 1) == 4 and level(1, 40) == 1 and level(0, 0) == 0


def test_each_status_lists_the_rows_objectives_worst_first(site):
    for cycle in graded_cycles(site):
        archived = cycle.state == "archived"
        for row in department_rows(cycle, STATUS_ORDER[cycle.state]):
            groups = by_status(row)
            assert [c.status for c, _ in groups] == [c.status for c in row.cells if c.count]
            for cell, objectives in groups:
                assert len(objectives) == cell.count and all(o.status == cell.status for o in objectives)
                shown = [o.score if archived else o.progress for o in objectives]
                assert shown == sorted(shown)


# --- the pages ---

def heatmap_of(page: Element) -> Element:
    tables = page.one("main").find_all("table", cls="heatmap")
    assert len(tables) == 1, "no heatmap, or more than one"
    return tables[0]


def following_list(heading: Element) -> Element:
    siblings = heading.parent.child_elements
    return siblings[siblings.index(heading) + 1]


@pytest.mark.parametrize("path, cycle_id", [("index.html", "2026-Q4"), ("2026-q4/index.html", "2026-Q4"),
                                            ("2026-q3/index.html", "2026-Q3")])
def test_the_overview_heatmap_shows_the_counts_of_each_department(site, out, path, cycle_id):
    cycle = next(c for c in site.cycles if c.id == cycle_id)
    statuses = STATUS_ORDER[cycle.state]
    table = heatmap_of(parse_file(out / path))
    heads = [th.text() for th in table.one("thead").find_all("th")]
    assert len(heads) == 2 + len(statuses)
    assert all(says_status(head, status) for head, status in zip(heads[2:], statuses))
    expected = expected_counts(cycle)
    rows = table.one("tbody").find_all("tr")
    owners = [linked_targets(tr.one("th"), path)[0] for tr in rows]
    assert owners[0] == f"{cycle.company.url}index.html"
    assert sorted(owners[1:]) == sorted(f"{o.url}index.html" for o in cycle.owners.values() if o.kind == "department")
    for tr, owner in zip(rows, owners):
        owner_id = owner.split("/")[1]
        cells = tr.find_all("td")
        shown = [_count(td) for td in cells[1:]]
        assert shown == [expected.get(owner_id, Counter())[s] for s in statuses], owner_id
        total = _count(cells[0])
        assert total == sum(expected.get(owner_id, Counter()).values())
        for td, status in zip(cells[1:], statuses):  # shaded by the cell's share of the row
            assert td.has_class(f"heat-{status}") and td.has_class(f"heat-{level(_count(td), total)}")


def _count(td: Element) -> int:
    """The number a cell shows to the eye (the words hidden for screen readers left out)."""
    def seen(element: Element) -> str:
        if element.has_class("visually-hidden"):
            return ""
        return "".join(c if isinstance(c, str) else seen(c) for c in element.children)
    return int(seen(td).strip())


@pytest.mark.parametrize("path", ["index.html", "2026-q4/index.html", "2026-q3/index.html"])
def test_every_heatmap_cell_links_to_the_list_of_exactly_its_objectives(site, out, path):
    table = heatmap_of(parse_file(out / path))
    linked = 0
    for td in table.find_all("td", cls="heat"):
        links = td.find_all("a")
        if _count(td) == 0:
            assert not links, "a zero cell links to an empty list"
            continue
        href = links[0].get("href")
        target, anchor = resolve(path, href), href.split("#", 1)[1]
        assert target.endswith("/status/index.html")
        status_page = parse_file(out / target)
        heading = status_page.one(id=anchor)
        owner_link = heading.closest("section").one("h2").find("a")
        department = resolve(target, owner_link.get("href"))
        assert department == resolve(path, td.parent.one("th").find("a").get("href"))
        listed = linked_targets(following_list(heading), target)
        assert len(listed) == _count(td)
        cycle = next(c for c in site.cycles if target.startswith(c.slug + "/"))
        status = next(s for s in STATUS_ORDER[cycle.state] if says_status(heading.text(), s))
        assert sorted(listed) == sorted(f"{o.url}index.html" for o in cycle.objectives
                                        if o.status == status and f"{department_of(o).url}index.html" == department)
        linked += 1
    assert linked >= 8


def test_the_status_page_lists_every_objective_once(site, out):
    for cycle in graded_cycles(site):
        path = f"{cycle.slug}/status/index.html"
        main = parse_file(out / path).one("main")
        listed = [t for ul in main.find_all("ul", cls="status-list") for t in linked_targets(ul, path)]
        assert sorted(listed) == sorted(f"{o.url}index.html" for o in cycle.objectives)


def test_upcoming_cycles_have_no_heatmap_status_page_or_retrospective(make_site, tmp_path):
    from conftest import COMPANY
    toml = 'title = "T"\nbase_url = "https://example.test/"\ncurrent_cycle = "2026-Q4"\n'
    root = make_site({f"content/{c}/test-co.md": COMPANY for c in ("2026-Q3", "2026-Q4", "2027-Q1")}, toml)
    out = tmp_path / "out"
    assert build_site(root, out, BuildOptions(EXAMPLE_DATE)).ok(False)
    assert not (out / "2027-q1/status").exists() and not (out / "2027-q1/retro").exists()
    assert not parse_file(out / "2027-q1/index.html").find_all("table", cls="heatmap")
    assert not (out / "2026-q4/retro").exists()
    assert (out / "2026-q4/status/index.html").is_file() and (out / "2026-q3/retro/index.html").is_file()
