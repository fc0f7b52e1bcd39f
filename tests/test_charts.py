"""Tests of okrsite.render.charts: pygal charts as standalone SVG files."""

from __future__ import annotations

import datetime
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from okrsite.render.formatting import format_number
from okrsite.written import Written
from okrsite.render import palette
from okrsite.render.labels import Label
from okrsite.render.linechart import Pace, Series, checkin_chart, line_chart, plot_box
from okrsite.render.charts import (
    department_progress_chart,
    score_distribution_chart,
    score_history_chart,
)

SVG = "{http://www.w3.org/2000/svg}"
D = datetime.date
ROOT = Path(__file__).resolve().parent.parent

DEPARTMENTS = [("Marketing", 0.62), ("Sales", 0.41), ("People & Culture", 0.12)]
LEADS = dict(title="Qualified leads", start=D(2026, 10, 1), end=D(2026, 12, 31),
             start_value=20000, target_value=100000,
             checkins=[(D(2026, 10, 15), 41000), (D(2026, 11, 1), 64000)],
             unit="leads")
SCORES = [("Q2 2026", 0.55), ("Q3 2026", 0.67), ("Q4 2026", 0.42)]
# objectives per score band, (achieved, progress, missed)
BANDS = [(f"{i / 10:.1f}–{(i + 1) / 10:.1f}", counts) for i, counts in enumerate(
    [(0, 0, 1), (0, 0, 0), (0, 0, 2), (0, 1, 0), (0, 0, 0), (0, 3, 0), (0, 2, 0), (4, 0, 0), (6, 0, 0), (1, 0, 0)])]


def all_charts() -> dict[str, str]:
    """One chart of each kind, rendered with typical data."""
    return {
        "dept": department_progress_chart("By department", DEPARTMENTS),
        "checkin": checkin_chart(**LEADS),
        "score": score_history_chart("Company score", SCORES),
        "distribution": score_distribution_chart("Final scores", BANDS),
    }


def parse(svg: str) -> ET.Element:
    """Parse a chart; fails the test if it is not well-formed XML."""
    return ET.fromstring(svg.encode("utf-8"))


def texts(root: ET.Element) -> list[str]:
    """The texts drawn on the chart (what a reader sees)."""
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def value_labels(root: ET.Element) -> list[str]:
    """The printed value labels, in drawing order."""
    return [t.text for t in root.iter(f"{SVG}text")
            if "value" in t.get("class", "").split()]


def target_label(root: ET.Element) -> str:
    """The label at the end of the ideal pace."""
    [label] = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "target-label"]
    return label


def serie_path(root: ET.Element, index: int) -> list[tuple[float, float]]:
    """The points of the line of series ``index``."""
    for group in root.iter(f"{SVG}g"):
        if f"serie-{index}" in group.get("class", "").split():
            path = group.find(f"{SVG}path")
            if path is not None:
                numbers = [float(n) for n in re.findall(r"-?[\d.]+", path.get("d"))]
                return list(zip(numbers[::2], numbers[1::2]))
    raise AssertionError(f"no line for serie-{index}")


@pytest.mark.parametrize("kind", ["dept", "checkin", "score", "distribution"])
def test_standalone_scalable_svg(kind):
    svg = all_charts()[kind]
    assert svg.startswith("<?xml version='1.0' encoding='utf-8'?>\n<svg")
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox", "").startswith("0 0 440 " if kind == "checkin" else "0 0 640 ")
    assert root.get("width") is None and root.get("height") is None
    assert root.get("role") == "img"


