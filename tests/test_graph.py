"""Tests of okrsite.graph: the org chart, the alignment graph, broken references, loops and
the warning about check-ins dated outside their cycle (the coaching warnings are tested in
test_coaching.py)."""

from __future__ import annotations

import pytest

from conftest import COMPANY, SITE_TOML, load

CYCLE = "content/2026-Q4"


@pytest.fixture
def check(make_site, monkeypatch):
    """Load ``files`` (plus the company unless ``company=False``) from the site root."""
    def check(files: dict[str, str], company: bool = True, site_toml: str = SITE_TOML):
        base = {f"{CYCLE}/test-co.md": COMPANY} if company else {}
        root = make_site({**base, **files}, site_toml)
        monkeypatch.chdir(root)
        return load(root)
    return check


def objective(ident: str, aligns_to: str | None = None, krs: tuple[str, ...] = ("a", "b")) -> str:
    """YAML for one objective with metric key results ``krs`` (0 -> 10, at 0)."""
    text = f"  - id: {ident}\n    title: Objective {ident}\n"
    if aligns_to:
        text += f"    aligns_to: {aligns_to}\n"
    text += "    key_results:\n" if krs else ""
    for kr in krs:
        text += f"      - {{id: {kr}, title: KR {kr}, start: 0, target: 10, unit: things}}\n"
    return text


def owner(name: str, kind: str, parent: str | None = None, *objectives: str, extra: str = "") -> str:
    """An OKR file; ``parent`` is line 4 when given, ``extra`` lines follow it."""
    text = f"---\nname: {name}\nkind: {kind}\n"
    if parent:
        text += f"parent: {parent}\n"
    text += extra
    if objectives:
        text += "objectives:\n" + "".join(objectives)
    return text + "---\n"


def assert_one(diagnostics, path: str, line: int | None, message: str, severity: str = "error") -> None:
    found = [d for d in diagnostics.items if d.severity == severity and message in d.message]
    assert len(found) == 1, [d.format() for d in diagnostics.items]
    where = path if line is None else f"{path}:{line}"
    assert found[0].format().startswith(f"{where}: {severity}: "), found[0].format()


def formatted(diagnostics) -> list[str]:
    return [d.format() for d in diagnostics.items]


# --- errors --------------------------------------------------------------------------------


def test_duplicate_owner_ids_in_two_sub_folders(check):
    site, diagnostics = check({
        f"{CYCLE}/a/ops.md": owner("Ops A", "team", "test-co"),
        f"{CYCLE}/b/ops.md": owner("Ops B", "team", "test-co"),
    })
    assert site is None
    assert_one(diagnostics, f"{CYCLE}/b/ops.md", 1,
               f"duplicate owner id 'ops' in cycle 2026-Q4: {CYCLE}/a/ops.md has the same file name")


@pytest.mark.parametrize("ident, page", [("tree", "alignment tree"), ("status", "status by department"),
                                         ("retro", "retrospective"), ("people", "people directory"),
                                         ("kpis", "KPI"), ("digest", "weekly digest")])
def test_an_owner_id_cannot_take_the_folder_of_a_cycle_page(check, ident, page):
    site, diagnostics = check({f"{CYCLE}/teams/{ident}.md": owner("A team", "team", "test-co"),
                               f"{CYCLE}/ada.md": owner("Ada", "person", ident)})
    assert site is None
    assert len(diagnostics.errors) == 1, formatted(diagnostics)
    assert_one(diagnostics, f"{CYCLE}/teams/{ident}.md", 1,
               f"the owner id '{ident}' is the address of the cycle's {page} page: rename the file")


def test_the_same_owner_id_in_two_cycles_is_fine(check):
    q3 = COMPANY.replace("current: 50", "current: 20")
    site, diagnostics = check({"content/2026-Q3/test-co.md": q3})
    assert site is not None, formatted(diagnostics)
    assert [c.id for c in site.cycles] == ["2026-Q4", "2026-Q3"]


def test_unknown_parent_with_did_you_mean(check):
    site, diagnostics = check({f"{CYCLE}/ops.md": owner("Ops", "team", "test-c")})
    assert site is None
    assert_one(diagnostics, f"{CYCLE}/ops.md", 4,
               "'parent' names 'test-c', which is not an owner in cycle 2026-Q4 (did you mean test-co?)")


