"""okrs.json, exactly as section 6 of the contract: field names and types, order,
URLs and refs, fractions rounded to 4 decimals, the user's numbers as written,
and nothing private.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from pathlib import Path

import pytest

from okrsite.build import build_site
from okrsite.diagnostics import Diagnostics
from okrsite.load import parse_document
from okrsite.options import BuildOptions
from conftest import COMPANY, EXAMPLE_DATE, REPO

ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
NUMBER = (int, float)


def _no_constants(name):
    raise AssertionError(f"okrs.json contains {name}, which is not JSON")


def read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"), parse_constant=_no_constants)


@pytest.fixture(scope="session")
def site(example_build):
    return example_build[0].site


@pytest.fixture(scope="session")
def data(example_build) -> dict:
    return read_json(example_build[1] / "okrs.json")


@pytest.fixture(scope="session")
def raw():
    """The front matter as written: {(cycle, owner id): front matter} for every file of the example."""
    found = {}
    diagnostics = Diagnostics()
    for folder in sorted((REPO / "content").iterdir()):
        for path in sorted(folder.rglob("*.md")):
            document = parse_document(path.read_bytes(), path, path.name, folder.name, diagnostics)
            assert document is not None, path
            found[(folder.name, path.stem)] = document.front
    assert not diagnostics.errors
    return found


def is_number(value) -> bool:
    return isinstance(value, NUMBER) and not isinstance(value, bool)


def fraction(value, model_value):
    """A computed fraction: a number 0..1 with at most 4 decimals, equal to the model's rounded."""
    assert is_number(value), value
    assert 0 <= value <= 1, value
    assert round(value, 4) == value, f"{value} has more than 4 decimals"
    assert value == round(model_value, 4), (value, model_value)


# --- the top level ---

def test_top_level(data, site):
    assert {"title", "build_date", "current_cycle", "cycles"} <= set(data)
    assert data["title"] == site.config.title
    assert data["build_date"] == EXAMPLE_DATE.isoformat() == "2026-11-20"
    assert data["current_cycle"] == "2026-Q4"
    assert isinstance(data["cycles"], list)


def test_cycles_newest_first_with_dates_and_state(data, site):
    cycles = data["cycles"]
    assert [c["id"] for c in cycles] == [c.id for c in site.cycles] == ["2026-Q4", "2026-Q3"]
    starts = [dt.date.fromisoformat(c["start"]) for c in cycles]
    assert starts == sorted(starts, reverse=True)
    for item, cycle in zip(cycles, site.cycles):
        assert {"id", "title", "start", "end", "state", "progress", "owners"} <= set(item)
        assert item["title"] == cycle.title
        assert item["start"] == cycle.start.isoformat() and item["end"] == cycle.end.isoformat()
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", item["start"]) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", item["end"])
        assert item["state"] in ("current", "archived", "upcoming")
        assert item["state"] == cycle.state
        fraction(item["progress"], cycle.progress)
        if "score" in item:
            fraction(item["score"], cycle.score)
        assert isinstance(item["owners"], list)
    assert [c["state"] for c in cycles] == ["current", "archived"]


def test_owners(data, site):
    for item, cycle in zip(data["cycles"], site.cycles):
        assert [o["id"] for o in item["owners"]] == list(cycle.owners)
        for entry, owner in zip(item["owners"], cycle.owners.values()):
            assert {"id", "name", "kind", "parent", "progress", "url", "objectives"} <= set(entry)
            assert entry["name"] == owner.name
            assert entry["kind"] == owner.kind in ("company", "department", "team", "person")
            if owner.kind == "company":
                assert entry["parent"] is None
            else:
                assert entry["parent"] == owner.parent.id and entry["parent"] in cycle.owners
            assert entry["url"] == f"{cycle.id.lower()}/{owner.id}/"
            fraction(entry["progress"], owner.progress)
            assert isinstance(entry["objectives"], list)


