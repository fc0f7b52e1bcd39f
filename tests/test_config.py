"""Tests of okrsite.config: site.toml, its defaults, and the dates a cycle's name implies."""

from __future__ import annotations

import datetime as dt

import pytest

from okrsite.config import (CHECKS, CheckSettings, CycleSettings, SiteConfig, StatusBands, dates_from_name, load_config,
                            title_from_name)
from okrsite.diagnostics import Diagnostics
from conftest import COMPANY, CYCLE, SITE_TOML, failed_build


@pytest.fixture
def config_of(tmp_path, monkeypatch):
    """``config_of(toml)`` -> (SiteConfig, diagnostics), read from the site root."""
    def config_of(text: str):
        (tmp_path / "site.toml").write_text(text, encoding="utf-8")
        monkeypatch.chdir(tmp_path)
        diagnostics = Diagnostics()
        return load_config(tmp_path, diagnostics), diagnostics
    return config_of


def formatted(diagnostics) -> list[str]:
    return [d.format() for d in diagnostics.items]


def test_defaults_for_an_empty_file(config_of, tmp_path):
    config, diagnostics = config_of("")
    assert diagnostics.items == []
    assert config.title == "OKRs"
    assert config.base_url == "/"
    assert config.theme == "default"
    assert config.current_cycle is None
    assert config.cycles == {}
    assert config.status == StatusBands(achieved=0.7, progress=0.3, on_track=0.8, at_risk=0.5)
    assert config.checks == CheckSettings(off=frozenset(), stale_days=14)
    assert all(config.checks.on(name) for name in CHECKS)
    assert config.path == tmp_path / "site.toml"
    assert config.content_dir == tmp_path / "content"


def test_every_setting_is_read(config_of):
    config, diagnostics = config_of("""\
title = "Acme Soap Co. OKRs"
base_url = "https://acme.github.io/okrs/"
theme = "default"
current_cycle = "2026-Q4"

[cycles."2026-Q4"]
title = "Autumn"
start = 2026-10-05
end = 2026-12-20
""")
    assert diagnostics.items == []
    assert (config.title, config.base_url, config.theme, config.current_cycle) == \
        ("Acme Soap Co. OKRs", "https://acme.github.io/okrs/", "default", "2026-Q4")
    assert config.cycles == {"2026-Q4": CycleSettings("Autumn", dt.date(2026, 10, 5), dt.date(2026, 12, 20))}


@pytest.mark.parametrize("written, expected", [
    ("https://acme.github.io/okrs", "https://acme.github.io/okrs/"),
    ("https://acme.github.io/okrs/", "https://acme.github.io/okrs/"),
    ("", "/"),
])
def test_base_url_gets_a_trailing_slash(config_of, written, expected):
    config, diagnostics = config_of(f'base_url = "{written}"\n')
    assert diagnostics.items == []
    assert config.base_url == expected


def test_status_bands(config_of):
    config, diagnostics = config_of("[status]\nachieved = 0.9\nprogress = 0.4\non_track = 1\nat_risk = 0.6\n")
    assert diagnostics.items == []
    assert config.status == StatusBands(achieved=0.9, progress=0.4, on_track=1.0, at_risk=0.6)
    assert isinstance(config.status.on_track, float)


def test_status_bands_partly_given_keep_the_other_defaults(config_of):
    config, diagnostics = config_of("[status]\nachieved = 0.75\n")
    assert diagnostics.items == []
    assert config.status == StatusBands(achieved=0.75, progress=0.3, on_track=0.8, at_risk=0.5)


@pytest.mark.parametrize("value", ['"high"', "true", "-0.1"])
def test_status_band_that_is_not_a_fraction_is_an_error(config_of, value):
    config, diagnostics = config_of(f"[status]\nachieved = {value}\n")
    assert len(diagnostics.errors) == 1
    assert "[status] achieved must be a number like 0.7" in diagnostics.errors[0].message
    assert diagnostics.errors[0].line == 2
    assert config.status.achieved == 0.7


@pytest.mark.parametrize("text, line", [
    ('title = "x"\nbase_url = \n', 2),
    ('title = "x"\n\n[status\n', 3),
    ('title = "x"\ntitle = "y"\n', 2),
])
def test_invalid_toml_names_site_toml_and_the_line(config_of, text, line):
    config, diagnostics = config_of(text)
    [error] = diagnostics.items
    assert error.format().startswith(f"site.toml:{line}: error: invalid TOML: ")
    assert config.title == "OKRs"  # the defaults