@pytest.mark.parametrize("kind", ["dept", "checkin", "score", "distribution"])
def test_loads_nothing_from_anywhere(kind):
    svg = all_charts()[kind]
    root = parse(svg)
    assert "<script" not in svg
    assert not [e for e in root.iter() if e.tag in (f"{SVG}script", f"{SVG}image")]
    for element in root.iter():
        for name, value in element.attrib.items():
            assert not re.search(r"https?:|//", value), (element.tag, name, value)
    # the only URLs are namespace names (pygal declares xlink with lxml)
    assert set(re.findall(r"https?://[^\s\"'<>]*", svg)) <= {
        "http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}
    assert "xml-stylesheet" not in svg and "@import" not in svg
    assert "url(" not in svg and "googleapis" not in svg
    assert "<!--" not in svg  # pygal's comments carry the render date


@pytest.mark.parametrize("kind", ["dept", "checkin", "score", "distribution"])
def test_deterministic(kind):
    assert all_charts()[kind] == all_charts()[kind]


def test_deterministic_across_processes():
    """No uuid, hash seed, time zone or render date leaks into the output."""
    code = ("import sys; from tests.test_charts import all_charts; "
            "sys.stdout.write(repr(sorted(all_charts().items())))")
    outputs = set()
    for seed, tz in (("1", "UTC"), ("2", "Pacific/Kiritimati")):
        path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get(
            "PYTHONPATH")]))
        env = {**os.environ, "PYTHONHASHSEED": seed, "TZ": tz,
               "PYTHONPATH": path}
        outputs.add(subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, env=env, check=True,
            capture_output=True, text=True).stdout)
    assert outputs == {repr(sorted(all_charts().items()))}


def test_chart_ids_differ_with_data():
    a = parse(department_progress_chart("By department", DEPARTMENTS))
    b = parse(department_progress_chart("By department", DEPARTMENTS[:2]))
    assert a.get("id") != b.get("id")


@pytest.mark.parametrize("kind", ["dept", "checkin", "score", "distribution"])
def test_title_and_desc(kind):
    root = parse(all_charts()[kind])
    title = root.find(f"{SVG}title").text
    assert title == {"dept": "By department", "checkin": "Qualified leads",
                     "score": "Company score", "distribution": "Final scores"}[kind]
    assert (title in texts(root)) == (kind != "checkin")  # a key result's card shows its chart's title
    desc = root.find(f"{SVG}desc").text
    assert desc.startswith(title + ".")
    expected = {"dept": "Marketing: 62 %; Sales: 41 %; People & Culture: 12 %",
                "checkin": "Check-ins: Oct 15: 41,000 leads; Nov 1: 64,000 leads.",
                "score": "Q2 2026: 0.55; Q3 2026: 0.67; Q4 2026: 0.42",
                "distribution": "0.0–0.1: 1; 0.2–0.3: 2; 0.3–0.4: 1; 0.5–0.6: 3; 0.6–0.7: 2; 0.7–0.8: 4; "
                                "0.8–0.9: 6; 0.9–1.0: 1."}[kind]
    assert expected in desc


def bar_heights(root: ET.Element, index: int) -> list[float]:
    """The heights of the bars of series ``index``, left to right."""
    for group in root.iter(f"{SVG}g"):
        if f"serie-{index}" in group.get("class", "").split():
            return [float(r.get("height")) for r in group.iter(f"{SVG}rect") if "rect" in r.get("class", "").split()]
    raise AssertionError(f"no bars for serie-{index}")


def test_distribution_chart_stacks_missed_progress_and_achieved_in_the_grade_colours():
    root = parse(score_distribution_chart("Final scores", BANDS))
    seen = texts(root)
    assert [label for label, _ in BANDS] == [t for t in seen if "–" in t]
    for name in ("Missed", "Progress made", "Achieved"):
        assert name in seen
    heights = {grade: bar_heights(root, serie) for serie, grade in enumerate((2, 1, 0))}
    unit = heights[0][8] / 6  # the 0.8-0.9 band: 6 achieved
    for grade, bars in heights.items():
        assert [round(h / unit, 6) for h in bars] == [c[grade] for _, c in BANDS]
    style = "".join(s.text or "" for s in root.iter(f"{SVG}style"))
    for serie, colour in enumerate(("#c62828", "#d08a00", "#2e7d32")):
        assert re.search(rf"\.color-{serie}[^}}]*{colour}", style), (serie, colour)


