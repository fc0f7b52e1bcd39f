"""Tests of okrsite.render.labels: labels placed next to their points, never on one another."""

from __future__ import annotations

import pytest

from okrsite.render.labels import Box, Label, Wanted, place, text_width

PLOT = Box(0, 0, 400, 200)
ABOVE = (0, -11, "middle")


def test_a_label_goes_where_it_is_asked_when_the_place_is_free():
    [label] = place([Wanted(100, 100, "41 leads", ABOVE)], PLOT, [(100, 100)], [])
    assert (label.x, label.y, label.anchor) == (100, 89, "middle")


def test_a_second_label_on_the_same_spot_moves_and_a_third_optional_one_is_left_out():
    wanted = [Wanted(100, 100, "28.0 EUR", ABOVE, required=True), Wanted(100, 102, "27.8 EUR", ABOVE),
              Wanted(100, 101, "27.9 EUR", ABOVE)]
    first, second, third = place(wanted, Box(60, 70, 400, 130), [(100, 100), (100, 102)], [])
    assert (first.x, first.y) == (100, 89)
    assert second is not None and not first.box.overlaps(second.box)
    assert third is None or not any(third.box.overlaps(b.box) for b in (first, second))


def test_a_required_label_shows_even_without_room():
    crowded = [Box(0, 0, 400, 200)]
    [label] = place([Wanted(100, 100, "Target 9.0", ABOVE, required=True)], PLOT, [], [], taken=crowded)
    assert label is not None and label.text == "Target 9.0"
    [dropped] = place([Wanted(100, 100, "7.5", ABOVE)], PLOT, [], [], taken=crowded)
    assert dropped is None


def test_labels_stay_inside_the_plot_and_off_the_dots():
    # a point at the right edge: its label is pulled in, and kept off the dot beside it
    [label] = place([Wanted(398, 100, "32,440 subscribers", ABOVE)], PLOT, [(398, 100), (380, 89)], [])
    assert label.box.inside(PLOT)
    assert not label.box.overlaps(Box(374, 83, 386, 95))


def test_a_label_avoids_a_line_when_it_can():
    line = (0, 89, 400, 89)  # a level line right through the place above the point
    [label] = place([Wanted(100, 100, "5", ABOVE)], PLOT, [], [line])
    assert not label.box.crosses(*line)


@pytest.mark.parametrize("segment, crosses", [
    ((0, 0, 9, 9), False), ((0, 15, 30, 15), True), ((15, 0, 15, 30), True), ((12, 12, 18, 18), True),
    ((0, 30, 30, 30), False), ((25, 0, 25, 30), False), ((0, 0, 30, 30), True),
])
def test_box_crosses_segment(segment, crosses):
    assert Box(10, 10, 20, 20).crosses(*segment) is crosses


def test_label_box_follows_the_anchor():
    width = text_width("12.50")
    assert Label(100, 50, "start", "12.50").box.left == 98
    assert Label(100, 50, "end", "12.50").box.right == 102
    middle = Label(100, 50, "middle", "12.50").box
    assert (middle.left + middle.right) / 2 == 100 and middle.right - middle.left == width + 4
