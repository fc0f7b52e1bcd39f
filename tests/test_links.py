"""Tests of okrsite.links: contributors and dependencies linked both ways, every mistake reported
at its line with a did-you-mean, loops of needs cut; and what pages and okrs.json make of them."""

from __future__ import annotations

import json

import pytest

from conftest import COMPANY, EXAMPLE_DATE, load
from content import objective, owner
from htmlcheck import parse_file
from okrsite.build import build_site
from okrsite.options import BuildOptions

CYCLE = "content/2026-Q4"
OPS = f"{CYCLE}/ops.md"
KRS_WITH = ("    key_results:\n"
            "      - {id: a, title: KR a, start: 0, target: 10, current: 5}\n"
            "      - id: b\n"
            "        title: KR b\n"
            "        start: 0\n"
            "        target: 10\n"
            "        current: 5\n")


def ops(extra: str = "", kr_extra: str = "") -> str:
    """Ops with one objective 'ship' (its first extra line is line 9) and key results a and b ('b' has
    ``kr_extra`` after its 'current', at line 17 on when ``extra`` is one line)."""
    return owner("Ops", "team", "test-co", objective("ship", "test-co/grow", extra, KRS_WITH + kr_extra))


def files(web_extra: str = "", **changed: str) -> dict[str, str]:
    """The company, Ops, Web (its objective 'checkout' with ``web_extra``) and the people Ada and Bob;
    ``changed`` replaces files by name (``people_bob`` for people/bob.md)."""
    base = {
        f"{CYCLE}/test-co.md": COMPANY,
        OPS: ops(),
        f"{CYCLE}/web.md": owner("Web", "team", "test-co", objective("checkout", "test-co/grow", web_extra)),
        f"{CYCLE}/people/ada.md": owner("Ada Lovelace", "person", "ops", extra="role: Engineer\n"),
        f"{CYCLE}/people/bob.md": owner("Bob", "person", "web", objective("own", "web/checkout")),
    }
    base.update({f"{CYCLE}/{name.replace('_', '/')}.md": text for name, text in changed.items()})
    return base


def loaded(make_site, **changed):
    site, diagnostics = load(make_site(files(**changed)))
    assert site is not None, [d.format() for d in diagnostics.items]
    return site.cycles[0]


def errors(make_site, monkeypatch, **changed) -> list[str]:
    root = make_site(files(**changed))
    monkeypatch.chdir(root)
    site, diagnostics = load(root)
    assert site is None
    return [d.format() for d in diagnostics.sorted() if d.severity == "error"]


# --- linking -------------------------------------------------------------------------------------


def test_contributors_are_linked_to_people_and_people_to_what_they_contribute_to(make_site):
    cycle = loaded(make_site, ops=ops("    contributors: [ada, bob]\n", "        contributors: bob\n"))
    ship = cycle.owners["ops"].objectives[0]
    assert [p.id for p in ship.contributors] == ["ada", "bob"]
    assert [p.id for p in ship.key_results[1].contributors] == ["bob"]
    assert [p.ref for p in cycle.owners["bob"].contributions] == ["ops/ship", "ops/ship/b"]
    assert [p.ref for p in cycle.owners["ada"].contributions] == ["ops/ship"]


def test_dependencies_are_linked_both_ways(make_site):
    cycle = loaded(make_site, ops=ops("    depends_on: [web/checkout, web/checkout/a, web/checkout]\n",
                                      "        depends_on: bob/own\n"))
    ship = cycle.owners["ops"].objectives[0]
    checkout = cycle.owners["web"].objectives[0]
    assert [d.target.ref for d in ship.dependencies] == ["web/checkout", "web/checkout/a"]  # once each
    assert [d.dependent.ref for d in checkout.needed_by] == ["ops/ship"]
    assert [d.dependent.ref for d in checkout.key_results[0].needed_by] == ["ops/ship"]
    assert [d.dependent.ref for d in cycle.owners["bob"].objectives[0].needed_by] == ["ops/ship/b"]


# --- mistakes ------------------------------------------------------------------------------------


