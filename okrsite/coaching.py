"""Stage 3c: coaching. Warnings (and, for stale check-ins, notes) about OKR practice, each saying why and how to fix it.

Every check is a small function named like its switch in ``[checks]`` of site.toml
(:data:`okrsite.config.CHECKS`) and yields ``(path, line, message)``. Most read the
cycle as written, private objectives included, right after linking
(:func:`coach_linked`); ``stretch`` and ``dependencies`` need the scores and read
the cycle as the site shows it (:func:`coach_scored`). A check runs only for the
cycles :data:`APPLIES` gives it. Each check is one pass over the cycle.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import NamedTuple

from okrsite.config import CheckSettings
from okrsite.diagnostics import Diagnostics, plural
from okrsite.links import key_line, parts
from okrsite.model import Cycle, Objective, Owner
from okrsite.outcomes import is_output
from okrsite.scoring import is_running, is_stale

MIN_KEY_RESULTS, MAX_KEY_RESULTS, MAX_OBJECTIVES = 2, 5, 5
STRETCH = 0.9  # a closed cycle where every objective scored this or more did not stretch

class Finding(NamedTuple):
    """What a check found: where (a file and a line), why, and what it is about (an objective, an
    owner or the cycle), which the health page links to."""

    path: str
    line: int | None
    message: str
    about: Objective | Owner | Cycle


Found = Iterator[Finding]
Check = Callable[[Cycle, CheckSettings, dt.date], Found]


def key_result_count(cycle: Cycle, settings: CheckSettings, today: dt.date) -> Found:
    for objective in cycle.objectives:
        count = len(objective.key_results)
        if not MIN_KEY_RESULTS <= count <= MAX_KEY_RESULTS:
            yield Finding(objective.owner.source.path, objective.source.line,
                          f"objective '{objective.id}' has {plural(count, 'key result')}: use {MIN_KEY_RESULTS} to "
                          f"{MAX_KEY_RESULTS} (one alone is easy to game, more than five blur the focus)", objective)


def objective_count(cycle: Cycle, settings: CheckSettings, today: dt.date) -> Found:
    for owner in cycle.owners.values():
        if len(owner.objectives) > MAX_OBJECTIVES:
            yield Finding(owner.source.path, owner.key_lines.get("objectives", owner.source.line),
                          f"'{owner.id}' has {len(owner.objectives)} objectives: focus on at most {MAX_OBJECTIVES} "
                          "(with more, none gets real attention); move the rest to a later cycle", owner)


def outputs(cycle: Cycle, settings: CheckSettings, today: dt.date) -> Found:
    """Key results that name work to do rather than a change to bring about.

    A milestone is fine beside key results that measure outcomes; an objective
    measured only by milestones and tasks is reported once, at the objective.
    """
    for objective in cycle.objectives:
        if objective.key_results and all(kr.type == "milestone" or is_output(kr.title) for kr in objective.key_results):
            yield Finding(objective.owner.source.path, objective.source.line,
                          f"objective '{objective.id}' is measured only by outputs (milestones and tasks): add a key "
                          "result that measures the change they should bring about, from a start value to a target",
                          objective)
            continue
        for kr in objective.key_results:
            if kr.type == "metric" and is_output(kr.title):
                yield Finding(objective.owner.source.path, kr.source.line,
                              f"key result '{kr.id}' describes an output ('{kr.title}'), not an outcome: rewrite it "
                              "as the measurable change the work should bring about", objective)


def units(cycle: Cycle, settings: CheckSettings, today: dt.date) -> Found:
    for objective in cycle.objectives:
        for kr in objective.key_results:
            if kr.type == "metric" and not kr.unit:
                yield Finding(objective.owner.source.path, kr.source.line,
                              f"key result '{kr.id}' has no unit: add 'unit:' (like customers, %, EUR or days) "
                              "so that readers know what its numbers count", objective)


def unaligned(cycle: Cycle, settings: CheckSettings, today: dt.date) -> Found:
    for objective in cycle.objectives:
        if objective.owner.kind != "company" and not objective.aligns_to:
            yield Finding(objective.owner.source.path, objective.source.line,
                          f"objective '{objective.id}' aligns to nothing: add 'aligns_to: owner/objective' to show "
                          "how it rolls up", objective)


def unsupported(cycle: Cycle, settings: CheckSettings, today: dt.date) -> Found:
    company = cycle.company
    if company is None or not any(o.objectives for o in cycle.owners.values() if o is not company):
        return  # nobody below the company has objectives yet that could align
    for objective in company.objectives:
        if not objective.children:
            yield Finding(company.source.path, objective.source.line,
                          f"company objective '{objective.id}' has nothing aligned to it: align the objectives that "
                          f"serve it (aligns_to: {objective.ref}), or drop it if nobody works on it", objective)


def stale(cycle: Cycle, settings: CheckSettings, today: dt.date) -> Found:
    """Key results of the running cycle whose latest check-in is too old: one note per owner.

    Only key results kept up by check-ins are judged (one updated through ``current``
    alone does not say when), and only while the build date lies in the cycle (:data:`APPLIES`).
    """
    for owner in cycle.owners.values():
        late = [kr for objective in owner.objectives for kr in objective.key_results
                if is_stale(kr, today, settings.stale_days)]
        if late:
            fix = ("commit this week's 'current': with history from git each change is a check-in"
                   if not any(kr.checkins_given for kr in late) else
                   "add a check-in with this week's value, even an unchanged one, so that the progress shown is current")
            yield Finding(owner.source.path, late[0].source.line,
                          f"'{owner.id}' has {plural(len(late), 'key result')} with no check-in for more than "
                          f"{settings.stale_days} days ({', '.join(f'{kr.objective.id}/{kr.id}' for kr in late)}): "
                          f"{fix}", owner)


def stretch(cycle: Cycle, settings: CheckSettings, today: dt.date) -> Found:
    scored = [o for o in cycle.objectives if o.type != "committed"]  # committed ones are meant to reach 1.0
    if scored and all(o.score >= STRETCH for o in scored):
        yield Finding(cycle.folder, None,
                      f"every aspirational objective of cycle {cycle.id} scored {STRETCH} or more: OKRs are meant "
                      "to stretch (about 0.7 is the usual sweet spot); set bolder targets next cycle", cycle)


def dependencies(cycle: Cycle, settings: CheckSettings, today: dt.date) -> Found:
    """Objectives and key results that need one that is off track (or, once graded, missed)."""
    for part in parts(cycle):
        for dependency in part.dependencies:
            if dependency.blocking:
                target = dependency.target
                yield Finding(part.owner.source.path, key_line(part, "depends_on"),
                              f"'{part.ref}' depends on '{target.ref}', which is {target.status}: agree with "
                              f"{target.owner.name} what can still be delivered, and plan around it", part.objective)


#: Each check as the health page names it, and the one line that says why it matters.
ABOUT = {
    "key_result_count": ("Two to five key results", "One key result alone is easy to game; more than five blur the focus."),
    "objective_count": ("At most five objectives", "With more, none of them gets real attention."),
    "outputs": ("Outcomes, not outputs",
                "A key result measures the change the work brings about, not the work itself."),
    "units": ("A unit on every metric", "Readers need to know what the numbers count."),
    "unaligned": ("Aligned upward", "Alignment shows how each goal serves the one above it."),
    "unsupported": ("Company objectives with support",
                    "A company objective with nothing aligned to it has nobody working towards it."),
    "stale": ("Checked in lately", "Weekly check-ins keep the numbers true and show problems while there is time."),
    "dependencies": ("Dependencies on track",
                     "Work that needs an off-track objective is held up too, unless the teams plan around it."),
    "stretch": ("Goals that stretch",
                f"When every aspirational objective scores {STRETCH} or more, the targets were too safe; about 0.7 "
                "is the sweet spot."),
}

#: Checks that have something to say only at some point of a cycle: ``stale`` and ``dependencies``
#: while it runs (what is held up can still be helped), ``stretch`` once it is closed. The others
#: apply throughout.
APPLIES: dict[str, Callable[[Cycle, dt.date], bool]] = {
    "stale": is_running, "dependencies": is_running, "stretch": lambda cycle, today: cycle.state == "archived"}

LINKED: dict[str, Check] = {check.__name__: check for check in (
    key_result_count, objective_count, outputs, units, unaligned, unsupported, stale)}
SCORED: dict[str, Check] = {check.__name__: check for check in (dependencies, stretch)}
#: Checks that the build runs for the most recently closed cycle alone (older ones are history).
LAST_CLOSED_ONLY = frozenset({"stretch"})
# Checks that depend on the date, not on what the files say, report notes: they never fail --strict,
# so a pull request or a publishing job does not fail because time passed (a dependency falls off
# track as the weeks go by, and one team's pull request should not fail for another team's pace).
REMINDERS = frozenset({"stale", "dependencies"})


Findings = dict[str, list[Finding]]  # what each check that ran found, by its name, in the order of its checks


def coach_linked(cycle: Cycle, settings: CheckSettings, today: dt.date, diagnostics: Diagnostics) -> Findings:
    """The checks of a linked cycle as written, private objectives included; returns what they found."""
    findings = find(LINKED, cycle, settings, today)
    report(findings, diagnostics)
    return findings


def coach_scored(cycle: Cycle, settings: CheckSettings, today: dt.date, diagnostics: Diagnostics,
                 last_closed: bool = False) -> None:
    """The checks that need the scores, of the cycle as the site shows it (``last_closed``: the
    most recently closed one, the only cycle :data:`LAST_CLOSED_ONLY` checks judge)."""
    checks = {name: check for name, check in SCORED.items() if last_closed or name not in LAST_CLOSED_ONLY}
    report(find(checks, cycle, settings, today), diagnostics)


def find(checks: dict[str, Check], cycle: Cycle, settings: CheckSettings, today: dt.date) -> Findings:
    """What each of ``checks`` that is on and applies to ``cycle`` finds."""
    return {name: list(check(cycle, settings, today)) for name, check in checks.items()
            if settings.on(name) and applies(name, cycle, today)}


def report(findings: Findings, diagnostics: Diagnostics) -> None:
    """Each finding as a warning, or a note for :data:`REMINDERS`."""
    for name, found in findings.items():
        add = diagnostics.note if name in REMINDERS else diagnostics.warning
        for finding in found:
            add(finding.path, finding.line, finding.message)


def alone(cycle: Cycle, owners: list[Owner]) -> Cycle:
    """``cycle`` with only ``owners`` in it, for the checks that look at each owner on its own (all but
    ``unsupported`` and ``stretch``, which look at the cycle as a whole)."""
    return Cycle(cycle.id, cycle.title, cycle.start, cycle.end, cycle.folder, owners={o.id: o for o in owners},
                 state=cycle.state, company=cycle.company)


def applies(name: str, cycle: Cycle, today: dt.date) -> bool:
    """Whether check ``name`` has something to say about ``cycle`` on ``today`` (see :data:`APPLIES`)."""
    rule = APPLIES.get(name)
    return rule is None or rule(cycle, today)
