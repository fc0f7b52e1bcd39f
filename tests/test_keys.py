"""Tests of okrsite.render.keys: the fingerprints that decide which pages a rebuild renders.

A key must change whenever its page would change (or watch mode shows a stale page)
and stay put when nothing it shows changed (or every edit renders everything), and
it must be the same in every process (the build cache keeps keys between runs).
"""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import CYCLE, REPO
from okrsite.fingerprint import code_version, combine, stable_hash
from okrsite.render.keys import CycleKeys, site_key

TEAM = """\
---
name: {name}
kind: team
parent: test-co
objectives:
  - id: a
    title: {name} objective
    aligns_to: test-co/grow
    key_results:
      - {{id: k, title: K, start: 0, target: 10, current: {current}}}
      - {{id: m, title: M, start: 0, target: 10, current: 5}}
---
"""
PERSON = """\
---
name: Pat
kind: person
parent: shop
objectives:
  - id: p
    title: Pat's objective
    aligns_to: shop/a
    key_results:
      - {id: k, title: K, start: 0, target: 10, current: 5}
      - {id: m, title: M, start: 0, target: 10, current: 5}
---
"""


def site_keys(check, shop_current: int = 5, pat: str = PERSON) -> dict[str, int]:
    """Every kind of key of a small cycle (a company, two teams, a person), by a readable name."""
    site, diagnostics = check({f"{CYCLE}/shop.md": TEAM.format(name="Shop", current=shop_current),
                               f"{CYCLE}/mill.md": TEAM.format(name="Mill", current=5),
                               f"{CYCLE}/pat.md": pat})
    assert site is not None, [d.format() for d in diagnostics.items]
    cycle = site.cycles[0]
    keys = CycleKeys(cycle, site_key(site, "theme"))
    found = {"cycle": keys.cycle, "frame": keys.frame}
    for owner in cycle.owners.values():
        found[f"owner {owner.id}"] = keys.owner(owner)
        found[f"owner badge {owner.id}"] = keys.owner_badge(owner)
        found[f"owner data {owner.id}"] = keys.owner_data(owner)
        for objective in owner.objectives:
            found[f"objective {objective.ref}"] = keys.objective(objective)
            found[f"objective badge {objective.ref}"] = keys.objective_badge(objective)
            found[f"chart {objective.ref}/0"] = keys.chart(objective, 0)
    found["person entry pat"] = keys.person_entry(cycle.owners["pat"])
    found["digest"] = keys.digest(site.config.status)
    return found


def changed(before: dict[str, int], after: dict[str, int]) -> set[str]:
    return {name for name in before if before[name] != after[name]}


def test_the_same_content_gives_the_same_keys(check):
    assert site_keys(check) == site_keys(check)


def test_a_team_edit_changes_its_pages_and_those_that_show_it_only(check):
    """Shop's key result moves: Shop's own outputs change, and so does every page that shows
    Shop's objective (the company's objective with its subtree, the company's page, Pat's
    objective and page with the chain up through it, the overview and tree); Mill's outputs,
    the badges and charts of others, and the people directory entry (titles only) do not."""
    before, after = site_keys(check), site_keys(check, shop_current=7)
    assert changed(before, after) == {
        "cycle", "owner shop", "owner badge shop", "owner data shop", "objective shop/a", "objective badge shop/a",
        "chart shop/a/0", "objective test-co/grow", "owner test-co", "objective pat/p", "owner pat", "digest"}


def test_a_persons_edit_leaves_the_other_team_alone(check):
    before = site_keys(check)
    after = site_keys(check, pat=PERSON.replace("Pat's objective", "Pat's better objective"))
    assert {"objective pat/p", "person entry pat", "objective shop/a", "owner shop"} <= changed(before, after)
    assert not {name for name in changed(before, after) if "mill" in name}


