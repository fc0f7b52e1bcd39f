"""The retrospective of an archived cycle (okrsite/render/retro.py): score bands, carried
objectives, notes, and the page that shows them, read as a reader reads it."""

from __future__ import annotations

import pytest

from okrsite.build import build_site
from okrsite.model import GRADES
from okrsite.render.heatmap import department_rows
from okrsite.render.retro import carried_over, committed, fell_short, next_cycle, score_bands, with_notes
from okrsite.render.views import STATUS_ORDER
from okrsite.options import BuildOptions
from conftest import COMPANY, EXAMPLE_DATE
from htmlcheck import by_href, linked_targets, numbers, parse, parse_file, says_status

RETRO = "2026-q3/retro/index.html"


class Graded:
    """An objective as score_bands sees it: a final score and its grade."""

    def __init__(self, score: float, status: str):
        self.score, self.status = score, status


@pytest.fixture(scope="session")
def archived(site):
    cycle = next(c for c in site.cycles if c.id == "2026-Q3")
    assert cycle.state == "archived"
    return cycle


@pytest.fixture(scope="session")
def retro_page(out):
    return parse_file(out / RETRO).one("main")


def rows_of(cycle):
    return department_rows(cycle, STATUS_ORDER["archived"])


# --- the numbers ---

def test_scores_fall_in_tenths_with_a_band_edge_in_the_upper_band():
    scores = [(0.0, "missed"), (0.05, "missed"), (0.3, "progress"), (0.29, "missed"), (0.69, "progress"),
              (0.7, "achieved"), (0.99, "achieved"), (1.0, "achieved")]
    bands = score_bands([Graded(*s) for s in scores])
    assert [b.label for b in bands] == [f"{i / 10:.1f}–{(i + 1) / 10:.1f}" for i in range(10)]
    by_label = {b.label: dict(zip(GRADES, b.counts)) for b in bands if b.total}
    assert by_label == {
        "0.0–0.1": {"achieved": 0, "progress": 0, "missed": 2},
        "0.2–0.3": {"achieved": 0, "progress": 0, "missed": 1},
        "0.3–0.4": {"achieved": 0, "progress": 1, "missed": 0},
        "0.6–0.7": {"achieved": 0, "progress": 1, "missed": 0},
        "0.7–0.8": {"achieved": 1, "progress": 0, "missed": 0},
        "0.9–1.0": {"achieved": 2, "progress": 0, "missed": 0},
    }
    assert sum(b.total for b in bands) == len(scores)


def test_the_next_cycle_is_the_one_after_by_date(site, archived):
    assert next_cycle(site, archived) is site.current
    assert next_cycle(site, site.current) is None


def flat(groups) -> list:
    return [pair for _, pairs in groups for pair in pairs]


def test_carried_objectives_have_the_same_owner_and_id_in_the_next_cycle(site, archived):
    later = {o.ref: o for o in site.current.objectives}
    rows = rows_of(archived)
    groups = carried_over(rows, site.current)
    assert [(a.ref, b.ref) for a, b in flat(groups)] == [(o.ref, o.ref) for r in rows for o in r.objectives
                                                         if o.ref in later]
    assert groups and all(b is later[a.ref] for a, b in flat(groups))
    for row, pairs in groups:  # each under its department, in org-chart order
        assert pairs and all(a in row.objectives for a, _ in pairs)
    assert [r for r, _ in groups] == [r for r in rows if any(r is g for g, _ in groups)]
    assert carried_over(rows, None) == []


def test_notes_are_the_objectives_with_retro_text_company_first(archived):
    notes = with_notes(rows_of(archived))
    assert {o.ref for o in notes} == {o.ref for o in archived.objectives if o.retro_html}
    assert len(notes) >= 3 and notes[0].owner is archived.company


# --- the page ---

def test_the_retrospective_is_linked_from_the_cycle_the_archive_and_its_objectives(out, archived):
    for path in ("2026-q3/index.html", "cycles/index.html", f"{archived.company.objectives[0].url}index.html"):
        assert by_href(parse_file(out / path), path, RETRO), f"{path} does not link the retrospective"
    current = parse_file(out / "2026-q4/index.html")
    assert not [a for a in current.find_all("a") if "/retro/" in (a.get("href") or "")]


def test_the_page_shows_the_final_score_and_the_grades(retro_page, archived):
    assert f"{archived.score:.2f}" in retro_page.one(cls="big-number").text()
    counts = {}
    for item in retro_page.one("ul", cls="counts").find_all("li"):
        status = next(s for s in GRADES if says_status(item.text(), s))
        counts[status] = int(item.one(cls="count-num").text())
    assert counts == {s: sum(1 for o in archived.objectives if o.status == s) for s in GRADES}


