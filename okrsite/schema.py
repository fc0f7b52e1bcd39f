"""Stage 3a: turn one document's front matter into an :class:`Owner`, checking every field.

This stage sees one file at a time (so it can be cached and run in parallel);
references between files are checked later by :mod:`okrsite.graph`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import sys

from okrsite import fields as spec
from okrsite.diagnostics import Diagnostics, did_you_mean, printable
from okrsite.fields import DIRECTIONS, ID_PATTERN, MAX_ID_LENGTH, VISIBILITIES
from okrsite.load import Document, LineDict
from okrsite.markdown import render_markdown
from okrsite.model import (EMPTY, KINDS, KR_TYPES, OBJECTIVE_TYPES, STATUSES, CheckIn, Initiative, KeyResult, Kpi, Objective,
                           Owner, Source)
from okrsite.xmltext import describe_invalid, first_invalid

# The keys each mapping may have, from the one declaration of the fields (okrsite/fields.py).
OWNER_KEYS = spec.keys(spec.OWNER)
OBJECTIVE_KEYS = spec.keys(spec.OBJECTIVE)
KR_KEYS = spec.keys(spec.KEY_RESULT)
CHECKIN_KEYS = spec.keys(spec.CHECKIN)
KPI_KEYS = spec.keys(spec.KPI)
KPI_CHECKIN_KEYS = spec.keys(spec.KPI_CHECKIN)
_EXPONENT = re.compile(spec.EXPONENT)
_INITIATIVE = re.compile(r"^\[([ xX])\]\s*(.*)$")


def id_problem(value) -> str | None:
    """Why ``value`` is not a valid id (owner, objective or key result), or ``None``."""
    if not isinstance(value, str) or not ID_PATTERN.fullmatch(value):
        return "use lowercase letters, digits and '-', like 'new-leads'"
    if len(value) > MAX_ID_LENGTH:
        return f"it has {len(value)} characters, and ids name files of the site: keep it to {MAX_ID_LENGTH}"
    return None


def _shortened(text: str) -> str:
    """Text for a message, cut short when long."""
    return text if len(text) <= 60 else f"{text[:40]}..."


class _Fields:
    """Reads typed fields out of one mapping, reporting problems at the key's line."""

    def __init__(self, mapping: LineDict, doc: Document, diagnostics: Diagnostics, what: str, known: tuple[str, ...]):
        self.mapping, self.doc, self.diagnostics, self.what = mapping, doc, diagnostics, what
        for key in mapping:
            if key not in known:
                hint = did_you_mean(str(key), known)
                self.warn(key, f"unknown key '{key}' in {what}{hint}")

    def line(self, key: str | None = None) -> int:
        return self.mapping.line if key is None else self.mapping.line_of(key)

    def error(self, key: str | None, message: str) -> None:
        self.diagnostics.error(self.doc.display, self.line(key), message)

    def warn(self, key: str | None, message: str) -> None:
        self.diagnostics.warning(self.doc.display, self.line(key), message)

    def source(self) -> Source:
        """Where the entry is: the line of its ``id``, else of its first key."""
        return Source(self.doc.display, self.mapping.line_of("id"))

    def text(self, key: str, required: bool = False, default: str = "") -> str:
        value = self.mapping.get(key)
        if value is None:
            if required:
                self.error(None, f"{self.what} has no '{key}'")
            return default
        if isinstance(value, bool) or not isinstance(value, (str, int, float, dt.date)):
            self.error(key, f"'{key}' must be text, not {_describe(value)}")
            return default
        return self.printable(key, str(value).strip(), default)

    def printable(self, key: str, text: str, default: str = "") -> str:
        """``text``, or ``default`` and an error when it holds a character no page or feed can carry."""
        index = first_invalid(text)
        if index is None:
            return text
        self.error(key, f"'{key}' contains {describe_invalid(text, index)}{_after(text, index)}: remove it")
        return default

    def ident(self, key: str, required: bool = True) -> str | None:
        value = self.mapping.get(key)
        if value is None:
            if required:
                self.error(None, f"{self.what} has no '{key}'")
            return None
        problem = id_problem(value)
        if problem is not None:
            self.error(key, f"'{key}' {_shortened(repr(value))} is not a valid id: {problem}")
            return None
        return value

    def number(self, key: str, required: bool = False) -> float | None:
        value = self.mapping.get(key)
        if value is None:
            if required:
                self.error(None, f"{self.what} has no '{key}'")
            return None
        if isinstance(value, str) and _EXPONENT.fullmatch(value.strip()):
            value = float(value)  # YAML 1.1 reads 1e6 (no dot) as text
        if not is_number(value):
            self.error(key, f"'{key}' must be a number, not {_describe(value)}")
            return None
        return value

    def fraction(self, key: str) -> float | None:
        value = self.number(key)
        if value is not None and not 0 <= value <= 1:
            self.error(key, f"'{key}' must be between 0.0 and 1.0, not {value}")
            return None
        return value

    def choice(self, key: str, choices: tuple[str, ...], default: str | None) -> str | None:
        value = self.mapping.get(key)
        if value is None:
            return default
        if value not in choices:
            options = ", ".join(choices)
            self.error(key, f"'{key}' must be one of {options}, not {value!r}{did_you_mean(str(value), choices)}")
            return default
        return value

    def boolean(self, key: str) -> bool:
        """A ``true``/``false`` field, false when missing (and an error when it is something else)."""
        value = self.mapping.get(key)
        if value is None:
            return False
        if not isinstance(value, bool):
            self.error(key, f"'{key}' must be true or false, not {_describe(value)}")
            return False
        return value

    def items(self, key: str) -> list:
        value = self.mapping.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(key, f"'{key}' must be a list, not {_describe(value)}")
            return []
        return value

    def mappings(self, key: str, what: str) -> list[LineDict]:
        found = []
        for item in self.items(key):
            if isinstance(item, LineDict):
                found.append(item)
            else:
                self.error(key, f"each entry of '{key}' must be a {what} (a mapping of keys), not {_describe(item)}")
        return found


