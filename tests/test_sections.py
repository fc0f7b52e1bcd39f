"""Tests of okrsite.render.sections: the alignment tree, the status page and the people directory
split into a page per department past ``split_above`` objectives, the pages leading to them, and
``people.js``, with which the split directory's filter finds anyone.

The example company (43 objectives in its current cycle) is built with ``split_above = 0``, so
that every cycle is split, and with the threshold just at its size, so that none is."""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import EXAMPLE_DATE, REPO
from htmlcheck import parse_file, resolve
from okrsite.build import build_site
from okrsite.options import BuildOptions
from okrsite.render.heatmap import row_owners

SPLIT = ("tree", "status", "people")


def copy_example(root, split_above: int):
    shutil.copytree(REPO / "content", root / "content")
    toml = (REPO / "site.toml").read_text(encoding="utf-8")
    (root / "site.toml").write_text(toml.replace("[cycles.", f"split_above = {split_above}\n\n[cycles.", 1),
                                    encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def split(tmp_path_factory):
    """The example built with every cycle split: (site model, output folder)."""
    root = copy_example(tmp_path_factory.mktemp("split"), 0)
    report = build_site(root, root / "public", BuildOptions(EXAMPLE_DATE))
    assert report.ok(False)
    return report.site, root / "public"


def cycle_of(site, slug):
    return next(c for c in site.cycles if c.slug == slug)


def departments_of(cycle) -> dict[str, str]:
    """Each owner's id -> the id of its section: its nearest department, else the company."""
    return {owner.id: row.id for owner, row in row_owners(cycle)}


def test_a_cycle_at_or_under_the_threshold_keeps_its_whole_pages_byte_for_byte(tmp_path, out):
    """At ``split_above`` = its 43 objectives the current cycle is not split: the same bytes as the default build."""
    root = copy_example(tmp_path / "site", 43)
    report = build_site(root, root / "public", BuildOptions(EXAMPLE_DATE))
    assert report.ok(False)
    for name in SPLIT:
        page = f"2026-q4/{name}/index.html"
        assert (root / "public" / page).read_bytes() == (out / page).read_bytes()
        assert sorted(p.name for p in (root / "public/2026-q4" / name).iterdir()) == ["index.html"]


def test_every_department_has_its_tree_status_and_people_page_and_the_sitemap_lists_them(split):
    site, public = split
    cycle = cycle_of(site, "2026-q4")
    departments = sorted(o.id for o in cycle.owners.values() if o.kind == "department")
    for name in SPLIT:
        folders = sorted(p.name for p in (public / "2026-q4" / name).iterdir() if p.is_dir())
        # the company's own section holds no one else in the example: it has a status page only
        assert folders == sorted(departments + (["suds"] if name == "status" else []))
    sitemap = (public / "sitemap.xml").read_text(encoding="utf-8")
    assert "https://example.github.io/okrs/2026-q4/tree/marketing/</loc>" in sitemap
    assert "https://example.github.io/okrs/2026-q4/status/suds/</loc>" in sitemap
    assert "https://example.github.io/okrs/2026-q4/people/people.js" not in sitemap


def test_the_split_tree_shows_the_company_objectives_and_leads_to_each_department(split):
    site, public = split
    cycle = cycle_of(site, "2026-q4")
    page = parse_file(public / "2026-q4/tree/index.html")
    assert page.one("h1").text() == "Alignment tree"
    rows = page.one("table", cls="sections").find("tbody").find_all("tr")
    names = [row.find("th").text() for row in rows]
    assert names == sorted((o.name for o in cycle.owners.values() if o.kind == "department"), key=str.lower)
    marketing = next(row for row in rows if row.find("th").text() == "Marketing & Brand")
    owner = cycle.owners["marketing"]
    people = sum(1 for o in cycle.owners.values() if o.kind == "person" and departments_of(cycle)[o.id] == "marketing")
    objectives = sum(len(o.objectives) for o in cycle.owners.values() if departments_of(cycle)[o.id] == "marketing")
    assert [td.text() for td in marketing.find_all("td")][:2] == [str(people), str(objectives)]
    assert resolve("2026-q4/tree/index.html", marketing.find("a").get("href")) == "2026-q4/tree/marketing/index.html"
    assert owner.name in marketing.text()
    # the company's objectives in full, what aligns to them directly folded: nothing deeper is drawn
    tree = page.one("ul", cls="tree")
    shown = {resolve("2026-q4/tree/index.html", a.get("href")) for a in tree.find_all("a")
             if not a.closest(cls="also") and not a.closest(cls="folded")}
    depth = {}
    for objective in cycle.objectives:
        up, level = objective, 0
        while up.parents:
            up, level = up.parents[0].objective, level + 1
        depth[f"{objective.url}index.html"] = level if up.owner.kind == "company" else None
    assert {url for url, level in depth.items() if level in (0, 1)} <= shown
    assert not {url for url, level in depth.items() if level is not None and level >= 2} & shown
    assert page.find("section", cls="section", **{"data-filter-group": True}) is None  # no "Not aligned" here


def test_each_objective_is_drawn_in_full_on_the_tree_page_of_every_department_it_enters_from_outside(split):
    """A section's trees start at its objectives whose first parent is outside it (or that align to
    nothing); together the sections draw every objective below the company in full at least once."""
    site, public = split
    cycle = cycle_of(site, "2026-q4")
    home = departments_of(cycle)
    drawn: dict[str, set[str]] = {}
    for folder in (public / "2026-q4/tree").iterdir():
        if not folder.is_dir():
            continue
        path = f"2026-q4/tree/{folder.name}/index.html"
        page = parse_file(folder / "index.html")
        assert page.one("h1").text().startswith("Alignment tree: ")
        for li in page.one("main").find_all("li", **{"data-status": True}):
            if "data-also" in li.attrs:
                continue
            assert li.get("data-dept") == home[_owner_of(cycle, resolve(path, li.find("a").get("href"))).id]
            drawn.setdefault(resolve(path, li.find("a").get("href")), set()).add(folder.name)
    below_company = {f"{o.url}index.html" for o in cycle.objectives if o.owner.kind != "company"}
    assert set(drawn) == below_company
    for objective in cycle.objectives:
        if objective.owner.kind == "company":
            continue
        parent = objective.parents[0].objective if objective.parents else None
        if parent is None or home[parent.owner.id] != home[objective.owner.id] or parent.owner.kind == "company":
            assert home[objective.owner.id] in drawn[f"{objective.url}index.html"]  # a root of its own section


def _owner_of(cycle, url):
    return next(o.owner for o in cycle.objectives if f"{o.url}index.html" == url)


def test_a_department_tree_names_what_each_of_its_trees_rolls_up_to(split):
    site, public = split
    page = parse_file(public / "2026-q4/tree/marketing/index.html")
    heads = [h.text() for h in page.find_all("h2", cls="tree-parent")]
    marketing = [o for o in cycle_of(site, "2026-q4").owners["marketing"].objectives]
    parents = {o.parents[0].objective.title for o in marketing if o.parents}
    assert {h.split("Suds & Co. ", 1)[1] for h in heads} == parents
    crumbs = [li.text() for li in page.one("nav", cls="breadcrumb").find_all("li")]
    assert crumbs == ["Q4 2026", "Alignment tree", "Marketing & Brand"]
    form = page.one("form", cls="filters")
    assert form.find("select", name="dept") is None  # one department: no choice of department


def test_the_status_page_leads_to_each_section_and_a_section_lists_its_objectives_by_status(split):
    site, public = split
    cycle = cycle_of(site, "2026-q4")
    entry = parse_file(public / "2026-q4/status/index.html")
    assert entry.find("form", cls="filters") is None and entry.find("ul", cls="status-list") is None
    table = entry.one("table", cls="heatmap")
    targets = {resolve("2026-q4/status/index.html", a.get("href")).split("#")[0]
               for a in table.find_all("a") if "/status/" in a.get("href")}
    assert targets == {f"2026-q4/status/{row.id}/index.html" for row in {r for _, r in row_owners(cycle)}}
    # an address of the whole page's lists (2026-q4/status/#marketing-at-risk) lands on that cell of the heat map
    cell = table.one("td", id="marketing-at-risk")
    assert "heat-at-risk" in cell.get("class")
    section = parse_file(public / "2026-q4/status/marketing/index.html")
    listed = [resolve("2026-q4/status/marketing/index.html", a.get("href"))
              for a in section.find_all("ul", cls="status-list") for a in a.find_all("a")]
    home = departments_of(cycle)
    assert sorted(listed) == sorted(f"{o.url}index.html" for o in cycle.objectives if home[o.owner.id] == "marketing")
    # the overview's heat map follows the split too
    overview = parse_file(public / "2026-q4/index.html").one("table", cls="heatmap")
    assert any("status/marketing/" in a.get("href") for a in overview.find_all("a"))


def test_the_split_people_directory_finds_anyone_through_people_js(split):
    site, public = split
    cycle = cycle_of(site, "2026-q4")
    page = parse_file(public / "2026-q4/people/index.html")
    form = page.one("form", cls="filters")
    assert form.get("data-people") == "../../2026-q4/people/people.js" and form.get("data-root") == "../../"
    assert form.get("aria-label") == "Find people"
    assert page.find("ul", id="people") is None  # no one listed: the sections and the finder
    text = (public / "2026-q4/people/people.js").read_text(encoding="utf-8")
    assert text.startswith("okrsitePeople(") and text.endswith(");\n")
    data = json.loads(text[len("okrsitePeople("):-3])
    assert data["cycle"] == "2026-q4"
    people = [o for o in cycle.owners.values() if o.kind == "person"]
    assert [p[1] for p in data["people"]] == [o.id for o in sorted(people, key=lambda o: (o.name.lower(), o.id))]
    home = departments_of(cycle)
    for name, ident, role, team, section, statuses in data["people"]:
        person = cycle.owners[ident]
        assert (name, role) == (person.name, person.role or "")
        assert data["teams"][team] == [person.parent.id, person.parent.name]
        assert data["sections"][section][0] == home[ident]
        assert statuses.split() == list(dict.fromkeys(o.status for o in person.objectives))


def test_each_person_is_in_exactly_one_department_directory(split):
    site, public = split
    cycle = cycle_of(site, "2026-q4")
    home = departments_of(cycle)
    seen = []
    for folder in sorted(p for p in (public / "2026-q4/people").iterdir() if p.is_dir()):
        page = parse_file(folder / "index.html")
        path = f"2026-q4/people/{folder.name}/index.html"
        entries = page.one("ul", id="people").child_elements
        for entry in entries:
            url = resolve(path, entry.find("a").get("href"))
            ident = url.split("/")[1]
            assert home[ident] == folder.name and entry.get("data-dept") == folder.name
            seen.append(ident)
        names = [e.find("a").text() for e in entries]
        assert names == sorted(names, key=str.lower)
    assert sorted(seen) == sorted(o.id for o in cycle.owners.values() if o.kind == "person")


def test_an_archived_cycle_is_split_alike_and_its_retrospective_links_the_status_sections(split):
    site, public = split
    assert (public / "2026-q3/status/marketing/index.html").exists()
    retro = parse_file(public / "2026-q3/retro/index.html").one("table", cls="heatmap")
    assert any("status/marketing/" in a.get("href") for a in retro.find_all("a"))


def test_a_private_person_is_in_no_section_nor_in_people_js(tmp_path):
    root = copy_example(tmp_path / "site", 0)
    target = root / "content/2026-Q4/people/diego-alvarez.md"
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace("---\n", "---\nvisibility: private\n", 1), encoding="utf-8")
    report = build_site(root, root / "public", BuildOptions(EXAMPLE_DATE))
    assert report.ok(False)
    public = root / "public/2026-q4/people"
    assert "diego-alvarez" not in (public / "people.js").read_text(encoding="utf-8")
    assert "Diego" not in (public / "people.js").read_text(encoding="utf-8")
    assert "diego-alvarez" not in (public / "marketing/index.html").read_text(encoding="utf-8")


