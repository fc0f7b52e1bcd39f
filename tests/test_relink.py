"""Edits taken in place (okrsite/relink.py): watch mode keeps the linked cycle when a file's links did
not change, and re-keys only the pages around the edit. Every edit must give the same keys, the same
problems in the same order and the same bytes as a clean build of the same files."""

from __future__ import annotations

from pathlib import Path


from conftest import CLEAN, EXAMPLE_DATE
from test_build import Q4, edit, tree
from test_sections import copy_example
from okrsite.build import Builder
from okrsite.diagnostics import Diagnostics
from okrsite.model import Objective, Owner
from okrsite.relink import link_shape, take_content
from okrsite.load import parse_document
from okrsite.schema import build_owner


def q4(report):
    return next(c for c in report.site.cycles if c.id == "2026-Q4")


def assert_as_clean(builder: Builder, report, site: Path, tmp_path: Path) -> None:
    """The watch builder's build equals a clean one: every output's key, the problems in their order and
    the bytes of every file."""
    clean = Builder(site, tmp_path / "clean", CLEAN, again=False)
    expected = clean.build()
    assert expected.ok(False)
    assert [d.format() for d in report.diagnostics.items] == [d.format() for d in expected.diagnostics.items]
    assert {path: w.key for path, w in builder._written.items()} == {path: w.key for path, w in clean._written.items()}
    actual, wanted = tree(builder.out), tree(clean.out)
    assert sorted(actual) == sorted(wanted)
    assert not [path for path in wanted if actual[path] != wanted[path]]


IN_PLACE = {  # file, text, its replacement, made in turn: what the file says changes, not how it links
    "a team's objective title": ("teams/fulfillment.md", "title: Pack it today, on their doorstep tomorrow",
                                 "title: Pack it today, at their door tomorrow"),
    "a person's check-in": ("people/darnell-brooks.md", "{date: 2026-11-20, value: 180}",
                            "{date: 2026-11-20, value: 90}"),
    "a department's check-in, rolled up to the company": ("departments/manufacturing.md",
                                                          "{date: 2026-11-18, value: 2.4}",
                                                          "{date: 2026-11-18, value: 1.6}"),
    "a check-in dated outside the cycle": ("people/darnell-brooks.md", "{date: 2026-11-20, value: 90}",
                                           "{date: 2027-01-20, value: 90}"),  # after the one above
    "a key result that names an output": ("people/darnell-brooks.md", "title: Orders waiting more than one day at peak",
                                          "title: Launch the new packing line"),
    "a key result without a unit": ("teams/fulfillment.md", '        unit: orders\n', ""),
    "a role": ("people/darnell-brooks.md", "role: Fulfillment Manager", "role: Head of Fulfillment"),
    "a weight, and a line more above the rest": ("teams/fulfillment.md", "        weight: 2\n",
                                                 "        weight: 3\n        # three times as much\n"),
}

RELINKED = {  # edits that change how a file links, or that a cycle with private goals cannot take in place
    "what an objective aligns to": ("people/darnell-brooks.md", "aligns_to: fulfillment/same-day",
                                    "aligns_to: fulfillment/gentle-parcels"),
    "a person's name": ("people/darnell-brooks.md", "name: Darnell Brooks", "name: Darnell Brookes"),
    "the company, in a cycle with a private goal": ("suds.md", "title: Net Promoter Score", "title: NPS"),
}


def test_edits_that_link_alike_are_taken_in_place_one_after_another(example_copy, tmp_path):
    site = example_copy
    builder = Builder(site, tmp_path / "out")
    cycle = q4(builder.build(EXAMPLE_DATE))
    for count, (change, (file, old, new)) in enumerate(IN_PLACE.items(), start=1):
        edit(site / Q4 / file, old, new)
        report = builder.build(EXAMPLE_DATE)
        assert report.ok(False) and report.parsed == 1, change
        assert q4(report) is cycle and len(cycle.changes) == count, change
        edited = cycle.owners[Path(file).stem]
        assert edited in cycle.changes[-1] and set(edited.objectives) <= cycle.changes[-1], change
        assert_as_clean(builder, report, site, tmp_path)


SPLIT = ["a person's check-in", "a department's check-in, rolled up to the company", "a key result that names an output"]


def test_edits_in_place_on_a_split_site_make_the_sections_around_them_again(tmp_path):
    """Split by department, the sections without an owner around the edit keep their keys: they must
    still be those of a clean build."""
    site = copy_example(tmp_path / "site", 0)
    builder = Builder(site, tmp_path / "out")
    cycle = q4(builder.build(EXAMPLE_DATE))
    for count, change in enumerate(SPLIT, start=1):
        file, old, new = IN_PLACE[change]
        edit(site / Q4 / file, old, new)
        report = builder.build(EXAMPLE_DATE)
        assert report.ok(False) and q4(report) is cycle and len(cycle.changes) == count, change
        assert_as_clean(builder, report, site, tmp_path)