def test_an_unknown_contributor_is_an_error_with_a_did_you_mean(make_site, monkeypatch):
    assert errors(make_site, monkeypatch, ops=ops("    contributors: [adaa]\n")) == [
        f"{OPS}:9: error: 'contributors' names 'adaa', which is not a person in cycle 2026-Q4 (did you mean ada?)"]


def test_a_team_is_no_contributor(make_site, monkeypatch):
    assert errors(make_site, monkeypatch, ops=ops("", "        contributors: [web]\n")) == [
        f"{OPS}:16: error: 'contributors' must name people, but 'web' is a team: list its people, "
        "or make the work depend on it (depends_on)"]


def test_a_person_contributes_besides_owning(make_site, monkeypatch):
    own = owner("Bob", "person", "web", objective("own", "web/checkout", "    contributors: bob\n"))
    assert errors(make_site, monkeypatch, people_bob=own) == [
        f"{CYCLE}/people/bob.md:9: error: 'contributors' names 'bob', the owner: list only the people "
        "who work on it besides its owner"]


def test_a_contributor_that_is_no_id_is_an_error_of_the_file(make_site, monkeypatch):
    assert errors(make_site, monkeypatch, ops=ops("    contributors: [Ada Lovelace]\n")) == [
        f"{OPS}:9: error: each of 'contributors' must be an id, and 'Ada Lovelace' is not: "
        "use lowercase letters, digits and '-', like 'new-leads'"]


def test_an_unknown_dependency_is_an_error_with_a_did_you_mean(make_site, monkeypatch):
    assert errors(make_site, monkeypatch, ops=ops("    depends_on: web/chekout\n")) == [
        f"{OPS}:9: error: 'depends_on' names 'web/chekout', which is not an objective in cycle 2026-Q4 "
        "(did you mean web/checkout?)"]
    assert errors(make_site, monkeypatch, ops=ops("", "        depends_on: web/checkout/z\n")) == [
        f"{OPS}:16: error: 'depends_on' names 'web/checkout/z', which is not a key result in cycle 2026-Q4 "
        "(did you mean web/checkout/b?)"]


def test_a_dependency_on_another_cycle_is_not_found_in_this_one(make_site, monkeypatch):
    q3 = {"content/2026-Q3/test-co.md": COMPANY}
    root = make_site({**files(ops=ops("    depends_on: test-co/old\n")), **q3})
    monkeypatch.chdir(root)
    site, diagnostics = load(root)
    assert [d.format() for d in diagnostics.items if d.severity == "error"] == [
        f"{OPS}:9: error: 'depends_on' names 'test-co/old', which is not an objective in cycle 2026-Q4 "
        "(did you mean test-co/grow?)"]


def test_a_malformed_dependency_is_an_error_of_the_file(make_site, monkeypatch):
    assert errors(make_site, monkeypatch, ops=ops("    depends_on: [web]\n")) == [
        f"{OPS}:9: error: 'depends_on' 'web' must look like 'owner/objective' or 'owner/objective/key-result'"]


def test_needing_itself_or_its_own_key_result_is_an_error(make_site, monkeypatch):
    assert errors(make_site, monkeypatch, ops=ops("    depends_on: ops/ship\n")) == [
        f"{OPS}:9: error: 'ops/ship' depends on itself"]
    assert errors(make_site, monkeypatch, ops=ops("    depends_on: ops/ship/a\n")) == [
        f"{OPS}:9: error: 'depends_on' names 'ops/ship/a', a key result of this objective: "
        "an objective needs its key results already"]


def test_a_reference_into_a_broken_file_is_not_reported_again(make_site, monkeypatch):
    found = errors(make_site, monkeypatch, ops=ops("    depends_on: web/checkout\n    contributors: [ada]\n"),
                   web_extra="    score: 7\n", people_ada="---\nname: [\n---\n")
    assert len(found) == 2 and not any(OPS in line for line in found), found


def test_a_loop_of_needs_is_an_error_naming_it(make_site, monkeypatch):
    web = owner("Web", "team", "test-co", objective("checkout", "test-co/grow", "    depends_on: bob/own\n"))
    bob = owner("Bob", "person", "web", objective("own", "web/checkout", "    depends_on: ops/ship/b\n"))
    assert errors(make_site, monkeypatch, ops=ops("", "        depends_on: web/checkout\n"), web=web,
                  people_bob=bob) == [
        f"{CYCLE}/people/bob.md:9: error: the dependencies have a loop: "
        "ops/ship/b -> web/checkout -> bob/own -> ops/ship/b"]