def test_department_chart_texts():
    root = parse(department_progress_chart("By department", DEPARTMENTS))
    seen = texts(root)
    for name, _ in DEPARTMENTS:
        assert name in seen
    for tick in ("0 %", "20 %", "40 %", "60 %", "80 %", "100 %"):
        assert tick in seen
    assert sorted(value_labels(root)) == sorted(["62 %", "41 %", "12 %"])


def test_department_chart_order_is_top_to_bottom():
    root = parse(department_progress_chart("By department", DEPARTMENTS))
    y = {t.text: float(t.get("y")) for t in root.iter(f"{SVG}text")
         if t.text in dict(DEPARTMENTS)}
    assert y["Marketing"] < y["Sales"] < y["People & Culture"]


def test_department_chart_clamps_values():
    root = parse(department_progress_chart(
        "D", [("Over", 1.5), ("Under", -0.2), ("Unknown", float("nan"))]))
    assert sorted(value_labels(root)) == ["0 %", "0 %", "100 %"]


def test_department_chart_grows_with_bars():
    def height(count: int) -> int:
        svg = department_progress_chart("D", [(f"D{i}", 0.5) for i in range(count)])
        return int(parse(svg).get("viewBox").split()[3])

    assert height(3) <= height(10) < height(20)


def test_department_chart_without_departments():
    root = parse(department_progress_chart("D", []))
    assert "No data yet" in texts(root)


def test_checkin_chart_values_and_dates():
    root = parse(checkin_chart(**LEADS))
    seen = texts(root)
    # the start (20,000 at the plot's foot, both lines leaving it upwards) has no room clear of the lines
    assert value_labels(root) == ["41,000 leads", "64,000 leads"]
    assert "20,000" in texts(root)  # the axis says it
    for tick in ("Oct 1", "Nov 1", "Dec 1", "Dec 31"):
        assert tick in seen
    assert {"Actual", "Ideal pace", "leads"} <= set(seen)


def test_checkin_chart_falling_target():
    root = parse(checkin_chart(
        "Time to first response", D(2026, 10, 1), D(2026, 12, 31), 14, 7,
        [(D(2026, 11, 10), 9), (D(2026, 10, 20), 12)], "days"))
    assert value_labels(root) == ["14 days", "12 days", "9 days"]
    desc = root.find(f"{SVG}desc").text
    assert "From 14 days on Oct 1 to a target of 7 days by Dec 31" in desc
    assert "Check-ins: Oct 20: 12 days; Nov 10: 9 days." in desc
    (x0, y0), (x1, y1) = serie_path(root, 1)  # the ideal pace falls
    assert x0 < x1 and y0 < y1                  # (SVG y grows downwards)
    actual = serie_path(root, 0)                # sorted by date, falling
    assert [x for x, _ in actual] == sorted(x for x, _ in actual)
    assert [y for _, y in actual] == sorted(y for _, y in actual)


def test_checkin_chart_without_checkins():
    root = parse(checkin_chart("Churn", D(2026, 10, 1), D(2026, 12, 31), 0, 80,
                               [], "%"))
    assert value_labels(root) == ["0 %"]
    assert target_label(root) == "Target 80 %"
    assert root.find(f"{SVG}desc").text.endswith("No check-ins yet.")
    assert len(serie_path(root, 1)) == 2


def test_checkin_chart_short_cycle_has_weekly_ticks():
    root = parse(checkin_chart("Sprint", D(2026, 10, 1), D(2026, 10, 31), 10, 0,
                               [(D(2026, 10, 8), 8)]))
    assert {"Oct 1", "Oct 8", "Oct 15", "Oct 22", "Oct 31"} <= set(texts(root))


def test_checkin_chart_accepts_datetimes_and_odd_dates():
    svg = checkin_chart("C", datetime.datetime(2026, 1, 1, 9), D(2026, 3, 31),
                        0, 10, [(datetime.datetime(2026, 2, 1, 12), 3),
                                (D(2025, 12, 20), 1)])
    root = parse(svg)
    xs = [x for x, _ in serie_path(root, 0)]
    assert xs == sorted(xs)  # the check-in before the start is drawn first
    assert checkin_chart("C", D(2026, 1, 1), D(2026, 1, 1), 5, 5, [])