def test_each_section_has_the_pages_its_kinds_say_in_the_states_they_name(split):
    from okrsite import urls
    from okrsite.render.sections import sections
    from okrsite.render.contexts import PAGES

    site, public = split
    kinds = [kind for kind in PAGES.values() if kind.of == "section"]
    assert len(kinds) == 3
    for cycle in site.cycles:
        found = sections(cycle, 0)
        assert [s.owner.id for s in found][0] == "suds" and len(found) == 7
        for section in found:
            for kind in kinds:
                exists = (public / urls.file_of(kind.url(section))).is_file()
                assert exists == (cycle.state in kind.states and kind.has(section)), kind.url(section)


def test_a_split_cycle_overview_charts_departments_and_teams_and_leaves_people_to_the_directory(split, out):
    site, public = split
    cycle = cycle_of(site, "2026-q4")
    people = {f"{o.url}index.html" for o in cycle.owners.values() if o.kind == "person"}
    teams = {f"{o.url}index.html" for o in cycle.owners.values() if o.kind in ("team", "department")}

    def charted(folder):
        chart = parse_file(folder / "2026-q4/index.html").one("details", cls="org-browse")
        return chart, {resolve("2026-q4/index.html", a.get("href")) for a in chart.find_all("a")}
    chart, links = charted(public)
    assert teams <= links and not links & people
    assert "their people are in the people directory" in chart.find("summary").text()
    _, whole = charted(out)  # not split: everyone
    assert teams | people <= whole


