"""Tests of okrsite.render.kpitrend: a KPI's trend line, its values in words and its verdict's history."""

from __future__ import annotations

import datetime as dt

from okrsite.model import CheckIn, Kpi
from okrsite.render.kpitrend import TREND_POINTS, VerdictHistory, sparkline, trend_values, verdict_history
from okrsite.scoring import kpi_verdicts


def kpi(values: list[float], target: float | None = 3, direction: str = "lower") -> Kpi:
    made = Kpi("churn", "Churn", target=target, direction=direction, unit="%",
               checkins=[CheckIn(dt.date(2026, 10, 1) + dt.timedelta(days=7 * i), v) for i, v in enumerate(values)])
    made.verdicts = kpi_verdicts(made)
    return made


def test_the_trend_draws_the_check_ins_against_the_target():
    """Higher values higher up, whatever the direction: falling churn (lower is better) ends low, healthy."""
    assert sparkline(kpi([4, 3, 2])) == (
        '<svg class="spark" viewBox="0 0 96 24" width="96" height="24" aria-hidden="true" focusable="false">'
        '<line class="spark-target" x1="0" x2="96" y1="12" y2="12"/>'
        '<polyline points="3,3 48,12 93,21"/>'
        '<circle class="spark-healthy" cx="93" cy="21" r="2.5"/></svg>')


def test_one_check_in_is_a_dot_and_a_kpi_without_target_has_no_line_and_no_verdict():
    assert sparkline(kpi([5], target=None)) == (
        '<svg class="spark" viewBox="0 0 96 24" width="96" height="24" aria-hidden="true" focusable="false">'
        '<circle class="spark-no-verdict" cx="48" cy="12" r="2.5"/></svg>')
    assert verdict_history(kpi([5], target=None)) is None
    assert sparkline(kpi([])) == ""


def test_the_trend_stays_small_with_many_check_ins():
    long = kpi([3.1 + i * 0.0123456 for i in range(40)])
    assert long.checkins[-1].value != long.checkins[-TREND_POINTS].value
    assert len(sparkline(long).split()) < 30 and len(sparkline(long)) < 400
    assert trend_values(long).count(" on ") == TREND_POINTS


def test_the_values_in_words():
    assert trend_values(kpi([4, 2.5])) == "4 % on 1 Oct 2026, 2.5 % on 8 Oct 2026"


def test_the_verdicts_history_counts_the_latest_four_and_names_the_latest_three_changes():
    history = verdict_history(kpi([4, 2, 4, 2, 4, 2]))  # lower is better, target 3
    assert history == VerdictHistory(2, 4, [(dt.date(2026, 10, 22), True), (dt.date(2026, 10, 29), False),
                                            (dt.date(2026, 11, 5), True)])
    assert history.summary == "Healthy at 2 of the last 4 check-ins"
    assert verdict_history(kpi([4])).summary == "Not healthy at its one check-in"
    assert verdict_history(kpi([2, 2], direction="higher")).changes == []
