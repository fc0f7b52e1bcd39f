"""okrsite.newcycle: `okrsite new-cycle NEW --from OLD` starts a cycle from the last one."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from conftest import EXAMPLE_DATE, load, write_site
from okrsite.cli import main
from okrsite.load import split_front_matter

OLD, NEW = "content/2026-Q4", "content/2027-Q1"


def front_and_body(path: Path) -> tuple[dict, str]:
    front, body, _ = split_front_matter(path.read_text(encoding="utf-8"))
    return yaml.safe_load(front), body


@pytest.fixture
def example(example_copy, monkeypatch) -> Path:
    monkeypatch.chdir(example_copy)
    return example_copy


def test_the_example_company_starts_its_next_quarter(example, capsys):
    assert main(["new-cycle", "2027-Q1", "--from", "2026-Q4", "--date", "2026-12-31"]) == 0
    out = capsys.readouterr().out
    old_files = sorted(p.relative_to(example / OLD) for p in (example / OLD).rglob("*.md"))
    new_files = sorted(p.relative_to(example / NEW) for p in (example / NEW).rglob("*.md"))
    assert new_files == old_files
    assert "created content/2027-Q1/departments/marketing.md: 2 objectives carried over" in out
    site, diagnostics = load(example, EXAMPLE_DATE)
    old = {o.ref: o for o in next(c for c in site.cycles if c.id == "2026-Q4").objectives}
    for path in (example / NEW).rglob("*.md"):
        front, body = front_and_body(path)
        assert body == front_and_body(example / OLD / path.relative_to(example / NEW))[1]
        for objective in front.get("objectives", []):
            assert "score" not in objective and "status" not in objective
            before = old.get(f"{path.stem}/{objective['id']}")
            for kr in objective["key_results"]:
                assert not {"checkins", "current", "score", "confidence"} & set(kr)
                if before is not None and kr.get("type", "metric") == "metric":
                    was = next(k for k in before.key_results if k.id == kr["id"])
                    assert kr["start"] == was.current  # it starts where it got to
    assert not diagnostics.errors  # the new cycle is a valid site, private file and all
    packaging, _ = front_and_body(example / NEW / "teams/packaging.md")  # its milestone had a confidence
    assert {"id": "second-supplier", "title": "Second mailer supplier qualified", "type": "milestone",
            "done": False} in packaging["objectives"][0]["key_results"]
    marketing, _ = front_and_body(example / NEW / "departments/marketing.md")
    assert marketing["objectives"][0]["key_results"][0]["start"] == 32440
    # a number carries over as written: the holiday campaign's cost per customer got to 24.4 (and 28.0 -> 20.0)
    text = (example / NEW / "departments/marketing.md").read_text(encoding="utf-8")
    assert "start: 24.4\n" in text and "target: 20.0\n" in text
    product, _ = front_and_body(example / NEW / "departments/product.md")
    assert [o.get("type") for o in product["objectives"]] == ["committed", None]  # a promise stays a promise


COMPANY = """\
---
name: Test Co
kind: company
objectives:
  - id: done
    title: Finish the launch
    key_results:
      - {id: shipped, title: Shop open, type: milestone, done: true}
      - {id: stores, title: Stores, start: 0, target: 10, current: 10}
  - id: grow
    title: Grow
    key_results:
      - {id: revenue, title: Revenue, start: 0, target: 100, unit: k, checkins: [{date: 2026-11-01, value: 40}]}
      - {id: margin, title: Margin, start: 10, target: 20, current: 12, score: 0.3}
      - {id: orders, title: Orders, start: 0, target: 5, current: 5}
    score: 0.4
    retro: Revenue came late; start the campaign in week one.
---
The company.
"""
TEAM = """\
---
name: Shop team
kind: team
parent: test-co
objectives:
  - id: help
    title: Help the launch and the growth
    aligns_to: [test-co/done, test-co/grow/revenue, test-co/grow/orders]
    depends_on: [test-co/done, test-co/grow/revenue]
    key_results:
      - {id: one, title: One, start: 0, target: 4, current: 1, depends_on: test-co/grow/orders}
      - {id: two, title: Two, type: milestone, done: false}
