"""An OKR diff written out: Markdown for pull requests and job summaries, text for terminals, JSON for scripts.

Markdown and text are one list of lines, each with a depth, written with the
syntax of each; user text is escaped in Markdown so a title cannot become a link,
an image or a table cell.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from okrsite.diagnostics import plural
from okrsite.diff import Changes, CycleDiff, KeyResultChange, ObjectiveChange, SiteDiff, Side
from okrsite.model import CheckIn, KeyResult, Objective, Owner
from okrsite.render.formatting import STATUS_LABELS, confidence_text, format_number, format_score, fraction, long_date, \
    percent

STATUS_SIGNS = {"on-track": "🟢", "achieved": "🟢", "at-risk": "🟡", "progress": "🟡",
                "off-track": "🔴", "missed": "🔴", "not-started": "⚪"}
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#!&])")


@dataclass
class _Line:
    depth: int  # 0: a heading; 1 and more: list items, nested
    text: str


def markdown_text(text: str) -> str:
    """User text for Markdown, on one line: nothing in it can become a link, an image, a table cell or a tag."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


class _Writer:
    """Turns the parts of a diff into words, for Markdown (``markdown``) or plain text."""

    def __init__(self, markdown: bool):
        self.markdown = markdown

    def user(self, text: str) -> str:
        return markdown_text(text) if self.markdown else " ".join(text.split())

    def code(self, text: str) -> str:
        return f"`{text}`" if self.markdown else text

    def arrow(self) -> str:
        return " → " if self.markdown else " -> "

    def status(self, status: str) -> str:
        label = STATUS_LABELS.get(status, status).lower()
        return f"{STATUS_SIGNS[status]} {label}" if self.markdown and status in STATUS_SIGNS else label

    def value(self, name: str, value, kr: KeyResult | None = None) -> str:
        if value is None:
            return "–"
        if name == "progress":
            return percent(value)
        if name == "score":
            return format_score(value)
        if name == "status":
            return self.status(value)
        if name == "parent":
            return self.code(value)
        if name in ("aligns_to", "depends_on"):
            return ", ".join(self.code(ref) for ref in value) or "nothing"
        if name == "contributors":
            return ", ".join(self.code(ref) for ref in value) or "nobody"
        if name == "current":
            return format_number(value, kr.unit if kr else "")
        if name == "done":
            return "done" if value else "not done"
        if name == "confidence":
            return confidence_text(value)
        return f"“{self.user(value)}”" if name == "title" else self.user(str(value))

    def changes(self, changes: Changes, kr: KeyResult | None = None) -> list[str]:
        return [f"{name.replace('_', ' ')}: {self.value(name, before, kr)}{self.arrow()}{self.value(name, after, kr)}"
                for name, (before, after) in changes.items()]

    def side(self, side: Side) -> str:
        return self.code(side.name) if side.commit else side.name


def render_markdown(diff: SiteDiff) -> str:
    """For a pull-request comment or a GitHub Actions job summary."""
    return _render(diff, _Writer(markdown=True), "## ", "### ")


def render_text(diff: SiteDiff) -> str:
    """For a terminal."""
    return _render(diff, _Writer(markdown=False), "", "")


def _render(diff: SiteDiff, writer: _Writer, title_mark: str, heading_mark: str) -> str:
    sides = f"{writer.side(diff.base)}{writer.arrow()}{writer.side(diff.head)}"
    out = [f"{title_mark}OKR changes: {sides}", "", _summary(diff)]
    for line in _lines(diff, writer):
        out += ["", heading_mark + line.text, ""] if line.depth == 0 else [_item(line)]
    return "\n".join(out) + "\n"


def _item(line: _Line) -> str:
    return "  " * (line.depth - 1) + f"- {line.text}"


def _summary(diff: SiteDiff) -> str:
    when = f"scored as of {long_date(diff.build_date)}"
    if not diff.changed:
        return f"No OKRs changed ({when})."
    counts = _counts(diff)
    parts = [plural(number, thing) + (f" {how}" if how else "") for (thing, how), number in counts.items() if number]
    return ", ".join(parts) + f" ({when})." if parts else f"Only progress moved ({when})."


def _counts(diff: SiteDiff) -> dict[tuple[str, str], int]:
    counts = dict.fromkeys([("cycle", "added"), ("cycle", "removed"), ("owner", "added"), ("owner", "removed"),
                            ("owner", "changed"),
                            ("objective", "added"), ("objective", "removed"), ("objective", "changed"),
                            ("new check-in", "")], 0)
    for cycle in diff.cycles:
        if cycle.change != "changed":
            counts[("cycle", cycle.change)] += 1
        counts[("owner", "added")] += len(cycle.owners_added)
        counts[("owner", "removed")] += len(cycle.owners_removed)
        counts[("owner", "changed")] += len(cycle.owners_changed)
        counts[("objective", "added")] += len(cycle.objectives_added)
        counts[("objective", "removed")] += len(cycle.objectives_removed)
        counts[("objective", "changed")] += len(cycle.objectives_changed)
        counts[("new check-in", "")] += sum(len(k.checkins) for o in cycle.objectives_changed
                                           for k in o.key_results_changed)
    return counts