def test_unknown_keys_warn_with_did_you_mean(config_of):
    config, diagnostics = config_of("""\
titel = "x"
[cycles."2026-Q4"]
strat = 2026-10-01
[status]
on_trak = 0.9
""")
    assert diagnostics.errors == []
    assert formatted(diagnostics) == [
        "site.toml:1: warning: unknown key 'titel' in site.toml (did you mean title?)",
        "site.toml:3: warning: unknown key 'strat' in [cycles.\"2026-Q4\"] (did you mean start?)",
        "site.toml:5: warning: unknown key 'on_trak' in [status] (did you mean on_track?)",
    ]


def test_settings_of_the_wrong_type_are_errors(config_of):
    config, diagnostics = config_of('title = 5\ncurrent_cycle = 2026\n')
    assert formatted(diagnostics) == ["site.toml:1: error: 'title' must be a string, not 5",
                                      "site.toml:2: error: 'current_cycle' must be a string, not 2026"]
    assert config.title == "OKRs" and config.current_cycle is None


def test_checks_switched_off_and_the_stale_limit(config_of):
    config, diagnostics = config_of("[checks]\nunits = false\nstretch = true\nstale_days = 21\n")
    assert diagnostics.items == []
    assert config.checks == CheckSettings(off=frozenset({"units"}), stale_days=21)
    assert not config.checks.on("units") and config.checks.on("stretch") and config.checks.on("stale")


def test_checks_unknown_key_warns_with_did_you_mean(config_of):
    config, diagnostics = config_of('title = "T"\n\n[checks]\nunit = false\n')
    assert formatted(diagnostics) == ["site.toml:4: warning: unknown key 'unit' in [checks] (did you mean units?)"]
    assert config.checks == CheckSettings()


def test_checks_strict_is_off_unless_set_to_true(config_of):
    assert config_of("")[0].checks.strict is False
    config, diagnostics = config_of("[checks]\nstrict = true\n")
    assert diagnostics.items == [] and config.checks == CheckSettings(strict=True)
    config, diagnostics = config_of('title = "T"\n[checks]\nstrict = "yes"\n')
    assert formatted(diagnostics) == ["site.toml:3: error: [checks] strict must be true or false, not 'yes'"]
    assert config.checks.strict is False


def test_checks_of_the_wrong_type_are_errors_at_their_line(config_of):
    config, diagnostics = config_of('[checks]\nstale = "no"\nunits = 0\nstale_days = 0\n')
    assert formatted(diagnostics) == [
        "site.toml:2: error: [checks] stale must be true or false, not 'no'",
        "site.toml:3: error: [checks] units must be true or false, not 0",
        "site.toml:4: error: [checks] stale_days must be a whole number of days like 14, not 0",
    ]
    assert config.checks == CheckSettings()


def test_a_table_header_with_a_comment_keeps_the_lines_of_its_keys(config_of):
    _, diagnostics = config_of('[checks]   # coaching [on]\nstale = "no"\n\n[status]  # bands\nat_risk = 11\n')
    assert formatted(diagnostics) == ["site.toml:5: error: [status] at_risk must be a number like 0.7, not 11",
                                      "site.toml:2: error: [checks] stale must be true or false, not 'no'"]


def test_checks_must_be_a_table(config_of):
    _, diagnostics = config_of('checks = "off"\n')
    assert formatted(diagnostics) == ["site.toml:1: error: 'checks' must be a table"]


def test_cycle_dates_must_be_dates_in_order(config_of):
    config, diagnostics = config_of("""\
[cycles.a]
start = "2026-10-01"
end = 2026-12-31
[cycles.b]
start = 2026-12-31
end = 2026-10-01
""")
    assert formatted(diagnostics) == ['site.toml:2: error: [cycles."a"] start must be a date like 2026-10-01',
                                      'site.toml:6: error: [cycles."b"] ends (2026-10-01) before it starts (2026-12-31)']


