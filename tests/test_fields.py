"""Tests of okrsite.fields: the JSON Schema of ``okrsite schema`` is made from the fields the
validator checks, accepts every file the validator accepts, and rejects known mistakes."""

from __future__ import annotations

import datetime as dt
import json

import jsonschema
import pytest
import yaml

from okrsite import schema
from okrsite.cli import main
from okrsite.diagnostics import Diagnostics
from okrsite.fields import SECTIONS, json_schema
from okrsite.load import parse_document
from okrsite.scaffold import example_files
from okrsite.schema import build_owner
from conftest import REPO

VALIDATOR_KEYS = {"owner": schema.OWNER_KEYS, "objective": schema.OBJECTIVE_KEYS, "key_result": schema.KR_KEYS,
                  "checkin": schema.CHECKIN_KEYS, "kpi": schema.KPI_KEYS, "kpi_checkin": schema.KPI_CHECKIN_KEYS}


def front_matter(text: str):
    """The front matter as an editor's YAML language server sees it: dates are text."""
    data = yaml.safe_load(text.split("---\n", 2)[1])
    return json.loads(json.dumps(data, default=lambda value: value.isoformat()))


VALIDATORS = {"2020-12": jsonschema.Draft202012Validator, "7": jsonschema.Draft7Validator}


def problems(data, draft: str = "2020-12") -> list[str]:
    validator = VALIDATORS[draft](json_schema(draft))
    return [error.message for error in validator.iter_errors(data)]


@pytest.mark.parametrize("draft", VALIDATORS)
def test_the_schema_is_valid_in_its_draft(draft):
    VALIDATORS[draft].check_schema(json_schema(draft))
    assert jsonschema.validators.validator_for(json_schema(draft)) is VALIDATORS[draft]


@pytest.mark.parametrize("section", sorted(VALIDATOR_KEYS))
def test_the_schema_has_exactly_the_keys_the_validator_accepts(section):
    whole = json_schema()
    properties = whole["properties"] if section == "owner" else whole["$defs"][section]["properties"]
    assert list(properties) == list(VALIDATOR_KEYS[section])
    assert {field.name for field in SECTIONS[section]} == set(VALIDATOR_KEYS[section])


def test_the_schema_knows_the_validators_choices():
    whole = json_schema()
    assert whole["properties"]["kind"]["enum"] == ["company", "department", "team", "person"]
    assert whole["$defs"]["key_result"]["properties"]["type"]["enum"] == ["metric", "milestone", "rollup"]
    assert whole["$defs"]["objective"]["properties"]["status"]["enum"] == ["on-track", "at-risk", "off-track"]
    assert whole["$defs"]["objective"]["properties"]["type"]["enum"] == ["aspirational", "committed"]
    assert whole["properties"]["parent"]["pattern"] == f"^{schema.ID_PATTERN.pattern}$"
    assert whole["properties"]["parent"]["maxLength"] == schema.MAX_ID_LENGTH


@pytest.mark.parametrize("path", sorted((REPO / "content").rglob("*.md")), ids=lambda p: p.name)
def test_every_example_file_matches_the_schema(path):
    assert problems(front_matter(path.read_text(encoding="utf-8"))) == []


def test_a_new_site_underlines_mistakes_in_every_content_file_with_this_schema():
    files = example_files(dt.date(2026, 11, 15))
    assert json.loads(files["okr-schema.json"]) == json_schema("7")  # draft 7 for remark's linter
    remark = json.loads(files[".remarkrc.json"])
    assert ["remark-lint-frontmatter-schema", {"schemas": {"./okr-schema.json": ["./content/**/*.md"]}}] in remark["plugins"]
    assert set(json.loads(files["package.json"])["devDependencies"]) == {"remark-frontmatter",
                                                                          "remark-lint-frontmatter-schema"}
    assert json.loads(files[".vscode/extensions.json"]) == {"recommendations": ["unifiedjs.vscode-remark"]}


def test_every_starter_file_matches_the_schema():
    files = example_files(dt.date(2026, 11, 15))
    for name, text in files.items():
        if name.startswith("content/"):
            assert problems(front_matter(text)) == [], name


