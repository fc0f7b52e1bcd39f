"""Tests of okrsite.coaching: each coaching check on a minimal site, its message and line,
and its switch in [checks] of site.toml. Sites load at 2026-11-20, in cycle 2026-Q4."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import COMPANY, CYCLE, SITE_TOML, load
from okrsite.config import CHECKS
from okrsite.coaching import LINKED, SCORED
from okrsite.cli import main

TEAM = f"{CYCLE}/ops.md"
Q3 = "content/2026-Q3"


def team(*objectives: str, kind: str = "team") -> str:
    """An OKR file: ``objectives:`` is line 5, the first objective starts at line 6."""
    return f"---\nname: Ops\nkind: {kind}\nparent: test-co\nobjectives:\n{''.join(objectives)}---\n"


def objective(ident: str, *krs: str, aligns_to: str | None = "test-co/grow", extra: str = "") -> str:
    """An objective of 4 lines (3 without ``aligns_to``) before its key results, one line each."""
    text = f"  - id: {ident}\n    title: Objective {ident}\n{extra}"
    if aligns_to:
        text += f"    aligns_to: {aligns_to}\n"
    return text + "    key_results:\n" + "".join(f"      - {kr}\n" for kr in krs)


def metric(ident: str, title: str = "", unit: str = "things", checkins: str = "", current: int = 5) -> str:
    unit_part = f", unit: {unit}" if unit else ""
    checkin_part = f", checkins: [{checkins}]" if checkins else ""
    return (f"{{id: {ident}, title: {title or 'KR ' + ident}, start: 0, target: 10, current: {current}"
            f"{unit_part}{checkin_part}}}")


def milestone(ident: str, title: str = "") -> str:
    return f"{{id: {ident}, title: {title or 'Milestone ' + ident}, type: milestone, done: false}}"


GOOD = (metric("a"), metric("b"))


@pytest.fixture
def coach(make_site, monkeypatch):
    """``coach(files)`` -> every diagnostic, formatted, of the company plus ``files`` (the site must load)."""
    def coach(files: dict[str, str], site_toml: str = SITE_TOML, date: dt.date = dt.date(2026, 11, 20)) -> list[str]:
        root = make_site({f"{CYCLE}/test-co.md": COMPANY, **files}, site_toml)
        monkeypatch.chdir(root)
        site, diagnostics = load(root, date)
        assert site is not None, [d.format() for d in diagnostics.items]
        return [d.format() for d in diagnostics.sorted()]
    return coach


def test_every_check_has_a_switch_and_every_switch_a_check():
    assert sorted([*LINKED, *SCORED]) == sorted(CHECKS)


def test_a_good_team_gets_no_coaching(coach):
    assert coach({TEAM: team(objective("x", *GOOD), objective("y", metric("c"), milestone("d")))}) == []


# --- key_result_count and objective_count ----------------------------------------------------


def test_objective_with_one_key_result(coach):
    assert coach({TEAM: team(objective("x", metric("a")))}) == [
        f"{TEAM}:6: warning: objective 'x' has 1 key result: use 2 to 5 "
        "(one alone is easy to game, more than five blur the focus)"]


def test_objective_with_six_key_results(coach):
    krs = [metric(k) for k in "abcdef"]
    assert coach({TEAM: team(objective("x", *krs))}) == [
        f"{TEAM}:6: warning: objective 'x' has 6 key results: use 2 to 5 "
        "(one alone is easy to game, more than five blur the focus)"]


def test_objective_with_no_key_results(coach):
    text = team("  - id: x\n    title: Objective x\n    aligns_to: test-co/grow\n")
    assert coach({TEAM: text}) == [
        f"{TEAM}:6: warning: objective 'x' has 0 key results: use 2 to 5 "
        "(one alone is easy to game, more than five blur the focus)"]


def test_five_objectives_of_five_key_results_are_fine(coach):
    krs = [metric(k) for k in "abcde"]
    assert coach({TEAM: team(*[objective(f"o{i}", *krs) for i in range(5)])}) == []


def test_owner_with_six_objectives(coach):
    assert coach({TEAM: team(*[objective(f"o{i}", *GOOD) for i in range(6)])}) == [
        f"{TEAM}:5: warning: 'ops' has 6 objectives: focus on at most 5 "
        "(with more, none gets real attention); move the rest to a later cycle"]


def test_a_growth_goal_counts_in_no_coaching(coach):
    """Five objectives and a growth goal with one key result, aligned to nothing: not six, not unaligned."""
    growth = objective("learn", metric("a"), aligns_to=None, extra="    growth: true\n")
    assert coach({TEAM: team(*[objective(f"o{i}", *GOOD) for i in range(5)], growth, kind="person")}) == []


def test_a_private_objective_is_coached_too(coach):
    text = team(objective("x", *GOOD), objective("y", metric("a"), extra="    visibility: private\n"))
    assert coach({TEAM: text}) == [
        f"{TEAM}:12: warning: objective 'y' has 1 key result: use 2 to 5 "
        "(one alone is easy to game, more than five blur the focus)"]


# --- outputs -----------------------------------------------------------------------------------


def test_a_metric_titled_like_a_task_is_an_output(coach):
    text = team(objective("x", metric("a"), metric("checkout", "Ship the new checkout")))
    assert coach({TEAM: text}) == [
        f"{TEAM}:11: warning: key result 'checkout' describes an output ('Ship the new checkout'), not an outcome: "
        "rewrite it as the measurable change the work should bring about"]


def test_a_metric_counting_work_is_an_output_number_or_not(coach):
    """Any digit used to exempt a title; the verb and what it acts on decide now (see tests/test_outcomes.py)."""
    text = team(objective("x", metric("a"), metric("protos", "Deliver 3 high-fidelity prototypes")))
    assert coach({TEAM: text}) == [
        f"{TEAM}:11: warning: key result 'protos' describes an output ('Deliver 3 high-fidelity prototypes'), "
        "not an outcome: rewrite it as the measurable change the work should bring about"]


@pytest.mark.parametrize("title", ["Shipping cost per order", "Orders paid by wallet", "Builder satisfaction",
                                   "Raise repeat orders from 20 % to 30 %", "Deliver on-time rate from 80 % to 95 %"])
def test_titles_that_measure_a_change_are_outcomes(coach, title):
    assert coach({TEAM: team(objective("x", metric("a"), metric("b", title)))}) == []


def test_a_milestone_beside_an_outcome_is_fine(coach):
    assert coach({TEAM: team(objective("x", metric("a"), milestone("m", "Write the launch plan")))}) == []


def test_an_objective_measured_only_by_outputs_is_reported_once(coach):
    text = team(objective("x", milestone("m"), metric("docs", "Write the user guide")))
    assert coach({TEAM: text}) == [
        f"{TEAM}:6: warning: objective 'x' is measured only by outputs (milestones and tasks): add a key result "
        "that measures the change they should bring about, from a start value to a target"]


# --- units -----------------------------------------------------------------------------------


def test_a_metric_without_a_unit(coach):
    assert coach({TEAM: team(objective("x", metric("a"), metric("b", unit="")))}) == [
        f"{TEAM}:11: warning: key result 'b' has no unit: add 'unit:' (like customers, %, EUR or days) "
        "so that readers know what its numbers count"]


def test_milestones_and_rollups_need_no_unit(coach):
    rollup = "{id: r, title: Teams on plan, type: rollup}"
    assert coach({TEAM: team(objective("x", metric("a"), milestone("m"), rollup))}) == []


# --- unaligned and unsupported -------------------------------------------------------------------


def test_an_objective_below_the_company_that_aligns_to_nothing(coach):
    assert coach({TEAM: team(objective("x", *GOOD), objective("y", *GOOD, aligns_to=None))}) == [
        f"{TEAM}:12: warning: objective 'y' aligns to nothing: add 'aligns_to: owner/objective' to show how it rolls up"]


def test_a_company_objective_nobody_aligns_to(coach):
    text = team(objective("x", *GOOD, aligns_to=None))
    assert coach({TEAM: text}) == [
        f"{TEAM}:6: warning: objective 'x' aligns to nothing: add 'aligns_to: owner/objective' to show how it rolls up",
        f"{CYCLE}/test-co.md:5: warning: company objective 'grow' has nothing aligned to it: align the objectives "
        "that serve it (aligns_to: test-co/grow), or drop it if nobody works on it"]


def test_aligning_to_a_key_result_supports_its_objective(coach):
    assert coach({TEAM: team(objective("x", *GOOD, aligns_to="test-co/grow/revenue"))}) == []


def test_a_company_is_not_told_to_find_support_before_anyone_below_has_objectives(coach):
    assert coach({}) == []
    assert coach({TEAM: team()}) == []


# --- stale -------------------------------------------------------------------------------------


def test_key_results_without_a_recent_checkin_are_stale_one_note_per_owner(coach):
    old = "{date: 2026-11-05, value: 2}"  # 15 days before the build date
    text = team(objective("x", metric("a", checkins="{date: 2026-11-06, value: 2}"), metric("b", checkins=old)),
                objective("y", metric("c", checkins=old), metric("d")))
    assert coach({TEAM: text}) == [
        f"{TEAM}:11: note: 'ops' has 2 key results with no check-in for more than 14 days (x/b, y/c): "
        "add a check-in with this week's value, even an unchanged one, so that the progress shown is current"]


def test_finished_key_results_and_ones_without_checkins_are_not_stale(coach):
    old = "{date: 2026-10-05, value: 10}"
    text = team(objective("x", metric("reached", checkins=old, current=10), metric("no-checkins")))
    assert coach({TEAM: text}) == []


def test_stale_days_is_a_setting(coach):
    text = team(objective("x", metric("a", checkins="{date: 2026-10-30, value: 2}"), metric("b")))
    assert coach({TEAM: text}, SITE_TOML + "[checks]\nstale_days = 21\n") == []
    assert coach({TEAM: text}, SITE_TOML + "[checks]\nstale_days = 20\n") == [
        f"{TEAM}:10: note: 'ops' has 1 key result with no check-in for more than 20 days (x/a): "
        "add a check-in with this week's value, even an unchanged one, so that the progress shown is current"]


def test_stale_check_ins_are_notes_that_never_fail_strict(make_site, monkeypatch, capsys):
    """Staleness depends on the date, not on a change: a pull request or a publishing job must not fail for it."""
    old = "{date: 2026-11-05, value: 2}"
    root = make_site({f"{CYCLE}/test-co.md": COMPANY, TEAM: team(objective("x", metric("a", checkins=old), metric("b")))})
    monkeypatch.chdir(root)
    assert main(["check", "--strict", "--date", "2026-11-20", "--format", "github"]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith(f"::notice file={TEAM},line=10::'ops' has 1 key result with no check-in")
    assert captured.err == "okrsite check: ok: 0 errors, 0 warnings, 1 note\n"
    assert main(["build", "--strict", "--date", "2026-11-20", "-q"]) == 0


@pytest.mark.parametrize("date", [dt.date(2027, 1, 15), dt.date(2027, 6, 1)])
def test_a_current_cycle_that_has_ended_is_not_stale(coach, date):
    """The example pins its current cycle: built any day after it ends, it must stay clean."""
    text = team(objective("x", metric("a", checkins="{date: 2026-10-05, value: 2}"), metric("b")))
    assert coach({TEAM: text}, SITE_TOML + 'current_cycle = "2026-Q4"\n', date) == []


def test_an_archived_cycle_is_not_stale(coach):
    q3 = COMPANY.replace("{id: revenue, title: Revenue, start: 0, target: 100, current: 50, unit: k}",
                         "{id: revenue, title: Revenue, start: 0, target: 100, unit: k, checkins: "
                         "[{date: 2026-07-02, value: 50}]}")
    assert coach({f"{Q3}/test-co.md": q3}) == []


# --- stretch -----------------------------------------------------------------------------------


def closed_company(*scores: float) -> str:
    objectives = "".join(f"  - id: o{i}\n    title: Objective {i}\n    score: {score}\n    key_results:\n"
                         f"      - {{id: a, title: Revenue, start: 0, target: 10, current: 9, unit: k}}\n"
                         f"      - {{id: b, title: Orders, start: 0, target: 10, current: 9, unit: orders}}\n"
                         for i, score in enumerate(scores))
    return f"---\nname: Test Co\nkind: company\nobjectives:\n{objectives}---\n"


def test_a_closed_cycle_where_every_score_is_high_did_not_stretch(coach):
    assert coach({f"{Q3}/test-co.md": closed_company(0.9, 1.0)}) == [
        f"{Q3}: warning: every aspirational objective of cycle 2026-Q3 scored 0.9 or more: OKRs are meant to stretch "
        "(about 0.7 is the usual sweet spot); set bolder targets next cycle"]


def test_one_score_below_0_9_is_a_stretch(coach):
    assert coach({f"{Q3}/test-co.md": closed_company(0.95, 0.89)}) == []


def committed(text: str, *indexes: int) -> str:
    for i in indexes:
        text = text.replace(f"    title: Objective {i}\n", f"    title: Objective {i}\n    type: committed\n")
    return text


def test_committed_objectives_are_meant_to_reach_1_and_are_left_out_of_the_stretch_check(coach):
    assert [m.split(": OKRs")[0] for m in coach({f"{Q3}/test-co.md": committed(closed_company(0.5, 0.95), 0)})] == [
        f"{Q3}: warning: every aspirational objective of cycle 2026-Q3 scored 0.9 or more"]
    assert coach({f"{Q3}/test-co.md": committed(closed_company(1.0, 1.0), 0, 1)}) == []


def test_only_the_last_closed_cycle_is_judged(coach):
    files = {"content/2026-Q2/test-co.md": closed_company(1.0, 1.0), f"{Q3}/test-co.md": closed_company(0.7, 1.0)}
    assert coach(files) == []


def test_the_current_cycle_is_not_judged_for_stretch(coach):
    assert coach({f"{CYCLE}/test-co.md": closed_company(1.0, 1.0)}) == []


# --- the switches --------------------------------------------------------------------------------


MARKERS = {  # a piece of each check's message
    "key_result_count": "use 2 to 5",
    "objective_count": "focus on at most 5",
    "outputs": "describes an output",
    "units": "has no unit",
    "unaligned": "aligns to nothing",
    "unsupported": "has nothing aligned to it",
    "stale": "no check-in for more than",
    "dependencies": "which is off-track",
    "stretch": "meant to stretch",
}

EVERY_MISTAKE = {
    f"{CYCLE}/test-co.md": COMPANY.replace("---\nThe company.", "  - id: idle\n    title: Idle\n    key_results:\n"
                                           "      - {id: a, title: A, start: 0, target: 1, unit: u}\n"
                                           "      - {id: b, title: B, start: 0, target: 1, unit: u}\n"
                                           "---\nThe company."),
    TEAM: team(objective("one", metric("a"), extra="    status: off-track\n"),
               objective("task", metric("a"), metric("b", "Build the data pipeline")),
               objective("bare", metric("a"), metric("b", unit="")),
               objective("lone", *GOOD, aligns_to=None),
               objective("late", metric("a", checkins="{date: 2026-10-01, value: 1}"), metric("b")),
               objective("sixth", *GOOD, extra="    depends_on: ops/one\n")),
    f"{Q3}/test-co.md": closed_company(1.0, 0.9),
}


def checks_found(warnings: list[str]) -> set[str]:
    return {name for name, marker in MARKERS.items() if any(marker in w for w in warnings)}


def test_the_site_with_every_mistake_gets_every_check(coach):
    warnings = coach(EVERY_MISTAKE)
    assert checks_found(warnings) == set(CHECKS) and len(warnings) == len(CHECKS)


@pytest.mark.parametrize("name", CHECKS)
def test_each_switch_turns_off_its_check_only(coach, name):
    warnings = coach(EVERY_MISTAKE, SITE_TOML + f"\n[checks]\n{name} = false\n")
    assert checks_found(warnings) == set(CHECKS) - {name}


def test_coaching_waits_until_the_cycle_has_no_errors(make_site, monkeypatch):
    broken = team(objective("x", metric("a"), aligns_to="test-co/nope"))
    root = make_site({f"{CYCLE}/test-co.md": COMPANY, TEAM: broken})
    monkeypatch.chdir(root)
    site, diagnostics = load(root)
    assert site is None
    assert [d.severity for d in diagnostics.items] == ["error"]


# --- dependencies ------------------------------------------------------------------------------------


SLOW = objective("slow", *GOOD, extra="    status: off-track\n")


def test_a_need_that_is_off_track_is_a_note_at_the_depends_on_line(coach):
    needs = objective("x", *GOOD, extra="    depends_on: ops/slow\n")
    assert coach({TEAM: team(needs, SLOW)}) == [
        f"{TEAM}:8: note: 'ops/x' depends on 'ops/slow', which is off-track: agree with Ops what can still "
        "be delivered, and plan around it"]


def test_a_key_result_that_needs_an_off_track_key_result_is_noted_at_its_own_line(coach):
    needs = objective("x", metric("a"), "{id: b, title: KR b, start: 0, target: 10, current: 5, unit: things,\n"
                                        "         depends_on: ops/slow/a}")
    slow = objective("slow", "{id: a, title: KR a, start: 0, target: 10, current: 0, unit: things}", metric("b"))
    assert coach({TEAM: team(needs, slow)}) == [
        f"{TEAM}:12: note: 'ops/x/b' depends on 'ops/slow/a', which is off-track: agree with Ops what can still "
        "be delivered, and plan around it"]


def test_needs_on_track_or_at_risk_are_fine(coach):
    at_risk = objective("slow", *GOOD, extra="    status: at-risk\n")
    assert coach({TEAM: team(objective("x", *GOOD, extra="    depends_on: ops/slow\n"), at_risk)}) == []


def test_needs_of_a_cycle_that_is_not_running_are_not_judged(coach):
    needs = objective("x", *GOOD, extra="    depends_on: ops/slow\n")
    assert coach({TEAM: team(needs, SLOW)}, date=dt.date(2027, 2, 1)) == []  # 2026-Q4 is over


def test_an_off_track_need_never_fails_strict(make_site, monkeypatch, capsys):
    """Another team's pace is no reason for this team's pull request to fail."""
    needs = objective("x", *GOOD, extra="    depends_on: ops/slow\n")
    root = make_site({f"{CYCLE}/test-co.md": COMPANY, TEAM: team(needs, SLOW)})
    monkeypatch.chdir(root)
    assert main(["check", "--strict", "--date", "2026-11-20"]) == 0
    assert capsys.readouterr().err.endswith("which is off-track: agree with Ops what can still be delivered, and "
                                            "plan around it\nokrsite check: ok: 0 errors, 0 warnings, 1 note\n")