def test_the_digest_follows_the_status_bands_that_give_its_first_day_s_statuses(check):
    """The statuses of the digest's first day come from [status] alone: no other key needs to change."""
    from dataclasses import replace

    site, _ = check({})
    keys = CycleKeys(site.cycles[0], site_key(site, "theme"))
    bands = site.config.status
    assert keys.digest(bands) == keys.digest(replace(bands))
    assert keys.digest(bands) != keys.digest(replace(bands, at_risk=0.4))


def test_stable_hash_and_combine_are_the_same_in_every_process():
    value = ("okrsite", 1, 2.5, None, ("nested", "é"))
    script = ("import sys; sys.path.insert(0, sys.argv[1]); from okrsite.fingerprint import stable_hash, combine; "
              f"print(stable_hash({value!r}), combine(1, (2, 3)))")
    outputs = {subprocess.run([sys.executable, "-c", script, str(REPO)], capture_output=True, text=True, check=True,
                              env={**os.environ, "PYTHONHASHSEED": seed}).stdout
               for seed in ("0", "1", "12345")}
    assert outputs == {f"{stable_hash(value)} {combine(1, (2, 3))}\n"}


def test_stable_hash_tells_values_apart():
    values = ["1", 1, 1.0, ("1",), None, "", (None,), "a\udc80"]  # a surrogate from a file name is allowed
    assert len({stable_hash(v) for v in values}) == len(values)  # 1 and 1.0 too: a page shows "1" or "1.0"
    assert stable_hash(1) != stable_hash("1") and stable_hash(("a", "b")) != stable_hash(("ab",))


def test_combine_depends_on_order():
    assert combine(1, 2) != combine(2, 1) and combine(1, (2, 3)) != combine(1, 2, 3)


def test_code_version_names_the_release_and_the_source():
    version = code_version()
    release, digest = version.split("+")
    assert release and len(digest) == 32 and code_version() is version


def test_a_deep_chain_gets_its_subtree_keys_without_recursion(check):
    """A chain of 1,500 objectives, each aligned to the one before: keys of the top objective's subtree
    walk the whole chain, deeper than Python could recurse."""
    files = {}
    parent = "test-co/grow"
    for level in range(1500):
        files[f"{CYCLE}/p{level}.md"] = (f"---\nname: P{level}\nkind: person\nparent: test-co\nobjectives:\n"
                                         f"  - {{id: o, title: O, aligns_to: {parent}, key_results: "
                                         f"[{{id: k, title: K, start: 0, target: 1}}, {{id: m, title: M, start: 0, target: 1}}]}}\n---\n")
        parent = f"p{level}/o"
    site, diagnostics = check(files)
    assert site is not None, [d.format() for d in diagnostics.items[:3]]
    cycle = site.cycles[0]
    keys = CycleKeys(cycle, 0)
    top = cycle.owners["test-co"].objectives[0]
    assert isinstance(keys.subtree(top), int)
    assert len(keys.subtrees) == 1501


def test_a_confidence_changes_the_keys_of_the_pages_that_show_it_even_without_file_digests(check):
    """Objects made without a file (digest "") are signed field by field: a check-in's confidence and
    a key result's own are among those fields."""
    text = TEAM.format(name="Shop", current=5).replace(
        "current: 5}", "checkins: [{date: 2026-10-05, value: 2, confidence: 0.8}]}", 1)
    site, diagnostics = check({f"{CYCLE}/shop.md": text})
    assert site is not None, [d.format() for d in diagnostics.items]
    cycle = site.cycles[0]
    for owner in cycle.owners.values():
        owner.digest = ""
    shop = cycle.owners["shop"].objectives[0]
    k, m = shop.key_results

    def keys() -> tuple[int, int]:
        found = CycleKeys(cycle, 0)
        return found.cycle, found.objective(shop)

    before = keys()
    k.checkins[0].confidence = 0.4
    after_checkin = keys()
    m.confidence_given = 0.9
    assert len({before, after_checkin, keys()}) == 3