def test_missing_parent(check):
    site, diagnostics = check({f"{CYCLE}/ops.md": owner("Ops", "team")})
    assert site is None
    assert_one(diagnostics, f"{CYCLE}/ops.md", 2, "'ops' has no 'parent': name its place in the org chart, e.g. parent: test-co")


def test_company_with_a_parent(check):
    site, diagnostics = check({f"{CYCLE}/test-co.md": COMPANY.replace("kind: company\n", "kind: company\nparent: ops\n"),
                               f"{CYCLE}/ops.md": owner("Ops", "team", "test-co")})
    assert site is None
    assert_one(diagnostics, f"{CYCLE}/test-co.md", 4, "the company is the top of the org chart: remove 'parent'")


def test_unknown_lead_with_did_you_mean(check):
    site, diagnostics = check({
        f"{CYCLE}/ops.md": owner("Ops", "team", "test-co", extra="lead: ada-lovelase\n"),
        f"{CYCLE}/people/ada-lovelace.md": owner("Ada", "person", "ops"),
    })
    assert site is None
    assert_one(diagnostics, f"{CYCLE}/ops.md", 5,
               "'lead' names 'ada-lovelase', which is not an owner in cycle 2026-Q4 (did you mean ada-lovelace?)")


def test_lead_that_is_not_a_person(check):
    site, diagnostics = check({
        f"{CYCLE}/ops.md": owner("Ops", "department", "test-co"),
        f"{CYCLE}/web.md": owner("Web", "team", "ops", extra="lead: ops\n"),
    })
    assert site is None
    assert_one(diagnostics, f"{CYCLE}/web.md", 5, "'lead' must name a person, but 'ops' is a department")


def test_parent_naming_the_owner_itself(check):
    site, diagnostics = check({f"{CYCLE}/ops.md": owner("Ops", "team", "ops")})
    assert site is None
    assert_one(diagnostics, f"{CYCLE}/ops.md", 4, "'parent' names the owner itself")


def test_aligns_to_unknown_objective_with_did_you_mean(check):
    site, diagnostics = check({
        f"{CYCLE}/marketing.md": owner("Marketing", "department", "test-co", objective("leads", "test-co/grow")),
        f"{CYCLE}/ads.md": owner("Ads", "team", "marketing", objective("clicks", "marketing/lead")),
    })
    assert site is None
    # ads.md: 1 ---, 2 name, 3 kind, 4 parent, 5 objectives:, 6 - id, 7 title, 8 aligns_to
    assert_one(diagnostics, f"{CYCLE}/ads.md", 8,
               "'aligns_to' names 'marketing/lead', which is not an objective in cycle 2026-Q4 (did you mean marketing/leads?)")


def test_aligns_to_unknown_owner_with_did_you_mean(check):
    site, diagnostics = check({
        f"{CYCLE}/marketing.md": owner("Marketing", "department", "test-co", objective("leads", "test-co/grow")),
        f"{CYCLE}/ads.md": owner("Ads", "team", "marketing", objective("clicks", "marketting/leads")),
    })
    assert site is None
    assert_one(diagnostics, f"{CYCLE}/ads.md", 8, "(did you mean marketing/leads?)")


def test_aligns_to_unknown_key_result_with_did_you_mean(check):
    site, diagnostics = check({
        f"{CYCLE}/ops.md": owner("Ops", "team", "test-co", objective("x", "[test-co/grow, test-co/grow/revenu]")),
    })
    assert site is None
    assert_one(diagnostics, f"{CYCLE}/ops.md", 8,
               "'aligns_to' names 'test-co/grow/revenu', which is not a key result in cycle 2026-Q4 "
               "(did you mean test-co/grow/revenue?)")


def test_aligns_to_itself(check):
    site, diagnostics = check({f"{CYCLE}/ops.md": owner("Ops", "team", "test-co", objective("x", "ops/x"))})
    assert site is None
    assert_one(diagnostics, f"{CYCLE}/ops.md", 8, "objective 'ops/x' aligns to itself")


def test_aligns_to_another_cycle_is_unknown(check):
    site, diagnostics = check({
        "content/2026-Q3/test-co.md": COMPANY.replace("id: grow", "id: old"),
        f"{CYCLE}/ops.md": owner("Ops", "team", "test-co", objective("x", "test-co/old")),
    })
    assert site is None
    assert_one(diagnostics, f"{CYCLE}/ops.md", 8, "'aligns_to' names 'test-co/old', which is not an objective in cycle 2026-Q4")


