"""Tests of okrsite.timeline: progress on earlier days, exactly, from the check-ins."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import load
from okrsite.model import CheckIn
from okrsite.timeline import on_demand, reach, rolled_up, timeline, weekly_days

D = dt.date
SPRINT_TOML = """title = "Acme OKRs"
base_url = "https://okrs.example.com/"
current_cycle = "sprint"

[cycles.sprint]
start = 2026-01-01
end = 2026-01-11
"""
TODAY = D(2026, 1, 9)
COMPANY = """---
name: Acme
kind: company
objectives:
  - id: grow
    title: Grow
    key_results:
      - id: revenue
        title: Revenue
        start: 0
        target: 100
        current: 90
        checkins:
          - {date: 2026-01-03, value: 20}
          - {date: 2026-01-05, value: 60}
      - id: launch
        title: Launch
        type: milestone
        done: true
      - {id: teams, title: Teams, type: rollup}
      - {id: fixed, title: Fixed, start: 10, target: 20, current: 15}
---
"""
TEAM = """---
name: Team
kind: team
parent: acme
objectives:
  - id: ship
    title: Ship
    aligns_to: acme/grow/teams
    key_results:
      - id: speed
        title: Speed
        start: 14
        target: 7
        checkins:
          - {date: 2026-01-02, value: 12}
          - {date: 2026-01-06, value: 7}
---
"""


@pytest.fixture
def cycle(make_site):
    root = make_site({"content/sprint/acme.md": COMPANY, "content/sprint/team.md": TEAM}, SPRINT_TOML)
    site, diagnostics = load(root, TODAY)
    assert site is not None, [d.format() for d in diagnostics.items]
    return site.cycles[0]


def by_ref(cycle):
    objectives = {o.ref: o for o in cycle.objectives}
    krs = {kr.ref: kr for o in cycle.objectives for kr in o.key_results}
    return objectives, krs


def test_each_kind_of_key_result_on_earlier_days(cycle):
    days = [D(2026, 1, 1), D(2026, 1, 3), D(2026, 1, 4), D(2026, 1, 6), TODAY]
    objectives, krs = by_ref(cycle)
    krs["acme/grow/launch"].history = [CheckIn(D(2026, 1, 4), 1)]  # as git history gives a milestone done
    line = timeline(cycle, days, TODAY)
    # a metric: its latest check-in on or before the day, else start; on the build date `current` wins
    assert line.of(krs["acme/grow/revenue"]) == [0.0, 0.2, 0.2, 0.6, 0.9]
    # a milestone: done from the day of the check-in that says so
    assert line.of(krs["acme/grow/launch"]) == [0.0, 0.0, 1.0, 1.0, 1.0]
    # no check-ins: no history, as it stands on every day
    assert line.of(krs["acme/grow/fixed"]) == [0.5] * 5
    # falling target 14 -> 7: 12 is 2/7 of the way
    assert line.of(krs["team/ship/speed"]) == [0.0, 2 / 7, 2 / 7, 1.0, 1.0]
    # a rollup: the mean of the objectives aligned to it, on each day
    assert line.of(krs["acme/grow/teams"]) == line.of(objectives["team/ship"])
    grow = [(r + l + t + 0.5) / 4 for r, l, t in zip([0.0, 0.2, 0.2, 0.6, 0.9], [0, 0, 1, 1, 1],
                                                       [0.0, 2 / 7, 2 / 7, 1.0, 1.0])]
    assert line.of(objectives["acme/grow"]) == pytest.approx(grow, rel=1e-12)
    assert line.of(cycle.owners["acme"]) == line.of(objectives["acme/grow"])
    assert line.expected == [0.0, 0.2, 0.3, 0.5, 0.8]


def test_on_the_build_date_it_agrees_with_the_build(cycle):
    line = timeline(cycle, [TODAY], TODAY)
    for objective in cycle.objectives:
        assert line.of(objective) == [pytest.approx(objective.progress, rel=1e-12)]
    for owner in cycle.owners.values():
        assert line.of(owner) == [pytest.approx(owner.progress, rel=1e-12)]


def test_an_owner_without_objectives_has_no_progress_on_any_day(make_site):
    root = make_site({"content/sprint/acme.md": COMPANY,
                      "content/sprint/team.md": "---\nname: Team\nkind: team\nparent: acme\n---\n"}, SPRINT_TOML)
    site, _ = load(root, TODAY)
    cycle = site.cycles[0]
    assert timeline(cycle, [D(2026, 1, 2), TODAY], TODAY).of(cycle.owners["team"]) == [None, None]


@pytest.mark.parametrize("today, days", [
    (D(2026, 1, 9), [D(2026, 1, 1), D(2026, 1, 8), D(2026, 1, 9)]),
    (D(2026, 1, 8), [D(2026, 1, 1), D(2026, 1, 8)]),
    (D(2026, 3, 1), [D(2026, 1, 1), D(2026, 1, 8), D(2026, 1, 11)]),  # over: up to its end
    (D(2025, 12, 1), []),  # not begun
])
def test_weekly_days(cycle, today, days):
    assert weekly_days(cycle, today) == days


PERSON = ("---\nname: Pat\nkind: person\nparent: team\nobjectives:\n  - id: learn\n    title: Learn\n"
          "    key_results:\n      - {id: k, title: K, start: 0, target: 10, checkins: [{date: 2026-01-02, value: 5}]}\n"
          "---\n")


@pytest.fixture
def with_person(make_site):
    root = make_site({"content/sprint/acme.md": COMPANY, "content/sprint/team.md": TEAM,
                      "content/sprint/pat.md": PERSON}, SPRINT_TOML)
    site, _ = load(root, TODAY)
    return site.cycles[0]


def test_for_some_owners_only_what_their_rollups_reach_is_computed(with_person):
    """The company's rollup reaches the team's objective, not the person's: the same lines, less work."""
    cycle = with_person
    objectives, krs = by_ref(cycle)
    days = [D(2026, 1, 1), D(2026, 1, 3), TODAY]
    everything = timeline(cycle, days, TODAY)
    company = cycle.owners["acme"]
    some = timeline(cycle, days, TODAY, [company])
    assert some.of(company) == everything.of(company)
    assert some.of(objectives["team/ship"]) == everything.of(objectives["team/ship"])  # through the rollup
    assert set(some.owners) == {id(company)}
    assert id(objectives["pat/learn"]) not in some.objectives and id(krs["pat/learn/k"]) not in some.key_results


def test_reach_adds_an_objective_after_what_its_rollups_reach_with_the_same_numbers(with_person):
    cycle = with_person
    objectives, krs = by_ref(cycle)
    days = [D(2026, 1, 1), D(2026, 1, 3), TODAY]
    everything, line = timeline(cycle, days, TODAY), on_demand(cycle, days)
    reach(line, objectives["acme/grow"], TODAY)
    assert set(line.objectives) == {id(objectives["acme/grow"]), id(objectives["team/ship"])}  # not the person's
    for item in (objectives["acme/grow"], objectives["team/ship"], krs["acme/grow/teams"], krs["team/ship/speed"]):
        assert line.of(item) == everything.of(item)
    assert line.expected == everything.expected
    assert rolled_up([objectives["acme/grow"]]) == [objectives["team/ship"]]
    assert rolled_up([objectives["team/ship"], objectives["pat/learn"]]) == []
