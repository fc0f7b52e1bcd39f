"""An owner's progress through the cycle (okrsite/render/pacechart.py): the weekly line on
owner pages, read back from the SVG and its table, exactly."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import EXAMPLE_DATE, write_site
from htmlcheck import parse_file
from okrsite.build import build_site
from okrsite.options import BuildOptions
from okrsite.render import pacechart
from okrsite.render.pacechart import BOTTOM, LEFT, RIGHT, TOP

D = dt.date
# Q4 2026 has 91 days from Oct 1 to Dec 31; EXAMPLE_DATE (Nov 20) is day 50 of them.
WEEKS = [D(2026, 10, 1), D(2026, 10, 8), D(2026, 10, 15), D(2026, 10, 22), D(2026, 10, 29), D(2026, 11, 5),
         D(2026, 11, 12), D(2026, 11, 19), D(2026, 11, 20)]
COMPANY = """\
---
name: Test Co
kind: company
objectives:
  - id: grow
    title: Grow
    key_results:
      - id: revenue
        title: Revenue
        start: 0
        target: 100
        checkins:
          - {date: 2026-10-10, value: 20}
          - {date: 2026-11-01, value: 50}
      - {id: launch, title: Launch, type: milestone, done: false}
---
"""
OPS = """\
---
name: Ops
kind: department
parent: test-co
objectives:
  - id: run
    title: Run smoothly
    aligns_to: test-co/grow
    key_results:
      - id: uptime
        title: Uptime
        start: 0
        target: 10
        current: 6
        checkins:
          - {date: 2026-10-20, value: 4}
