"""Tests of okrsite.cycles: each cycle's dates and title, and which cycle is current."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from conftest import COMPANY, CYCLE, SITE_TOML, failed_build, load
from okrsite.config import CycleSettings, SiteConfig
from okrsite.cycles import choose_current, make_cycles
from okrsite.urls import SITE_OUTPUTS
from okrsite.diagnostics import Diagnostics

D = dt.date


def cycles_of(folders: list[str], tmp_path, today: dt.date, current: str | None = None,
              settings: dict[str, CycleSettings] | None = None):
    """(cycles oldest first, the current one, diagnostics) for these folder names."""
    config = SiteConfig(root=tmp_path, current_cycle=current, cycles=settings or {})
    diagnostics = Diagnostics()
    cycles = make_cycles(folders, config, diagnostics)
    return cycles, choose_current(cycles, config, today, diagnostics), diagnostics


def states(cycles) -> dict[str, str]:
    return {c.id: c.state for c in cycles}


def test_dates_and_titles_come_from_the_names(tmp_path):
    cycles, _, diagnostics = cycles_of(["2026-Q4", "2026", "2026-H1"], tmp_path, D(2026, 11, 20))
    assert diagnostics.items == []
    assert [(c.id, c.title, c.start, c.end) for c in cycles] == [
        ("2026-H1", "H1 2026", D(2026, 1, 1), D(2026, 6, 30)),  # by start, then end
        ("2026", "2026", D(2026, 1, 1), D(2026, 12, 31)),
        ("2026-Q4", "Q4 2026", D(2026, 10, 1), D(2026, 12, 31)),
    ]
    assert cycles[2].slug == "2026-q4" and cycles[2].url == "2026-q4/"


def test_site_toml_overrides_dates_and_title(tmp_path):
    settings = {"2026-Q4": CycleSettings("Autumn push", D(2026, 10, 5), D(2026, 12, 20)),
                "launch": CycleSettings(None, D(2026, 3, 1), D(2026, 5, 31))}
    cycles, _, diagnostics = cycles_of(["2026-Q4", "launch"], tmp_path, D(2026, 11, 20), settings=settings)
    assert diagnostics.items == []
    assert [(c.id, c.title, c.start, c.end) for c in cycles] == [
        ("launch", "launch", D(2026, 3, 1), D(2026, 5, 31)),
        ("2026-Q4", "Autumn push", D(2026, 10, 5), D(2026, 12, 20)),
    ]


def test_site_toml_may_give_only_a_title(tmp_path):
    cycles, _, diagnostics = cycles_of(["2026-Q4"], tmp_path, D(2026, 11, 20),
                                       settings={"2026-Q4": CycleSettings("Q4: focus")})
    assert diagnostics.items == []
    assert (cycles[0].title, cycles[0].start, cycles[0].end) == ("Q4: focus", D(2026, 10, 1), D(2026, 12, 31))


def test_current_cycle_from_site_toml(tmp_path):
    cycles, current, diagnostics = cycles_of(["2026-Q3", "2026-Q4", "2027-Q1"], tmp_path, D(2026, 11, 20), current="2026-Q3")
    assert diagnostics.items == []
    assert current.id == "2026-Q3"
    assert states(cycles) == {"2026-Q3": "current", "2026-Q4": "upcoming", "2027-Q1": "upcoming"}


def test_current_cycle_contains_the_build_date(tmp_path):
    cycles, current, diagnostics = cycles_of(["2027-Q1", "2026-Q3", "2026-Q4"], tmp_path, D(2026, 11, 20))
    assert current.id == "2026-Q4"
    assert states(cycles) == {"2026-Q3": "archived", "2026-Q4": "current", "2027-Q1": "upcoming"}


@pytest.mark.parametrize("today, expected", [
    (D(2026, 9, 30), "2026-Q3"), (D(2026, 10, 1), "2026-Q4"), (D(2026, 12, 31), "2026-Q4"),
])
def test_first_and_last_days_belong_to_the_cycle(tmp_path, today, expected):
    _, current, _ = cycles_of(["2026-Q3", "2026-Q4"], tmp_path, today)
    assert current.id == expected


def test_otherwise_the_latest_cycle_that_has_started(tmp_path):
    cycles, current, diagnostics = cycles_of(["2026-Q1", "2026-Q2", "2027-Q1"], tmp_path, D(2026, 11, 20))
    assert diagnostics.items == []
    assert current.id == "2026-Q2"
    assert states(cycles) == {"2026-Q1": "archived", "2026-Q2": "current", "2027-Q1": "upcoming"}


def test_after_the_last_cycle_the_last_one_stays_current(tmp_path):
    cycles, current, _ = cycles_of(["2025-Q4", "2026-Q1"], tmp_path, D(2026, 11, 20))
    assert current.id == "2026-Q1"
    assert states(cycles) == {"2025-Q4": "archived", "2026-Q1": "current"}


def test_when_no_cycle_has_started_the_first_one_is_current(tmp_path):
    cycles, current, _ = cycles_of(["2027-Q2", "2027-Q1"], tmp_path, D(2026, 11, 20))
    assert current.id == "2027-Q1"
    assert states(cycles) == {"2027-Q1": "current", "2027-Q2": "upcoming"}


def test_overlapping_cycles_choose_the_later_start(tmp_path):
    _, current, _ = cycles_of(["2026", "2026-Q4"], tmp_path, D(2026, 11, 20))
    assert current.id == "2026-Q4"


def test_no_cycles_no_current(tmp_path):
    cycles, current, diagnostics = cycles_of([], tmp_path, D(2026, 11, 20))
    assert cycles == [] and current is None and diagnostics.items == []


def test_current_cycle_that_is_not_a_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _, current, diagnostics = cycles_of(["2026-Q3", "2026-Q4"], tmp_path, D(2026, 11, 20), current="2026-Q5")
    [error] = diagnostics.errors
    assert error.path == "site.toml"
    assert error.message.startswith("current_cycle '2026-Q5' is not a folder of content/")
    assert "(did you mean 2026-Q" in error.message


def test_folder_without_dates_is_an_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cycles, _, diagnostics = cycles_of(["2026-Q4", "launch"], tmp_path, D(2026, 11, 20))
    assert [c.id for c in cycles] == ["2026-Q4"]
    assert [d.format() for d in diagnostics.items] == [
        "content/launch: error: cannot tell the dates of cycle 'launch': name the folder like 2026-Q4, "
        "2026-H2 or 2026, or give start and end under [cycles.\"launch\"] in site.toml"]


def test_folder_with_only_a_start_is_an_error(tmp_path):
    _, _, diagnostics = cycles_of(["launch"], tmp_path, D(2026, 11, 20),
                                  settings={"launch": CycleSettings(start=D(2026, 3, 1))})
    assert len(diagnostics.errors) == 1
    assert "cannot tell the dates of cycle 'launch'" in diagnostics.errors[0].message


def test_cycle_settings_without_a_folder_warn(tmp_path):
    _, _, diagnostics = cycles_of(["2026-Q4"], tmp_path, D(2026, 11, 20),
                                  settings={"2026-Q5": CycleSettings("x")})
    assert diagnostics.errors == []
    [warning] = diagnostics.warnings
    assert warning.message == '[cycles."2026-Q5"] has no folder content/2026-Q5 (did you mean 2026-Q4?)'


def test_folders_with_the_same_url_are_errors(tmp_path):
    _, _, diagnostics = cycles_of(["2026-Q4", "2026-q4"], tmp_path, D(2026, 11, 20))
    assert len(diagnostics.errors) == 1
    assert "would have the same URL" in diagnostics.errors[0].message


@pytest.mark.parametrize("folder, what", [
    ("search", "search page (search)"), ("okrs.json", "export (okrs.json)"), ("Cycles", "list of cycles (cycles)"),
    ("404.html", "page for addresses not found (404.html)"), ("current", "badges of the current cycle (badges/current/) (current)"),
    ("cname", "custom domain file (CNAME)"), ("sitemap.xml", "sitemap (sitemap.xml)")])
def test_a_cycle_folder_named_like_a_site_wide_output_is_an_error_naming_the_folder(make_site, capsys, monkeypatch,
                                                                                     folder, what):
    toml = SITE_TOML + f'[cycles."{folder}"]\nstart = 2026-10-01\nend = 2026-12-31\n'
    root = make_site({f"content/{folder}/test-co.md": COMPANY}, toml)
    assert failed_build(root, capsys, monkeypatch) == [
        f"content/{folder}: error: cycle folder '{folder}' has the name of the site's {what}: rename it"]


def test_every_site_wide_output_is_a_reserved_name(out, site):
    """SITE_OUTPUTS is the one list of names the renderer writes at the top, beside the cycles."""
    slugs = {c.slug for c in site.cycles}
    written = {p.name for p in [*out.iterdir(), *(out / "badges").iterdir()] if not p.name.startswith(".")}
    assert written - slugs <= set(SITE_OUTPUTS), written - slugs - set(SITE_OUTPUTS)


def test_a_cycle_folder_name_with_a_control_character_is_an_error(make_site, capsys, monkeypatch):
    toml = SITE_TOML + '[cycles."Q\\u0001"]\nstart = 2026-10-01\nend = 2026-12-31\n'
    root = make_site({f"{CYCLE}/test-co.md": COMPANY, "content/Q\x01/test-co.md": COMPANY}, toml)
    assert failed_build(root, capsys, monkeypatch) == [
        "content/Q\x01: error: the cycle folder's name contains a control character (U+0001): rename the folder"]


def test_loaded_site_lists_cycles_newest_first(make_site):
    toml = SITE_TOML + '[cycles.launch]\ntitle = "Launch"\nstart = 2026-02-01\nend = 2026-03-15\n'
    root = make_site({f"content/{c}/test-co.md": COMPANY for c in ("launch", "2026-Q3", "2026-Q4", "2027-Q1")}, toml)
    site, diagnostics = load(root, D(2026, 11, 20))
    assert site is not None, [d.format() for d in diagnostics.items]
    assert [(c.id, c.state) for c in site.cycles] == [
        ("2027-Q1", "upcoming"), ("2026-Q4", "current"), ("2026-Q3", "archived"), ("launch", "archived")]
    assert site.current is site.cycles[1]
    assert site.cycles[3].title == "Launch"


def test_loaded_site_with_undated_folder_fails(make_site, monkeypatch):
    root = make_site({"content/2026-Q4/test-co.md": COMPANY, "content/next/test-co.md": COMPANY})
    monkeypatch.chdir(root)
    site, diagnostics = load(root)
    assert site is None
    assert [d.path for d in diagnostics.errors] == ["content/next"]


def test_cycles_at_the_ends_of_the_calendar(make_site, capsys, monkeypatch):
    """Year 9999 builds; year 0 has no dates: an error naming the folder, not a crash."""
    root = make_site({"content/9999-Q4/test-co.md": COMPANY, "content/0000-H1/test-co.md": COMPANY})
    assert failed_build(root, capsys, monkeypatch) == [
        "content/0000-H1: error: cannot tell the dates of cycle '0000-H1': name the folder like 2026-Q4, 2026-H2 or 2026, "
        'or give start and end under [cycles."0000-H1"] in site.toml']
    (root / "content/0000-H1/test-co.md").unlink()
    (root / "content/0000-H1").rmdir()
    site, diagnostics = load(root)
    assert diagnostics.errors == [] and site.cycles[0].end == D(9999, 12, 31)


def test_names_that_are_not_utf8_are_errors_printed_with_escapes(make_site, capsys, monkeypatch):
    root = make_site({f"{CYCLE}/test-co.md": COMPANY})
    folder = os.fsencode(root / "content") + b"/\xff-Q1"
    os.mkdir(folder)
    with open(folder + b"/test-co.md", "w", encoding="utf-8") as file:
        file.write(COMPANY)
    with open(os.fsencode(root / CYCLE) + b"/\xfe.md", "w", encoding="utf-8") as file:
        file.write(COMPANY)
    assert failed_build(root, capsys, monkeypatch) == [
        "content/2026-Q4/\\xfe.md:2: error: the file name '\\xfe' is not a valid owner id: use lowercase letters, digits and '-', like 'new-leads'",
        "content/\\xff-Q1: error: the cycle folder's name contains a byte that is not UTF-8 (\\xff): rename the folder"]
