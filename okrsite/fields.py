"""The fields of an OKR file's front matter, declared once.

:mod:`okrsite.schema` takes the keys it accepts and the choices it checks from
these tables, and :func:`json_schema` turns the same tables into the JSON Schema
that ``okrsite schema`` prints for editors: a field added here is known to both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from okrsite.model import KINDS, KR_TYPES, OBJECTIVE_TYPES, STATUSES

ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]*")
MAX_ID_LENGTH = 100  # ids name files and folders of the site: well inside a file system's 255 bytes a name
VISIBILITIES = ("public", "private")
DIRECTIONS = ("higher", "lower")
EXPONENT = r"[-+]?(\d+\.?\d*|\.\d+)[eE][-+]?\d+"  # YAML 1.1 reads 1e6 (no dot) as text: still a number


@dataclass(frozen=True)
class Field:
    """One key of a mapping: ``kind`` is text, id, number, fraction, positive, choice,
    boolean, date, refs, ids, cycle_ref, initiatives, or the name of the section its list holds."""

    name: str
    kind: str
    description: str
    required: bool = False
    choices: tuple[str, ...] = ()


CONTRIBUTORS = "People (person ids of the same cycle) who work on it besides its owner; one or a list."
DEPENDS_ON = "owner/objective or owner/objective/key-result of the same cycle that it needs; one or a list."

OWNER = (
    Field("name", "text", "The owner's display name.", required=True),
    Field("kind", "choice", "What the owner is; exactly one company per cycle.", required=True, choices=KINDS),
    Field("parent", "id", "The owner id above this one in the org chart (not for the company)."),
    Field("lead", "id", "The person (an owner id) who leads this owner."),
    Field("role", "text", "A person's role."),
    Field("visibility", "choice", "private leaves the whole file out of the site.", choices=VISIBILITIES),
    Field("objectives", "objective", "The owner's objectives: qualitative, two to five key results each."),
    Field("kpis", "kpi", "Health metrics, shown apart from the OKRs and never scored."),
)
OBJECTIVE = (
    Field("id", "id", "The objective's id, unique in its file.", required=True),
    Field("title", "text", "What you want and why it matters.", required=True),
    Field("description", "text", "Markdown shown on the objective's page."),
    Field("retro", "text", "Markdown: what you learnt, for the cycle's retrospective."),
    Field("type", "choice", "aspirational (default): a stretch, 0.7 is success; committed: a promise, "
          "expected to reach 1.0.", choices=OBJECTIVE_TYPES),
    Field("aligns_to", "refs", "owner/objective or owner/objective/key-result it serves; one or a list."),
    Field("visibility", "choice", "private leaves the objective out of the site.", choices=VISIBILITIES),
    Field("contributors", "ids", CONTRIBUTORS),
    Field("depends_on", "refs", DEPENDS_ON),
    Field("key_results", "key_result", "Two to five measurable outcomes."),
    Field("initiatives", "initiatives", 'To-dos, shown as a checklist: "[x] Done", "[ ] To do".'),
    Field("score", "fraction", "The end-of-cycle grade, 0.0 to 1.0."),
    Field("status", "choice", "Overrides the computed status while the cycle runs.", choices=STATUSES),
    Field("growth", "boolean", "true: a personal development goal (a person's objectives only), shown apart "
          "on the person's page and never rolled up."),
)
KEY_RESULT = (
    Field("id", "id", "The key result's id, unique in its objective.", required=True),
    Field("title", "text", "The number that moves, as an outcome.", required=True),
    Field("type", "choice", "metric (default): start -> target; milestone: done; rollup: "
          "the objectives aligned to it.", choices=KR_TYPES),
    Field("start", "number", "Where the metric began (required for metrics)."),
    Field("target", "number", "Where the metric should get to (required for metrics)."),
    Field("current", "number", "The metric now; default: the latest check-in, else start."),
    Field("unit", "text", "The metric's unit: customers, %, EUR, days."),
    Field("weight", "positive", "How much it counts in its objective (default 1)."),
    Field("score", "fraction", "The end-of-cycle grade, 0.0 to 1.0."),
    Field("confidence", "fraction", "How likely it is to reach its target by the cycle's end, 0.0 to 1.0, "
          "when no check-in gives a confidence."),
    Field("contributors", "ids", CONTRIBUTORS),
    Field("depends_on", "refs", DEPENDS_ON),
    Field("checkins", "checkin", "Dated values, oldest first; the latest is the current value."),
    Field("done", "boolean", "Whether a milestone is done (required for milestones)."),
)
CHECKIN = (
    Field("date", "date", "The day of the check-in, like 2026-10-15.", required=True),
    Field("value", "number", "The metric's value that day.", required=True),
    Field("note", "text", "What happened."),
    Field("confidence", "fraction", "How likely the key result is to reach its target by the cycle's end, "
          "0.0 to 1.0, as of that day."),
)
KPI = (
    Field("id", "id", "The KPI's id.", required=True),
    Field("title", "text", "What is measured.", required=True),
    Field("current", "number", "The value now."),
    Field("target", "number", "The value it should meet."),
    Field("direction", "choice", "higher (default): healthy at or above target; lower: at or below.",
          choices=DIRECTIONS),
    Field("unit", "text", "The unit."),
    Field("checkins", "kpi_checkin", "Dated values, oldest first; the latest is the current value."),
    Field("graduated_from", "cycle_ref", "CYCLE/owner/objective/key-result: the key result of an earlier "
          "cycle that this KPI carries on."),
)
KPI_CHECKIN = tuple(f for f in CHECKIN if f.name != "confidence")  # a KPI has no target date to be confident of
SECTIONS = {"owner": OWNER, "objective": OBJECTIVE, "key_result": KEY_RESULT, "checkin": CHECKIN, "kpi": KPI,
            "kpi_checkin": KPI_CHECKIN}


def keys(section: tuple[Field, ...]) -> tuple[str, ...]:
    """The keys a mapping of ``section`` may have, in the order they are declared."""
    return tuple(field.name for field in section)


DRAFTS = {"2020-12": ("https://json-schema.org/draft/2020-12/schema", "$defs"),
          "7": ("http://json-schema.org/draft-07/schema#", "definitions")}


def json_schema(draft: str = "2020-12") -> dict:
    """A JSON Schema of an OKR file's front matter, in draft 2020-12 or 7 (for tools built on
    draft 7, such as Ajv's default and so remark-lint-frontmatter-schema); the same otherwise.

    It is stricter than ``okrsite check`` in one way: an unknown key, a warning
    for okrsite, is a mistake for the schema, so editors underline it."""
    uri, defs = DRAFTS[draft]
    definitions = {name: _object(section, defs) for name, section in SECTIONS.items() if name != "owner"}
    definitions["key_result"]["allOf"] = [
        {"if": {"properties": {"type": {"const": "milestone"}}, "required": ["type"]},
         "then": {"required": ["done"]}},
        {"if": {"not": {"properties": {"type": {"enum": ["milestone", "rollup"]}}, "required": ["type"]}},
         "then": {"required": ["start", "target"]}},
    ]
    return {
        "$schema": uri,
        "title": "okrsite OKR file",
        "description": "The YAML front matter of an okrsite OKR file (one owner of one cycle). "
                       "Made by `okrsite schema`.",
        **_object(OWNER, defs),
        defs: definitions,
    }


def _object(section: tuple[Field, ...], defs: str) -> dict:
    properties = {f.name: _property(f, defs) for f in section}
    schema = {"type": "object", "properties": properties, "additionalProperties": False}
    required = [f.name for f in section if f.required]
    return {**schema, "required": required} if required else schema


_ID = {"type": "string", "pattern": f"^{ID_PATTERN.pattern}$", "maxLength": MAX_ID_LENGTH}
_NUMBER = {"type": ["number", "string"], "pattern": rf"^\s*{EXPONENT}\s*$"}  # the pattern only applies to text
_PART = ID_PATTERN.pattern
_REF = {"type": "string", "pattern": f"^{_PART}/{_PART}(/{_PART})?$"}
_CYCLE_REF = {"type": "string", "pattern": f"^[^/]+/{_PART}/{_PART}/{_PART}$"}
_KINDS = {
    "text": {"type": ["string", "number"]},
    "id": _ID,
    "number": _NUMBER,
    "fraction": {**_NUMBER, "minimum": 0, "maximum": 1},
    "positive": {**_NUMBER, "exclusiveMinimum": 0},
    "boolean": {"type": "boolean"},
    "date": {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
    "refs": {"anyOf": [_REF, {"type": "array", "items": _REF}]},
    "ids": {"anyOf": [_ID, {"type": "array", "items": _ID}]},
    "cycle_ref": _CYCLE_REF,
    "initiatives": {"type": "array", "items": {"type": "string"}},
}


def _property(field: Field, defs: str) -> dict:
    if field.kind == "choice":
        schema = {"enum": list(field.choices)}
    elif field.kind in SECTIONS:
        schema = {"type": "array", "items": {"$ref": f"#/{defs}/{field.kind}"}}
    else:
        schema = dict(_KINDS[field.kind])
    return {"description": field.description, **schema}
