"""Each department's final score across archived cycles (okrsite/render/scorehistory.py), on
department pages and retrospectives, read as a reader reads them."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from conftest import EXAMPLE_DATE, write_site
from content import owner
from htmlcheck import linked_targets, parse_file, says_status
from okrsite.build import build_site
from okrsite.options import BuildOptions
from okrsite.render.scorehistory import SHOWN_CYCLES, ScoreHistory

COMPANY = ("---\nname: Test Co\nkind: company\nobjectives:\n  - id: grow\n    title: Grow\n"
           "    key_results:\n      - {id: k, title: K, start: 0, target: 10, current: 5}\n---\n")


def department(name: str, score: float) -> str:
    return owner(name, "department", "test-co", f"  - id: main\n    title: {name}'s goal\n    score: {score}\n"
                 "    key_results:\n      - {id: k, title: K, start: 0, target: 10, current: 5}\n")


def history_files(q2_ops: float = 0.5) -> dict[str, str]:
    return {"content/2026-Q2/test-co.md": COMPANY, "content/2026-Q2/ops.md": department("Ops", q2_ops),
            "content/2026-Q3/test-co.md": COMPANY, "content/2026-Q3/ops.md": department("Ops", 0.8),
            "content/2026-Q3/sales.md": department("Sales", 0.3),
            "content/2026-Q4/test-co.md": COMPANY, "content/2026-Q4/ops.md": department("Ops", 0.9),
            "content/2026-Q4/sales.md": department("Sales", 0.9)}


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    root = tmp_path_factory.mktemp("history")
    report = build_site(write_site(root / "site", history_files()), root / "out", BuildOptions(EXAMPLE_DATE))
    assert report.ok(False), [d.format() for d in report.diagnostics.items]
    return root / "out"


def score_rows(out, page: str) -> list[tuple[str, list[str], str, str]] | None:
    """The department page's 'Final scores by cycle': (cycle, links, score, grade) per row, or None."""
    main = parse_file(out / page).one("main")
    table = main.find("table", cls="score-history")
    if table is None:
        return None
    rows = []
    for row in table.one("tbody").find_all("tr"):
        head, score, grade = row.one("th"), *row.find_all("td")
        rows.append((head.text(), linked_targets(head, page), score.one(cls="num").text(), grade.text()))
    return rows


def test_a_department_page_shows_its_final_score_in_each_archived_cycle(out):
    page = "2026-q4/ops/index.html"
    assert score_rows(out, page) == [("Q2 2026", ["2026-q2/ops/index.html"], "0.50", "Progress made"),
                                     ("Q3 2026", ["2026-q3/ops/index.html"], "0.80", "Achieved")]
    assert score_rows(out, "2026-q4/sales/index.html") == [
        ("Q3 2026", ["2026-q3/sales/index.html"], "0.30", "Progress made")]  # matched by id: new in Q3


def test_an_archived_department_page_shows_the_cycles_up_to_its_own(out):
    assert score_rows(out, "2026-q3/ops/index.html") == [
        ("Q2 2026", ["2026-q2/ops/index.html"], "0.50", "Progress made"),
        ("Q3 2026 (this cycle)", [], "0.80", "Achieved")]
    assert score_rows(out, "2026-q2/ops/index.html") is None  # its own score alone: already on the page
    assert score_rows(out, "2026-q3/sales/index.html") is None
    assert score_rows(out, "2026-q4/test-co/index.html") is None  # departments only


def history_table(out, cycle: str):
    page = f"{cycle}/retro/index.html"
    main = parse_file(out / page).one("main")
    section = next((s for s in main.find_all("section") if s.one("h2").text() == "Departments across cycles"), None)
    if section is None:
        return None
    table = section.one("table", cls="score-history")
    head = [(th.text(), linked_targets(th, page)) for th in table.one("thead").find_all("th")]
    rows = [[(cell.text(), linked_targets(cell, page)) for cell in tr.child_elements]
            for tr in table.one("tbody").find_all("tr")]
    return head, rows


def test_the_retrospective_shows_every_department_across_the_cycles_up_to_it(out):
    head, rows = history_table(out, "2026-q3")
    assert head == [("Department", []), ("Q2 2026", ["2026-q2/retro/index.html"]), ("Q3 2026", [])]
    assert rows == [[("Ops", ["2026-q3/ops/index.html"]), ("0.50", ["2026-q2/ops/index.html"]), ("0.80", [])],
                    [("Sales", ["2026-q3/sales/index.html"]), ("–", []), ("0.30", [])]]
    assert history_table(out, "2026-q2") is None  # one cycle: nothing to compare


def test_pages_show_the_last_cycles_only():
    cycles = [SimpleNamespace(id=str(n), start=dt.date(2000 + n, 1, 1)) for n in range(SHOWN_CYCLES + 3)]
    history = ScoreHistory(tuple(cycles), {c.id: {} for c in cycles})
    assert history.shown(cycles[-1]) == cycles[3:]
    assert history.shown(cycles[4]) == cycles[:5]
    later = SimpleNamespace(id="next", start=dt.date(2100, 1, 1))
    assert history.shown(later) == cycles[3:]


def test_grades_are_words(out):
    rows = parse_file(out / "2026-q4/ops/index.html").one("table", cls="score-history").find_all("tr")[1:]
    assert [says_status(row.find_all("td")[1].text(), grade) for row, grade in zip(rows, ("progress", "achieved"))] == [
        True, True]