#: The largest number okrsite works with, either way from 0: the largest float.
MAX_NUMBER = sys.float_info.max


def is_number(value) -> bool:
    """A finite int or float no larger than :data:`MAX_NUMBER` (booleans are not numbers)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return math.isfinite(value) if isinstance(value, float) else -MAX_NUMBER <= value <= MAX_NUMBER


def _describe(value) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and not -MAX_NUMBER <= value <= MAX_NUMBER:
        return f"a number of {len(str(abs(value)))} digits (at most 1.8e308 either way from 0)"
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, (list, dict)):
        return "a list" if isinstance(value, list) else "a mapping"
    return repr(value)


def build_owner(doc: Document, diagnostics: Diagnostics) -> Owner | None:
    """The owner a document describes, or ``None`` when its header is unusable."""
    fields = _Fields(doc.front, doc, diagnostics, "the file", OWNER_KEYS)
    name = fields.text("name", required=True)
    kind = doc.front.get("kind")
    if kind is None:
        fields.error(None, f"the file has no 'kind': use one of {', '.join(KINDS)}")
    elif kind not in KINDS:
        fields.error("kind", f"unknown kind {kind!r}: use one of {', '.join(KINDS)}{did_you_mean(str(kind), KINDS)}")
        kind = None
    problem = id_problem(doc.stem)
    if problem is not None:
        fields.error(None, f"the file name '{_shortened(printable(doc.stem))}' is not a valid owner id: {problem}")
        return None
    if not name or kind is None:
        return None
    owner = Owner(
        id=doc.stem,
        name=name,
        kind=kind,
        source=Source(doc.display, doc.front.line),
        parent_id=fields.ident("parent", required=False),
        lead_id=fields.ident("lead", required=False),
        role=fields.text("role"),
        private=fields.choice("visibility", VISIBILITIES, "public") == "private",
        body_html=render_markdown(_body(doc, diagnostics)),
        key_lines=doc.front.lines,
    )
    for mapping in fields.mappings("objectives", "objective"):
        objective = _objective(mapping, doc, diagnostics)
        if objective is not None and objective.growth and kind != "person":
            diagnostics.error(doc.display, objective.key_lines.get("growth", objective.source.line),
                              f"'growth: true' is for a person's own development goals, and '{doc.stem}' is a {kind}: "
                              "remove it, or move the objective to the person's file")
            objective.growth = False
        if objective is not None:
            owner.declared_objectives.append(objective)
        elif isinstance(mapping.get("id"), str):
            owner.broken_objectives |= {mapping["id"]}
    owner.kpis = [k for m in fields.mappings("kpis", "KPI") if (k := _kpi(m, doc, diagnostics))]
    for kpi in owner.kpis:
        kpi.owner = owner
    _check_unique(owner.declared_objectives, "objective", doc, diagnostics)
    for objective in owner.declared_objectives:
        objective.owner = owner
    owner.sort_declared()  # what reset() would do to an owner just made: its per-build fields are their defaults
    return owner


def _body(doc: Document, diagnostics: Diagnostics) -> str:
    """The Markdown body, or nothing and an error when it holds a character no page can carry."""
    index = first_invalid(doc.body)
    if index is None:
        return doc.body
    line = doc.body_line + doc.body.count("\n", 0, index)
    diagnostics.error(doc.display, line, f"the text contains {describe_invalid(doc.body, index)}{_after(doc.body, index)}: remove it")
    return ""


def _after(text: str, index: int) -> str:
    """Where in ``text`` the character at ``index`` is, for a message."""
    before = text[:index].rsplit("\n", 1)[-1][-20:]
    return f" after {before!r}" if before else ""


def _objective(mapping: LineDict, doc: Document, diagnostics: Diagnostics) -> Objective | None:
    fields = _Fields(mapping, doc, diagnostics, "an objective", OBJECTIVE_KEYS)
    ident, title = fields.ident("id"), fields.text("title", required=True)
    objective = Objective(
        id=ident or "",
        title=title,
        source=fields.source(),
        description_html=render_markdown(fields.text("description")),
        retro_html=render_markdown(fields.text("retro")),
        aligns_to=_refs(fields),
        contributor_ids=_ids(fields, "contributors"),
        depends_on=_refs(fields, "depends_on"),
        private=fields.choice("visibility", VISIBILITIES, "public") == "private",
        initiatives=_initiatives(fields),
        score_given=fields.fraction("score"),
        status_given=fields.choice("status", STATUSES, None),
        type=fields.choice("type", OBJECTIVE_TYPES, "aspirational"),
        growth=fields.boolean("growth"),
        key_lines=mapping.lines,
    )
    if objective.growth and objective.aligns_to:
        fields.error("aligns_to", "a growth goal is personal: it does not align to other objectives (and nothing "
                                  "aligns to it); remove 'aligns_to', or 'growth: true' if it serves a team's goal")
        objective.aligns_to = []
    objective.key_results = [k for m in fields.mappings("key_results", "key result") if (k := _key_result(m, doc, diagnostics))]
    _check_unique(objective.key_results, "key result", doc, diagnostics)
    for kr in objective.key_results:
        kr.objective = objective
    return objective if ident and title else None


def _refs(fields: _Fields, key: str = "aligns_to") -> list[str]:
    good = []
    for ref in _one_or_list(fields, key):
        parts = ref.split("/") if isinstance(ref, str) else []
        if len(parts) in (2, 3) and all(id_problem(p) is None for p in parts):
            good.append(ref)
        else:
            fields.error(key, f"'{key}' {ref!r} must look like 'owner/objective' or 'owner/objective/key-result'")
    return good or EMPTY


def _ids(fields: _Fields, key: str) -> list[str]:
    good = []
    for value in _one_or_list(fields, key):
        problem = id_problem(value)
        if problem is None:
            good.append(value)
        else:
            fields.error(key, f"each of '{key}' must be an id, and {_shortened(repr(value))} is not: {problem}")
    return good or EMPTY


def _one_or_list(fields: _Fields, key: str) -> list:
    value = fields.mapping.get(key)
    return [value] if isinstance(value, str) else fields.items(key)


def _initiatives(fields: _Fields) -> list[Initiative]:
    found = []
    for item in fields.items("initiatives"):
        if not isinstance(item, str):
            fields.error("initiatives", f"each initiative must be text like \"[ ] Do a thing\", not {_describe(item)}")
            continue
        match = _INITIATIVE.match(fields.printable("initiatives", item.strip()))
        found.append(Initiative(match.group(2), match.group(1) != " ") if match else Initiative(item.strip(), False))
    return found or EMPTY


def _key_result(mapping: LineDict, doc: Document, diagnostics: Diagnostics) -> KeyResult | None:
    fields = _Fields(mapping, doc, diagnostics, "a key result", KR_KEYS)
    ident, title = fields.ident("id"), fields.text("title", required=True)
    kind = fields.choice("type", KR_TYPES, "metric")
    weight = fields.number("weight")
    if weight is not None and weight <= 0:
        fields.error("weight", f"'weight' must be more than 0, not {weight}")
        weight = None
    kr = KeyResult(
        id=ident or "",
        title=title,
        source=fields.source(),
        type=kind,
        unit=fields.text("unit"),
        weight=1 if weight is None else weight,
        score_given=fields.fraction("score"),
        confidence_given=fields.fraction("confidence"),
        contributor_ids=_ids(fields, "contributors"),
        depends_on=_refs(fields, "depends_on"),
        key_lines=mapping.lines,
    )
    if kind == "metric":
        _metric(kr, fields)
    elif kind == "milestone":
        done = mapping.get("done")
        if not isinstance(done, bool):
            fields.error("done" if "done" in mapping else None, "a milestone needs 'done: true' or 'done: false'")
        kr.done = done is True
    return kr if ident and title else None


def _metric(kr: KeyResult, fields: _Fields) -> None:
    kr.start, kr.target = fields.number("start", required=True), fields.number("target", required=True)
    kr.current_given = fields.number("current")
    if kr.start is not None and kr.start == kr.target:
        fields.error("target", f"'target' equals 'start' ({kr.start}): a key result must move a number")
    kr.checkins_given = _checkins(fields, CHECKIN_KEYS)


def _checkins(fields: _Fields, keys: tuple[str, ...]) -> list[CheckIn]:
    """The ``checkins`` of a key result or a KPI (``keys`` they may have), checked to be in date order."""
    checkins = [c for m in fields.mappings("checkins", "check-in") if (c := _checkin(m, fields, keys))]
    for earlier, later in zip(checkins, checkins[1:]):
        if later.date < earlier.date:
            fields.error("checkins", f"check-ins must be in date order: {later.date} comes after {earlier.date}")
            break
    return checkins


def _checkin(mapping: LineDict, parent: _Fields, keys: tuple[str, ...]) -> CheckIn | None:
    date, value = mapping.get("date"), mapping.get("value")
    if len(mapping) == 2 and type(date) is dt.date and value is not None and is_number(value):
        return CheckIn(date, value, "", mapping.line, None)  # the usual check-in, a day and a number: nothing to say
    fields = _Fields(mapping, parent.doc, parent.diagnostics, "a check-in", keys)
    value = fields.number("value", required=True)
    if not isinstance(date, dt.date) or isinstance(date, dt.datetime):
        fields.error("date" if "date" in mapping else None, f"a check-in needs a 'date' like 2026-10-15, not {_describe(date)}")
        return None
    confidence = fields.fraction("confidence")
    return CheckIn(date, value, fields.text("note"), mapping.line, confidence) if value is not None else None


def _kpi(mapping: LineDict, doc: Document, diagnostics: Diagnostics) -> Kpi | None:
    fields = _Fields(mapping, doc, diagnostics, "a KPI", KPI_KEYS)
    ident, title = fields.ident("id"), fields.text("title", required=True)
    kpi = Kpi(
        id=ident or "",
        title=title,
        current_given=fields.number("current"),
        target=fields.number("target"),
        direction=fields.choice("direction", DIRECTIONS, "higher"),
        unit=fields.text("unit"),
        source=fields.source(),
        checkins=_checkins(fields, KPI_CHECKIN_KEYS),
        graduated_from=_cycle_ref(fields),
        key_lines=mapping.lines,
    )
    return kpi if ident and title else None


def _cycle_ref(fields: _Fields) -> str | None:
    """``graduated_from``: CYCLE/owner/objective/key-result (linked across cycles by :mod:`okrsite.graduation`)."""
    value = fields.mapping.get("graduated_from")
    if value is None:
        return None
    parts = value.split("/") if isinstance(value, str) else []
    if len(parts) == 4 and parts[0] and all(id_problem(p) is None for p in parts[1:]):
        return value
    fields.error("graduated_from", f"'graduated_from' {_shortened(repr(value))} must look like "
                                   "'CYCLE/owner/objective/key-result', like '2026-Q3/marketing/leads/new-leads'")
    return None


def _check_unique(items: list, what: str, doc: Document, diagnostics: Diagnostics) -> None:
    seen: dict[str, int] = {}
    for item in items:
        if item.id in seen:
            diagnostics.error(doc.display, item.source.line, f"duplicate {what} id '{item.id}' (first used on line {seen[item.id]})")
        else:
            seen[item.id] = item.source.line
