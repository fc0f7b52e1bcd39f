"""Tests of okrsite.render.tree: alignment trees and the org chart as flat lists of items, drawn
without recursion in Python or in the templates, however deep the content nests."""

from __future__ import annotations

import pytest

from conftest import COMPANY, CYCLE, EXAMPLE_DATE, write_site
from htmlcheck import by_href, parse_file
from okrsite.build import build_site
from okrsite.render.tree import Children, fold_depth, forest, org_items, primary_children, shown_below, \
    subtree_children, tree_items
from okrsite.options import BuildOptions

DEPTH = 300  # far deeper than Python's recursion limit allows for nested calls of a few frames each


def kinds(items) -> list[tuple[str, str]]:
    return [(item.objective.ref, item.kind) for item in items]


TEAM = """\
---
name: Team
kind: team
parent: test-co
objectives:
  - {id: a, title: A, aligns_to: test-co/grow, key_results: [{id: k, title: K, start: 0, target: 1}]}
---
"""
PERSON = """\
---
name: Pat
kind: person
parent: team
objectives:
  - {id: p, title: P, aligns_to: [team/a, test-co/grow], key_results: [{id: k, title: K, start: 0, target: 1}]}
  - {id: q, title: Q, aligns_to: test-co/grow, key_results: [{id: k, title: K, start: 0, target: 1}]}
---
"""



def one_objective(name: str, kind: str, parent: str, ident: str, aligns_to: str) -> str:
    return (f"---\nname: {name}\nkind: {kind}\nparent: {parent}\nobjectives:\n  - {{id: {ident}, title: {ident.upper()}, "
            f"aligns_to: {aligns_to}, key_results: [{{id: k, title: K, start: 0, target: 1}}]}}\n---\n")


DEPT = one_objective("Dept", "department", "test-co", "d", "test-co/grow")
CREW = one_objective("Crew", "team", "dept", "c", "dept/d")
WORKER = one_objective("Wo", "person", "crew", "w", "crew/c")


def test_tree_items_open_and_close_branches_in_drawing_order(check):
    site, diagnostics = check({f"{CYCLE}/team.md": TEAM, f"{CYCLE}/pat.md": PERSON})
    assert diagnostics.errors == []
    company = site.cycles[0].company
    items = tree_items(forest(company.objectives))
    assert kinds(items) == [("test-co/grow", "branch"), ("team/a", "branch"), ("pat/p", "leaf"), ("team/a", "end"),
                            ("pat/p", "elsewhere"), ("pat/q", "leaf"), ("test-co/grow", "end")]
    assert [(i.descendants, i.expanded) for i in items if i.kind == "branch"] == [(3, True), (1, True)]
    assert [i.expanded for i in tree_items(forest(company.objectives), depth=1) if i.kind == "branch"] == [True, False]
    owners = [(item.owner.id, item.kind) for item in org_items([company])]
    assert owners == [("test-co", "branch"), ("team", "branch"), ("pat", "leaf"), ("team", "end"), ("test-co", "end")]
    # folded at depth 1: the company objective is drawn, what aligns to the team's is only counted
    assert kinds(tree_items(forest(company.objectives), fold=1)) == [
        ("test-co/grow", "branch"), ("team/a", "folded"), ("pat/p", "elsewhere"), ("pat/q", "leaf"),
        ("test-co/grow", "end")]
    assert [i.descendants for i in tree_items(forest(company.objectives), fold=1) if i.kind == "folded"] == [1]


def test_an_objective_page_folds_a_big_subtree_and_links_each_folded_branch(tmp_path, monkeypatch):
    """Past SUBTREE_LIMIT objectives below it, an objective page shows its children whole and, below
    them, each objective with only the count of what aligns to it, linked to its own page."""
    import okrsite.render.contexts as plan

    monkeypatch.setattr(plan, "SUBTREE_LIMIT", 2)
    root = write_site(tmp_path, {f"{CYCLE}/test-co.md": COMPANY, f"{CYCLE}/team.md": TEAM, f"{CYCLE}/pat.md": PERSON,
                                 f"{CYCLE}/dept.md": DEPT, f"{CYCLE}/crew.md": CREW, f"{CYCLE}/wo.md": WORKER})
    out = tmp_path / "public"
    assert build_site(root, out, BuildOptions(EXAMPLE_DATE)).ok(False)
    path = "2026-q4/test-co/grow/index.html"
    page = parse_file(out / path).one("main")
    folded = page.find_all("p", cls="folded")
    assert [p.text() for p in folded] == ["1 aligned objective below, on its own page"]
    assert by_href(folded[0], path, "2026-q4/crew/c/index.html")
    assert not by_href(page, path, "2026-q4/wo/w/index.html")  # only on the pages of the objectives above it
    assert by_href(parse_file(out / "2026-q4/crew/c/index.html"), "2026-q4/crew/c/index.html", "2026-q4/wo/w/index.html")