def test_the_distribution_table_counts_every_objective_in_its_band(retro_page, archived):
    table = retro_page.one("table", cls="bands")
    heads = [th.text() for th in table.one("thead").find_all("th")][1:4]
    order = [next(s for s in GRADES if says_status(h, s)) for h in heads]
    shown = {}
    for tr in table.one("tbody").find_all("tr"):
        low = numbers(tr.one("th").text())[0]
        values = [int(n) for n in numbers(" ".join(td.text() for td in tr.find_all("td")))]
        shown[low] = (dict(zip(order, values[:3])), values[3])
    assert sorted(shown) == [i / 10 for i in range(10)]
    for low, (by_grade, total) in shown.items():
        inside = [o for o in archived.objectives if low <= o.score < low + 0.1 or (low == 0.9 and o.score == 1.0)]
        assert by_grade == {s: sum(1 for o in inside if o.status == s) for s in GRADES}, low
        assert total == len(inside)
    img = retro_page.one("figure").one("img")
    assert img.get("src") == "scores.svg" and "0.8–0.9" in img.get("alt")


def test_the_department_table_gives_grades_and_mean_scores(retro_page, archived):
    table = retro_page.one("table", cls="heatmap")
    for tr, row in zip(table.one("tbody").find_all("tr"), rows_of(archived), strict=True):
        assert linked_targets(tr.one("th"), RETRO) == [f"{row.owner.url}index.html"]
        assert tr.find_all("td")[-1].one(cls="num").text() == f"{row.mean_score:.2f}"


def test_carried_objectives_link_both_cycles(retro_page, site, archived):
    section = next(s for s in retro_page.find_all("section") if s.find("h2") and "carried" in s.one("h2").text().lower())
    assert site.current.title in section.one("h2").text()
    groups = carried_over(rows_of(archived), site.current)
    heads = section.find_all("h3")
    assert [h.text() for h in heads] == [f"{r.owner.kind} {r.owner.name} {len(p)} objective{'s' if len(p) > 1 else ''}"
                                         for r, p in groups]
    items = section.find_all("li")
    assert len(items) == len(flat(groups)) >= 1
    for item, (then, now) in zip(items, flat(groups)):
        assert linked_targets(item, RETRO) == [f"{then.url}index.html", f"{now.url}index.html"]
        assert says_status(item.one(cls="pill").text(), then.status)
        assert f"{then.score:.2f}" in item.text()
        assert item.find_all("a")[1].text() == f"on in {site.current.title} →"


def test_notes_are_shown_as_markdown_with_their_objective(retro_page, archived):
    cards = retro_page.find_all("article", cls="retro-note")
    notes = with_notes(rows_of(archived))
    assert [linked_targets(c.one("h3"), RETRO)[0] for c in cards] == [f"{o.url}index.html" for o in notes]
    first = cards[0].one(cls="prose")
    assert first.find("p") is not None
    assert any(c.one(cls="prose").find("li") is not None for c in cards)  # a Markdown list stays a list


def test_the_archived_objective_page_shows_its_notes(out, archived):
    written = [o for o in archived.objectives if o.retro_html]
    assert len(written) >= 3
    for objective in written:
        main = parse_file(out / f"{objective.url}index.html").one("main")
        assert main.one(cls="retro-note").text() == parse(objective.retro_html).text() != ""
    unwritten = next(o for o in archived.objectives if not o.retro_html)
    assert parse_file(out / f"{unwritten.url}index.html").find(cls="retro-note") is None


RETRO_COMPANY = COMPANY.replace("    key_results:", """\
    retro: "Went *well*. <script>alert(1)</script> [x](javascript:alert(1))"
    key_results:""", 1)


def test_retro_text_is_escaped_and_unsafe_links_dropped(make_site, tmp_path):
    root = make_site({"content/2026-Q3/test-co.md": RETRO_COMPANY, "content/2026-Q4/test-co.md": COMPANY})
    out = tmp_path / "out"
    assert build_site(root, out, BuildOptions(EXAMPLE_DATE)).ok(False)
    for path in ("2026-q3/retro/index.html", "2026-q3/test-co/grow/index.html"):
        note = parse_file(out / path).one("main").one(cls="retro-note")
        assert note.one("em").text() == "well"
        assert "<script>alert(1)</script>" in note.text() and note.find("script") is None
        assert all(not (a.get("href") or "").startswith("javascript:") for a in note.find_all("a"))
    assert parse_file(out / "2026-q3/retro/index.html").find(cls="carried") is not None


def owner_file(name: str, kind: str, parent: str, objective: str) -> str:
    return f"""\
    ---
    name: {name}
    kind: {kind}
    parent: {parent}
    objectives:
      - id: {objective}
        title: {objective.title()} objective
        aligns_to: test-co/grow
        key_results:
          - {{id: a, title: A, start: 0, target: 10, current: 4}}
          - {{id: b, title: B, start: 0, target: 10, current: 8}}
    ---
    """


