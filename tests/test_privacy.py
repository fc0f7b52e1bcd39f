"""Tests of okrsite.privacy: private files and objectives vanish from the loaded site."""

from __future__ import annotations

import pytest

from conftest import COMPANY, load
from okrsite.options import BuildOptions
from content import objective, owner

CYCLE = "content/2026-Q4"

@pytest.fixture
def site(make_site):
    """test-co <- secret-dept (private) <- ads <- ada; sales with a private objective; spy (private person)."""
    root = make_site({
        f"{CYCLE}/test-co.md": COMPANY,
        f"{CYCLE}/secret-dept.md": owner("Secret Department", "department", "test-co",
                                         objective("plan", "test-co/grow"), extra="visibility: private\n"),
        f"{CYCLE}/ads.md": owner("Ads", "team", "secret-dept",
                                 objective("clicks", "[secret-dept/plan, test-co/grow]")
                                 + objective("hidden-only", "sales/quiet"),
                                 extra="lead: spy\n"),
        f"{CYCLE}/people/ada.md": owner("Ada", "person", "ads", objective("talks", "ads/clicks")),
        f"{CYCLE}/people/spy.md": owner("Spy", "person", "ads", objective("snoop", "test-co/grow/revenue"),
                                        extra="visibility: private\n"),
        f"{CYCLE}/sales.md": owner("Sales", "department", "test-co",
                                   objective("deals", "test-co/grow")
                                   + objective("quiet", "test-co/grow", extra="    visibility: private\n")),
    })
    loaded, diagnostics = load(root)
    assert loaded is not None, [d.format() for d in diagnostics.items]
    return loaded


def all_refs(cycle) -> set[str]:
    """Every objective ref reachable from the cycle by any link."""
    found = set()
    for o in cycle.objectives:
        found.add(o.ref)
        found.update(a.objective.ref for a in o.parents)
        found.update(c.ref for c in o.children)
        for kr in o.key_results:
            found.update(c.ref for c in kr.aligned)
    return found


def all_owner_ids(cycle) -> set[str]:
    found = set(cycle.owners)
    for o in cycle.owners.values():
        found.update(c.id for c in o.children)
        found.update(a.id for a in o.ancestors)
        if o.lead is not None:
            found.add(o.lead.id)
    return found


def test_private_person_file_vanishes(site):
    cycle = site.current
    assert "spy" not in cycle.owners
    assert "spy" not in all_owner_ids(cycle)
    assert not any(ref.startswith("spy/") for ref in all_refs(cycle))
    revenue = cycle.owners["test-co"].objectives[0].key_results[0]
    assert not revenue.aligned
    assert cycle.owners["ads"].lead is None  # the lead was private


def test_private_owner_is_gone_but_its_public_objectives_stay_scored(site):
    cycle = site.current
    assert "secret-dept" not in all_owner_ids(cycle)
    assert not any(ref.startswith("secret-dept/") for ref in all_refs(cycle))


def test_private_objective_vanishes(site):
    cycle = site.current
    sales = cycle.owners["sales"]
    assert [o.id for o in sales.objectives] == ["deals"]
    assert "sales/quiet" not in all_refs(cycle)
    grow = cycle.owners["test-co"].objectives[0]
    assert sorted(c.ref for c in grow.children) == ["ads/clicks", "sales/deals"]


@pytest.mark.parametrize("hidden", ["objective", "growth goal"])
def test_a_private_objective_vanishes_where_nothing_else_is_private(make_site, hidden):
    quiet = objective("quiet", "test-co/grow", extra="    visibility: private\n")
    if hidden == "growth goal":  # aligned to nothing
        quiet = quiet.replace("    aligns_to: test-co/grow\n", "    growth: true\n")
    root = make_site({f"{CYCLE}/test-co.md": COMPANY,
                      f"{CYCLE}/people/ada.md": owner("Ada", "person", "test-co",
                                                      objective("deals", "test-co/grow") + quiet)})
    loaded, diagnostics = load(root)
    assert loaded is not None, [d.format() for d in diagnostics.items]
    ada = loaded.current.owners["ada"]
    assert [o.id for o in (*ada.objectives, *ada.growth)] == ["deals"]
    assert "ada/quiet" not in all_refs(loaded.current)


def test_private_objective_does_not_count_in_progress(site):
    sales = site.current.owners["sales"]
    assert sales.progress == pytest.approx(0.5, abs=1e-12)
    assert sum(site.current.status_counts.values()) == len(site.current.objectives) == 5


def test_alignment_to_a_private_objective_counts_but_does_not_link(site):
    objectives = {o.ref: o for o in site.current.objectives}
    hidden_only = objectives["ads/hidden-only"]
    assert hidden_only.private_parents == 1
    assert hidden_only.parents == []
    clicks = objectives["ads/clicks"]
    assert clicks.private_parents == 1
    assert [a.ref for a in clicks.parents] == ["test-co/grow"]
    assert objectives["ada/talks"].private_parents == 0
    assert [o.ref for o in objectives["ada/talks"].chain] == ["test-co/grow", "ads/clicks"]


def test_public_owner_under_a_private_one_moves_to_the_nearest_public_ancestor(site):
    owners = site.current.owners
    assert owners["ads"].parent is owners["test-co"]
    assert [o.id for o in owners["ads"].ancestors] == ["test-co"]
    assert [o.id for o in owners["ada"].ancestors] == ["test-co", "ads"]
    assert "ads" in [c.id for c in owners["test-co"].children]
    assert sorted(c.id for c in owners["test-co"].children) == ["ads", "sales"]
    assert [c.id for c in owners["ads"].children] == ["ada"]


