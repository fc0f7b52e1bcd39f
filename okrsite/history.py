"""Check-ins from git: every commit that changed a key result's ``current`` (or a
milestone's ``done``) or its ``confidence`` becomes a check-in dated at the commit's
author date; a check-in carries the confidence only when its commit changed it.

The whole site costs three git processes (:mod:`okrsite.git`), whatever its size: ``git rev-parse``
to find the repository, one ``git log --raw`` for every change to the content
folder, and one ``git cat-file --batch`` for the versions of the files. Versions
are read by blob id, which names their bytes, so :class:`GitHistory` keeps what
it read from each one and a later build reads only new versions.

Only key results without ``checkins:`` of their own get check-ins from git, and
only those dated within their cycle (see :func:`apply_history`).
"""

from __future__ import annotations

import datetime as dt
import os
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from okrsite.diagnostics import Diagnostics, display_path
from okrsite.git import GitError, read_blobs, run_git
from okrsite.load import split_front_matter
from okrsite.model import CheckIn, Cycle, Owner
from okrsite.parallel import run_all
from okrsite.fingerprint import stable_hash

try:
    _Loader = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _Loader = yaml.SafeLoader  # type: ignore[misc]

NO_BLOB = "0" * 40
Reading = tuple[float | bool | None, float | None]  # a metric's current or a milestone's done; the confidence
Readings = dict[tuple[str, str], Reading]  # by (objective id, key result id)


@dataclass(frozen=True, slots=True)
class FileHistory:
    """The check-ins git gives one file, by (objective id, key result id), oldest first."""

    checkins: dict[tuple[str, str], list[CheckIn]]
    digest: str  # stands for all of them, for fingerprints and output keys


@dataclass(slots=True)
class _Commit:
    date: dt.date
    changes: list[tuple[str, str, str | None]] = field(default_factory=list)  # (blob, path, renamed from)


class HistoryUnavailable(Exception):
    """Git cannot give the history: said once, and the build carries on without it."""


class GitHistory:
    """Reads the history of a site's content from git, keeping what each file version said."""

    def __init__(self) -> None:
        self.readings: dict[str, Readings] = {}  # blob id -> what that version of a file says
        self.changed = False  # whether readings were added since the disk cache was saved

    def read(self, content_dir: Path, paths: list[Path], diagnostics: Diagnostics, jobs: int = 1) -> dict[Path, FileHistory]:
        """The history of each of ``paths`` that git has; a warning (once) when git has none."""
        try:
            return self._read(content_dir, paths, diagnostics, jobs)
        except HistoryUnavailable as exc:
            diagnostics.warning(display_path(content_dir), None, f"no history from git: {exc}")
            return {}

    def _read(self, content_dir: Path, paths: list[Path], diagnostics: Diagnostics, jobs: int) -> dict[Path, FileHistory]:
        top, shallow = _repository(content_dir)
        folder = os.path.relpath(content_dir.resolve(), top).replace(os.sep, "/")
        commits = _log(top, folder)
        if shallow:
            diagnostics.warning(display_path(content_dir), None,
                                "the git repository is a shallow clone, so check-ins from git start at its oldest commit: "
                                "fetch the whole history (with actions/checkout, 'fetch-depth: 0')")
        prefix = "" if folder == "." else f"{folder}/"  # names as git gives them: from the repository's top
        wanted = {prefix + path.relative_to(content_dir).as_posix(): path for path in paths}
        versions = _versions(commits, set(wanted))
        self._read_blobs(top, {blob for found in versions.values() for _, blob in found}, jobs)
        histories = {}
        for name, found in versions.items():
            checkins = _checkins([(date, self.readings[blob]) for date, blob in found])
            if checkins:
                histories[wanted[name]] = FileHistory(checkins, f"{stable_hash(tuple(sorted(checkins.items()))):x}")
        return histories

    def _read_blobs(self, top: str, blobs: set[str], jobs: int) -> None:
        new = sorted(blobs - self.readings.keys())
        if new:
            try:
                contents = read_blobs(top, new)
            except GitError as exc:
                raise HistoryUnavailable(exc.detail or "git cat-file failed") from None
            for chunk in run_all(_readings, contents, jobs):
                for index, readings in chunk:
                    self.readings[new[index]] = readings
            self.changed = True


def apply_history(owner: Owner, history: FileHistory | None, cycle: Cycle) -> None:
    """Give the owner's key results without check-ins of their own the check-ins from git within ``cycle``."""
    if history is None:
        return
    owner.history_digest = history.digest
    for objective in owner.declared_objectives:
        for kr in objective.key_results:
            if not kr.checkins_given:
                found = history.checkins.get((objective.id, kr.id), ())
                kr.history = [c for c in found if cycle.start <= c.date <= cycle.end]


def _git(where: str | Path, *args: str) -> bytes:
    try:
        return run_git(where, *args)
    except GitError as exc:
        raise HistoryUnavailable(exc.detail or f"git {args[0]} failed") from None


def _repository(content_dir: Path) -> tuple[str, bool]:
    """The repository's top folder, and whether it is a shallow clone."""
    try:
        out = _git(content_dir, "rev-parse", "--show-toplevel", "--is-shallow-repository")
    except HistoryUnavailable as exc:
        if "not a git repository" in str(exc):
            raise HistoryUnavailable("the content folder is not in a git repository") from None
        raise
    top, shallow = out.decode("utf-8", "surrogateescape").splitlines()[:2]
    return top, shallow == "true"


