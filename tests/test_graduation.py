"""Tests of okrsite.graduation: a KPI's ``graduated_from`` links it to the key result of an earlier
cycle it carries on, both ways, on every build; refs that name nothing are reported at their line."""

from __future__ import annotations

import pytest

from conftest import COMPANY, EXAMPLE_DATE, load
from okrsite.assemble import load_site
from okrsite.cache import OwnerCache
from okrsite.diagnostics import Diagnostics
from okrsite.options import BuildOptions

Q3 = "content/2026-Q3/test-co.md"
Q4 = "content/2026-Q4/test-co.md"
Q4_KPI_LINE = 12  # the line of 'graduated_from' in company_with_kpi()


def company_with_kpi(ref: str, cycle_kpis: str = "") -> str:
    """The test company with one KPI graduated from ``ref`` (its 'graduated_from' on line 12)."""
    return COMPANY.replace("---\nThe company.", (
        "kpis:\n"                                          # 10
        "  - id: revenue\n"                                # 11
        f"    graduated_from: {ref}\n"                     # 12
        "    title: Revenue per month\n"
        "    target: 100\n"
        "    unit: k\n"
        "    checkins:\n"
        "      - {date: 2026-10-15, value: 90}\n"
        "      - {date: 2026-11-15, value: 120}\n"
        f"{cycle_kpis}---\nThe company."))


def make(make_site, monkeypatch, ref: str = "2026-Q3/test-co/grow/revenue", q3: str = COMPANY):
    root = make_site({Q3: q3, Q4: company_with_kpi(ref)})
    monkeypatch.chdir(root)
    return root


def errors(diagnostics) -> list[str]:
    return [d.format() for d in diagnostics.errors]


def test_a_kpi_is_linked_to_the_key_result_it_graduated_from_and_back(make_site, monkeypatch):
    site, diagnostics = load(make(make_site, monkeypatch))
    assert errors(diagnostics) == []
    q4, q3 = site.cycles
    kpi = q4.owners["test-co"].kpis[0]
    kr = q3.owners["test-co"].objectives[0].key_results[0]
    assert kpi.graduated_from_kr is kr
    assert kr.graduated_to == [kpi]
    assert [list(k.graduated_to) for k in q4.owners["test-co"].objectives[0].key_results] == [[], []]


def test_the_cycle_may_be_written_in_lower_case(make_site, monkeypatch):
    site, diagnostics = load(make(make_site, monkeypatch, "2026-q3/test-co/grow/revenue"))
    assert errors(diagnostics) == []
    assert site.cycles[0].owners["test-co"].kpis[0].graduated_from_kr.ref == "test-co/grow/revenue"


@pytest.mark.parametrize("ref, message", [
    ("2026-Q3/test-co/grow/revenu", "KPI 'revenue': 'graduated_from' names '2026-Q3/test-co/grow/revenu', but objective "
                                    "'test-co/grow' of cycle 2026-Q3 has no key result 'revenu' "
                                    "(did you mean 2026-Q3/test-co/grow/revenue?)"),
    ("2026-Q3/test-co/grw/revenue", "KPI 'revenue': 'graduated_from' names '2026-Q3/test-co/grw/revenue', but Test Co "
                                    "has no objective 'grw' in cycle 2026-Q3 (did you mean 2026-Q3/test-co/grow/revenue?)"),
    ("2026-Q3/test/grow/revenue", "KPI 'revenue': 'graduated_from' names '2026-Q3/test/grow/revenue', which is not an "
                                  "owner's key result in cycle 2026-Q3 (did you mean 2026-Q3/test-co/grow/revenue?)"),
    ("2026-Q2/test-co/grow/revenue", "KPI 'revenue': 'graduated_from' names '2026-Q2/test-co/grow/revenue', but there "
                                     "is no cycle '2026-Q2' (did you mean 2026-Q3?)"),
    ("2026-Q4/test-co/grow/revenue", "KPI 'revenue': 'graduated_from' names '2026-Q4/test-co/grow/revenue', but a KPI "
                                     "graduates from a key result of an earlier cycle than its own (2026-Q4)"),
])
def test_a_ref_that_names_no_earlier_key_result_is_an_error_at_its_line(make_site, monkeypatch, ref, message):
    site, diagnostics = load(make(make_site, monkeypatch, ref))
    assert site is None
    assert errors(diagnostics) == [f"{Q4}:{Q4_KPI_LINE}: error: {message}"]


def test_a_later_cycle_is_an_error(make_site, monkeypatch):
    root = make_site({Q3: company_with_kpi("2026-Q4/test-co/grow/revenue"), Q4: COMPANY})
    monkeypatch.chdir(root)
    site, diagnostics = load(root)
    assert errors(diagnostics) == [
        f"{Q3}:{Q4_KPI_LINE}: error: KPI 'revenue': 'graduated_from' names '2026-Q4/test-co/grow/revenue', but a KPI "
        "graduates from a key result of an earlier cycle than its own (2026-Q3)"]


def test_a_private_key_result_is_not_linked_and_not_an_error(make_site, monkeypatch):
    private = COMPANY.replace("    title: Grow the business\n", "    title: Grow the business\n    visibility: private\n")
    site, diagnostics = load(make(make_site, monkeypatch, q3=private))
    assert errors(diagnostics) == []
    assert site.cycles[0].owners["test-co"].kpis[0].graduated_from_kr is None


def test_a_key_result_of_a_private_file_is_not_linked_and_not_an_error(make_site, monkeypatch):
    root = make_site({Q3: COMPANY, "content/2026-Q3/ops.md": (
        "---\nname: Ops\nkind: team\nparent: test-co\nvisibility: private\nobjectives:\n"
        "  - id: run\n    title: Run\n    aligns_to: test-co/grow\n    key_results:\n"
        "      - {id: uptime, title: Uptime, start: 90, target: 99, current: 99}\n"
        "      - {id: calls, title: Calls, start: 10, target: 0, current: 2}\n---\n"),
        Q4: company_with_kpi("2026-Q3/ops/run/uptime")})
    monkeypatch.chdir(root)
    site, diagnostics = load(root)
    assert errors(diagnostics) == []
    assert site.cycles[0].owners["test-co"].kpis[0].graduated_from_kr is None
    leadership = load_site(root, BuildOptions(EXAMPLE_DATE, include_private=True), Diagnostics())
    assert leadership.cycles[0].owners["test-co"].kpis[0].graduated_from_kr.ref == "ops/run/uptime"


def test_links_are_made_again_when_the_earlier_cycle_is_reused_from_the_cache(make_site, monkeypatch):
    root = make(make_site, monkeypatch)
    cache = OwnerCache()

    def build():
        diagnostics = Diagnostics()
        site = load_site(root, BuildOptions(EXAMPLE_DATE, jobs=1), diagnostics, cache)
        assert errors(diagnostics) == []
        return site

    first = build()
    old_kr = first.cycles[1].owners["test-co"].objectives[0].key_results[0]
    (root / Q4).write_text(company_with_kpi("2026-Q3/test-co/grow/launch"), encoding="utf-8")
    second = build()
    q4, q3 = second.cycles
    assert q3.owners["test-co"].objectives[0].key_results[0] is old_kr  # the earlier cycle was reused
    assert not old_kr.graduated_to
    launch = q3.owners["test-co"].objectives[0].key_results[1]
    assert launch.graduated_to == q4.owners["test-co"].kpis
    (root / Q4).write_text(COMPANY, encoding="utf-8")
    third = build()
    assert not launch.graduated_to and third.cycles[1].owners["test-co"].objectives[0].key_results[1] is launch
