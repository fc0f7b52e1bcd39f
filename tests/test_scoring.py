"""Tests of okrsite.scoring: the numbers of section 4 of the contract, exactly."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from conftest import CYCLE, EXAMPLE_DATE, REPO, SITE_TOML, load
from okrsite.config import StatusBands
from okrsite.model import CheckIn, KeyResult, Kpi, Objective, Source
from okrsite.render.pages import format_score, percent
from okrsite.scoring import (
    bands_for,
    children_first,
    clamp,
    elapsed_fraction,
    grade,
    key_result_progress,
    kpi_healthy,
    kpi_verdicts,
    mean,
    metric_progress,
    metric_progresses,
    numbers,
    pace_status,
    rescore,
    score_cycle,
    weighted_mean,
    weighted_means,
)
from okrsite.written import Written

D = dt.date
BANDS = StatusBands()
EXACT = dict(rel=1e-12, abs=1e-12)

# A ten-day cycle, so the elapsed fraction is a round number on every day.
SPRINT_TOML = SITE_TOML + """
current_cycle = "sprint"

[cycles.sprint]
start = 2026-01-01
end = 2026-01-11
"""
MIDWAY = D(2026, 1, 6)  # expected 0.5


def company(objectives: str, name: str = "Acme") -> str:
    return f"---\nname: {name}\nkind: company\nobjectives:\n{objectives}---\n"


def child(parent: str, objectives: str, kind: str = "team") -> str:
    return f"---\nname: X\nkind: {kind}\nparent: {parent}\nobjectives:\n{objectives}---\n"


def metric_objective(ident: str, *values: float, aligns_to: str | None = None, extra: str = "") -> str:
    """An objective whose metric key results go 0 -> 100 and stand at ``values``."""
    text = f"  - id: {ident}\n    title: {ident}\n"
    if aligns_to:
        text += f"    aligns_to: {aligns_to}\n"
    text += extra + "    key_results:\n"
    for index, value in enumerate(values):
        text += f"      - {{id: k{index}, title: K{index}, start: 0, target: 100, current: {value}}}\n"
    return text


@pytest.fixture
def scored(make_site):
    """``scored(files, date, cycle="sprint")`` -> the loaded, scored cycle."""
    def scored(files: dict[str, str], date: dt.date = MIDWAY, cycle: str = "sprint", site_toml: str = SPRINT_TOML):
        content = {f"content/{cycle}/{path}": text for path, text in files.items()}
        if cycle != "sprint":  # the current cycle needs a folder too
            content["content/sprint/acme.md"] = company(metric_objective("o", 0, 0))
            site_toml += f"\n[cycles.{cycle}]\nstart = 2025-12-01\nend = 2025-12-11\n"
        root = make_site(content, site_toml)
        site, diagnostics = load(root, date)
        assert site is not None, [d.format() for d in diagnostics.items]
        return next(c for c in site.cycles if c.id == cycle)
    return scored


def objectives_of(cycle) -> dict[str, Objective]:
    return {o.ref: o for o in cycle.objectives}


def kr(**fields) -> KeyResult:
    return KeyResult(id="k", title="K", source=Source("x.md", 1), **fields)


# --- the pure arithmetic -------------------------------------------------------------------


def test_metric_progress_rising_and_falling():
    assert metric_progress(20000, 100000, 64000) == pytest.approx(0.55, **EXACT)
    assert metric_progress(14, 7, 9) == pytest.approx(5 / 7, **EXACT)
    assert metric_progress(7.5, 9.0, 8.4) == pytest.approx(0.6, **EXACT)
    assert metric_progress(0, 80, 40) == 0.5
    assert metric_progress(0, 80, 0) == 0.0
    assert metric_progress(0, 80, 80) == 1.0


def test_metric_progress_is_clamped():
    assert metric_progress(0, 100, -20) == 0.0
    assert metric_progress(0, 100, 150) == 1.0
    assert metric_progress(14, 7, 20) == 0.0   # a falling target moving the wrong way
    assert metric_progress(14, 7, 3) == 1.0    # beyond a falling target


def test_clamp():
    assert (clamp(-0.5), clamp(0.0), clamp(0.25), clamp(1.0), clamp(7)) == (0.0, 0.0, 0.25, 1.0, 1.0)


def test_weighted_mean():
    assert weighted_mean([(1.0, 3), (0.0, 1)]) == 0.75
    assert weighted_mean([(0.2, 1), (0.4, 1)]) == pytest.approx(0.3, **EXACT)
    assert weighted_mean([(0.5, 2)]) == 0.5
    assert weighted_mean([]) == 0.0


def test_mean():
    assert mean([0.2, 0.4, 0.9]) == pytest.approx(0.5, **EXACT)
    assert mean([]) is None


def test_elapsed_fraction():
    start, end = D(2026, 1, 1), D(2026, 1, 11)
    assert elapsed_fraction(start, end, start) == 0.0
    assert elapsed_fraction(start, end, D(2026, 1, 6)) == 0.5
    assert elapsed_fraction(start, end, end) == 1.0
    assert elapsed_fraction(start, end, D(2025, 12, 1)) == 0.0
    assert elapsed_fraction(start, end, D(2026, 3, 1)) == 1.0


@pytest.mark.parametrize("progress, expected, status", [
    (0.40, 0.5, "on-track"),    # pace 0.8: on the band
    (0.39, 0.5, "at-risk"),
    (0.25, 0.5, "at-risk"),     # pace 0.5: on the band
    (0.24, 0.5, "off-track"),
    (0.0, 0.0, "on-track"),     # nothing expected at the start
    (0.0, 1.0, "off-track"),
    (1.0, 1.0, "on-track"),
])
def test_pace_status_with_default_bands(progress, expected, status):
    assert pace_status(progress, expected, BANDS) == status


def test_pace_status_with_other_bands():
    bands = StatusBands(on_track=1.0, at_risk=0.9)
    assert pace_status(0.5, 0.5, bands) == "on-track"
    assert pace_status(0.45, 0.5, bands) == "at-risk"
    assert pace_status(0.44, 0.5, bands) == "off-track"


@pytest.mark.parametrize("score, band", [
    (1.0, "achieved"), (0.7, "achieved"), (0.69, "progress"), (0.3, "progress"), (0.29, "missed"), (0.0, "missed"),
])
def test_grade_with_default_bands(score, band):
    assert grade(score, BANDS) == band


def test_key_result_progress_by_type():
    assert key_result_progress(kr(type="milestone", done=True)) == 1.0
    assert key_result_progress(kr(type="milestone", done=False)) == 0.0
    assert key_result_progress(kr(type="rollup")) == 0.0
    assert key_result_progress(kr(start=0, target=10, current_given=4)) == 0.4
    assert key_result_progress(kr(start=5, target=5, current_given=5)) == 0.0  # never divides by zero


def test_current_defaults_to_the_latest_checkin_else_start():
    k = kr(start=10, target=20)
    assert k.current == 10
    k.checkins_given = [CheckIn(D(2026, 1, 2), 12), CheckIn(D(2026, 1, 5), 15)]
    assert k.current == 15
    assert key_result_progress(k) == 0.5
    k.current_given = 11
    assert k.current == 11


@given(start=st.floats(-1e9, 1e9), target=st.floats(-1e9, 1e9), current=st.floats(-1e9, 1e9))
def test_metric_progress_is_always_between_0_and_1(start, target, current):
    assume(start != target)
    assert 0.0 <= metric_progress(start, target, current) <= 1.0


NUMBERS = st.one_of(st.integers(-2 ** 60, 2 ** 60), st.integers(-1000, 1000),
                    st.floats(allow_nan=False, allow_infinity=False), st.floats(-1e6, 1e6),
                    st.builds(Written, st.floats(allow_nan=False, allow_infinity=False), st.integers(0, 3)),
                    st.builds(Written, st.floats(-1e6, 1e6), st.integers(0, 3)))  # numbers with decimals, as loaded


@given(start=NUMBERS, target=NUMBERS, values=st.lists(NUMBERS, max_size=6))
def test_metric_progresses_are_metric_progress_exactly(start, target, values):
    """The batch the timeline uses gives the very floats of the one-by-one rule, extremes included."""
    assume(start != target)
    assert metric_progresses(start, target, values) == [metric_progress(start, target, v) for v in values]


@given(st.integers(1, 6).flatmap(lambda days: st.tuples(
    st.lists(st.lists(st.floats(0, 1), min_size=days, max_size=days), max_size=5),
    st.lists(st.one_of(st.integers(1, 5), st.floats(0.01, 100), st.floats(1e307, 1.7e308)), min_size=5, max_size=5),
    st.just(days))))
def test_weighted_means_are_weighted_mean_of_each_column_exactly(case):
    lines, weights, days = case
    weights = weights[:len(lines)]
    expected = [weighted_mean(zip(column, weights)) for column in zip(*lines)] if lines else [0.0] * days
    assert weighted_means(lines, weights, days) == expected


def test_metric_progresses_of_everyday_numbers():
    assert metric_progresses(14, 7, [14, 9, 7, 3, 20]) == [0.0, 5 / 7, 1.0, 1.0, 0.0]
    assert metric_progresses(7.5, 9.0, [8.4]) == [metric_progress(7.5, 9.0, 8.4)]
    assert metric_progresses(10, 10.0, [12]) == [0.0]
    assert metric_progresses(Written(7.5, 1), 9, [Written(8.40, 2)]) == [metric_progress(7.5, 9.0, 8.4)]


@given(st.lists(st.tuples(st.floats(0, 1), st.floats(0.01, 100)), min_size=1, max_size=20))
def test_weighted_mean_lies_between_min_and_max(pairs):
    values = [value for value, _ in pairs]
    result = weighted_mean(pairs)
    assert min(values) - 1e-12 <= result <= max(values) + 1e-12


@given(st.lists(st.floats(0, 1), min_size=1, max_size=20))
def test_weighted_mean_with_equal_weights_is_the_mean(values):
    assert weighted_mean((v, 1) for v in values) == pytest.approx(sum(values) / len(values), rel=1e-9, abs=1e-12)


# --- the contract's worked example ---------------------------------------------------------

WORKED = """\
  - id: ship
    title: Ship faster
    key_results:
      - {id: cycle-time, title: Cycle time, start: 14, target: 7, current: 9, unit: days}
      - {id: nps, title: NPS, start: 7.5, target: 9.0, current: 8.4}
      - {id: coverage, title: Test coverage, start: 0, target: 80, current: 40, unit: "%"}