def test_a_key_result_that_needs_what_needs_its_objective_is_a_loop(make_site, monkeypatch):
    """Web needs Ops; Ops is reached when its key result b is; b needs Web."""
    web = owner("Web", "team", "test-co", objective("checkout", "test-co/grow", "    depends_on: ops/ship\n"))
    assert errors(make_site, monkeypatch, ops=ops("", "        depends_on: web/checkout\n"), web=web) == [
        f"{CYCLE}/web.md:9: error: the dependencies have a loop: ops/ship -> ops/ship/b -> web/checkout -> ops/ship"]


def chain(length: int, loop: bool) -> dict[str, str]:
    """Teams t0 .. t(length-1), each objective needing the next one's (and the last the first's, with ``loop``)."""
    found = {}
    for i in range(length):
        need = f"t{i + 1}/o" if i + 1 < length else ("t0/o" if loop else "")
        extra = f"    depends_on: {need}\n" if need else ""
        found[f"{CYCLE}/t{i}.md"] = owner(f"T{i}", "team", "test-co", objective("o", "test-co/grow", extra))
    return found


def test_a_chain_of_needs_1500_deep_links_without_recursion(make_site):
    site, diagnostics = load(make_site({f"{CYCLE}/test-co.md": COMPANY, **chain(1500, loop=False)}))
    assert site is not None, [d.format() for d in diagnostics.items][:3]
    assert len(site.cycles[0].owners["t1499"].objectives[0].needed_by) == 1


def test_a_loop_1500_long_is_found(make_site, monkeypatch):
    root = make_site({f"{CYCLE}/test-co.md": COMPANY, **chain(1500, loop=True)})
    site, diagnostics = load(root)
    found = [d for d in diagnostics.items if d.severity == "error"]
    assert site is None and len(found) == 1
    assert found[0].message.startswith("the dependencies have a loop: t") and found[0].message.count(" -> ") == 1500


# --- pages ---------------------------------------------------------------------------------------


@pytest.fixture
def built(make_site, tmp_path):
    """``built(**changed)`` -> the output folder of the site built at the example's date."""
    def build(**changed):
        out = tmp_path / "out"
        report = build_site(make_site(files(**changed)), out, BuildOptions(EXAMPLE_DATE))
        assert report.ok(False), [d.format() for d in report.diagnostics.items]
        return out
    return build


LINKED = {"ops": ops("    contributors: [ada, bob]\n    depends_on: [web/checkout, bob/own/b]\n",
                     "        contributors: [bob]\n        depends_on: web/checkout/a\n"),
          "web_extra": "    status: off-track\n"}


def sections(page) -> dict[str, object]:
    return {s.one("h2").text(): s for s in page.find_all("section", cls="section") if s.find("h2")}


def test_the_objective_page_lists_contributors_and_needs_with_their_status(built):
    page = parse_file(built(**LINKED) / "2026-q4/ops/ship/index.html").one("main")
    parts = sections(page)
    assert parts["Contributors"].texts("li") == ["Ada Lovelace · Engineer", "Bob"]
    needs = parts["Depends on"].find_all("li", cls="work-item")
    assert [li.text() for li in needs] == [
        "Holds this up team Objective checkout · Web 50 % Off track",
        "person B (key result of Objective own) · Bob 50 % On track"]
    assert needs[0].one("a").get("href") == "../../../2026-q4/web/checkout/index.html"
    assert needs[1].one("a").get("href") == "../../../2026-q4/bob/own/index.html#kr-b"
    assert page.one("p", cls="banner-held").text() == (
        "Held up It depends on Objective checkout (Web), which is off track.")


def test_a_key_result_shows_its_own_contributors_and_needs_in_a_line(built):
    page = parse_file(built(**LINKED) / "2026-q4/ops/ship/index.html").one("main")
    cards = page.find_all("article", cls="kr-card")
    assert cards[0].find("p", cls="work-line") is None
    assert cards[1].one("p", cls="work-line").text() == "With Bob Depends on A (Web) On track"