def test_carried_objectives_are_grouped_by_department_in_org_order(make_site, tmp_path):
    files = {}
    for cycle, lab_objective in (("2026-Q3", "mix"), ("2026-Q4", "blend")):
        files |= {f"content/{cycle}/test-co.md": COMPANY,
                  f"content/{cycle}/ops.md": owner_file("Ops", "department", "test-co", "run"),
                  f"content/{cycle}/lab.md": owner_file("Lab", "team", "ops", lab_objective),
                  f"content/{cycle}/abc.md": owner_file("Abc", "department", "test-co", "x")}
    out = tmp_path / "out"
    report = build_site(make_site(files), out, BuildOptions(EXAMPLE_DATE))
    assert report.ok(False), [d.format() for d in report.diagnostics.items]
    q4, q3 = report.site.cycles
    groups = carried_over(rows_of(q3), q4)
    assert [(r.owner.id, [a.ref for a, _ in p]) for r, p in groups] == [
        ("test-co", ["test-co/grow"]), ("abc", ["abc/x"]), ("ops", ["ops/run"])]
    section = parse_file(out / RETRO).one("main").find_all("section")[-2]
    assert [h.text().split()[1] for h in section.find_all("h3")] == ["Test", "Abc", "Ops"]
    assert [t for t in linked_targets(section, RETRO) if t.startswith("2026-q4/")] == [
        "2026-q4/test-co/grow/index.html", "2026-q4/abc/x/index.html", "2026-q4/ops/run/index.html"]


# --- committed objectives ---

def committed_section(page):
    return next((s for s in page.find_all("section") if s.find("h2") and s.one("h2").text() == "Committed objectives"),
                None)


def test_the_example_counts_its_committed_objective_that_fell_short(retro_page, archived):
    assert [o.ref for o in committed(rows_of(archived))] == ["ecommerce/replatform"]
    section = committed_section(retro_page)
    assert section.one("p", cls="commitments").text() == (
        "1 of 1 committed objective fell short of 1.0, the score a commitment is expected to reach.")
    [item] = section.one("ul", cls="fell-short").find_all("li")
    assert linked_targets(item, RETRO) == ["2026-q3/ecommerce/replatform/index.html"]
    assert says_status(item.text(), "progress")
    assert item.one(cls="num").text() == "0.83"


def committed_company(*scores: float) -> str:
    objectives = "".join(f"  - id: c{i}\n    title: Committed {i}\n    type: committed\n    score: {score}\n"
                         f"    key_results:\n      - {{id: k, title: K, start: 0, target: 10, current: 10}}\n"
                         for i, score in enumerate(scores))
    return ("---\nname: Test Co\nkind: company\nobjectives:\n" + objectives
            + "  - id: stretch\n    title: A stretch\n    score: 0.5\n"
            "    key_results:\n      - {id: k, title: K, start: 0, target: 10, current: 5}\n---\n")


def test_committed_objectives_under_1_are_counted_and_listed_lowest_first(make_site, tmp_path):
    files = {"content/2026-Q3/test-co.md": committed_company(1.0, 0.8, 0.2), "content/2026-Q4/test-co.md": COMPANY}
    out = tmp_path / "out"
    report = build_site(make_site(files), out, BuildOptions(EXAMPLE_DATE))
    assert report.ok(False), [d.format() for d in report.diagnostics.items]
    q3 = report.site.cycles[1]
    assert [o.id for o in committed(rows_of(q3))] == ["c0", "c1", "c2"]
    assert [o.id for o in fell_short(committed(rows_of(q3)))] == ["c2", "c1"]
    section = committed_section(parse_file(out / RETRO).one("main"))
    assert section.one("p", cls="commitments").text().startswith("2 of 3 committed objectives fell short of 1.0")
    items = section.one("ul", cls="fell-short").find_all("li")
    assert [(linked_targets(i, RETRO), i.one(cls="num").text()) for i in items] == [
        (["2026-q3/test-co/c2/index.html"], "0.20"), (["2026-q3/test-co/c1/index.html"], "0.80")]
    assert says_status(items[0].text(), "missed") and says_status(items[1].text(), "progress")


def test_a_cycle_without_committed_objectives_has_no_such_section(make_site, tmp_path):
    files = {"content/2026-Q3/test-co.md": COMPANY, "content/2026-Q4/test-co.md": COMPANY}
    out = tmp_path / "out"
    assert build_site(make_site(files), out, BuildOptions(EXAMPLE_DATE)).ok(False)
    page = parse_file(out / RETRO).one("main")
    assert page.find(cls="commitments") is None and committed_section(page) is None


def test_shown_caps_the_objectives_carried_over_per_department_and_counts_the_rest():
    from okrsite.render.retro import shown

    rows = ["a", "b"]
    carried = [(rows[0], [(1, 11), (2, 12), (3, 13)]), (rows[1], [(4, 14)])]
    assert shown(carried, None) == [("a", [(1, 11), (2, 12), (3, 13)], 0), ("b", [(4, 14)], 0)]
    assert shown(carried, 2) == [("a", [(1, 11), (2, 12)], 1), ("b", [(4, 14)], 0)]