def test_the_search_page_of_a_split_cycle_lists_its_departments_and_teams_only(split):
    site, public = split
    page = parse_file(public / "search/index.html")
    section = next(s for s in page.find_all("section", cls="section") if "Q4 2026" in s.find("h2").text())
    links = {resolve("search/index.html", a.get("href")) for a in section.find_all("a")}
    cycle = cycle_of(site, "2026-q4")
    owners = {f"{o.url}index.html" for o in cycle.owners.values() if o.kind != "person"}
    assert owners | {"2026-q4/index.html", "2026-q4/people/index.html"} == links


def test_a_split_retrospective_lists_a_few_carried_objectives_per_department_and_counts_the_rest(tmp_path, monkeypatch):
    import okrsite.render.contexts

    monkeypatch.setattr(okrsite.render.contexts, "CARRIED_SHOWN", 0)
    root = copy_example(tmp_path / "site", 0)
    assert build_site(root, root / "public", BuildOptions(EXAMPLE_DATE, jobs=1)).ok(False)
    page = parse_file(root / "public/2026-q3/retro/index.html")
    carried = next(s for s in page.find_all("section", cls="section") if s.find("h2").text() == "Carried into Q4 2026")
    assert carried.find("ul", cls="carried").find("li") is None
    assert "and 1 more of Product & Formulation's objectives go on in Q4 2026" in carried.text()