def test_urls_are_the_contract_paths(data):
    for cycle in data["cycles"]:
        slug = cycle["id"].lower()
        if "url" in cycle:
            assert cycle["url"] == f"{slug}/"
        for owner in cycle["owners"]:
            assert re.fullmatch(rf"{re.escape(slug)}/[a-z0-9-]+/", owner["url"])
            for objective in owner["objectives"]:
                place = f"#growth-{objective['id']}" if objective["growth"] else f"{objective['id']}/"
                assert objective["url"] == f"{owner['url']}{place}"


def test_objectives(data, site):
    for item, cycle in zip(data["cycles"], site.cycles):
        refs = {f"{o.owner.id}/{o.id}" for o in cycle.objectives}
        for entry, owner in zip(item["owners"], cycle.owners.values()):
            assert [o["id"] for o in entry["objectives"]] == [o.id for o in owner.objectives + owner.growth]
            for obj, objective in zip(entry["objectives"], owner.objectives + owner.growth):
                assert {"id", "ref", "title", "aligns_to", "progress", "score", "status", "url", "key_results"} <= set(obj)
                assert obj["ref"] == f"{owner.id}/{objective.id}"
                assert obj["title"] == objective.title
                assert obj["type"] == objective.type and obj["type"] in ("aspirational", "committed")
                assert isinstance(obj["aligns_to"], list)
                for ref in obj["aligns_to"]:
                    parts = ref.split("/")
                    assert len(parts) in (2, 3) and all(ID.match(p) for p in parts), ref
                    assert "/".join(parts[:2]) in refs, f"{obj['ref']} aligns to {ref}, which is not in the cycle"
                assert obj["aligns_to"] == [a.ref for a in objective.parents]
                fraction(obj["progress"], objective.progress)
                fraction(obj["score"], objective.score)
                assert obj["status"] == objective.status
                allowed = ("achieved", "progress", "missed") if cycle.state == "archived" else ("on-track", "at-risk", "off-track")
                assert obj["status"] in allowed


def json_type(written) -> type:
    """The JSON type of a value as written: ``9`` an int, ``9.0`` a float (a Written float in the front matter)."""
    return float if isinstance(written, float) else type(written)


def test_objectives_say_whether_they_are_committed(data):
    types = {(c["id"], o["ref"]): o["type"] for c in data["cycles"] for owner in c["owners"] for o in owner["objectives"]}
    assert sorted(key for key, kind in types.items() if kind == "committed") == [
        ("2026-Q3", "ecommerce/replatform"), ("2026-Q4", "product/gift-range")]
    assert set(types.values()) == {"aspirational", "committed"}


def test_key_results_keep_the_numbers_as_written(data, raw):
    seen = {"int": 0, "float": 0, "checkins": 0}
    for cycle in data["cycles"]:
        for owner in cycle["owners"]:
            front = raw[(cycle["id"], owner["id"])]
            written_objectives = {o["id"]: o for o in front["objectives"]}
            for obj in owner["objectives"]:
                written_krs = {k["id"]: k for k in written_objectives[obj["id"]]["key_results"]}
                assert [k["id"] for k in obj["key_results"]] == list(written_krs)
                for kr in obj["key_results"]:
                    written = written_krs[kr["id"]]
                    where = f"{obj['ref']}/{kr['id']}"
                    assert {"id", "title", "type", "progress", "checkins"} <= set(kr), where
                    assert kr["title"] == written["title"]
                    assert kr["type"] == written.get("type", "metric")
                    if kr["type"] != "metric":
                        continue
                    for key in ("start", "target"):
                        assert kr[key] == written[key] and type(kr[key]) is json_type(written[key]), (where, key, kr[key])
                        seen[type(kr[key]).__name__] += 1
                    checkins = written.get("checkins", [])
                    expected_current = written.get("current", checkins[-1]["value"] if checkins else written["start"])
                    assert kr["current"] == expected_current and type(kr["current"]) is json_type(expected_current), where
                    assert len(kr["checkins"]) == len(checkins), where
                    for shown, given in zip(kr["checkins"], checkins):
                        seen["checkins"] += 1
                        assert shown["date"] == given["date"].isoformat(), where
                        assert shown["value"] == given["value"] and type(shown["value"]) is json_type(given["value"]), where
                        assert shown.get("note") == given.get("note"), where
                        assert shown["confidence"] == given.get("confidence"), where
    assert seen["int"] > 10 and seen["float"] > 5 and seen["checkins"] > 100