def _lines(diff: SiteDiff, writer: _Writer) -> list[_Line]:
    lines: list[_Line] = []
    for cycle in diff.cycles:
        lines.append(_Line(0, f"{writer.user(cycle.cycle.title)} ({writer.code(cycle.cycle.id)}, {cycle.cycle.state})"))
        if cycle.change != "changed":
            owners, objectives = len(cycle.cycle.owners), len(cycle.cycle.objectives)
            counted = f"{plural(owners, 'owner')}, {plural(objectives, 'objective')}"
            lines.append(_Line(1, f"cycle {cycle.change}: {counted}"))
        lines += [_Line(1, text) for text in writer.changes(cycle.changes)]
        lines += [_Line(1, "owner added: " + _owner(o, writer)) for o in cycle.owners_added]
        lines += [_Line(1, "owner removed: " + _owner(o, writer)) for o in cycle.owners_removed]
        for change in cycle.owners_changed:
            lines.append(_Line(1, "owner changed: " + _owner(change.owner, writer)))
            lines += [_Line(2, text) for text in writer.changes(change.changes)]
        lines += [_Line(1, "objective added: " + _objective(o, writer, with_numbers=True))
                  for o in cycle.objectives_added]
        lines += [_Line(1, "objective removed: " + _objective(o, writer)) for o in cycle.objectives_removed]
        for change in cycle.objectives_changed:
            lines += _objective_lines(change, writer)
    return lines


def _owner(owner: Owner, writer: _Writer) -> str:
    return f"{writer.user(owner.name)} ({writer.code(owner.id)}, {owner.kind})"


def _objective(objective: Objective, writer: _Writer, with_numbers: bool = False) -> str:
    text = f"{writer.code(objective.ref)} {writer.user(objective.title)}"
    if with_numbers:
        text += f" ({percent(objective.progress)}, {writer.status(objective.status)})"
    return text


def _objective_lines(change: ObjectiveChange, writer: _Writer) -> list[_Line]:
    lines = [_Line(1, "objective changed: " + _objective(change.objective, writer))]
    lines += [_Line(2, text) for text in writer.changes(change.changes)]
    lines += [_Line(2, f"key result added: {writer.code(kr.id)} {writer.user(kr.title)}")
              for kr in change.key_results_added]
    lines += [_Line(2, f"key result removed: {writer.code(kr.id)} {writer.user(kr.title)}")
              for kr in change.key_results_removed]
    for kr_change in change.key_results_changed:
        lines += _key_result_lines(kr_change, writer)
    return lines


def _key_result_lines(change: KeyResultChange, writer: _Writer) -> list[_Line]:
    kr = change.key_result
    lines = [_Line(2, f"key result {writer.code(kr.id)} {writer.user(kr.title)}")]
    lines += [_Line(3, text) for text in writer.changes(change.changes, kr)]
    lines += [_Line(3, "new check-in: " + _checkin(c, kr, writer)) for c in change.checkins]
    return lines


def _checkin(checkin: CheckIn, kr: KeyResult, writer: _Writer) -> str:
    note = f" ({writer.user(checkin.note)})" if checkin.note else ""
    confidence = f", confidence {confidence_text(checkin.confidence)}" if checkin.confidence is not None else ""
    return f"{long_date(checkin.date)}, {format_number(checkin.value, kr.unit)}{confidence}{note}"


def render_json(diff: SiteDiff) -> str:
    """The stable shape documented for scripts in docs/site-owners.md."""
    data = {
        "base": _side(diff.base), "head": _side(diff.head), "build_date": diff.build_date.isoformat(),
        "changed": diff.changed, "cycles": [_cycle_json(c) for c in diff.cycles],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _side(side: Side) -> dict:
    return {"revision": side.name if side.commit else None, "commit": side.commit}


def _pairs(changes: Changes) -> dict:
    return {name: {"before": before, "after": after} for name, (before, after) in changes.items()}


def _cycle_json(cycle: CycleDiff) -> dict:
    return {
        "id": cycle.cycle.id, "title": cycle.cycle.title, "state": cycle.cycle.state, "change": cycle.change,
        "owners": len(cycle.cycle.owners), "objectives": len(cycle.cycle.objectives),
        "changes": _pairs(cycle.changes),
        "owners_added": [_owner_json(o) for o in cycle.owners_added],
        "owners_removed": [_owner_json(o) for o in cycle.owners_removed],
        "owners_changed": [{**_owner_json(c.owner), "changes": _pairs(c.changes)} for c in cycle.owners_changed],
        "objectives_added": [_objective_json(o) for o in cycle.objectives_added],
        "objectives_removed": [_objective_json(o) for o in cycle.objectives_removed],
        "objectives_changed": [_objective_change_json(c) for c in cycle.objectives_changed],
    }


def _owner_json(owner: Owner) -> dict:
    return {"id": owner.id, "name": owner.name, "kind": owner.kind, "url": owner.url}


def _objective_json(objective: Objective) -> dict:
    return {"ref": objective.ref, "title": objective.title, "aligns_to": [a.ref for a in objective.parents],
            "progress": fraction(objective.progress), "status": objective.status, "url": objective.url}


def _objective_change_json(change: ObjectiveChange) -> dict:
    return {
        **_objective_json(change.objective), "changes": _pairs(change.changes),
        "key_results_added": [_key_result_json(kr) for kr in change.key_results_added],
        "key_results_removed": [_key_result_json(kr) for kr in change.key_results_removed],
        "key_results_changed": [{**_key_result_json(c.key_result), "changes": _pairs(c.changes),
                                 "checkins_added": [_checkin_json(ci) for ci in c.checkins]}
                                for c in change.key_results_changed],
    }


def _key_result_json(kr: KeyResult) -> dict:
    return {"ref": kr.ref, "title": kr.title, "type": kr.type, "progress": fraction(kr.progress)}


def _checkin_json(checkin: CheckIn) -> dict:
    note = {"note": checkin.note} if checkin.note else {}
    return {"date": checkin.date.isoformat(), "value": checkin.value, **note, "confidence": checkin.confidence}
