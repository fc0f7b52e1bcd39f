"""``okrsite diff BASE [HEAD]``: what changed in the OKRs between two git revisions.

Each side is loaded by the normal pipeline (a revision from a copy made by
:mod:`okrsite.gitrevision`, the working tree as it is) and scored at the same
build date, then compared by cycle id, owner id and objective and key result
ref. Private owners and objectives are left out by the pipeline, so they never
reach the diff unless asked for. :mod:`okrsite.diffformat` writes the result.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from okrsite.assemble import load_site
from okrsite.diagnostics import Diagnostic, Diagnostics, display_path
from okrsite.gitrevision import SiteInRepository, copy_site, resolve
from okrsite.model import CheckIn, Cycle, KeyResult, Objective, Owner, Site
from okrsite.options import BuildOptions
from okrsite.render.formatting import fraction  # numbers compared as okrs.json gives them

Changes = dict[str, tuple[Any, Any]]  # field -> (before, after), only the fields that changed


class SideProblem(Exception):
    """A side of the diff cannot be loaded: no site there, or its content has errors."""

    def __init__(self, message: str, diagnostics: list[Diagnostic] | None = None):
        super().__init__(message)
        self.diagnostics = diagnostics or []


@dataclass
class Side:
    """One side of the diff: what it is called, its commit (None: the working tree) and its site."""

    name: str
    commit: str | None
    site: Site


def load_side(site_root: Path, repository: SiteInRepository, revision: str | None, build_date: dt.date,
              include_private: bool) -> Side:
    """The site at ``revision`` (None: the working tree), scored at ``build_date``."""
    if revision is None:
        return Side("the working tree", None, _loaded(site_root, build_date, include_private, "the working tree"))
    commit = resolve(repository, revision)
    with tempfile.TemporaryDirectory(prefix="okrsite-diff-") as scratch:
        copy = Path(scratch)
        if not copy_site(repository, commit, copy):
            raise SideProblem(f"there is no site at {revision}: it has no {repository.prefix}site.toml")
        try:
            site = _loaded(copy, build_date, include_private, f"the site at {revision}")
        except SideProblem as problem:
            raise SideProblem(str(problem), [_moved(d, copy, site_root) for d in problem.diagnostics]) from None
    return Side(revision, commit, site)


def _loaded(root: Path, build_date: dt.date, include_private: bool, what: str) -> Site:
    diagnostics = Diagnostics()
    # history="none": a revision's copy is no repository, and the diff compares what the files say
    site = load_site(root, BuildOptions(build_date, include_private=include_private, history="none"), diagnostics)
    if site is None:
        raise SideProblem(f"{what} has errors", [d for d in diagnostics.sorted() if d.severity == "error"])
    return site


def _moved(diagnostic: Diagnostic, copy: Path, site_root: Path) -> Diagnostic:
    """A diagnostic about a file of the copy, about the same file in the site's folder instead."""
    shown = display_path(copy)
    if diagnostic.path != shown and not diagnostic.path.startswith(shown + os.sep):
        return diagnostic
    relative = diagnostic.path[len(shown) + 1:]
    path = display_path(site_root / relative) if relative else display_path(site_root)
    return Diagnostic(path, diagnostic.line, diagnostic.severity, diagnostic.message)


@dataclass
class KeyResultChange:
    key_result: KeyResult  # as it is after
    changes: Changes
    checkins: list[CheckIn]  # new check-ins


@dataclass
class ObjectiveChange:
    objective: Objective  # as it is after
    changes: Changes
    key_results_added: list[KeyResult] = field(default_factory=list)
    key_results_removed: list[KeyResult] = field(default_factory=list)
    key_results_changed: list[KeyResultChange] = field(default_factory=list)


@dataclass
class OwnerChange:
    owner: Owner  # as it is after
    changes: Changes


@dataclass
class CycleDiff:
    cycle: Cycle  # as it is after; as it was before when removed
    change: str  # added | removed | changed
    changes: Changes  # progress and score of the whole cycle
    owners_added: list[Owner] = field(default_factory=list)
    owners_removed: list[Owner] = field(default_factory=list)
    owners_changed: list[OwnerChange] = field(default_factory=list)
    objectives_added: list[Objective] = field(default_factory=list)
    objectives_removed: list[Objective] = field(default_factory=list)
    objectives_changed: list[ObjectiveChange] = field(default_factory=list)


@dataclass
class SiteDiff:
    base: Side
    head: Side
    build_date: dt.date
    cycles: list[CycleDiff]  # only those with changes, newest first

    @property
    def changed(self) -> bool:
        return bool(self.cycles)


def compare(base: Side, head: Side, build_date: dt.date) -> SiteDiff:
    """What changed from ``base`` to ``head``."""
    before = {c.id: c for c in base.site.cycles}
    after = {c.id: c for c in head.site.cycles}
    diffs = [_cycle_diff(before.get(cycle_id), after.get(cycle_id)) for cycle_id in {**after, **before}]
    cycles = sorted((d for d in diffs if d is not None), key=lambda d: (d.cycle.start, d.cycle.id), reverse=True)
    return SiteDiff(base, head, build_date, cycles)


