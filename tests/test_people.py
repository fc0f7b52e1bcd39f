"""Tests of okrsite.render.people (who is in the directory, in what order; KPI counts),
of the two pages it feeds on small sites, and of their keys for incremental builds."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import COMPANY, EXAMPLE_DATE, load
from content import objective, owner
from htmlcheck import linked_targets, numbers, parse_file
from okrsite.build import build_site
from okrsite.render.people import kpi_owners, kpi_summary, org_chart, people
from okrsite.render.site import SiteRenderer
from okrsite.theme import theme_dirs
from okrsite.options import BuildOptions

CYCLE = "content/2026-Q4"
KPIS = """\
kpis:
  - {id: churn, title: Churn, current: 4, target: 3, direction: lower, unit: "%"}
  - {id: returns, title: Returns, current: 2, target: 3, direction: lower}
  - {id: nps, title: NPS, current: 41, target: 40}
  - {id: new, title: Brand-new metric, current: 7}
  - {id: later, title: Not measured yet, target: 5}
"""


@pytest.fixture
def files() -> dict[str, str]:
    """test-co <- ops (KPIs) <- crew <- zoe, adam (no role, no objectives), spy (private); bob in ops."""
    return {
        f"{CYCLE}/test-co.md": COMPANY,
        f"{CYCLE}/ops.md": owner("Operations", "department", "test-co", objective("run", "test-co/grow"), extra=KPIS),
        f"{CYCLE}/crew.md": owner("Crew", "team", "ops", objective("ship", "ops/run")),
        f"{CYCLE}/people/zoe.md": owner("Zoë Quinn", "person", "crew",
                                        objective("deliver", "crew/ship") + objective("quiet", "crew/ship", "    visibility: private\n"),
                                        extra="role: Driver\n"),
        f"{CYCLE}/people/adam.md": owner("adam Smith", "person", "crew"),
        f"{CYCLE}/people/bob.md": owner("Bob", "person", "ops", objective("plan", "ops/run"), extra="role: Planner\n"),
        f"{CYCLE}/people/spy.md": owner("Spy", "person", "crew", objective("snoop", "crew/ship"), extra="visibility: private\n"),
    }


@pytest.fixture
def cycle(make_site, files):
    site, diagnostics = load(make_site(files))
    assert not diagnostics.errors, [d.format() for d in diagnostics.items]
    return site.cycles[0]


def test_people_are_every_public_person_by_name(cycle):
    assert [p.id for p in people(cycle)] == ["adam", "bob", "zoe"]  # case does not matter; spy is private


def test_org_chart_order_puts_everyone_after_the_owner_above_them(cycle):
    assert [o.id for o in org_chart(cycle)] == ["test-co", "ops", "crew", "adam", "zoe", "bob"]


def test_kpi_owners_and_their_counts(cycle):
    owners = kpi_owners(cycle)
    assert [o.id for o in owners] == ["ops"]
    assert kpi_summary(owners) == [(True, 2), (False, 1), (None, 2)]
    assert kpi_summary([cycle.owners["crew"]]) == []


def build(root: Path, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    report = build_site(root, out, BuildOptions(EXAMPLE_DATE))
    assert report.ok(False), [d.format() for d in report.diagnostics.items]
    return out


def test_kpi_page_gives_verdicts_lower_is_better_and_no_verdict_with_the_reason(make_site, files, tmp_path):
    out = build(make_site(files), tmp_path)
    main = parse_file(out / "2026-q4/kpis/index.html").one("main")
    rows = {r.one("th").text(): [td.text() for td in r.find_all("td")] for r in main.one("tbody").find_all("tr")}
    assert rows == {
        "Churn": ["4 %", "3 % lower is better", "Not healthy"],
        "Returns": ["2", "3 lower is better", "Healthy"],
        "NPS": ["41", "40 higher is better", "Healthy"],
        "Brand-new metric": ["7", "– higher is better", "No verdict no target"],
        "Not measured yet": ["–", "5 higher is better", "No verdict no current value"],
    }
    counts = [(c.one(cls="health").text(), numbers(c.one(cls="count-num").text())) for c in main.find_all(cls="count")]
    assert counts == [("Healthy", [2]), ("Not healthy", [1]), ("No verdict", [2])]
    # the owner page shows the same verdicts and links to the cycle's KPI page
    ops = parse_file(out / "2026-q4/ops/index.html").one("main")
    assert [e.text() for e in ops.find_all(cls="health")] == ["Not healthy", "Healthy", "Healthy", "No verdict", "No verdict"]
    assert "2026-q4/kpis/index.html" in linked_targets(ops, "2026-q4/ops/index.html")


def test_a_cycle_without_kpis_says_so(make_site, tmp_path):
    out = build(make_site({f"{CYCLE}/test-co.md": COMPANY}), tmp_path)
    main = parse_file(out / "2026-q4/kpis/index.html").one("main")
    assert main.find("table") is None and main.find(cls="count") is None
    assert "No one tracks KPIs" in main.one(cls="empty").text()
    assert "No one has OKRs of their own" in parse_file(out / "2026-q4/people/index.html").one("main").one(cls="empty").text()


def test_people_directory_leaves_out_private_people_and_objectives(make_site, files, tmp_path):
    out = build(make_site(files), tmp_path)
    path = "2026-q4/people/index.html"
    entries = parse_file(out / path).one("ul", cls="directory").child_elements
    assert [e.find("a").text() for e in entries] == ["adam Smith", "Bob", "Zoë Quinn"]
    adam, bob, zoe = entries
    assert adam.child_elements[0].text() == "adam Smith in Crew"
    assert "No public objectives" in adam.text()
    assert bob.child_elements[0].text() == "Bob Planner in Operations"
    assert linked_targets(zoe, path) == ["2026-q4/zoe/index.html", "2026-q4/crew/index.html",
                                         "2026-q4/zoe/deliver/index.html",
                                         "2026-q4/test-co/grow/index.html", "2026-q4/ops/run/index.html", "2026-q4/crew/ship/index.html"]
    assert zoe.one(cls="rolls-up").text() == "Rolls up to: Test Co › Operations › Crew"
    assert "quiet" not in zoe.text() and "Spy" not in parse_file(out / path).text()


# --- keys: the pages are rendered again when, and only when, what they show changes ---

def page_keys(root: Path) -> dict[str, int]:
    site, diagnostics = load(root)
    assert not diagnostics.errors
    return {o.path: o.key for o in SiteRenderer(theme_dirs(site.config)).plan(site)}


def changed_pages(make_site, files: dict[str, str], path: str, old: str, new: str) -> set[str]:
    before = page_keys(make_site(files))
    assert old in files[path]
    after = page_keys(make_site({**files, path: files[path].replace(old, new)}))
    return {p for p in before if before[p] != after.get(p) and p.endswith(("people/index.html", "kpis/index.html"))}


def test_a_kpi_edit_changes_the_kpi_page_not_the_people_directory(make_site, files):
    assert changed_pages(make_site, files, f"{CYCLE}/ops.md", "current: 41", "current: 39") == {"2026-q4/kpis/index.html"}


def test_a_persons_role_changes_the_people_directory_not_the_kpi_page(make_site, files):
    assert changed_pages(make_site, files, f"{CYCLE}/people/bob.md", "Planner", "Chief Planner") == {"2026-q4/people/index.html"}


def test_a_renamed_objective_up_the_chain_changes_the_people_directory(make_site, files):
    assert changed_pages(make_site, files, f"{CYCLE}/crew.md", "Objective ship", "Objective sail") == {"2026-q4/people/index.html"}


def test_a_team_moving_in_the_org_chart_reorders_the_kpi_page_and_moves_its_people(make_site, files):
    files = {**files, f"{CYCLE}/alpha.md": owner("Alpha", "department", "test-co", objective("a1", "test-co/grow")),
             f"{CYCLE}/crew.md": owner("Crew", "team", "alpha", objective("ship", "ops/run"), extra=KPIS)}
    # Alpha's crew comes before Operations; moved under Operations it comes after it, and its
    # people's entries in the directory say their new department (for its filter)
    assert changed_pages(make_site, files, f"{CYCLE}/crew.md", "parent: alpha", "parent: ops") == {
        "2026-q4/kpis/index.html", "2026-q4/people/index.html"}