---
"""


@pytest.fixture
def small(tmp_path, monkeypatch) -> Path:
    site = write_site(tmp_path / "site", {f"{OLD}/test-co.md": COMPANY, f"{OLD}/teams/shop.md": TEAM})
    monkeypatch.chdir(site)
    return site


def test_finished_objectives_and_key_results_stay_behind_with_the_alignments_to_them(small, capsys):
    assert main(["new-cycle", "2027-Q1", "--from", "2026-Q4", "--date", "2026-12-31"]) == 0
    out = capsys.readouterr().out
    company, _ = front_and_body(small / NEW / "test-co.md")
    assert [o["id"] for o in company["objectives"]] == ["grow"]
    assert not {"score", "retro"} & set(company["objectives"][0])
    assert company["objectives"][0]["key_results"] == [
        {"id": "revenue", "title": "Revenue", "start": 40, "target": 100, "unit": "k"},
        {"id": "margin", "title": "Margin", "start": 12, "target": 20}]
    team, _ = front_and_body(small / NEW / "teams/shop.md")
    assert team["objectives"][0]["aligns_to"] == ["test-co/grow/revenue"]
    assert team["objectives"][0]["depends_on"] == ["test-co/grow/revenue"]
    assert "depends_on" not in team["objectives"][0]["key_results"][0]
    assert team["objectives"][0]["key_results"][1] == {"id": "two", "title": "Two", "type": "milestone", "done": False}
    assert ("created content/2027-Q1/test-co.md: 1 objective carried over, finished and left behind: "
            "test-co/done, test-co/grow/orders") in out
    assert "removed the alignment shop/help -> test-co/done: it is finished and stayed in 2026-Q4" in out
    assert "removed the alignment shop/help -> test-co/grow/orders: it is finished and stayed in 2026-Q4" in out
    assert "removed the dependency shop/help -> test-co/done: it is finished and stayed in 2026-Q4" in out
    assert "removed the dependency shop/help/one -> test-co/grow/orders: it is finished and stayed in 2026-Q4" in out
    assert not list((small / "content").glob(".*"))  # no staging folder left
    site, diagnostics = load(small, EXAMPLE_DATE)
    assert site is not None and not diagnostics.errors


def test_keep_finished_carries_everything(small):
    assert main(["new-cycle", "2027-Q1", "--from", "2026-Q4", "--keep-finished", "--date", "2026-12-31"]) == 0
    company, _ = front_and_body(small / NEW / "test-co.md")
    assert [o["id"] for o in company["objectives"]] == ["done", "grow"]
    assert company["objectives"][1]["key_results"][2] == {"id": "orders", "title": "Orders", "start": 0, "target": 5}
    team, _ = front_and_body(small / NEW / "teams/shop.md")
    assert team["objectives"][0]["aligns_to"] == ["test-co/done", "test-co/grow/revenue", "test-co/grow/orders"]
    site, diagnostics = load(small, EXAMPLE_DATE)
    assert site is not None and not diagnostics.errors  # a reached key result kept its start: still valid


@pytest.mark.parametrize("argv, message", [
    (["new-cycle", "2026-Q4", "--from", "2026-Q4"], "content/2026-Q4: error: cycle '2026-Q4' exists already"),
    (["new-cycle", "2027-Q1", "--from", "2026-Q2"], "content/2026-Q2: error: no cycle '2026-Q2' to start from"),
    (["new-cycle", "next", "--from", "2026-Q4"], "content/next: error: cannot tell the dates of cycle 'next'"),
])
def test_it_refuses_and_writes_nothing(small, capsys, argv, message):
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert message in err and "nothing was written" in err and "Traceback" not in err
    assert sorted(p.name for p in (small / "content").iterdir()) == ["2026-Q4"]


def test_an_old_cycle_with_errors_writes_nothing(small, capsys):
    (small / OLD / "teams/shop.md").write_text(TEAM.replace("test-co/done", "test-co/nope"))
    assert main(["new-cycle", "2027-Q1", "--from", "2026-Q4"]) == 1
    assert "content/2026-Q4/teams/shop.md:8: error: 'aligns_to' names 'test-co/nope'" in capsys.readouterr().err
    assert not (small / NEW).exists()