def _log(top: str, folder: str) -> list[_Commit]:
    """Every commit that changed a file in ``folder`` (the content folder, from the top), newest first."""
    try:
        out = _git(top, "-c", "core.quotePath=false", "log", "--no-merges", "-M", "--raw", "--no-abbrev", "-z",
                   "--format=%x01%as", "--", folder)
    except HistoryUnavailable as exc:
        if "does not have any commits" in str(exc):
            return []
        raise
    return [_commit(record) for record in out.decode("utf-8", "surrogateescape").split("\x01")[1:]]


def _commit(record: str) -> _Commit:
    """One commit of ``git log --raw -z --format=%x01%as``: its date, then ':modes blobs status' and paths."""
    header, _, rest = record.partition("\0")
    commit = _Commit(dt.date.fromisoformat(header.strip()))
    fields = rest.split("\0")
    index = 0
    while index < len(fields):
        meta = fields[index].strip()
        index += 1
        if not meta.startswith(":"):
            continue
        blob, status = meta.split()[3], meta.split()[4]
        if status[0] in "RC":
            commit.changes.append((blob, fields[index + 1], fields[index] if status[0] == "R" else None))
            index += 2
        else:
            commit.changes.append((blob, fields[index], None))
            index += 1
    return commit


def _versions(commits: list[_Commit], wanted: set[str]) -> dict[str, list[tuple[dt.date, str]]]:
    """The versions (date, blob) of each wanted file, oldest first, following it back through renames."""
    versions: dict[str, list[tuple[dt.date, str]]] = defaultdict(list)
    known_as = {name: name for name in wanted}  # a name in older commits -> the file's name now
    for commit in commits:  # newest first
        for blob, path, renamed_from in commit.changes:
            now = known_as.get(path)
            if now is None:
                continue
            if blob != NO_BLOB:
                versions[now].append((commit.date, blob))
            if renamed_from is not None:
                del known_as[path]
                known_as[renamed_from] = now
            elif blob == NO_BLOB:  # deleted: older versions were another file of that name
                del known_as[path]
    return {name: found[::-1] for name, found in versions.items()}


def _readings(raw: bytes) -> Readings:
    """What one version of a file says: each metric's ``current`` and each milestone's ``done``, with
    each key result's ``confidence``. A version that cannot be read says nothing."""
    split = split_front_matter(raw.decode("utf-8-sig", "replace").replace("\r\n", "\n"))
    try:
        front = yaml.load(split[0], Loader=_Loader) if split else None
    except yaml.YAMLError:
        return {}
    readings: Readings = {}
    objectives = front.get("objectives") if isinstance(front, dict) else None
    for objective in objectives if isinstance(objectives, list) else ():
        key_results = objective.get("key_results") if isinstance(objective, dict) else None
        for kr in key_results if isinstance(key_results, list) else ():
            if isinstance(kr, dict) and isinstance(kr.get("id"), str) and isinstance(objective.get("id"), str):
                reading = _reading(kr), _confidence(kr)
                if reading != (None, None):
                    readings[objective["id"], kr["id"]] = reading
    return readings


def _reading(kr: dict) -> float | bool | None:
    if kr.get("type", "metric") == "milestone":
        done = kr.get("done")
        return done if isinstance(done, bool) else None
    current = kr.get("current")
    return current if isinstance(current, (int, float)) and not isinstance(current, bool) else None


def _confidence(kr: dict) -> float | None:
    """The key result's ``confidence`` when it is one the schema accepts (0..1), else None."""
    confidence = kr.get("confidence")
    if isinstance(confidence, (int, float)) and not isinstance(confidence, bool) and 0 <= confidence <= 1:
        return confidence
    return None


def _checkins(versions: list[tuple[dt.date, Readings]]) -> dict[tuple[str, str], list[CheckIn]]:
    """A check-in for each change of a reading or of a confidence, the last of the day when a day has
    several (with the day's last new confidence). A metric's first ``current`` counts as a change; a
    milestone starts not done, so only marking it done does. A check-in carries a confidence only when
    it changed; a metric's confidence changes before its first ``current`` make no check-in (nothing to
    date a value by): the key result's own ``confidence`` still shows the latest."""
    values: dict[tuple[str, str], float | bool] = {}  # the last reading of each key result
    confidences: dict[tuple[str, str], float] = {}  # the last confidence of each key result
    by_day: dict[tuple[str, str], dict[dt.date, tuple[float, float | None]]] = defaultdict(dict)
    for date, readings in versions:
        for key, (value, confidence) in readings.items():
            if isinstance(value, bool):
                values.setdefault(key, False)  # a milestone starts not done
            moved = value is not None and value != values.get(key)
            if moved:
                values[key] = value
            told = confidence is not None and confidence != confidences.get(key)
            if told:
                confidences[key] = confidence
            now = values.get(key)
            if (moved or told) and now is not None:
                earlier = by_day[key].get(date, (None, None))[1]
                by_day[key][date] = (float(now) if isinstance(now, bool) else now, confidence if told else earlier)
    return {key: [CheckIn(date, value, confidence=confidence) for date, (value, confidence) in sorted(days.items())]
            for key, days in by_day.items()}