def test_score_history_chart():
    root = parse(score_history_chart("Company score", SCORES))
    seen = texts(root)
    assert value_labels(root) == ["0.55", "0.67", "0.42"]
    for label, _ in SCORES:
        assert label in seen
    assert "Good stretch (0.7)" in seen
    (_, y0), (_, y1) = serie_path(root, 1)  # the 0.7 line is horizontal
    assert y0 == y1
    ys = dict(zip(["0.55", "0.67", "0.42"], [y for _, y in serie_path(root, 0)]))
    assert ys["0.67"] < ys["0.55"] < ys["0.42"]
    assert ys["0.67"] > y0  # 0.67 is drawn below the 0.7 line


def test_score_history_chart_edge_cases():
    assert "No data yet" in texts(parse(score_history_chart("S", [])))
    assert value_labels(parse(score_history_chart("S", [("Q4 2026", 1.2)]))) == [
        "1.00"]


def test_markup_in_titles_and_labels_is_text():
    nasty = "<script>alert(1)</script> & \"q\" 'a'"
    for svg in (department_progress_chart(nasty, [(nasty, 0.5)]),
                checkin_chart(nasty, D(2026, 1, 1), D(2026, 3, 31), 0, 1, [],
                              unit=nasty),
                score_history_chart(nasty, [(nasty, 0.5)])):
        root = parse(svg)
        assert "<script" not in svg
        assert root.find(f"{SVG}title").text == nasty
        assert any(nasty in text for text in texts(root))  # the check-in chart's in its labels' unit


@pytest.mark.parametrize("value, unit, text", [
    (41000, "", "41,000"), (8.4, "", "8.4"), (0.714, "", "0.71"),
    (40, "%", "40 %"), (9, "days", "9 days"), (5, "$", "$5"),
    (-0.001, "", "0"), (1234567.891, "€", "€1,234,567.89"), (-5, "°C", "-5 °C"),
])
def test_format_number(value, unit, text):
    assert format_number(value, unit, places=2) == text


@pytest.mark.parametrize("value, unit, text", [
    (Written(9.0, 1), "", "9.0"), (Written(12.5, 2), "EUR", "12.50 EUR"), (Written(28.0, 1), "$", "$28.0"),
    (Written(1234.5, 3), "", "1,234.500"), (Written(0.125, 3), "", "0.125"), (Written(40.0, 0), "%", "40 %"),
    (9.0, "", "9"),
])
def test_format_number_keeps_the_decimals_written_whatever_the_places(value, unit, text):
    assert format_number(value, unit) == format_number(value, unit, places=2) == text


def test_format_number_writes_each_number_as_before_once_remembered():
    # remembered per number: equal numbers of another type, or written with other places, are not mixed up
    written = [(Written(9.0, 1), ""), (9.0, ""), (Written(9.0, 2), ""), (9, ""), (True, ""), (-0.0, ""), (0, ""),
               (Written(0.0, 1), ""), (Written(-0.0, 1), ""), (9.0, "$"), (9.0, "EUR"), (None, "")]
    first = [format_number(value, unit) for value, unit in written]
    assert first == ["9.0", "9", "9.00", "9", "1", "0", "0", "0.0", "-0.0", "$9", "9 EUR", "–"]
    assert [format_number(value, unit) for value, unit in reversed(written)] == first[::-1]
    assert [format_number(9.004, "", places) for places in (2, 3, None, 0)] == ["9", "9.004", "9.004", "9"]
    with pytest.raises(TypeError):
        format_number([1])


def test_checkin_chart_of_numbers_at_the_ends_of_the_float_range():
    svg = checkin_chart("Huge", datetime.date(2026, 10, 1), datetime.date(2026, 12, 31), -1e308, 1e308,
                        [(datetime.date(2026, 10, 15), 0), (datetime.date(2026, 11, 1), 1.7976931348623157e308)], "k")
    ET.fromstring(svg.encode())
    assert not re.search(r"nan|inf", svg), re.findall(r".{20}(?:nan|inf).{20}", svg)
    assert "From -1e+308 k on Oct 1 to a target of 1e+308 k" in svg


