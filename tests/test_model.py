"""okrsite.model: what a key result's check-ins say about its confidence, now and on a past day; the shared
empty value of the list fields that most often hold nothing."""

from __future__ import annotations

import datetime as dt

from okrsite.model import EMPTY, CheckIn, KeyResult, Source, added

D = dt.date


def key_result(confidences: list[float | None], given: float | None = None) -> KeyResult:
    """A metric with a weekly check-in from 5 Oct 2026 for each of ``confidences`` (None: a check-in without one)."""
    kr = KeyResult(id="k", title="K", source=Source("x.md", 1), start=0, target=10, confidence_given=given)
    kr.checkins_given = [CheckIn(D(2026, 10, 5) + dt.timedelta(weeks=week), week, confidence=confidence)
                         for week, confidence in enumerate(confidences)]
    return kr


def test_the_latest_checkin_that_gives_a_confidence_wins_over_the_key_results_own():
    kr = key_result([0.8, None, 0.5, None], given=0.9)
    assert kr.confidences == [(D(2026, 10, 5), 0.8), (D(2026, 10, 19), 0.5)]
    assert (kr.confidence, kr.previous_confidence, kr.confidence_trend) == (0.5, 0.8, "falling")


def test_without_a_checkin_that_gives_one_the_key_results_own_confidence_is_the_current_one():
    for kr in (key_result([None, None], given=0.6), key_result([], given=0.6)):
        assert (kr.confidence, kr.previous_confidence, kr.confidence_trend) == (0.6, None, None)
    assert key_result([None]).confidence is None


def test_the_trend_compares_the_latest_confidence_with_the_one_before():
    assert key_result([0.3, 0.7]).confidence_trend == "rising"
    assert key_result([0.7, None, 0.7]).confidence_trend == "steady"
    assert key_result([0.7]).confidence_trend is None


def test_the_confidence_on_a_day_is_what_the_latest_checkin_until_then_said():
    kr = key_result([0.8, None, 0.5], given=0.9)  # 5 Oct 0.8, 12 Oct none, 19 Oct 0.5
    assert [kr.confidence_on(D(2026, 10, day)) for day in (4, 5, 12, 18, 19, 30)] == [None, 0.8, 0.8, 0.8, 0.5, 0.5]
    undated = key_result([None], given=0.9)  # the key result's own confidence has no date: the same every day
    assert undated.confidence_on(D(2026, 10, 1)) == undated.confidence_on(D(2026, 12, 1)) == 0.9


def test_adding_to_the_shared_empty_value_makes_a_list_and_leaves_it_empty():
    first, second = key_result([]), key_result([])
    assert first.aligned is EMPTY and second.aligned is EMPTY  # one value, not a list each
    first.aligned = added(first.aligned, "a")
    first.aligned = added(first.aligned, "b")
    assert first.aligned == ["a", "b"] and type(first.aligned) is list
    assert second.aligned is EMPTY and EMPTY == ()


def test_adding_to_a_list_grows_that_list():
    items = ["a"]
    assert added(items, "b") is items and items == ["a", "b"]


def test_a_built_site_keeps_one_empty_value_for_what_holds_nothing(site):
    """The example's key results without contributors, needs or aligned objectives hold no list of their own
    (at 10,000 people, 1.5 million empty lists took 94 MiB, doubled by the build's worker)."""
    krs = [kr for cycle in site.cycles for objective in cycle.objectives for kr in objective.key_results]
    for name in ("contributor_ids", "depends_on", "contributors", "dependencies", "needed_by", "aligned", "graduated_to"):
        empty = [getattr(kr, name) for kr in krs if not getattr(kr, name)]
        assert empty and all(value is EMPTY for value in empty), name
    objectives = [objective for cycle in site.cycles for objective in cycle.objectives]
    for name in ("contributor_ids", "depends_on", "children", "contributors", "dependencies", "needed_by", "initiatives"):
        empty = [getattr(o, name) for o in objectives if not getattr(o, name)]
        assert empty and all(value is EMPTY for value in empty), name


def test_the_small_values_a_worker_sends_back_pickled_come_back_equal():
    import pickle

    from okrsite.model import Initiative
    from okrsite.written import Written

    values = [CheckIn(D(2026, 10, 5), Written(12.5, 2), "a note", 7, confidence=0.8), Source("content/x.md", 3),
              Initiative("Ship it", True)]
    again = pickle.loads(pickle.dumps(values, protocol=pickle.HIGHEST_PROTOCOL))
    assert again == values and [type(v) for v in again] == [type(v) for v in values]
    assert repr(again[0].value) == "12.50"  # the places as written