def test_key_results_carry_the_latest_confidence_and_each_checkin_its_own(data, raw):
    found = {}
    for cycle in data["cycles"]:
        for owner in cycle["owners"]:
            written_objectives = {o["id"]: o for o in raw[(cycle["id"], owner["id"])]["objectives"]}
            for obj in owner["objectives"]:
                written_krs = {k["id"]: k for k in written_objectives[obj["id"]]["key_results"]}
                for kr in obj["key_results"]:
                    written = written_krs[kr["id"]]
                    given = [c["confidence"] for c in written.get("checkins", []) if "confidence" in c]
                    assert kr["confidence"] == (given[-1] if given else written.get("confidence")), kr["ref"]
                    found[kr["ref"]] = kr
    plastic = found["suds/planet-friendly/plastic-free"]
    assert plastic["confidence"] == 0.5
    assert [c["confidence"] for c in plastic["checkins"]] == [0.8, 0.8, 0.7, 0.5]
    assert found["packaging/compostable-mailers/second-supplier"]["confidence"] == 0.6  # a milestone's own
    revenue = found["suds/holiday-online/monthly-revenue"]
    assert revenue["confidence"] == 0.8 and [c["confidence"] for c in revenue["checkins"]][:5] == [None] * 4 + [0.7]
    assert found["suds/holiday-online/orders"]["confidence"] is None


def test_key_result_fractions_are_the_model_rounded(data, site):
    for item, cycle in zip(data["cycles"], site.cycles):
        objectives = {o.ref: o for owner in cycle.owners.values() for o in owner.objectives + owner.growth}
        for owner in item["owners"]:
            for obj in owner["objectives"]:
                model = objectives[obj["ref"]]
                for kr, key_result in zip(obj["key_results"], model.key_results):
                    fraction(kr["progress"], key_result.progress)
                    if "score" in kr:
                        fraction(kr["score"], key_result.score)


def test_growth_goals_are_in_okrs_json_after_the_owners_objectives_and_marked(data):
    growth = {(c["id"], o["ref"]): o["growth"] for c in data["cycles"] for owner in c["owners"] for o in owner["objectives"]}
    assert [key for key, is_growth in growth.items() if is_growth] == [("2026-Q4", "mei-chen/lead-the-lab")]
    mei = next(o for o in data["cycles"][0]["owners"] if o["id"] == "mei-chen")
    assert [(o["id"], o["growth"], o["aligns_to"], o["progress"]) for o in mei["objectives"]] == [
        ("stable-winter", False, ["formulation-lab/winter-scents"], 0.7271), ("lead-the-lab", True, [], 0.2917)]
    assert mei["progress"] == 0.7271  # the growth goal is not in it
    assert mei["objectives"][1]["url"] == "2026-q4/mei-chen/#growth-lead-the-lab"


def test_kpis_carry_their_check_ins_and_the_key_result_they_graduated_from(data):
    kpis = {(c["id"], o["id"], k["id"]): k for c in data["cycles"] for o in c["owners"] for k in o["kpis"]}
    assert kpis[("2026-Q4", "web-store", "checkout-bugs")] == {
        "id": "checkout-bugs", "title": "Open checkout bugs", "current": 3, "target": 5, "direction": "lower",
        "unit": "bugs", "healthy": True,
        "checkins": [{"date": "2026-10-05", "value": 7}, {"date": "2026-10-19", "value": 4, "note": "Bug bash week"},
                     {"date": "2026-11-02", "value": 6, "note": "Two new bugs from the Safari update"},
                     {"date": "2026-11-16", "value": 3}],
        "graduated_from": "2026-Q3/web-store/launch-store/checkout-bugs"}
    assert kpis[("2026-Q4", "suds", "aov")] == {
        "id": "aov", "title": "Average order value", "current": 31.4, "target": 30, "direction": "higher",
        "unit": "EUR", "healthy": True, "checkins": [], "graduated_from": None}
    assert sum(1 for k in kpis.values() if k["checkins"]) == 3