def test_a_department_page_of_a_split_cycle_links_its_own_tree_people_and_status_pages(split, out):
    _, public = split
    path = "2026-q4/marketing/index.html"
    facts = parse_file(public / path).one("dl", cls="facts")
    links = {a.text(): resolve(path, a.get("href")) for a in facts.find_all("a") if a.closest("dd")}
    assert {k: v for k, v in links.items() if k in ("alignment tree", "people", "objectives by status")} == {
        "alignment tree": "2026-q4/tree/marketing/index.html", "people": "2026-q4/people/marketing/index.html",
        "objectives by status": "2026-q4/status/marketing/index.html"}
    assert "Its whole department" not in parse_file(out / path).one("dl", cls="facts").text()  # not split
    assert "Its whole department" not in parse_file(public / "2026-q4/web-store/index.html").one("dl", cls="facts").text()


def test_people_js_keeps_hostile_names_as_plain_data(tmp_path):
    """A name with a line separator, quotes and a closing script tag stays one string of the call."""
    root = copy_example(tmp_path / "site", 0)
    target = root / "content/2026-Q4/people/diego-alvarez.md"
    text = target.read_text(encoding="utf-8")
    hostile = 'Diego \u2028"</script>\u2029 Álvarez'
    target.write_text(text.replace("name: Diego Álvarez", f"name: {json.dumps(hostile)}"), encoding="utf-8")
    assert build_site(root, root / "public", BuildOptions(EXAMPLE_DATE)).ok(False)
    script = (root / "public/2026-q4/people/people.js").read_text(encoding="utf-8")
    assert "\u2028" not in script and "\u2029" not in script
    data = json.loads(script[len("okrsitePeople("):-3])
    assert hostile in [p[0] for p in data["people"]]