def test_what_is_needed_says_by_what(built):
    out = built(**LINKED)
    page = parse_file(out / "2026-q4/web/checkout/index.html").one("main")
    assert sections(page)["Needed by"].texts("li") == ["team Objective ship · Ops 50 % On track"]
    assert page.find("p", cls="banner-held") is None
    kr_a = page.find_all("article", cls="kr-card")[0]
    assert kr_a.one("p", cls="work-line").text() == "Needed by KR b (Ops) On track"


def test_a_person_page_shows_what_they_contribute_to_and_the_directory_counts_it(built):
    out = built(**LINKED)
    bob = sections(parse_file(out / "2026-q4/bob/index.html").one("main"))
    assert bob["Contributes to"].texts("li") == ["team Objective ship · Ops 50 % On track",
                                                 "team KR b (key result of Objective ship) · Ops 50 % On track"]
    directory = parse_file(out / "2026-q4/people/index.html").one("ul", id="people")
    counts = {li.find("p").find("a").text(): li.find("p").find("span", cls="counts") for li in directory.find_all("li")
              if li.find("p") and li.closest("ul") is directory}
    assert counts["Bob"].text() == "1 objective · contributes to 2"
    assert counts["Ada Lovelace"].text() == "0 objectives · contributes to 1"


def test_pages_of_work_without_contributors_or_needs_stay_as_they_were(built):
    out = built()
    page = parse_file(out / "2026-q4/ops/ship/index.html").one("main")
    assert not {"Contributors", "Depends on", "Needed by"} & set(sections(page))
    assert page.find(cls="work-line") is None and page.find(cls="banner-held") is None
    assert "Contributes to" not in sections(parse_file(out / "2026-q4/ada/index.html").one("main"))
    assert parse_file(out / "2026-q4/people/index.html").find("span", cls="counts") is None


def test_okrs_json_carries_contributors_and_dependencies_of_objectives_and_key_results(built):
    data = json.loads((built(**LINKED) / "okrs.json").read_text())
    owners = {o["id"]: o for o in data["cycles"][0]["owners"]}
    ship = owners["ops"]["objectives"][0]
    assert (ship["contributors"], ship["depends_on"]) == (["ada", "bob"], ["web/checkout", "bob/own/b"])
    assert [(kr["contributors"], kr["depends_on"]) for kr in ship["key_results"]] == [
        ([], []), (["bob"], ["web/checkout/a"])]
    checkout = owners["web"]["objectives"][0]
    assert (checkout["contributors"], checkout["depends_on"]) == ([], [])
    assert list(ship)[:7] == ["id", "ref", "title", "type", "growth", "aligns_to", "contributors"]


def test_private_people_and_objectives_are_never_named_on_the_other_side(built):
    private = "visibility: private\n"
    out = built(**LINKED, people_bob=owner("Bob", "person", "web", objective("own", "web/checkout"), extra=private))
    ship = parse_file(out / "2026-q4/ops/ship/index.html").one("main")
    assert sections(ship)["Contributors"].texts("li") == ["Ada Lovelace · Engineer"]
    assert [li.text() for li in sections(ship)["Depends on"].find_all("li")][1:] == ["1 private objective"]
    assert "Bob" not in ship.text() and "own" not in ship.text()
    data = json.loads((out / "okrs.json").read_text())
    objective_json = [o for o in data["cycles"][0]["owners"] if o["id"] == "ops"][0]["objectives"][0]
    assert (objective_json["contributors"], objective_json["depends_on"]) == (["ada"], ["web/checkout"])
    assert objective_json["key_results"][1]["contributors"] == []


def test_the_owner_page_marks_an_objective_held_up_by_what_it_needs(built):
    out = built(**LINKED)
    cards = parse_file(out / "2026-q4/ops/index.html").one("main").find_all("article", cls="objective")
    assert cards[0].one("header").text() == "Objective ship On track Held up"
    bob = parse_file(out / "2026-q4/bob/index.html").one("main").find_all("article", cls="objective")
    assert bob[0].find(cls="held-tag") is None  # Bob's own objective needs nothing