---
"""
IDLE = "---\nname: Idle\nkind: team\nparent: ops\n---\n"
ADA = ("---\nname: Ada\nkind: person\nparent: ops\nobjectives:\n  - id: learn\n    title: Learn\n"
       "    key_results:\n      - {id: k, title: K, start: 0, target: 10, checkins: [{date: 2026-10-05, value: 3}]}\n---\n")
# revenue 0, 0, 0.2 from Oct 10, 0.5 from Nov 1; the milestone 0: the objective and the company half that
COMPANY_LINE = [0.0, 0.0, 0.1, 0.1, 0.1, 0.25, 0.25, 0.25, 0.25]
# 0.4 from the check-in of Oct 20, and on the build date what the file says now: 6 of 10
OPS_LINE = [0.0, 0.0, 0.0, 0.4, 0.4, 0.4, 0.4, 0.4, 0.6]
IDEAL = [round(days / 91, 4) for days in (0, 7, 14, 21, 28, 35, 42, 49, 50)]


def files(ops: str = OPS) -> dict[str, str]:
    return {"content/2026-Q4/test-co.md": COMPANY, "content/2026-Q4/ops.md": ops, "content/2026-Q4/idle.md": IDLE,
            "content/2026-Q4/ada.md": ADA,
            "content/2027-Q1/test-co.md": COMPANY}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("pace")
    out = root / "out"
    report = build_site(write_site(root / "site", files()), out, BuildOptions(EXAMPLE_DATE))
    assert report.ok(False), [d.format() for d in report.diagnostics.items]
    return report.site, out


def chart_of(out, owner: str):
    return parse_file(out / f"2026-q4/{owner}/index.html").one("main").find("svg", cls="pace-svg")


def plotted(svg) -> list[tuple[int, float]]:
    """The progress line read back from the SVG: (day of the cycle, progress) per point."""
    points = [tuple(map(float, p.split(","))) for p in svg.one("polyline", cls="pace-actual").get("points").split()]
    # coordinates are written to 2 decimals: a day to within 0.002, progress to within 0.00004
    return [(round((x - LEFT) / (RIGHT - LEFT) * 91, 2), round((BOTTOM - y) / (BOTTOM - TOP), 3)) for x, y in points]


def table_of(out, owner: str) -> list[list[str]]:
    table = parse_file(out / f"2026-q4/{owner}/index.html").one("table", cls="pace-weeks")
    return [[cell.text() for cell in row.find_all("td")] for row in table.one("tbody").find_all("tr")]


def test_every_owner_with_objectives_gets_its_line_from_one_timeline_of_the_cycle(built):
    site, _ = built
    cycle = site.current
    lines = pacechart.pace_lines(cycle, EXAMPLE_DATE)
    owners = cycle.owners
    # Idle has no objectives, and a person's page has its key results' charts: no line for them
    assert set(lines) == {id(owners["test-co"]), id(owners["ops"])}
    company, ops = lines[id(owners["test-co"])], lines[id(owners["ops"])]
    assert list(company.days) == WEEKS and company.days is ops.days
    assert list(company.expected) == IDEAL
    assert list(company.values) == COMPANY_LINE and list(ops.values) == OPS_LINE
    assert ops.values[-1] == owners["ops"].progress  # the last point is what the page says now
    assert ops.rows[3] == (D(2026, 10, 22), 0.4, 0.2308)


def test_the_lines_of_some_owners_are_theirs_in_the_whole_cycles(built):
    """Watch mode asks only for the owners around an edit: their lines are what the whole cycle gives them."""
    site, _ = built
    cycle = site.current
    ops = cycle.owners["ops"]
    some = pacechart.pace_lines(cycle, EXAMPLE_DATE, {ops, cycle.owners["idle"]})
    assert set(some) == {id(ops)}
    assert list(some[id(ops)].values) == OPS_LINE


def test_no_line_before_a_cycle_has_two_days_behind_it(built):
    site, _ = built
    upcoming = next(c for c in site.cycles if c.id == "2027-Q1")
    assert upcoming.state == "upcoming" and pacechart.pace_lines(upcoming, EXAMPLE_DATE) == {}
    assert pacechart.pace_lines(site.current, D(2026, 10, 1)) == {}  # the first day: one point only


def test_the_owner_page_draws_the_line_and_the_ideal_pace(built):
    _, out = built
    svg = chart_of(out, "ops")
    assert plotted(svg) == [(float(days), value) for days, value in zip((0, 7, 14, 21, 28, 35, 42, 49, 50), OPS_LINE)]
    assert plotted(chart_of(out, "test-co"))[-1] == (50.0, 0.25)
    [ideal] = [p for p in svg.find_all("path", cls="pace-ideal") if p.get("d").startswith(f"M{LEFT} ")]
    assert ideal.get("d") == f"M{LEFT} {BOTTOM:.2f}L{RIGHT} {TOP:.2f}"  # 0 on Oct 1 to 100 % on Dec 31
    assert svg.get("viewbox") == "0 0 320 186" and svg.get("width") == "100%" and svg.get("role") == "img"
    assert svg.get("aria-label") == ("Progress of Ops week by week from Oct 1 to Nov 20: 60 % on Nov 20 against "
                                     "an ideal pace of 55 %.")
    assert svg.one("text", cls="pace-value").text() == "60 %"
    assert chart_of(out, "idle") is None and chart_of(out, "ada") is None


def test_the_table_gives_every_week_in_words(built):
    _, out = built
    expected_pace = ["0 %", "8 %", "15 %", "23 %", "31 %", "38 %", "46 %", "54 %", "55 %"]
    days = ["1 Oct 2026", "8 Oct 2026", "15 Oct 2026", "22 Oct 2026", "29 Oct 2026", "5 Nov 2026", "12 Nov 2026",
            "19 Nov 2026", "20 Nov 2026"]
    assert table_of(out, "ops") == [[d, p, e] for d, p, e in zip(
        days, ["0 %", "0 %", "0 %", "40 %", "40 %", "40 %", "40 %", "40 %", "60 %"], expected_pace)]
    assert [row[1] for row in table_of(out, "test-co")] == ["0 %", "0 %", "10 %", "10 %", "10 %", "25 %", "25 %",
                                                           "25 %", "25 %"]


def test_dark_mode_changes_the_line_and_text_follows_the_page(built):
    _, out = built
    style = chart_of(out, "ops").one("style").raw_text()
    assert "@media (prefers-color-scheme: dark){.pace-actual{stroke:#8fb0ff}.pace-dot{fill:#8fb0ff}}" in style
    assert ".pace-svg text{font-size:12px;fill:currentColor}" in style
    assert all(rule.split("{")[0].startswith((".pace-", "@media")) for rule in style.split("}") if "{" in rule)