CPA = dict(title="Paid cost per new customer", start=D(2026, 10, 1), end=D(2026, 12, 31),
           start_value=Written(28.0, 1), target_value=Written(20.0, 1), unit="EUR",
           checkins=[(D(2026, 10, 1), Written(27.8, 1)), (D(2026, 10, 15), Written(27.1, 1)),
                     (D(2026, 10, 29), Written(26.4, 1)), (D(2026, 11, 12), Written(25.3, 1)),
                     (D(2026, 11, 19), Written(24.4, 1))])


def drawn_labels(root: ET.Element) -> list[Label]:
    """The point and target labels as drawn, with the boxes the placement gave them."""
    return [Label(float(t.get("x")), float(t.get("y")), t.get("text-anchor"), t.text, kind=t.get("class"))
            for t in root.iter(f"{SVG}text") if t.get("class") in ("value", "target-label")]


@pytest.mark.parametrize("chart", [CPA, LEADS, dict(LEADS, checkins=[(D(2026, 10, 1) + datetime.timedelta(days=n), 20000 + 900 * n)
                                                               for n in range(0, 60, 3)])])
def test_checkin_chart_labels_never_overlap_and_always_show_the_latest_value_and_the_target(chart):
    """The example's holiday campaign chart once drew its start (28.0) on its first check-in (27.8, the same day)."""
    root = parse(checkin_chart(**chart))
    labels = drawn_labels(root)
    [axis] = [g for g in root.iter(f"{SVG}g") if g.get("class") == "axis y"]
    plot = plot_box(float(re.match(r"M([\d.]+) ", axis.findall(f"{SVG}path")[-1].get("d")).group(1)))
    for i, a in enumerate(labels):
        assert a.box.inside(plot), a
        for b in labels[i + 1:]:
            assert not a.box.overlaps(b.box), (a, b)
    latest = format_number(chart["checkins"][-1][1], chart["unit"])
    assert latest in [label.text for label in labels if label.kind == "value"]
    assert [label.text for label in labels if label.kind == "target-label"] == [
        "Target " + format_number(chart["target_value"], chart["unit"])]


def test_holiday_campaign_chart_shows_its_numbers_as_written_and_drops_the_label_with_no_room():
    root = parse(checkin_chart(**CPA))
    assert value_labels(root) == ["28.0 EUR", "27.1 EUR", "26.4 EUR", "25.3 EUR", "24.4 EUR"]  # 27.8, on 28.0's day, has no room
    assert target_label(root) == "Target 20.0 EUR"
    assert "Check-ins: Oct 1: 27.8 EUR; Oct 15: 27.1 EUR" in root.find(f"{SVG}desc").text
    assert {"28.0", "20.0"} & set(texts(root)) == set()  # the axis keeps round ticks
    assert "28" in texts(root) and "20" in texts(root)


@pytest.mark.parametrize("kind", ["dept", "checkin", "score", "distribution"])
def test_every_chart_carries_its_dark_colours(kind):
    """An SVG in an <img> does not see the page's CSS: each chart brings its dark scheme in its own <style>."""
    root = parse(all_charts()[kind])
    css = "".join(style.text for style in root.iter(f"{SVG}style"))
    dark = css[re.search(r"@media \(prefers-color-scheme: ?dark\)", css).start():]  # pygal drops the space
    assert f"fill:{palette.DARK_BACKGROUND}" in dark and f"fill:{palette.DARK_TEXT_CHART}" in dark


def test_line_chart_draws_several_series_against_the_ideal_pace():
    progress = [Series("Marketing", [(D(2026, 10, 15), 0.1), (D(2026, 11, 1), 0.3)]),
                Series("Sales", [(D(2026, 11, 1), 0.2), (D(2026, 10, 15), 0.05)])]
    root = parse(line_chart("Progress", "Progress of two departments.", D(2026, 10, 1), D(2026, 12, 31), progress,
                            Pace(0.0, 1.0), percent_values=True))
    assert {"Marketing", "Sales", "Ideal pace", "0 %", "100 %"} <= set(texts(root))
    assert value_labels(root) == ["30 %", "20 %"] or value_labels(root) == ["20 %", "30 %"]  # each series' latest
    assert target_label(root) == "Target 100 %"
    (x0, y0), (x1, y1) = serie_path(root, 1)
    assert x0 < x1 and y0 > y1  # Sales, sorted by date, rising
    assert len(serie_path(root, 2)) == 2  # the pace
    assert root.find(f"{SVG}desc").text == "Progress of two departments."