def test_kpis_keep_the_numbers_as_written(data, raw):
    seen = 0
    for cycle in data["cycles"]:
        for owner in cycle["owners"]:
            written = raw[(cycle["id"], owner["id"])].get("kpis", [])
            assert len(owner.get("kpis", [])) == len(written)
            for shown, given in zip(owner.get("kpis", []), written):
                seen += 1
                for key in ("current", "target"):
                    if key in given:
                        assert shown[key] == given[key] and type(shown[key]) is json_type(given[key])
    assert seen >= 4


def test_kpis_say_whether_they_are_healthy(data, site):
    verdicts = {(c["id"], o["id"], k["id"]): k["healthy"] for c in data["cycles"] for o in c["owners"] for k in o["kpis"]}
    expected = {(c.id, o.id, k.id): k.healthy for c in site.cycles for o in c.owners.values() for k in o.kpis}
    assert verdicts == expected
    assert {True, False} <= set(verdicts.values())
    # lower is better: the return rate is under its target, the out-of-stock count is over it
    assert verdicts[("2026-Q4", "suds", "return-rate")] is True and verdicts[("2026-Q4", "suds", "stockouts")] is False


def test_every_number_is_a_plain_finite_json_number(example_build):
    text = (example_build[1] / "okrs.json").read_text(encoding="utf-8")
    assert "NaN" not in text and "Infinity" not in text

    def walk(value):
        if isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)
        elif isinstance(value, float):
            assert math.isfinite(value)
    walk(read_json(example_build[1] / "okrs.json"))


def test_private_files_and_objectives_are_absent(data, raw, example_build):
    private_owners = {(c, o) for (c, o), front in raw.items() if front.get("visibility") == "private"}
    private_objectives = {(c, o, obj["id"]) for (c, o), front in raw.items()
                          for obj in front.get("objectives", []) if obj.get("visibility") == "private"}
    assert private_owners, "the example should have a private file"
    text = (example_build[1] / "okrs.json").read_text(encoding="utf-8")
    for cycle in data["cycles"]:
        ids = {o["id"] for o in cycle["owners"]}
        for c, owner in private_owners:
            if c == cycle["id"]:
                assert owner not in ids
        for owner in cycle["owners"]:
            assert owner.get("lead") not in {o for c, o in private_owners if c == cycle["id"]}
            for obj in owner["objectives"]:
                assert (cycle["id"], owner["id"], obj["id"]) not in private_objectives
                for ref in obj["aligns_to"]:
                    assert (cycle["id"], *ref.split("/")[:1]) not in private_owners, ref
    for c, owner in private_owners:
        front = raw[(c, owner)]
        assert front["name"] not in text
        for obj in front.get("objectives", []):
            assert obj["title"] not in text


PRIVATE_SITE = {
    "content/2026-Q4/test-co.md": COMPANY.replace(
        "---\nThe company.", """\
  - id: secret-plan
    title: A secret acquisition
    visibility: private
    key_results:
      - {id: talks, title: Talks held, start: 0, target: 3, current: 1}
      - {id: signed, title: Signed, type: milestone, done: false}
---
The company."""),
    "content/2026-Q4/sales.md": """\
    ---
    name: Sales
    kind: department
    parent: test-co
    lead: hidden-person
    objectives:
      - id: third
        title: A third of the way
        aligns_to: [test-co/grow, test-co/secret-plan]
        key_results:
          - {id: one, title: One of three, start: 0, target: 3, current: 1}
          - {id: two, title: Two of three, start: 0, target: 3, current: 2, weight: 2}
    ---
    """,
    "content/2026-Q4/hidden-person.md": """\
    ---
    name: Hidden Person
    kind: person
    parent: sales
    visibility: private
    objectives:
      - id: whisper
        title: Whispered goal
        aligns_to: sales/third
        key_results:
          - {id: a, title: Quiet metric, start: 0, target: 10, current: 5}
          - {id: b, title: Quiet milestone, type: milestone, done: true}
    ---
    """,
}