@pytest.fixture(scope="module")
def deep(tmp_path_factory):
    """A company with a chain of DEPTH teams, each the parent of the next and each objective
    aligned to the one before: as deep an org chart and alignment tree as content can make."""
    files = {f"{CYCLE}/test-co.md": COMPANY}
    parent, aligns = "test-co", "test-co/grow"
    for n in range(DEPTH):
        files[f"{CYCLE}/t{n}.md"] = (f"---\nname: Team {n}\nkind: team\nparent: {parent}\nobjectives:\n"
                                     f"  - {{id: o, title: Step {n}, aligns_to: {aligns}, key_results: "
                                     f"[{{id: k, title: K, start: 0, target: 10, current: 5, unit: u}}]}}\n---\n")
        parent, aligns = f"t{n}", f"t{n}/o"
    root = write_site(tmp_path_factory.mktemp("deep") / "site", files)
    out = root.parent / "public"
    report = build_site(root, out, BuildOptions(EXAMPLE_DATE, jobs=1))
    assert report.diagnostics.errors == []
    return out


def test_a_deep_alignment_tree_is_drawn_nested_on_the_tree_page(deep):
    path = "2026-q4/tree/index.html"
    page = parse_file(deep / path)
    assert page.problems == []
    [link] = [a for a in by_href(page, path, f"2026-q4/t{DEPTH - 1}/o/index.html") if not a.is_inside(cls="node-elsewhere")]
    assert sum(1 for e in link.ancestors() if e.tag == "details") == DEPTH  # under the company's objective and each step
    assert len(page.find_all("details")) == DEPTH


def test_a_deep_chain_is_shown_on_the_last_objective_and_its_subtree_on_the_first(deep):
    last = parse_file(deep / f"2026-q4/t{DEPTH - 1}/o/index.html")
    assert len(last.one("ol", cls="chain").find_all("li")) == DEPTH + 1  # the company, every step above, itself
    first = parse_file(deep / "2026-q4/t0/o/index.html")
    summary = first.find("summary")
    assert summary.text().endswith(f"{DEPTH - 2} aligned objectives")  # below step 1: steps 2 to the last


def test_a_deep_org_chart_is_drawn_nested_in_the_directory(deep):
    page = parse_file(deep / "2026-q4/index.html")
    assert page.problems == []
    [link] = by_href(page, "2026-q4/index.html", f"2026-q4/t{DEPTH - 1}/index.html")
    assert sum(1 for e in link.ancestors() if e.tag == "ul" and e.has_class("org")) == DEPTH + 1



def test_fold_depth_folds_two_levels_down_unless_those_two_levels_alone_are_too_many(tmp_path):
    root = write_site(tmp_path, {f"{CYCLE}/test-co.md": COMPANY, f"{CYCLE}/team.md": TEAM, f"{CYCLE}/pat.md": PERSON,
                                 f"{CYCLE}/dept.md": DEPT, f"{CYCLE}/crew.md": CREW, f"{CYCLE}/wo.md": WORKER})
    report = build_site(root, tmp_path / "public", BuildOptions(EXAMPLE_DATE, jobs=1))
    grow = next(o for o in report.site.cycles[0].objectives if o.ref == "test-co/grow")
    below = shown_below(grow, {})
    children = primary_children(grow)
    two_levels = len(children) + sum(len(primary_children(c)) for c in children)
    assert 0 < two_levels < below
    assert fold_depth(grow, below, 10) is None  # not more than the limit below it: whole
    assert fold_depth(grow, below - 1, two_levels) == 2
    assert fold_depth(grow, below - 1, two_levels - 1) == 1


def test_the_subtrees_of_a_cycle_drawn_with_its_children_known_once_are_those_drawn_alone(tmp_path):
    # the objective pages of a cycle share one Children: sorted and counted once, drawn as each alone
    root = write_site(tmp_path, {f"{CYCLE}/test-co.md": COMPANY, f"{CYCLE}/team.md": TEAM, f"{CYCLE}/pat.md": PERSON,
                                 f"{CYCLE}/dept.md": DEPT, f"{CYCLE}/crew.md": CREW, f"{CYCLE}/wo.md": WORKER})
    report = build_site(root, tmp_path / "public", BuildOptions(EXAMPLE_DATE, jobs=1))
    objectives = report.site.cycles[0].objectives
    known, drawn = Children(), 0
    for limit, most in ((0, 1), (1, 100), (100, 100)):
        for objective in [*objectives, *objectives[::-1]]:
            fold = fold_depth(objective, limit, most)
            assert fold_depth(objective, limit, most, known) == fold
            alone = tree_items(subtree_children(objective), 1, fold)
            assert tree_items(known.of(objective), 1, fold, known) == alone
            drawn += len(alone)
    assert drawn and {fold_depth(o, 0, 1) for o in objectives} > {None}