"""


def test_worked_example_progress(scored):
    cycle = scored({"acme.md": company(WORKED)})
    objective = objectives_of(cycle)["acme/ship"]
    assert [k.progress for k in objective.key_results] == [
        pytest.approx(5 / 7, **EXACT), pytest.approx(0.6, **EXACT), pytest.approx(0.5, **EXACT)]
    assert round(objective.key_results[0].progress, 3) == 0.714
    assert objective.progress == pytest.approx((5 / 7 + 0.6 + 0.5) / 3, **EXACT)
    assert round(objective.progress, 3) == 0.605
    assert percent(objective.progress) == "60 %"
    # no grades given: the score is the progress
    assert objective.score == pytest.approx(objective.progress, **EXACT)


def test_worked_example_score(scored):
    graded = WORKED.replace("unit: days}", "unit: days, score: 0.7}").replace(
        "current: 8.4}", "current: 8.4, score: 0.8}").replace('unit: "%"}', 'unit: "%", score: 0.5}')
    cycle = scored({"acme.md": company(graded)})
    objective = objectives_of(cycle)["acme/ship"]
    assert [k.score for k in objective.key_results] == [0.7, 0.8, 0.5]
    assert objective.score == pytest.approx(2.0 / 3, **EXACT)
    assert format_score(objective.score) == "0.67"
    # grades do not change progress
    assert percent(objective.progress) == "60 %"


def test_objective_score_given_wins(scored):
    cycle = scored({"acme.md": company(metric_objective("o", 20, 40, extra="    score: 0.9\n"))})
    objective = objectives_of(cycle)["acme/o"]
    assert objective.progress == pytest.approx(0.3, **EXACT)
    assert objective.score == 0.9


# --- key results and objectives on a loaded site -------------------------------------------


def test_weights(scored):
    objectives = (
        "  - id: o\n    title: O\n    key_results:\n"
        "      - {id: a, title: A, start: 0, target: 10, current: 10, weight: 3, score: 0.2}\n"
        "      - {id: b, title: B, start: 0, target: 10, current: 0, score: 1.0}\n")
    objective = objectives_of(scored({"acme.md": company(objectives)}))["acme/o"]
    assert objective.progress == 0.75
    assert objective.score == pytest.approx((0.2 * 3 + 1.0) / 4, **EXACT)


def test_milestones(scored):
    objectives = (
        "  - id: o\n    title: O\n    key_results:\n"
        "      - {id: a, title: A, type: milestone, done: true}\n"
        "      - {id: b, title: B, type: milestone, done: false}\n"
        "      - {id: c, title: C, type: milestone, done: false}\n"
        "      - {id: d, title: D, type: milestone, done: true}\n")
    objective = objectives_of(scored({"acme.md": company(objectives)}))["acme/o"]
    assert [k.progress for k in objective.key_results] == [1.0, 0.0, 0.0, 1.0]
    assert objective.progress == 0.5


def test_falling_and_clamped_metrics(scored):
    objectives = (
        "  - id: o\n    title: O\n    key_results:\n"
        "      - {id: a, title: A, start: 14, target: 7, current: 16}\n"
        "      - {id: b, title: B, start: 14, target: 7, current: 3}\n"
        "      - {id: c, title: C, start: 100, target: 200, current: 50}\n"
        "      - {id: d, title: D, start: 100, target: 200, current: 250}\n")
    objective = objectives_of(scored({"acme.md": company(objectives)}))["acme/o"]
    assert [k.progress for k in objective.key_results] == [0.0, 1.0, 0.0, 1.0]
    assert objective.progress == 0.5


def test_current_from_checkins_else_start(scored):
    objectives = (
        "  - id: o\n    title: O\n    key_results:\n"
        "      - id: a\n        title: A\n        start: 10\n        target: 20\n"
        "        checkins:\n"
        "          - {date: 2026-01-02, value: 19}\n"
        "          - {date: 2026-01-04, value: 14}\n"
        "      - {id: b, title: B, start: 10, target: 20}\n")
    a, b = objectives_of(scored({"acme.md": company(objectives)}))["acme/o"].key_results
    assert (a.current, a.progress) == (14, pytest.approx(0.4, **EXACT))
    assert (b.current, b.progress) == (10, 0.0)


def test_rollup_is_the_mean_of_aligned_objectives(scored):
    root = (
        "  - id: o\n    title: O\n    key_results:\n"
        "      - {id: regions, title: Regions, type: rollup}\n"
        "      - {id: nobody, title: Nobody, type: rollup}\n")
    cycle = scored({
        "acme.md": company(root),
        "east.md": child("acme", metric_objective("e", 20, 20, aligns_to="acme/o/regions")),
        "west.md": child("acme", metric_objective("w", 60, 60, aligns_to="acme/o/regions")),
        "misc.md": child("acme", metric_objective("m", 100, 100, aligns_to="acme/o")),  # to the objective only
    })
    regions, nobody = objectives_of(cycle)["acme/o"].key_results
    assert regions.progress == pytest.approx(0.4, **EXACT)
    assert nobody.progress == 0.0
    assert objectives_of(cycle)["acme/o"].progress == pytest.approx(0.2, **EXACT)


def test_rollups_of_rollups_are_scored_children_first(scored):
    """The company file sorts first, so each parent is read before the objectives under it."""
    rollup = "      - {{id: r, title: R, type: rollup}}\n      - {{id: m, title: M, type: milestone, done: {done}}}\n"
    cycle = scored({
        "acme.md": company("  - id: top\n    title: Top\n    key_results:\n" + rollup.format(done="false")),
        "b-dept.md": child("acme", "  - id: mid\n    title: Mid\n    aligns_to: acme/top/r\n    key_results:\n"
                           + rollup.format(done="true"), kind="department"),
        "c-team.md": child("b-dept", metric_objective("low", 30, 50, aligns_to="b-dept/mid/r")),
    })
    objectives = objectives_of(cycle)
    assert objectives["c-team/low"].progress == pytest.approx(0.4, **EXACT)
    assert objectives["b-dept/mid"].progress == pytest.approx((0.4 + 1.0) / 2, **EXACT)
    assert objectives["acme/top"].progress == pytest.approx((0.7 + 0.0) / 2, **EXACT)
    assert cycle.progress == pytest.approx(0.35, **EXACT)


def test_children_first_orders_aligned_objectives_before_their_parents(scored):
    cycle = scored({
        "acme.md": company(metric_objective("top", 10, 10)),
        "b.md": child("acme", metric_objective("mid", 10, 10, aligns_to="acme/top")),
        "c.md": child("b", metric_objective("low", 10, 10, aligns_to="b/mid")),
    })
    order = [o.ref for o in children_first(cycle.objectives)]
    assert sorted(order) == ["acme/top", "b/mid", "c/low"]
    assert order.index("c/low") < order.index("b/mid") < order.index("acme/top")


def test_owner_and_cycle_progress(scored):
    cycle = scored({
        "acme.md": company(metric_objective("a", 10, 30) + metric_objective("b", 60, 80)),
        "ops.md": child("acme", metric_objective("x", 0, 100, aligns_to="acme/a")),
        "idle.md": "---\nname: Idle\nkind: team\nparent: acme\n---\n",
    })
    owners = cycle.owners
    assert owners["acme"].progress == pytest.approx((0.2 + 0.7) / 2, **EXACT)
    assert owners["ops"].progress == pytest.approx(0.5, **EXACT)
    assert owners["idle"].progress is None and owners["idle"].status == ""
    assert cycle.progress == owners["acme"].progress
    assert cycle.score == owners["acme"].score


# --- status --------------------------------------------------------------------------------


@pytest.mark.parametrize("value, status", [(40, "on-track"), (39, "at-risk"), (25, "at-risk"), (24, "off-track")])
def test_pace_status_in_the_current_cycle(scored, value, status):
    cycle = scored({"acme.md": company(metric_objective("o", value, value))}, date=MIDWAY)
    assert cycle.state == "current"
    assert cycle.expected == 0.5
    objective = objectives_of(cycle)["acme/o"]
    assert objective.status == status
    assert [k.status for k in objective.key_results] == [status, status]
    assert cycle.owners["acme"].status == status
    assert cycle.status_counts == {status: 1}


def test_expected_is_zero_at_the_cycle_start(scored):
    cycle = scored({"acme.md": company(metric_objective("o", 0, 0))}, date=D(2026, 1, 1))
    assert cycle.expected == 0.0
    assert objectives_of(cycle)["acme/o"].status == "on-track"


def test_expected_on_a_quarter(make_site):
    root = make_site({"content/2026-Q4/acme.md": company(metric_objective("o", 0, 0))})
    site, _ = load(root, D(2026, 11, 15))
    assert site.current.expected == pytest.approx(45 / 91, **EXACT)


def test_status_bands_from_site_toml(scored):
    toml = SPRINT_TOML + "\n[status]\non_track = 1.0\nat_risk = 0.9\n"
    cycle = scored({"acme.md": company(metric_objective("o", 40, 40) + metric_objective("p", 50, 50))}, site_toml=toml)
    objectives = objectives_of(cycle)
    assert objectives["acme/o"].status == "off-track"
    assert objectives["acme/p"].status == "on-track"


def test_manual_status_wins_in_the_current_cycle(scored):
    cycle = scored({"acme.md": company(
        metric_objective("o", 100, 100, extra="    status: off-track\n")
        + metric_objective("p", 0, 0, extra="    status: on-track\n"))})
    objectives = objectives_of(cycle)
    assert objectives["acme/o"].status == "off-track"
    assert objectives["acme/p"].status == "on-track"
    assert cycle.status_counts == {"off-track": 1, "on-track": 1}


def test_archived_status_is_the_score_band(scored):
    cycle = scored({"acme.md": company(
        metric_objective("a", 70, 70)
        + metric_objective("b", 69, 69)
        + metric_objective("c", 30, 30, extra="    status: on-track\n")   # ignored once archived
        + metric_objective("d", 100, 100, extra="    score: 0.29\n"))}, cycle="past")
    assert cycle.state == "archived"
    assert cycle.expected == 1.0
    objectives = objectives_of(cycle)
    assert [objectives[f"acme/{x}"].status for x in "abcd"] == ["achieved", "progress", "progress", "missed"]
    assert [k.status for k in objectives["acme/a"].key_results] == ["achieved", "achieved"]
    assert cycle.status_counts == {"achieved": 1, "progress": 2, "missed": 1}
    assert cycle.score == pytest.approx((0.7 + 0.69 + 0.3 + 0.29) / 4, **EXACT)
    assert cycle.owners["acme"].status == "progress"


COMMITTED = "    type: committed\n"


def test_bands_for_a_committed_objective_ask_for_1_and_keep_the_lower_bands():
    assert bands_for("aspirational", BANDS) == BANDS
    assert bands_for("committed", BANDS) == StatusBands(achieved=1.0, progress=0.3, on_track=1.0, at_risk=0.5)
    stricter = StatusBands(achieved=0.7, progress=0.3, on_track=1.2, at_risk=0.9)
    assert bands_for("committed", stricter) == StatusBands(achieved=1.0, progress=0.3, on_track=1.2, at_risk=0.9)


@pytest.mark.parametrize("value, status", [(50, "on-track"), (49, "at-risk"), (40, "at-risk"), (25, "at-risk"),
                                           (24, "off-track")])
def test_a_committed_objective_is_on_track_only_at_full_pace(scored, value, status):
    """Half the cycle gone: a committed objective needs half its way to 1.0; at risk and off track as before."""
    cycle = scored({"acme.md": company(metric_objective("o", value, value, extra=COMMITTED)
                                       + metric_objective("p", value, value))}, date=MIDWAY)
    objectives = objectives_of(cycle)
    assert objectives["acme/o"].type == "committed" and objectives["acme/p"].type == "aspirational"
    assert objectives["acme/o"].status == status
    assert [k.status for k in objectives["acme/o"].key_results] == [status, status]
    aspirational = "on-track" if value >= 40 else status
    assert objectives["acme/p"].status == aspirational
    assert cycle.owners["acme"].status == aspirational  # owners mix types: the site's bands


def test_a_committed_key_result_is_measured_by_its_objective(scored):
    cycle = scored({"acme.md": company(metric_objective("o", 80, 45, extra=COMMITTED))}, date=MIDWAY)
    objective = objectives_of(cycle)["acme/o"]
    assert objective.progress == 0.625
    assert [k.status for k in objective.key_results] == ["on-track", "at-risk"]
    assert objective.status == "on-track"


def test_a_manual_status_wins_over_the_committed_bar(scored):
    cycle = scored({"acme.md": company(metric_objective("o", 10, 10, extra=COMMITTED + "    status: on-track\n"))})
    assert objectives_of(cycle)["acme/o"].status == "on-track"


def test_a_committed_objective_is_achieved_only_at_1(scored):
    cycle = scored({"acme.md": company(
        metric_objective("a", 100, 100, extra=COMMITTED)
        + metric_objective("b", 100, 99, extra=COMMITTED)
        + metric_objective("c", 30, 30, extra=COMMITTED)
        + metric_objective("d", 29, 29, extra=COMMITTED)
        + metric_objective("e", 100, 100, extra=COMMITTED + "    score: 0.99\n"))}, cycle="past")
    objectives = objectives_of(cycle)
    assert [objectives[f"acme/{x}"].status for x in "abcde"] == ["achieved", "progress", "progress", "missed", "progress"]
    assert [k.status for k in objectives["acme/b"].key_results] == ["achieved", "progress"]
    assert objectives["acme/b"].score == 0.995
    assert cycle.status_counts == {"achieved": 1, "progress": 3, "missed": 1}
    assert cycle.owners["acme"].status == "achieved"  # a mean of 0.715, by the site's bands


def test_an_upcoming_cycle_is_not_started(make_site):
    """Before a cycle starts nothing is expected yet: every status says so, manual ones too."""
    toml = SPRINT_TOML + "\n[cycles.next]\nstart = 2026-12-01\nend = 2026-12-11\n"
    root = make_site({
        "content/sprint/acme.md": company(metric_objective("o", 50, 50)),
        "content/next/acme.md": company(metric_objective("o", 10, 0, extra="    status: off-track\n")),
    }, toml)
    site, diagnostics = load(root, MIDWAY)
    assert site is not None, [d.format() for d in diagnostics.items]
    upcoming = next(c for c in site.cycles if c.id == "next")
    assert upcoming.state == "upcoming"
    objective = upcoming.owners["acme"].objectives[0]
    assert objective.progress == pytest.approx(0.05, **EXACT)
    assert objective.status == "not-started"
    assert [k.status for k in objective.key_results] == ["not-started", "not-started"]
    assert upcoming.owners["acme"].status == "not-started"
    assert upcoming.status_counts == {"not-started": 1}


@pytest.mark.parametrize("current, target, direction, healthy", [
    (31.4, 30, "higher", True),
    (30, 30, "higher", True),  # meeting the target is enough
    (29.9, 30, "higher", False),
    (2.4, 3, "lower", True),
    (3, 3, "lower", True),
    (1, 0, "lower", False),
    (None, 3, "lower", None),  # no current value: no verdict
    (2.4, None, "higher", None),  # no target: no verdict
])
def test_a_kpi_is_healthy_when_it_meets_its_target_in_its_direction(current, target, direction, healthy):
    assert kpi_healthy(Kpi("k", "K", current_given=current, target=target, direction=direction)) is healthy


def test_scoring_a_cycle_gives_every_kpi_its_health(make_site):
    root = make_site({"content/2026-Q4/test-co.md": """\
        ---
        name: Test Co
        kind: company
        kpis:
          - {id: churn, title: Churn, current: 4, target: 3, direction: lower}
          - {id: nps, title: NPS, current: 41, target: 40}
          - {id: new, title: New metric, current: 7}
        ---
        """})
    site, diagnostics = load(root)
    assert not diagnostics.errors, diagnostics.items
    kpis = site.cycles[0].owners["test-co"].kpis
    assert [k.healthy for k in kpis] == [False, True, None]


def test_a_kpis_verdict_at_each_check_in_follows_its_target_and_direction():
    checkins = [CheckIn(dt.date(2026, 10, day), value) for day, value in ((1, 3.5), (8, 3.0), (15, 2.9), (22, 3.1))]
    lower = Kpi("churn", "Churn", target=3, direction="lower", checkins=checkins)
    assert lower.current == 3.1 and kpi_healthy(lower) is False
    assert kpi_verdicts(lower) == [(dt.date(2026, 10, 1), False), (dt.date(2026, 10, 8), True),
                                   (dt.date(2026, 10, 15), True), (dt.date(2026, 10, 22), False)]
    higher = Kpi("nps", "NPS", target=3, checkins=checkins)
    assert [healthy for _, healthy in kpi_verdicts(higher)] == [True, True, False, True]
    assert kpi_verdicts(Kpi("x", "X", checkins=checkins)) == []  # no target: no verdicts


GROWTH_PERSON = """\
    ---
    name: Ada
    kind: person
    parent: test-co
    objectives:
      - id: ship
        title: Ship
        aligns_to: test-co/grow
        key_results:
          - {id: done, title: Done, start: 0, target: 10, current: 8}
      - id: speak
        title: Speak at a conference
        growth: true
        key_results:
          - {id: talks, title: Talks, start: 0, target: 4, current: 1}
          - {id: course, title: Course, type: milestone, done: true}
    ---
    """


def test_a_growth_goal_is_scored_but_counts_in_no_owners_progress_nor_the_cycles_counts(make_site):
    root = make_site({f"{CYCLE}/test-co.md": """\
        ---
        name: Test Co
        kind: company
        objectives:
          - id: grow
            title: Grow
            key_results:
              - {id: revenue, title: Revenue, start: 0, target: 100, current: 50}
        ---
        """, f"{CYCLE}/ada.md": GROWTH_PERSON,
        f"{CYCLE}/bo.md": GROWTH_PERSON.replace("Ada", "Bo").replace(GROWTH_PERSON[GROWTH_PERSON.index("  - id: ship"):
                                                                                GROWTH_PERSON.index("  - id: speak")], "")})
    site, diagnostics = load(root)
    assert not diagnostics.errors, diagnostics.items
    cycle = site.cycles[0]
    ada, bo = cycle.owners["ada"], cycle.owners["bo"]
    goal = ada.growth[0]
    assert goal.progress == (0.25 + 1.0) / 2 and goal.status
    assert ada.progress == 0.8 and ada.score == 0.8  # "ship" alone
    assert bo.objectives == [] and bo.growth[0].progress == 0.625
    assert bo.progress is None and bo.score is None and bo.status == ""  # like an owner without objectives
    assert sum(cycle.status_counts.values()) == 2  # grow and ship: no growth goal
    assert goal not in cycle.objectives


def test_metric_progress_at_the_ends_of_the_float_range():
    """Differences that would overflow to infinity give the right fraction, never nan or inf."""
    assert metric_progress(-1e308, 1e308, 0) == 0.5
    assert metric_progress(1e308, -1e308, -5e307) == 0.75
    assert metric_progress(-1.7976931348623157e308, 1.7976931348623157e308, 1.7976931348623157e308) == 1.0
    assert metric_progress(-10 ** 308, 10 ** 308, 0) == 0.5  # whole numbers: exact
    assert metric_progress(10 ** 20, 10 ** 20 + 1, 10 ** 20 + 1) == 1.0  # equal as floats, not as integers
    assert metric_progress(0, 5e-324, 1e308) == 1.0  # a quotient beyond the floats
    assert metric_progress(14, 7, 9) == 5 / 7 and metric_progress(0, 80, 40) == 0.5  # exact as before


def test_weighted_mean_of_weights_whose_sum_overflows():
    assert weighted_mean([(0.5, 1e308), (1.0, 1e308)]) == 0.75
    assert weighted_mean([(0.2, 1.7e308), (0.8, 1.7e308), (0.5, 1)]) == pytest.approx(0.5)


# --- stale key results: the latest word, and how old it is ---

def _stale_cycle(check, checkins: str, current: str = ""):
    team = ("---\nname: Team\nkind: team\nparent: test-co\nobjectives:\n  - id: o\n    title: O\n    aligns_to: test-co/grow\n"
            "    key_results:\n      - id: k\n        title: K\n        start: 0\n        target: 100\n" + current +
            "        checkins:\n" + checkins +
            "      - {id: m, title: M, start: 0, target: 10, current: 5}\n---\n")
    site, diagnostics = check({f"{CYCLE}/team.md": team})
    assert site is not None, [d.format() for d in diagnostics.items]
    return site.cycles[0].owners["team"].objectives[0].key_results


def test_a_key_result_is_stale_after_stale_days_without_a_checkin(check):
    from okrsite.scoring import is_stale

    [kr, kept_by_current] = _stale_cycle(check, "          - {date: 2026-11-05, value: 40, note: Slow week}\n")
    assert kr.updated == dt.date(2026, 11, 5) and kr.latest_note == "Slow week"
    assert kr.stale  # built on 2026-11-20: 15 days, the limit is 14
    assert not kept_by_current.stale and kept_by_current.updated is None  # no check-ins: nothing says when
    assert not is_stale(kr, dt.date(2026, 11, 19), 14) and is_stale(kr, dt.date(2026, 11, 20), 14)
    assert not is_stale(kr, dt.date(2026, 11, 20), 15)


def test_a_key_result_at_its_target_is_never_stale(check):
    [kr, _] = _stale_cycle(check, "          - {date: 2026-10-05, value: 100}\n")
    assert kr.progress == 1 and not kr.stale


def every_number(cycle) -> dict:
    return {item: numbers(item) for owner in cycle.owners.values() for item in (owner, *owner.objectives)}


@pytest.mark.parametrize("owner_id, kr_id, value", [
    ("manufacturing", "days-to-ship", 1.6),  # rolls up into the company's objective through a rollup key result
    ("darnell-brooks", "backlog", 90),  # a person's: rolls up into nothing
    ("manufacturing", "days-to-ship", 2.4),  # as it was: nothing changes
])
def test_rescore_gives_what_scoring_the_whole_cycle_gives(owner_id, kr_id, value):
    """Watch mode scores again only what an edit can change; every number must be what scoring the
    whole cycle gives, and it names exactly the owners and objectives whose numbers changed."""
    site, _ = load(REPO)
    cycle = site.current
    owner = cycle.owners[owner_id]
    kr = next(kr for o in owner.objectives for kr in o.key_results if kr.id == kr_id)
    before = every_number(cycle)
    kr.checkins_given[-1].value = value
    changed = rescore(cycle, [owner], EXAMPLE_DATE, site.config.status, site.config.checks.stale_days)
    after = every_number(cycle)
    assert changed == {item for item in after if after[item] != before[item]}
    score_cycle(cycle, EXAMPLE_DATE, site.config.status, site.config.checks.stale_days)
    assert every_number(cycle) == after
    if owner_id == "manufacturing" and value == 1.6:
        assert cycle.company in changed and owner in changed