@pytest.fixture
def private_build(make_site, tmp_path):
    root = make_site(PRIVATE_SITE)
    out = tmp_path / "out"
    report = build_site(root, out, BuildOptions(EXAMPLE_DATE))
    assert report.ok(False), [d.format() for d in report.diagnostics.items]
    return out


def test_private_content_appears_nowhere(private_build):
    data = read_json(private_build / "okrs.json")
    owners = {o["id"]: o for o in data["cycles"][0]["owners"]}
    assert set(owners) == {"test-co", "sales"}
    assert [o["id"] for o in owners["test-co"]["objectives"]] == ["grow"]
    assert owners["sales"]["objectives"][0]["aligns_to"] == ["test-co/grow"]
    assert owners["sales"].get("lead") is None
    for path in private_build.rglob("*"):
        if path.is_file():
            text = path.read_bytes().decode("utf-8", "replace")
            for secret in ("secret", "Hidden Person", "hidden-person", "Whispered", "whisper", "Quiet"):
                assert secret not in text, f"{path.relative_to(private_build)} mentions {secret!r}"


def test_fractions_are_rounded_to_4_decimals(private_build):
    data = read_json(private_build / "okrs.json")
    sales = next(o for o in data["cycles"][0]["owners"] if o["id"] == "sales")
    objective = sales["objectives"][0]
    assert [kr["progress"] for kr in objective["key_results"]] == [0.3333, 0.6667]
    assert objective["progress"] == 0.5556  # (1/3 + 2 * 2/3) / 3 = 5/9
    assert sales["progress"] == 0.5556
    assert [kr["weight"] for kr in objective["key_results"]] == [1, 2]
    assert all(type(kr["weight"]) is int for kr in objective["key_results"])


def test_output_is_utf8_json_with_non_ascii_kept(make_site, tmp_path):
    root = make_site({"content/2026-Q4/test-co.md": COMPANY.replace("name: Test Co", "name: Café Ünïcode 東京")})
    out = tmp_path / "out"
    assert build_site(root, out, BuildOptions(EXAMPLE_DATE)).ok(False)
    data = read_json(out / "okrs.json")
    assert data["cycles"][0]["owners"][0]["name"] == "Café Ünïcode 東京"
    assert data["build_date"] == "2026-11-20"
    assert data["current_cycle"] == "2026-Q4"


def test_numbers_written_with_a_decimal_point_stay_so_in_the_json(example_build):
    """The holiday campaign's cost per customer is written 28.0 -> 20.0 with check-ins 27.8 ...: plain JSON
    numbers, as written (Python's json module writes 28.0, as any JSON writer may)."""
    text = (example_build[1] / "okrs.json").read_text(encoding="utf-8")
    assert ('"ref":"marketing/holiday-campaign/cpa","title":"Paid cost per new customer","type":"metric",'
            '"start":28.0,"target":20.0,"current":24.4,') in text
    assert ('"ref":"marketing/holiday-campaign/newsletter","title":"Newsletter subscribers","type":"metric",'
            '"start":24000,"target":40000,"current":32440,') in text


def test_each_cycle_has_its_own_okrs_json_in_the_same_shape(data, out):
    """A script that needs one cycle reads 2026-q4/okrs.json: okrs.json with that cycle alone."""
    for cycle in data["cycles"]:
        part = read_json(out / cycle["id"].lower() / "okrs.json")
        assert part == {**data, "cycles": [cycle]}