GOOD = """\
---
name: Web Store
kind: team
parent: ecommerce
objectives:
  - id: fast-checkout
    title: Build the fastest checkout
    aligns_to: ecommerce/convert-more
    contributors: [priya-raman, liam-oconnor]
    depends_on: [payments/wallets, design/system/tokens]
    key_results:
      - {id: checkout-time, title: Median checkout time, start: 190, target: 90, unit: seconds,
         contributors: sanjay-patel, depends_on: ops/cdn,
         checkins: [{date: 2026-10-09, value: 176, note: Half-way}]}
      - {id: apple-pay, title: Apple Pay live, type: milestone, done: true}
      - {id: teams, title: Teams on plan, type: rollup, weight: 2}
kpis:
  - {id: returns, title: Return rate, current: 3.1, target: 4, direction: lower, unit: "%",
     graduated_from: 2026-Q3/web-store/fast-checkout/checkout-time,
     checkins: [{date: 2026-10-01, value: 4.2, note: Before the fix}, {date: 2026-11-01, value: 3.1}]}
---
"""


def test_a_good_file_matches():
    assert problems(front_matter(GOOD)) == []


@pytest.mark.parametrize("mistake, fragment", [
    ("name: Web Store\n", "name: Web Store\nteam: web\n"),                          # unknown key
    ("kind: team", "kind: squad"),                                                  # bad kind
    ("parent: ecommerce", "parent: E-Commerce"),                                    # bad id
    ("parent: ecommerce", f"parent: {'x' * 101}"),                                  # id too long
    ("id: fast-checkout", "id: Fast Checkout"),                                     # bad objective id
    ("aligns_to: ecommerce/convert-more", "aligns_to: convert-more"),               # bad reference
    ("contributors: [priya-raman,", "contributors: [Priya Raman,"),                 # bad contributor id
    ("contributors: sanjay-patel", "contributors: {id: sanjay-patel}"),             # contributor not an id
    ("depends_on: ops/cdn", "depends_on: cdn"),                                     # bad dependency
    ("type: milestone, done: true", "type: milestone"),                             # milestone without done
    ("start: 190, target: 90, ", "start: 190, "),                                   # metric without target
    ("weight: 2", "weight: 0"),                                                     # weight not positive
    ("direction: lower", "direction: down"),                                        # bad direction
    ("date: 2026-10-09", "date: soon"),                                             # bad date
    ("    title: Build the fastest checkout\n", ""),                                # objective without title
    ("2026-Q3/web-store/fast-checkout/checkout-time", "web-store/fast-checkout"),   # graduated_from without cycle
    ("value: 4.2, note", "value: 4.2, confidence: 0.5, note"),                      # confidence in a KPI check-in
])
@pytest.mark.parametrize("draft", VALIDATORS)
def test_known_mistakes_do_not_match(mistake, fragment, draft):
    assert mistake in GOOD
    assert problems(front_matter(GOOD), draft) == []
    assert problems(front_matter(GOOD.replace(mistake, fragment, 1)), draft) != []


def test_the_schema_command_prints_the_schema(capsys):
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out) == json_schema()
    assert main(["schema", "--draft", "7"]) == 0
    draft_7 = json.loads(capsys.readouterr().out)
    assert draft_7 == json_schema("7") and "$defs" not in json.dumps(draft_7)


def validator_errors(data: dict) -> list[str]:
    """What ``okrsite check`` says about one file with this front matter."""
    text = f"---\n{yaml.safe_dump(data, sort_keys=False)}---\nBody\n"
    diagnostics = Diagnostics()
    doc = parse_document(text.encode(), REPO / "web-store.md", "web-store.md", "2026-Q4", diagnostics)
    build_owner(doc, diagnostics)
    return [item.message for item in diagnostics.errors]


def _parts(data: dict) -> dict[str, dict]:
    objective = data["objectives"][0]
    return {"owner": data, "objective": objective, "key_result": objective["key_results"][0],
            "checkin": objective["key_results"][0]["checkins"][0], "kpi": data["kpis"][0],
            "kpi_checkin": data["kpis"][0]["checkins"][0],
            "milestone": objective["key_results"][1]}


REQUIRED = [(section, field.name) for section, fields in SECTIONS.items() for field in fields if field.required]


@pytest.mark.parametrize("section, key", REQUIRED + [("key_result", "start"), ("key_result", "target"),
                                                     ("milestone", "done")])
def test_a_key_the_schema_requires_is_one_the_validator_requires(section, key):
    data = yaml.safe_load(GOOD.split("---\n")[1])
    assert validator_errors(data) == []
    del _parts(data)[section][key]
    assert validator_errors(data) != []
    assert problems(json.loads(json.dumps(data, default=str))) != []