def test_org_chart_loop(check):
    site, diagnostics = check({
        f"{CYCLE}/a.md": owner("A", "team", "b"),
        f"{CYCLE}/b.md": owner("B", "team", "c"),
        f"{CYCLE}/c.md": owner("C", "team", "a"),
    })
    assert site is None
    assert_one(diagnostics, f"{CYCLE}/a.md", 4, "the org chart has a loop: a -> b -> c -> a")


def test_alignment_loop(check):
    site, diagnostics = check({
        f"{CYCLE}/a.md": owner("A", "team", "test-co", objective("x", "b/y")),
        f"{CYCLE}/b.md": owner("B", "team", "test-co", objective("y", "a/x")),
    })
    assert site is None
    loops = [d for d in diagnostics.errors if "the alignment has a loop" in d.message]
    assert len(loops) == 1, formatted(diagnostics)
    assert loops[0].format() == f"{CYCLE}/b.md:8: error: the alignment has a loop: a/x -> b/y -> a/x"


def test_alignment_loop_through_a_key_result(check):
    site, diagnostics = check({
        f"{CYCLE}/a.md": owner("A", "team", "test-co", objective("x", "b/y/a")),
        f"{CYCLE}/b.md": owner("B", "team", "test-co", objective("y", "c/z")),
        f"{CYCLE}/c.md": owner("C", "team", "test-co", objective("z", "a/x/b")),
    })
    assert site is None
    loops = [d for d in diagnostics.errors if "the alignment has a loop" in d.message]
    assert len(loops) == 1, formatted(diagnostics)
    assert "a/x -> " in loops[0].message


def test_no_company_in_a_cycle(check):
    site, diagnostics = check({f"{CYCLE}/ops.md": owner("Ops", "team")}, company=False)
    assert site is None
    assert_one(diagnostics, CYCLE, None, "cycle 2026-Q4 has no company: one file needs 'kind: company'")


def test_no_company_message_uses_the_display_path(make_site, monkeypatch):
    """Run from the site's parent folder: every path, the folder's too, is relative to it."""
    root = make_site({f"{CYCLE}/ops.md": owner("Ops", "team")})
    monkeypatch.chdir(root.parent)
    site, diagnostics = load(root)
    assert site is None
    [error] = [d for d in diagnostics.errors if "has no company" in d.message]
    assert error.path == f"site/{CYCLE}"


def test_two_companies_in_a_cycle(check):
    site, diagnostics = check({f"{CYCLE}/umbrella.md": owner("Umbrella", "company")})
    assert site is None
    assert_one(diagnostics, f"{CYCLE}/umbrella.md", 3,
               f"a second company in cycle 2026-Q4 ({CYCLE}/test-co.md is the first): a cycle has exactly one")


# --- warnings (the site still loads) -------------------------------------------------------


def test_checkin_outside_its_cycle_warns(check):
    text = owner("Ops", "team", "test-co", objective("x", "test-co/grow")).replace(
        "      - {id: a, title: KR a, start: 0, target: 10, unit: things}\n",
        "      - id: a\n"                                                 # 10; the late check-in is on line 18
        "        title: KR a\n"
        "        start: 0\n"
        "        target: 10\n"
        "        unit: things\n"
        "        checkins:\n"
        "          - {date: 2026-10-01, value: 1}\n"
        "          - {date: 2026-12-31, value: 2}\n"
        "          - {date: 2027-01-02, value: 3}\n")
    site, diagnostics = check({f"{CYCLE}/ops.md": text})
    assert site is not None
    assert formatted(diagnostics) == [
        f"{CYCLE}/ops.md:18: warning: key result 'a' has a check-in dated 2027-01-02, "
        "outside cycle 2026-Q4 (2026-10-01 to 2026-12-31)"]


# --- the links -----------------------------------------------------------------------------


@pytest.fixture
def linked(check):
    """A company, a department, a team under it, and a person in the team, all aligned upward."""
    site, diagnostics = check({
        f"{CYCLE}/marketing.md": owner("Marketing", "department", "test-co",
                                       objective("leads", "test-co/grow"), objective("brand", "[test-co/grow/revenue]"),
                                       extra="lead: ada\n"),
        f"{CYCLE}/teams/ads.md": owner("Ads", "team", "marketing", objective("clicks", "[marketing/leads, marketing/brand/a]")),
        f"{CYCLE}/people/ada.md": owner("Ada", "person", "ads", objective("webinars", "ads/clicks/b")),
        f"{CYCLE}/sales.md": owner("Sales", "department", "test-co", objective("deals", "test-co/grow/revenue")),
    })
    assert site is not None, formatted(diagnostics)
    assert diagnostics.items == []
    return site.current