def _cycle_diff(old: Cycle | None, new: Cycle | None) -> CycleDiff | None:
    before, after = _cycle_numbers(old), _cycle_numbers(new)
    numbers = _changed({name: (before.get(name), after.get(name)) for name in {**before, **after}})
    if old is None or new is None:
        return CycleDiff(new or old, "added" if new else "removed", numbers)
    diff = CycleDiff(new, "changed", numbers)
    diff.owners_added, diff.owners_removed = _added(old.owners, new.owners), _added(new.owners, old.owners)
    for owner_id, owner in new.owners.items():
        if owner_id in old.owners:
            changes = _owner_changes(old.owners[owner_id], owner)
            if changes:
                diff.owners_changed.append(OwnerChange(owner, changes))
    old_objectives = {o.ref: o for o in old.objectives}
    new_objectives = {o.ref: o for o in new.objectives}
    diff.objectives_added = _added(old_objectives, new_objectives)
    diff.objectives_removed = _added(new_objectives, old_objectives)
    archived = new.state == "archived"
    for ref, objective in new_objectives.items():
        if ref in old_objectives:
            change = _objective_change(old_objectives[ref], objective, archived)
            if change is not None:
                diff.objectives_changed.append(change)
    if not (diff.changes or diff.owners_added or diff.owners_removed or diff.owners_changed or diff.objectives_added
            or diff.objectives_removed or diff.objectives_changed):
        return None
    return diff


def _cycle_numbers(cycle: Cycle | None) -> dict[str, float | None]:
    """Progress, and the score once the cycle is over (before that it follows progress)."""
    if cycle is None:
        return {}
    numbers = {"progress": fraction(cycle.progress)}
    if cycle.state == "archived":
        numbers["score"] = fraction(cycle.score)
    return numbers


def _added(before: dict, after: dict) -> list:
    """The values of ``after`` whose keys ``before`` does not have, in ``after``'s order."""
    return [value for key, value in after.items() if key not in before]


def _changed(pairs: Changes) -> Changes:
    return {name: pair for name, pair in pairs.items() if pair[0] != pair[1]}


def _owner_changes(old: Owner, new: Owner) -> Changes:
    """A new name, kind or place in the org chart (the public parent)."""
    return _changed({
        "name": (old.name, new.name),
        "kind": (old.kind, new.kind),
        "parent": (old.parent.id if old.parent else None, new.parent.id if new.parent else None),
    })


def _objective_change(old: Objective, new: Objective, archived: bool) -> ObjectiveChange | None:
    pairs = {
        "title": (old.title, new.title),
        "type": (old.type, new.type),
        "aligns_to": ([a.ref for a in old.parents], [a.ref for a in new.parents]),
        **_work_changes(old, new),
        "status": (old.status, new.status),
        "progress": (fraction(old.progress), fraction(new.progress)),
    }
    if archived:  # the grade matters once a cycle is over; before that it follows progress
        pairs["score"] = (fraction(old.score), fraction(new.score))
    change = ObjectiveChange(new, _changed(pairs))
    old_krs = {kr.id: kr for kr in old.key_results}
    new_krs = {kr.id: kr for kr in new.key_results}
    change.key_results_added = _added(old_krs, new_krs)
    change.key_results_removed = _added(new_krs, old_krs)
    for kr_id, kr in new_krs.items():
        if kr_id in old_krs:
            kr_change = _key_result_change(old_krs[kr_id], kr)
            if kr_change is not None:
                change.key_results_changed.append(kr_change)
    if not (change.changes or change.key_results_added or change.key_results_removed or change.key_results_changed):
        return None
    return change


def _key_result_change(old: KeyResult, new: KeyResult) -> KeyResultChange | None:
    changes = _changed({
        "title": (old.title, new.title),
        "type": (old.type, new.type),
        "current": (old.current, new.current) if "metric" == old.type == new.type else (None, None),
        "done": (old.done, new.done) if "milestone" == old.type == new.type else (None, None),
        "progress": (fraction(old.progress), fraction(new.progress)),
        "confidence": (old.confidence, new.confidence),
        **_work_changes(old, new),
        "status": (old.status, new.status),
    })
    known = {(c.date, c.value, c.note) for c in old.checkins}
    checkins = [c for c in new.checkins if (c.date, c.value, c.note) not in known]
    if not changes and not checkins:
        return None
    return KeyResultChange(new, changes, checkins)


def _work_changes(old: Objective | KeyResult, new: Objective | KeyResult) -> Changes:
    """Who contributes and what it depends on, before and after (``_changed`` keeps them only if they changed)."""
    return {"contributors": ([p.id for p in old.contributors], [p.id for p in new.contributors]),
            "depends_on": ([d.target.ref for d in old.dependencies], [d.target.ref for d in new.dependencies])}