def test_re_parenting_skips_several_private_levels(make_site):
    root = make_site({
        f"{CYCLE}/test-co.md": COMPANY,
        f"{CYCLE}/x.md": owner("X", "department", "test-co", extra="visibility: private\n"),
        f"{CYCLE}/y.md": owner("Y", "team", "x", extra="visibility: private\n"),
        f"{CYCLE}/z.md": owner("Z", "person", "y"),
    })
    site, diagnostics = load(root)
    assert site is not None
    owners = site.current.owners
    assert sorted(owners) == ["test-co", "z"]
    assert owners["z"].parent is owners["test-co"]
    assert [c.id for c in owners["test-co"].children] == ["z"]


def test_private_company_is_not_reachable_through_the_cycle(make_site):
    """A private company file is left out of the site, so cycle.company may not point to it
    (the cycle page shows cycle.company.name and its objectives); an error would do too."""
    root = make_site({
        f"{CYCLE}/test-co.md": COMPANY.replace("kind: company\n", "kind: company\nvisibility: private\n"),
        f"{CYCLE}/ops.md": owner("Ops", "team", "test-co", objective("x", "test-co/grow")),
    })
    site, diagnostics = load(root)
    if site is None:
        assert diagnostics.errors
        return
    cycle = site.current
    assert "test-co" not in cycle.owners
    assert cycle.company is None or not cycle.company.private


# --- no trace in any output file --------------------------------------------------------------

CANARY_COMPANY = COMPANY.replace("---\nThe company.", """\
  - id: canary-objective
    title: Secret merger canaryqxobj
    description: Talks with canaryqxdesc are going well.
    visibility: private
    key_results:
      - id: canary-kr
        title: Due diligence canaryqxkr
        start: 0
        target: 10
        unit: canaryqxunit
        checkins:
          - {date: 2026-10-15, value: 4, note: canaryqxnote}
      - {id: other, title: Board vote canaryqxvote, type: milestone, done: false}
---
Public body.""")
CANARY_PERSON = """\
---
name: Canaryqx Person
kind: person
parent: test-co
role: Chief canaryqxrole
visibility: private
objectives:
  - id: hidden
    title: Personal canaryqxgoal
    aligns_to: test-co/grow
    key_results:
      - {id: a, title: A canaryqxa, start: 0, target: 1}
      - {id: b, title: B canaryqxb, start: 0, target: 1}
kpis:
  - {id: k, title: KPI canaryqxkpi, current: 1, target: 2}
---
Private body canaryqxbody.
"""
ALIGNED_TEAM = """\
---
name: Deal Team
kind: team
parent: test-co
objectives:
  - id: support
    title: Support the deal quietly
    aligns_to: [test-co/canary-objective, test-co/grow]
    key_results:
      - {id: a, title: Data room ready, type: milestone, done: true}
      - {id: b, title: Questions answered, start: 0, target: 40, current: 10, unit: questions}
---
"""


def _canary_site(make_site):
    return make_site({"content/2026-Q4/test-co.md": CANARY_COMPANY, "content/2026-Q4/people/canary-person.md": CANARY_PERSON,
                      "content/2026-Q4/deal-team.md": ALIGNED_TEAM})


def test_private_content_leaves_no_trace_in_any_output(make_site, tmp_path):
    from conftest import EXAMPLE_DATE
    from okrsite.build import build_site

    out = tmp_path / "out"
    assert build_site(_canary_site(make_site), out, BuildOptions(EXAMPLE_DATE)).ok(False)
    files = [p for p in out.rglob("*") if p.is_file()]
    assert len(files) > 20
    for path in files:
        relative = path.relative_to(out).as_posix()
        assert "canary" not in relative, relative
        assert b"canaryqx" not in path.read_bytes().lower(), relative
    team = (out / "2026-q4/deal-team/support/index.html").read_text()
    assert "a private objective" in team and "Grow the business" in team


def test_a_leadership_build_includes_private_content_and_marks_it(make_site, tmp_path):
    import json

    from conftest import EXAMPLE_DATE
    from okrsite.build import build_site

    out = tmp_path / "out"
    assert build_site(_canary_site(make_site), out, BuildOptions(EXAMPLE_DATE, include_private=True)).ok(False)
    person = (out / "2026-q4/canary-person/index.html").read_text()
    assert "Canaryqx Person" in person and 'class="private-tag"' in person and "Leadership build" in person
    directory = (out / "2026-q4/people/index.html").read_text()
    assert 'Canaryqx Person</a> <span class="private-tag">Private</span>' in directory
    objective = (out / "2026-q4/test-co/canary-objective/index.html").read_text()
    assert "Secret merger canaryqxobj" in objective and 'class="private-tag"' in objective
    team = (out / "2026-q4/deal-team/support/index.html").read_text()
    assert "a private objective" not in team and "Secret merger canaryqxobj" in team
    owners = {o["id"]: o for o in json.loads((out / "okrs.json").read_text())["cycles"][0]["owners"]}
    assert owners["canary-person"]["private"] is True and "private" not in owners["deal-team"]
    assert [o.get("private", False) for o in owners["test-co"]["objectives"]] == [False, True]