def test_dark_charts_take_the_dark_pages_colours():
    """A chart in a dark scheme sits on a card of the stylesheet's dark --surface, in its --text."""
    css = (ROOT / "themes/default/static/style.css").read_text(encoding="utf-8")
    start = css.index("@media (prefers-color-scheme: dark)")
    dark = css[start:css.index("}", css.index("--shadow", start))]

    def var(name: str) -> str:
        return re.search(rf"--{name}:\s*(#[0-9a-f]+)", dark).group(1)

    assert (var("surface"), var("text"), var("muted"), var("border"), var("bar")) == (
        palette.DARK_BACKGROUND, palette.DARK_TEXT_CHART, palette.DARK_MUTED, palette.DARK_GUIDE, palette.DARK_BLUE)


def test_line_chart_legend_stays_inside_with_long_names():
    series = [Series(name, [(D(2026, 10, 15), 0.2)]) for name in ("Customer Care", "E-commerce & Growth", "Marketing")]
    root = parse(line_chart("Progress", "Three.", D(2026, 10, 1), D(2026, 12, 31), series, Pace(0.0, 1.0),
                            percent_values=True))
    keys = [r for r in root.iter(f"{SVG}rect") if r.get("class", "").startswith("key-")]
    assert len(keys) == 4 and all(0 <= float(r.get("x")) for r in keys)
    assert "%" not in [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "title unit"]  # fractions: no unit title


@pytest.mark.parametrize("percent_first", [True, False])
def test_value_axis_writes_each_charts_own_kind_of_values_whatever_came_before(percent_first):
    """The value axis is made once per tick set and kind of values: fractions as percentages and
    plain numbers share the tick set 0, 0.25 .. 1, not its texts nor the room they take."""
    def axis(percent_values: bool) -> tuple[list[str], str]:
        root = parse(line_chart("P", "D.", D(2026, 10, 1), D(2026, 12, 31),
                                [Series("A", [(D(2026, 10, 15), 0.2), (D(2026, 11, 1), 0.9)])], Pace(0.0, 1.0),
                                percent_values=percent_values))
        y_axis = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "axis y")
        return [t.text for t in y_axis.iter(f"{SVG}text")], y_axis.findall(f"{SVG}path")[-1].get("d")

    kinds = [True, False] if percent_first else [False, True]
    drawn = dict(zip(kinds, [axis(kind) for kind in kinds]))
    assert drawn[True] == (["0 %", "25 %", "50 %", "75 %", "100 %"], "M49.20 32.0V182.0")  # 12 + 5 characters
    assert drawn[False] == (["0", "0.25", "0.5", "0.75", "1"], "M41.76 32.0V182.0")  # 12 + 4 characters


def test_checkin_values_are_written_as_written_whatever_chart_came_before():
    """A value's text is remembered per process: 9.0 and 9.00 are one number written two ways, and
    -0.0 as written equals 0.0."""
    def said(value: float) -> str:
        svg = checkin_chart("C", D(2026, 10, 1), D(2026, 12, 31), 0, 10, [(D(2026, 10, 15), value)], "points")
        root = parse(svg)
        assert root.find(f"{SVG}desc").text.endswith(f"Check-ins: Oct 15: {value_labels(root)[-1]}.")
        return value_labels(root)[-1]

    values = [Written(9.0, 1), Written(9.0, 2), 9.0, Written(-0.0, 1), Written(0.0, 1), -0.0]
    assert [said(value) for value in values] == ["9.0 points", "9.00 points", "9 points", "-0.0 points",
                                                 "0.0 points", "0 points"]