def test_a_theme_without_a_folder_is_an_error(config_of, tmp_path):
    config, diagnostics = config_of('title = "x"\ntheme = "dark"\n')
    assert [d.format() for d in diagnostics.errors] == [
        'site.toml:2: error: theme \'dark\' has no folder themes/dark/ (use "default" for the built-in theme)']
    (tmp_path / "themes" / "dark").mkdir(parents=True)
    config, diagnostics = config_of('title = "x"\ntheme = "dark"\n')
    assert diagnostics.items == [] and config.theme == "dark"


@pytest.mark.parametrize("theme", ["/somewhere", "../outside", "dark/../../x", "..", ".", "", "C:\\\\x", "a\\\\b"])
def test_a_theme_that_is_a_path_is_an_error(config_of, tmp_path, theme):
    (tmp_path / "somewhere").mkdir()
    config, diagnostics = config_of(f'title = "x"\ntheme = "{theme}"\n')
    assert [d.format() for d in diagnostics.errors] == [
        f"site.toml:2: error: theme must be \"default\" or the name of a folder of themes/, "
        f"not {theme.replace(chr(92) * 2, chr(92))!r}: a theme comes from inside the site"]
    assert config.theme == "default"


def test_missing_site_toml_is_an_error(tmp_path):
    diagnostics = Diagnostics()
    config = load_config(tmp_path, diagnostics)
    assert isinstance(config, SiteConfig)
    assert len(diagnostics.errors) == 1