def test_edits_that_link_otherwise_link_the_cycle_again(example_copy, tmp_path):
    site = example_copy
    builder = Builder(site, tmp_path / "out")
    cycle = q4(builder.build(EXAMPLE_DATE))
    for change, (file, old, new) in RELINKED.items():
        edit(site / Q4 / file, old, new)
        report = builder.build(EXAMPLE_DATE)
        assert report.ok(False), change
        assert q4(report) is not cycle and q4(report).changes == [], change
        assert_as_clean(builder, report, site, tmp_path)
        cycle = q4(report)


def test_edits_in_place_add_up_until_the_site_is_rendered(example_copy, tmp_path):
    """Two edits in place while another file has an error (nothing is rendered), then the error fixed:
    the pages of both edits are made again."""
    site = example_copy
    builder = Builder(site, tmp_path / "out")
    cycle = q4(builder.build(EXAMPLE_DATE))
    edit(site / "content/2026-Q3/suds.md", "kind: company", "kind: galaxy")
    edit(site / Q4 / "people/darnell-brooks.md", "{date: 2026-11-20, value: 180}", "{date: 2026-11-20, value: 90}")
    assert not builder.build(EXAMPLE_DATE).ok(False)
    edit(site / Q4 / "teams/fulfillment.md", "title: Pack it today, on their doorstep tomorrow", "title: Packed today")
    assert not builder.build(EXAMPLE_DATE).ok(False)
    edit(site / "content/2026-Q3/suds.md", "kind: galaxy", "kind: company")
    report = builder.build(EXAMPLE_DATE)
    assert report.ok(False) and q4(report) is cycle and len(cycle.changes) == 2
    assert_as_clean(builder, report, site, tmp_path)


def test_a_private_file_is_linked_again(example_copy, tmp_path):
    """The example's only private goal is Elena's: an edit there links the cycle again, as the checks of
    the cycle as written see what the site leaves out."""
    site = example_copy
    builder = Builder(site, tmp_path / "out")
    cycle = q4(builder.build(EXAMPLE_DATE))
    path = site / Q4 / "people/elena-petrova.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("title: ", "title: Quietly, ", 1), encoding="utf-8")
    report = builder.build(EXAMPLE_DATE)
    assert report.ok(False) and q4(report) is not cycle
    assert_as_clean(builder, report, site, tmp_path)


def parsed(text: str) -> Owner:
    found = Diagnostics()
    document = parse_document(text.encode(), Path("people/ada.md"), "people/ada.md", "2026-Q4", found)
    return build_owner(document, found)


ADA = """---
name: Ada
kind: person
parent: ops
role: Engineer
objectives:
  - id: fast
    title: Be fast
    aligns_to: ops/ship
    key_results:
      - {id: a, title: Latency, start: 10, target: 2, unit: ms, checkins: [{date: 2026-11-02, value: 8}]}
      - {id: b, title: Uptime, start: 99, target: 99.9, unit: "%"}
---
"""


def test_link_shape_sees_every_link_and_nothing_else():
    shape = link_shape(parsed(ADA))
    for old, new in [("title: Be fast", "title: Be quick"), ("value: 8", "value: 6"), ("role: Engineer", "role: Lead"),
                     ("target: 2,", "target: 1,")]:
        assert link_shape(parsed(ADA.replace(old, new))) == shape, old
    for old, new in [("aligns_to: ops/ship", "aligns_to: ops/run"), ("parent: ops", "parent: dev"),
                     ("name: Ada", "name: Ada L."), ("id: b,", "id: c,"), ("role: Engineer", "role: Engineer\nlead: bob"),
                     ("    aligns_to", "    contributors: [bob]\n    aligns_to"),
                     ("    aligns_to", "    visibility: private\n    aligns_to"),
                     ("unit: ms,", "unit: ms, depends_on: [ops/ship],")]:
        assert link_shape(parsed(ADA.replace(old, new))) != shape, old


def test_take_content_keeps_identities_and_links():
    linked, new = parsed(ADA), parsed(ADA.replace("title: Be fast", "title: Be quick").replace("value: 8", "value: 5"))
    objective, kr = linked.declared_objectives[0], linked.declared_objectives[0].key_results[0]
    parent = Objective("ship", "Ship", objective.source)
    objective.children = [parent]  # a link, made by a build: kept
    take_content(linked, new)
    assert linked.declared_objectives[0] is objective and objective.key_results[0] is kr
    assert objective.title == "Be quick" and [c.value for c in kr.checkins] == [5]
    assert objective.children == [parent] and kr.objective is objective and objective.owner is linked