def test_incremental_builds_of_a_split_site_are_byte_identical_to_clean_builds(tmp_path):
    """The department pages and people.js follow edits in watch mode: a title, a check-in that changes a
    status, a team's name, a team moved to another department, and the cycle crossing split_above both ways."""
    from okrsite.build import Builder
    from test_build import assert_same_as_clean_build, edit

    site, out = copy_example(tmp_path / "site", 0), tmp_path / "out"
    builder = Builder(site, out)
    assert builder.build(EXAMPLE_DATE).ok(False)
    assert_same_as_clean_build(site, out, tmp_path)
    q4 = site / "content/2026-Q4"
    edit(q4 / "people/fatima-el-amrani.md", "title: Tell the story of the mill", "title: Tell the tale of the mill")
    assert builder.build(EXAMPLE_DATE).ok(False)
    assert "Tell the tale of the mill" in (out / "2026-q4/tree/marketing/index.html").read_text(encoding="utf-8")
    assert_same_as_clean_build(site, out, tmp_path)
    people_js = out / "2026-q4/people/people.js"
    before = people_js.read_text(encoding="utf-8")
    edit(q4 / "people/fatima-el-amrani.md", "value: 15}", "value: 1}")  # her objective's status changes, in place
    edit(q4 / "people/fatima-el-amrani.md", "value: 259600}", "value: 181000}")
    assert builder.build(EXAMPLE_DATE).ok(False)
    assert people_js.read_text(encoding="utf-8") != before
    assert_same_as_clean_build(site, out, tmp_path)
    edit(q4 / "teams/content-social.md", "name: Content & Social", "name: Stories & Social")
    assert builder.build(EXAMPLE_DATE).ok(False)
    assert "Stories & Social" in (out / "2026-q4/people/people.js").read_text(encoding="utf-8")
    assert_same_as_clean_build(site, out, tmp_path)
    edit(q4 / "teams/fulfillment.md", "parent: manufacturing", "parent: customer-care")
    assert builder.build(EXAMPLE_DATE).ok(False)
    assert "Fulfillment" in (out / "2026-q4/tree/customer-care/index.html").read_text(encoding="utf-8")
    assert_same_as_clean_build(site, out, tmp_path)
    edit(site / "site.toml", "split_above = 0", "split_above = 1000")
    assert builder.build(EXAMPLE_DATE).ok(False)
    assert not (out / "2026-q4/tree/marketing").exists()
    assert_same_as_clean_build(site, out, tmp_path)
    edit(site / "site.toml", "split_above = 1000", "split_above = 0")
    assert builder.build(EXAMPLE_DATE).ok(False)
    assert_same_as_clean_build(site, out, tmp_path)
