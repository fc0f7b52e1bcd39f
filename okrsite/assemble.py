"""Stages up to scoring: config -> load -> schema -> (history) -> graph -> coaching -> privacy -> scoring.

:func:`load_site` turns a site's folder into the scored model, and is all that
``okrsite check``, ``diff`` and ``new-cycle`` need: nothing here imports the
renderer (Jinja2, pygal). :mod:`okrsite.build` renders and writes what it returns.
With the cache of a watch builder, an edit that links as before is taken into the
cycle already linked (:mod:`okrsite.relink`) instead of linking the cycle again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

from okrsite.cache import Listing, OwnerCache
from okrsite.coaching import LINKED, alone, coach_linked, coach_scored, find, report
from okrsite.config import CheckSettings, SiteConfig, StatusBands, load_config
from okrsite.cycles import choose_current, make_cycles
from okrsite.diagnostics import Diagnostics, display_path
from okrsite.graduation import link_graduations
from okrsite.graph import check_checkin_dates, link_cycle
from okrsite.history import FileHistory, GitHistory, apply_history
from okrsite.load import discover
from okrsite.model import Cycle, Owner, Site
from okrsite.options import BuildOptions
from okrsite.parallel import available_jobs
from okrsite.privacy import remove_private
from okrsite.relink import link_shape, merged, take_content
from okrsite.scoring import rescore, score_cycle


def load_site(root: Path, options: BuildOptions, diagnostics: Diagnostics, cache: OwnerCache | None = None,
              git: GitHistory | None = None, changed: set[Path] | None = None) -> Site | None:
    """Read, validate, link, coach and score a site; ``None`` when it has errors.

    With a ``cache`` from an earlier build, only new or changed files are parsed,
    and a cycle whose files, dates and settings are all unchanged is reused whole.
    ``changed``, the paths watch mode saw change since that build, spares looking
    at every other file when they are all OKR files that build read (see :func:`_listing`).
    Private owners and objectives are left out unless ``options.include_private``.
    ``options.history`` ("git" or "none") overrides site.toml's: with "git", key
    results without check-ins get them from the content's git history, read
    through ``git`` (which keeps what it read for the next build).
    """
    cache = cache or OwnerCache()
    cache.start_build()
    build_date, jobs = options.build_date(), options.jobs or available_jobs()
    config = load_config(root, diagnostics)
    if options.history:
        config = replace(config, history=options.history)
    folders, edited = _listing(config, cache, diagnostics, changed)
    if config.content_dir.is_dir() and not folders:
        diagnostics.error(display_path(config.content_dir), None,
                          "no cycles yet: add a folder per cycle, like content/2026-Q4/, with one file per owner")
    cycles = make_cycles(list(folders), config, diagnostics)
    current = choose_current(cycles, config, build_date, diagnostics)
    cache.read({path: cycle_id for cycle_id, paths in folders.items() for path in paths}, jobs, edited)
    histories = {}
    if config.history == "git":
        files = [path for paths in folders.values() for path in paths]
        histories = (git or GitHistory()).read(config.content_dir, files, diagnostics, jobs)
    last_closed = max((c for c in cycles if c.state == "archived"), key=lambda c: c.end, default=None)
    loading = _Loading(config, options, cache, histories, diagnostics)
    cycles = [_linked_cycle(c, folders[c.id], loading, c is last_closed) for c in cycles]
    link_graduations(cycles, diagnostics)
    current = next((c for c in cycles if c.state == "current"), None) if current else None
    cache.forget_others({path for paths in folders.values() for path in paths}, set(folders))
    if diagnostics.errors:
        return None
    return Site(config=config, build_date=build_date, cycles=cycles[::-1], current=current,
                include_private=options.include_private)


def _listing(config: SiteConfig, cache: OwnerCache, diagnostics: Diagnostics,
             changed: set[Path] | None) -> tuple[dict[str, list[Path]], list[Path] | None]:
    """The cycle folders of the content and their OKR files (:func:`okrsite.load.discover`), and which
    of those files to look at again (``None``: all). When every path in ``changed`` is one of the files
    the last build found, and still a file, nothing else was added, removed or changed: the last
    listing is kept, and only those files are looked at."""
    known = cache.listing  # None too when some files are links (a change of what one leads to is not seen)
    if changed and known is not None and cache.complete:
        top = config.root.resolve() / "content"  # where watch mode sees the content
        edited = [known.files.get(_relative(path, top)) for path in changed]
        if all(path is not None and path.is_file() for path in edited):
            diagnostics.extend(known.diagnostics)
            return known.folders, edited
    found, links = Diagnostics(), []
    folders = discover(config.content_dir, found, links)
    diagnostics.extend(found.items)
    prefix = len(str(config.content_dir)) + 1
    cache.listing = None if links else Listing(folders, found.items, {str(path)[prefix:]: path for paths in folders.values()
                                                                      for path in paths})
    return folders, None


def _relative(path: Path, top: Path) -> str:
    try:
        return str(path.relative_to(top))
    except ValueError:
        return ""


@dataclass(frozen=True)
class _CycleInputs:
    """Everything a linked, coached and scored cycle depends on: equal inputs, the same cycle."""

    files: tuple  # (path, digest, digest of its git history) of each file
    cycle: tuple  # title, dates, state and folder
    status: StatusBands
    checks: CheckSettings
    build_date: dt.date
    include_private: bool
    last_closed: bool  # some checks of the scores judge only the most recently closed cycle


@dataclass
class _LinkedCycle:
    inputs: _CycleInputs
    cycle: Cycle
    diagnostics: list
    owners: dict[Path, Owner]  # the linked owner of each file
    public: bool  # nothing in it is private: the cycle as written is the cycle as shown
    # what the checks of the cycle as written found: the check-ins' dates (under "dates") and coaching's
    # checks, so an edit in place finds again only what is about the edited files
    written: dict[str, list]


@dataclass
class _Loading:
    """What every cycle of one build is linked with."""

    config: SiteConfig
    options: BuildOptions
    cache: OwnerCache
    histories: dict[Path, FileHistory]
    diagnostics: Diagnostics


def _linked_cycle(cycle: Cycle, paths: list[Path], loading: _Loading, last_closed: bool) -> Cycle:
    """``cycle`` linked, coached, made public and scored; the cached one when nothing it depends on changed.

    Coaching waits until the cycle has no errors; which checks of the scores run depends on
    the cycle (``last_closed``: the most recently closed one), see :func:`okrsite.coaching.coach_scored`.
    """
    config, options, cache, histories = loading.config, loading.options, loading.cache, loading.histories
    build_date = options.build_date()
    entries = cache.entries(paths)
    inputs = _CycleInputs(
        files=tuple((path, entry.digest, histories[path].digest if path in histories else "")
                    for path, entry in zip(paths, entries)),
        cycle=(cycle.title, cycle.start, cycle.end, cycle.state, cycle.folder), status=config.status,
        checks=config.checks, build_date=build_date, include_private=options.include_private, last_closed=last_closed)
    known = cache.cycles.get(cycle.id)
    if known is not None and (known.inputs == inputs or _edit_in_place(known, inputs, paths, entries, loading)):
        loading.diagnostics.extend(known.diagnostics)
        return known.cycle
    found = Diagnostics()
    owners, broken = [], set()
    for path, entry in zip(paths, entries):
        found.extend(entry.diagnostics)
        if entry.owner is None:
            broken.add(path.stem)
        else:
            entry.owner.reset()
            apply_history(entry.owner, histories.get(path), cycle)
            owners.append(entry.owner)
    link_cycle(cycle, owners, found, broken)
    dates = Diagnostics()
    check_checkin_dates(cycle, dates)
    found.extend(dates.items)
    cache.cycles.pop(cycle.id, None)
    if not found.errors:
        public = options.include_private or not any(_private(owner) for owner in owners)
        written = {"dates": dates.items, **coach_linked(cycle, config.checks, build_date, found)}
        if not options.include_private:
            remove_private(cycle)
        _score(cycle, loading, found, last_closed)
        linked = {path: entry.owner for path, entry in zip(paths, entries)}
        cache.cycles[cycle.id] = _LinkedCycle(inputs, cycle, found.items, linked, public, written)
    loading.diagnostics.extend(found.items)
    return cycle


def _score(cycle: Cycle, loading: _Loading, found: Diagnostics, last_closed: bool) -> None:
    config, build_date = loading.config, loading.options.build_date()
    score_cycle(cycle, build_date, config.status, config.checks.stale_days)
    coach_scored(cycle, config.checks, build_date, found, last_closed)


def _private(owner: Owner) -> bool:
    """Whether the owner or one of its objectives is private (left out of the site as shown)."""
    return owner.private or any(o.private for o in owner.declared_objectives)


def _edit_in_place(known: _LinkedCycle, inputs: _CycleInputs, paths: list[Path], entries: list, loading: _Loading) -> bool:
    """Take the edited files of ``known``'s cycle into its linked objects (:mod:`okrsite.relink`), then check,
    coach and score it again; ``False`` (nothing done) unless only what its files say changed, not how they
    link, and the edited files have nothing private (the checks of the cycle as written, private objectives
    included, are then found again for the edited files alone)."""
    if loading.histories or replace(known.inputs, files=inputs.files) != inputs:
        return False
    if [f[0] for f in known.inputs.files] != paths:
        return False
    edited = [(known.owners[path], entry) for path, entry, before, now in zip(paths, entries, known.inputs.files, inputs.files)
              if before != now]
    cycle = known.cycle
    if any(entry.owner is None or any(d.severity == "error" for d in entry.diagnostics)
           or link_shape(entry.owner) != link_shape(owner)
           or not known.public and (_private(entry.owner) or owner is cycle.company) for owner, entry in edited):
        return False
    config, build_date, owners = loading.config, loading.options.build_date(), [owner for owner, _ in edited]
    for owner, entry in edited:
        take_content(owner, entry.owner)
        entry.owner = owner
    found = Diagnostics()
    for entry in entries:  # what linking would report: the files' own problems, then the check-ins' dates
        found.extend(entry.diagnostics)
    known.written = _found_again(known, owners, config.checks, build_date)
    found.extend(known.written["dates"])
    report({name: items for name, items in known.written.items() if name != "dates"}, found)
    changed = rescore(cycle, owners, build_date, config.status, config.checks.stale_days)
    coach_scored(cycle, config.checks, build_date, found, inputs.last_closed)
    for owner in owners:
        changed.add(owner)
        changed.update(owner.objectives)
    cycle.changes.append(frozenset(changed))
    known.inputs, known.diagnostics = inputs, found.items
    return True


def _found_again(known: _LinkedCycle, edited: list[Owner], checks: CheckSettings, today: dt.date) -> dict[str, list]:
    """What the checks of the cycle as written find after an edit in place of the ``edited`` owners: what
    they found about the other files, and what they find about these, looked at alone (the company's
    objectives alone are checked against what aligns to them, in a cycle with nothing private)."""
    view, paths = alone(known.cycle, edited), {owner.source.path for owner in edited}
    order = {owner.source.path: index for index, owner in enumerate(known.owners.values())}
    dates = Diagnostics()
    check_checkin_dates(view, dates)
    fresh = find({name: check for name, check in LINKED.items() if name != "unsupported"}, view, checks, today)
    if known.cycle.company in edited:
        fresh.update(find({"unsupported": LINKED["unsupported"]}, known.cycle, checks, today))
    return {name: merged(kept, fresh.get(name, ()) if name != "dates" else dates.items, paths, order)
            for name, kept in known.written.items()}