@pytest.mark.parametrize("name, start, end", [
    ("2026-Q1", dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
    ("2026-Q2", dt.date(2026, 4, 1), dt.date(2026, 6, 30)),
    ("2026-Q3", dt.date(2026, 7, 1), dt.date(2026, 9, 30)),
    ("2026-Q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31)),
    ("2026-q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31)),
    ("2026-H1", dt.date(2026, 1, 1), dt.date(2026, 6, 30)),
    ("2026-H2", dt.date(2026, 7, 1), dt.date(2026, 12, 31)),
    ("2026-h2", dt.date(2026, 7, 1), dt.date(2026, 12, 31)),
    ("2026", dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
])
def test_dates_from_name(name, start, end):
    assert dates_from_name(name) == (start, end)


def test_dates_from_name_in_leap_years():
    q1_2024, q1_2026 = dates_from_name("2024-Q1"), dates_from_name("2026-Q1")
    assert q1_2024 == (dt.date(2024, 1, 1), dt.date(2024, 3, 31))
    assert (q1_2024[1] - q1_2024[0]).days == 90 and (q1_2026[1] - q1_2026[0]).days == 89
    h1_2000 = dates_from_name("2000-H1")
    assert (h1_2000[1] - h1_2000[0]).days == 181
    year = dates_from_name("2024")
    assert year == (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    assert (year[1] - year[0]).days == 365
    assert (dates_from_name("2100")[1] - dates_from_name("2100")[0]).days == 364  # not a leap year


@pytest.mark.parametrize("name", ["2026-Q5", "2026-Q0", "2026-H3", "26-Q1", "2026Q1", "launch", "2026-Q4-extra", ""])
def test_names_without_dates(name):
    assert dates_from_name(name) is None


@pytest.mark.parametrize("name, title", [
    ("2026-Q4", "Q4 2026"), ("2026-q1", "Q1 2026"), ("2026-H2", "H2 2026"), ("2026-h1", "H1 2026"),
    ("2026", "2026"), ("launch", "launch"),
])
def test_title_from_name(name, title):
    assert title_from_name(name) == title


def test_cname_is_read_and_checked(make_site):
    from okrsite.config import load_config
    from okrsite.diagnostics import Diagnostics

    root = make_site({}, 'title = "T"\ncname = "okrs.example.com"\n')
    diagnostics = Diagnostics()
    assert load_config(root, diagnostics).cname == "okrs.example.com" and not diagnostics.items
    root = make_site({}, 'title = "T"\ncname = "https://okrs.example.com/"\n')
    config = load_config(root, diagnostics)
    assert config.cname is None
    assert [d.format().split("site.toml")[1] for d in diagnostics.items] == [
        ":2: error: cname must be a domain name like okrs.example.com, not 'https://okrs.example.com/'"]


def test_markdown_image_hosts_are_read_in_lower_case(config_of):
    config, diagnostics = config_of('[markdown]\nimage_hosts = ["Intranet.Example.com", "wiki", "10.0.0.5"]\n')
    assert diagnostics.items == [] and config.image_hosts == ("intranet.example.com", "wiki", "10.0.0.5")
    assert config_of("")[0].image_hosts == ()


@pytest.mark.parametrize("value, message", [
    ('"intranet.example.com"', "[markdown] image_hosts must be a list of host names like [\"intranet.example.com\"], "
                               "not 'intranet.example.com'"),
    ('["https://intranet.example.com"]', "[markdown] image_hosts: 'https://intranet.example.com' is not a host name"),
    ('["*.example.com"]', "[markdown] image_hosts: '*.example.com' is not a host name"),
    ('["intranet.example.com:8080"]', "[markdown] image_hosts: 'intranet.example.com:8080' is not a host name"),
    ('[""]', "[markdown] image_hosts: '' is not a host name"),
    ("[42]", "[markdown] image_hosts: 42 is not a host name"),
])
def test_bad_image_hosts_are_errors_at_their_line(config_of, value, message):
    config, diagnostics = config_of(f'title = "x"\n\n[markdown]\nimage_hosts = {value}\n')
    assert [d.format().split(":", 3)[:3] for d in diagnostics.items] == [["site.toml", "4", " error"]]
    assert message in diagnostics.items[0].message
    assert "https://intranet.example.com" not in config.image_hosts


def test_unknown_markdown_keys_are_warnings(config_of):
    config, diagnostics = config_of('[markdown]\nimage_host = ["wiki"]\n')
    assert formatted(diagnostics) == [
        "site.toml:2: warning: unknown key 'image_host' in [markdown] (did you mean image_hosts?)"]


def test_a_date_and_time_where_a_date_belongs_is_an_error_not_a_crash(make_site, capsys, monkeypatch):
    toml = SITE_TOML + '[cycles."2026-Q4"]\ntitle = "Q4"\nstart = 2026-10-01T09:00:00\nend = 2026-12-31\n'
    root = make_site({f"{CYCLE}/test-co.md": COMPANY}, toml)
    assert failed_build(root, capsys, monkeypatch) == [
        'site.toml:5: error: [cycles."2026-Q4"] start must be a date like 2026-10-01, '
        'not a date and time (2026-10-01 09:00:00)']


def test_numbers_too_large_are_errors_shown_short(config_of):
    big = "1" + "0" * 400
    _, diagnostics = config_of(f"[status]\nachieved = {big}\n[checks]\nstale_days = {big}\n")
    assert formatted(diagnostics) == [
        "site.toml:2: error: [status] achieved must be a number like 0.7, not 10000000000000000000... (401 characters)",
        "site.toml:4: error: [checks] stale_days must be a whole number of days like 14, not 10000000000000000000... "
        "(401 characters)"]


def test_a_number_of_more_digits_than_python_reads_is_an_error(config_of):
    _, diagnostics = config_of(f'title = "x"\n[status]\nachieved = {"9" * 5000}\n')
    assert formatted(diagnostics) == ["site.toml:3: error: invalid TOML: a number of more than 4,300 digits is too large"]


def test_dates_from_name_at_the_ends_of_the_calendar():
    assert dates_from_name("9999-Q4") == (dt.date(9999, 10, 1), dt.date(9999, 12, 31))
    assert dates_from_name("0001-H1") == (dt.date(1, 1, 1), dt.date(1, 6, 30))
    assert dates_from_name("0000-H1") is None and dates_from_name("0000") is None


def test_split_above_defaults_to_a_thousand_objectives_and_takes_zero(config_of):
    config, diagnostics = config_of('title = "X"\n')
    assert config.split_above == 1000 and not diagnostics.items
    config, diagnostics = config_of('split_above = 0\n')
    assert config.split_above == 0 and not diagnostics.items


@pytest.mark.parametrize("value, shown", [("-1", "-1"), ("true", "True"), ('"500"', "'500'"), ("2.5", "2.5")])
def test_split_above_that_is_not_a_whole_number_of_objectives_is_an_error_at_its_line(config_of, value, shown):
    config, diagnostics = config_of(f'title = "X"\nsplit_above = {value}\n')
    assert formatted(diagnostics) == [
        f"site.toml:2: error: split_above must be a whole number of objectives like 1000 (0 splits every "
        f"cycle's long pages by department), not {shown}"]
    assert config.split_above == 1000
