"""Tests of okrsite.digest: what moved in a week, exactly, grouped by department."""

from __future__ import annotations

import datetime as dt

import pytest

from content import WEEK, WEEK_TOML
from okrsite.assemble import load_site
from okrsite.diagnostics import Diagnostics
from okrsite.digest import CAP, make_digest
from okrsite.model import CheckIn, KeyResult, Objective
from okrsite.options import BuildOptions

D = dt.date
TODAY = D(2026, 1, 21)


def week_site(make_site, include_private: bool = False, files: dict | None = None, today: dt.date = TODAY):
    root = make_site({**WEEK, **(files or {})}, WEEK_TOML)
    diagnostics = Diagnostics()
    site = load_site(root, BuildOptions(today, include_private=include_private), diagnostics)
    assert site is not None, [d.format() for d in diagnostics.items]
    return site


def refs(items) -> list[str]:
    def ref(item) -> str:
        for name in ("key_result", "objective", "item"):
            if hasattr(item, name):
                return getattr(item, name).ref
        raise AssertionError(item)
    return [ref(item) for item in items]


def groups(digest) -> dict:
    return {group.name: group for group in digest.groups}


def test_the_week_before_the_build_date_by_default(make_site):
    digest = make_digest(week_site(make_site))
    assert (digest.since, digest.until) == (D(2026, 1, 14), TODAY)
    assert digest.cycle.id == "sprint" and digest.title == "Acme OKRs"
    assert digest.totals == {"moved": 4, "worse": 1, "confidence_drops": 0, "stale": 2, "achieved": 2}


def test_what_moved_before_and_after_with_the_notes_newest_first(make_site):
    company = groups(make_digest(week_site(make_site)))["Company"]
    [move] = company.moved.shown
    assert move.key_result.ref == "acme/grow/revenue"
    assert (move.value_before, move.value_after) == (40, 80)  # the check-in of 12 Jan, then that of 20 Jan
    assert (move.progress_before, move.progress_after) == (0.4, 0.8)
    assert [(c.date, c.note) for c in move.notes] == [(D(2026, 1, 20), "Renewals"), (D(2026, 1, 16), "Big deal")]
    # the milestone done without check-ins has no history: it never moves
    assert refs(company.moved.shown) == ["acme/grow/revenue"]


def test_a_check_in_on_the_day_since_counts_as_before(make_site):
    digest = make_digest(week_site(make_site), since=D(2026, 1, 16))
    [move] = groups(digest)["Company"].moved.shown
    assert (move.value_before, move.value_after, move.progress_before) == (70, 80, 0.7)
    assert [c.note for c in move.notes] == ["Renewals"]


def test_a_falling_target_and_a_person_without_a_department(make_site):
    ops = groups(make_digest(week_site(make_site)))["Ops"]  # a team right under the company: its own group
    assert ops.owner.id == "ops"
    assert refs(ops.moved.shown) == ["kim/pack/done-right", "ops/ship/days"]  # 25 points before 20
    kim, days = ops.moved.shown
    assert (kim.value_before, kim.value_after, kim.progress_before, kim.progress_after) == (0, 1, 0.0, 0.25)
    assert (days.value_before, days.value_after) == (9, 8)
    assert (days.progress_before, days.progress_after) == (pytest.approx(0.2, abs=1e-15), pytest.approx(0.4, abs=1e-15))
    assert [c.note for c in days.notes] == ["Faster *carrier* <b>signed</b>"]
    assert ops.worse.total == 0  # off track -> at risk is better, off track -> off track no worse


def test_status_that_got_worse_by_the_pace_rule_and_a_manual_status_that_stands(make_site):
    marketing = groups(make_digest(week_site(make_site)))["Marketing"]
    [change] = marketing.worse.shown
    # 0.5 done: on 14 Jan 13/30 of the cycle had passed (pace 1.15), on 21 Jan 20/30 (pace 0.75)
    assert (change.objective.ref, change.before, change.after) == ("marketing/leads", "on-track", "at-risk")
    assert (change.progress_before, change.progress_after) == (0.5, 0.5)
    # ads/brand would fall the same way, but its `status: on-track` stands on both days


def test_stale_key_results_department_first(make_site):
    marketing = groups(make_digest(week_site(make_site)))["Marketing"]
    assert [(s.key_result.ref, s.days) for s in marketing.stale.shown] == [
        ("marketing/leads/signups", 19), ("ads/brand/mentions", 20)]
    assert all(s.key_result.stale for s in marketing.stale.shown)


def test_achieved_key_results_and_objectives(make_site):
    marketing = groups(make_digest(week_site(make_site)))["Marketing"]
    achieved = marketing.achieved.shown
    assert refs(achieved) == ["ads/reach", "ads/reach/clicks"]  # objectives first
    assert [type(a.item) for a in achieved] == [Objective, KeyResult]
    assert [a.progress_before for a in achieved] == [0.5, 0.5]
    [move] = marketing.moved.shown
    assert (move.key_result.ref, move.value_before, move.value_after) == ("ads/reach/clicks", 50, 100)