def refs(objectives) -> list[str]:
    return [o.ref for o in objectives]


def test_org_chart_links(linked):
    owners = linked.owners
    company = linked.company
    assert company is owners["test-co"]
    assert company.parent is None
    assert [o.id for o in company.children] == ["marketing", "sales"]
    assert owners["ads"].parent is owners["marketing"]
    assert [o.id for o in owners["marketing"].children] == ["ads"]
    assert [o.id for o in owners["ads"].children] == ["ada"]
    assert owners["marketing"].lead is owners["ada"]
    assert owners["ada"].cycle is linked


def test_owner_ancestors_run_from_the_company_down(linked):
    assert [o.id for o in linked.owners["ada"].ancestors] == ["test-co", "marketing", "ads"]
    assert linked.owners["test-co"].ancestors == []


def test_objective_parents_and_children(linked):
    objectives = {o.ref: o for o in linked.objectives}
    clicks = objectives["ads/clicks"]
    assert [a.ref for a in clicks.parents] == ["marketing/leads", "marketing/brand/a"]
    assert [a.objective.ref for a in clicks.parents] == ["marketing/leads", "marketing/brand"]
    assert clicks.parents[0].key_result is None
    assert clicks.parents[1].key_result is objectives["marketing/brand"].key_results[0]
    assert refs(objectives["marketing/leads"].children) == ["ads/clicks"]
    assert refs(objectives["marketing/brand"].children) == ["ads/clicks"]
    assert sorted(refs(objectives["test-co/grow"].children)) == ["marketing/brand", "marketing/leads", "sales/deals"]


def test_alignment_to_a_key_result_lists_the_objective_on_the_key_result(linked):
    objectives = {o.ref: o for o in linked.objectives}
    revenue, launch = objectives["test-co/grow"].key_results
    assert sorted(refs(revenue.aligned)) == ["marketing/brand", "sales/deals"]
    assert not launch.aligned
    assert refs(objectives["ads/clicks"].key_results[1].aligned) == ["ada/webinars"]
    assert not objectives["marketing/leads"].key_results[0].aligned


def test_objective_chain_runs_from_the_company_down_the_first_alignment(linked):
    objectives = {o.ref: o for o in linked.objectives}
    assert refs(objectives["ada/webinars"].chain) == ["test-co/grow", "marketing/leads", "ads/clicks"]
    assert refs(objectives["sales/deals"].chain) == ["test-co/grow"]
    assert objectives["test-co/grow"].chain == []


def test_cycle_objectives_lists_every_owners_objectives(linked):
    assert len(linked.objectives) == 1 + 2 + 1 + 1 + 1


# --- one mistake, one message ----------------------------------------------------------------


def test_references_to_a_file_with_errors_are_not_reported_again(check):
    site, diagnostics = check({
        f"{CYCLE}/sales.md": owner("Sales", "departmnet", "test-co", objective("deals", "test-co/grow")),
        f"{CYCLE}/ada.md": owner("Ada", "person", "sales", objective("calls", "sales/deals")),
    })
    assert site is None
    assert [d.format() for d in diagnostics.errors] == [
        f"{CYCLE}/sales.md:3: error: unknown kind 'departmnet': use one of company, department, team, person"
        " (did you mean department?)"]


def test_alignments_to_an_objective_with_errors_are_not_reported_again(check):
    broken = "  - id: deals\n    key_results:\n      - {id: a, title: A, start: 0, target: 1}\n"
    site, diagnostics = check({
        f"{CYCLE}/sales.md": owner("Sales", "department", "test-co", broken),
        f"{CYCLE}/ada.md": owner("Ada", "person", "sales", objective("calls", "sales/deals")),
    })
    assert site is None
    assert [d.message for d in diagnostics.errors] == ["an objective has no 'title'"]


def test_a_missing_company_is_not_reported_when_a_file_failed(check):
    site, diagnostics = check({f"{CYCLE}/test-co.md": "---\nname: [\n---\n"}, company=False)
    assert site is None
    assert len(diagnostics.errors) == 1 and "invalid YAML" in diagnostics.errors[0].message
