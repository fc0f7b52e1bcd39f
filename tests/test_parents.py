"""An objective aligned to several objectives (issue 20, part 2): every way up on its owner's and
its own page, under each parent in the alignment tree, and counted once in each rollup."""

from __future__ import annotations

import pytest

from conftest import CYCLE, EXAMPLE_DATE, SITE_TOML, load
from content import owner
from htmlcheck import by_href, parse_file
from okrsite.build import build_site
from okrsite.model import MAX_CHAINS
from okrsite.options import BuildOptions

KRS = ("    key_results:\n"
       "      - {id: a, title: A, start: 0, target: 10, current: 2, unit: x}\n"
       "      - {id: b, title: B, start: 0, target: 10, current: 4, unit: x}\n")


def objective(ident: str, *parents: str, key_results: str = KRS) -> str:
    aligns = f"    aligns_to: [{', '.join(parents)}]\n" if parents else ""
    return f"  - id: {ident}\n    title: Objective {ident}\n{aligns}{key_results}"


ROLLUP_KRS = ("    key_results:\n"
              "      - {id: teams, title: Teams, type: rollup}\n"
              "      - {id: b, title: B, start: 0, target: 10, current: 4, unit: x}\n")
FILES = {
    f"{CYCLE}/co.md": owner("Co", "company", "", objective("grow", key_results=ROLLUP_KRS)
                            + objective("keep", key_results=ROLLUP_KRS)).replace("parent: \n", ""),
    f"{CYCLE}/dept.md": owner("Dept", "department", "co", objective("both", "co/grow/teams", "co/keep/teams")),
    f"{CYCLE}/team.md": owner("Team", "team", "dept", objective("mine", "dept/both", "co/grow")),
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from conftest import write_site
    root = write_site(tmp_path_factory.mktemp("parents"), FILES)
    out = root / "public"
    assert build_site(root, out, BuildOptions(EXAMPLE_DATE)).ok(True)
    site, _ = load(root)
    return site.cycles[0], out


def refs(chains):
    return [[o.ref for o in chain.objectives] for chain in chains]


def test_every_way_up_first_alignment_first(built):
    cycle, _ = built
    mine = next(o for o in cycle.objectives if o.ref == "team/mine")
    assert refs(mine.chains) == [["co/grow", "dept/both"], ["co/keep", "dept/both"], ["co/grow"]]
    assert [c.key_result for c in mine.chains] == [None, None, None]
    both = next(o for o in cycle.objectives if o.ref == "dept/both")
    assert [c.key_result.ref for c in both.chains] == ["co/grow/teams", "co/keep/teams"]
    assert not mine.chains.more


def test_its_progress_counts_once_in_each_rollup(built):
    cycle, _ = built
    objectives = {o.ref: o for o in cycle.objectives}
    both = objectives["dept/both"]
    for parent in ("co/grow", "co/keep"):
        assert objectives[parent].key_results[0].progress == both.progress  # the only objective aligned to it


def test_the_owner_page_shows_every_way_up(built):
    _, out = built
    page = parse_file(out / "2026-q4/team/index.html")
    lines = [p for p in page.find_all("p", cls="aligns") if p.find("span", cls="label")]
    assert [(p.one("span", cls="label").text(), [a.text() for a in p.find_all("a")]) for p in lines] == [
        ("Rolls up to", ["Objective grow", "Objective both"]),
        ("Also rolls up to", ["Objective keep", "Objective both"]),
        ("Also rolls up to", ["Objective grow"]),
    ]


def test_the_objective_page_draws_each_way_up(built):
    _, out = built
    page = parse_file(out / "2026-q4/team/mine/index.html")
    chains = page.find_all("ol", cls="chain")
    assert [[a.text() for a in ol.find_all("a")] for ol in chains] == [
        ["Objective grow", "Objective both"], ["Objective keep", "Objective both"], ["Objective grow"]]


def test_the_tree_shows_it_under_each_parent_linking_the_others(built):
    _, out = built
    page = parse_file(out / "2026-q4/tree/index.html").one("main")
    nodes = [n for n in page.find_all("div", cls="node") if n.find("a").text() == "Objective both"]
    full = [n for n in nodes if not n.has_class("node-elsewhere")]
    elsewhere = [n for n in nodes if n.has_class("node-elsewhere")]
    assert len(full) == 1 and len(elsewhere) == 1
    assert by_href(full[0].one(cls="also"), "2026-q4/tree/index.html", "2026-q4/co/keep/index.html")
    assert [a.text() for a in elsewhere[0].find_all("a")] == ["Objective both", "Objective grow"]


def test_past_the_limit_a_reader_is_told_there_are_more_ways(tmp_path):
    """Three levels of two parents each: eight ways up, of which the page shows the first five."""
    files = {f"{CYCLE}/co.md": owner("Co", "company", "", objective("a") + objective("b")).replace("parent: \n", "")}
    above = ("co/a", "co/b")
    for level in (1, 2, 3):
        files[f"{CYCLE}/l{level}.md"] = owner(f"L{level}", "team", "co", objective("a", *above) + objective("b", *above))
        above = (f"l{level}/a", f"l{level}/b")
    root = write_files_site(tmp_path, files)
    site, _ = load(root)
    leaf = next(o for o in site.cycles[0].objectives if o.ref == "l3/a")
    assert len(leaf.chains) == MAX_CHAINS and leaf.chains.more
    out = root / "public"
    assert build_site(root, out, BuildOptions(EXAMPLE_DATE)).ok(False)
    page = parse_file(out / "2026-q4/l3/index.html").one("main")
    assert "It rolls up more ways still" in page.text()


def write_files_site(tmp_path, files):
    from conftest import write_site
    return write_site(tmp_path, files, SITE_TOML)