def test_a_milestone_done_in_the_week_is_achieved(make_site):
    site = week_site(make_site)
    launch = next(kr for o in site.current.objectives for kr in o.key_results if kr.id == "launch")
    launch.history = [CheckIn(D(2026, 1, 3), 0), CheckIn(D(2026, 1, 17), 1)]  # as git history gives it
    company = groups(make_digest(site))["Company"]
    assert [a.item.ref for a in company.achieved.shown] == ["acme/grow/launch"]
    launch_move = next(m for m in company.moved.shown if m.key_result is launch)
    assert (launch_move.value_before, launch_move.progress_before, launch_move.progress_after) == (None, 0.0, 1.0)


def test_groups_in_org_chart_order_with_private_okrs_left_out(make_site):
    digest = make_digest(week_site(make_site))
    assert [g.name for g in digest.groups] == ["Company", "Marketing", "Ops"]
    everything = [item for g in digest.groups for _, s in g.sections for item in s.shown]
    assert not [r for r in refs(everything) if r.startswith(("secret/", "marketing/hidden"))]


def test_private_okrs_are_in_it_when_asked_for(make_site):
    marketing = groups(make_digest(week_site(make_site, include_private=True)))["Marketing"]
    # the department's own key result first, then the biggest move
    assert refs(marketing.moved.shown) == ["marketing/hidden/secret-kr", "ads/reach/clicks", "secret/plot/steps"]


def test_each_section_shows_at_most_the_cap_biggest_moves_first(make_site):
    krs = "".join(f"      - id: kr{n}\n        title: KR {n:02d}\n        start: 0\n        target: 100\n"
                  f"        checkins: [{{date: 2026-01-10, value: 0}}, {{date: 2026-01-20, value: {n}}}]\n"
                  for n in range(1, 14))
    many = f"---\nname: Many\nkind: team\nparent: acme\nobjectives:\n  - id: lots\n    title: Lots\n    key_results:\n{krs}---\n"
    many_group = groups(make_digest(week_site(make_site, files={"content/sprint/many.md": many})))["Many"]
    assert many_group.moved.more == 3 and many_group.moved.total == 13 and len(many_group.moved.shown) == CAP
    assert [m.key_result.id for m in many_group.moved.shown] == [f"kr{n}" for n in range(13, 3, -1)]


def test_a_quiet_week(make_site):
    digest = make_digest(week_site(make_site), since=TODAY)
    # nothing can move in no time; the stale key results are still stale
    assert digest.totals == {"moved": 0, "worse": 0, "confidence_drops": 0, "stale": 2, "achieved": 0}


def test_confidence_drops_is_an_empty_hook_for_now(make_site):
    for group in make_digest(week_site(make_site)).groups:
        assert group.confidence_drops.shown == [] and group.confidence_drops.more == 0


def test_nothing_before_the_cycle_begins(make_site):
    site = week_site(make_site, today=D(2025, 12, 31))
    digest = make_digest(site)
    assert digest.empty and digest.groups == [] and digest.cycle is site.current


def test_confidence_that_dropped_since_biggest_drop_first(site):
    """The example's week to 20 Nov: two key results lost confidence (a third rose, one stayed)."""
    digest = make_digest(site)
    drops = [(d.key_result.ref, d.before, d.after) for g in digest.groups for d in g.confidence_drops.shown]
    assert drops == [("suds/planet-friendly/plastic-free", 0.7, 0.5),
                     ("packaging/compostable-mailers/compostable-share", 0.4, 0.3)]
    assert digest.totals["confidence_drops"] == 2


def test_a_groups_biggest_moves_come_from_all_its_owners_each_week_capped_on_its_own(make_site):
    """Each owner's week keeps its own first CAP moves; the department's group takes its CAP from all of them."""
    def team(name: str, moves: range) -> str:
        krs = "".join(f"      - id: kr{n}\n        title: KR {n:02d}\n        start: 0\n        target: 100\n"
                      f"        checkins: [{{date: 2026-01-10, value: 0}}, {{date: 2026-01-20, value: {n}}}]\n"
                      for n in moves)
        return (f"---\nname: {name.title()}\nkind: team\nparent: marketing\nobjectives:\n  - id: lots\n"
                f"    title: Lots\n    key_results:\n{krs}---\n")
    files = {"content/sprint/odd.md": team("odd", range(41, 65, 2)),
             "content/sprint/even.md": team("even", range(42, 65, 2))}
    marketing = groups(make_digest(week_site(make_site, files=files)))["Marketing"]
    assert refs(marketing.moved.shown) == [f"{'odd' if n % 2 else 'even'}/lots/kr{n}" for n in range(64, 54, -1)]
    assert marketing.moved.total == 24 + 1  # and the ads team's move
