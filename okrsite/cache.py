"""Owners parsed from OKR files, kept between builds and reused while a file's bytes are unchanged.

Watch mode keeps one :class:`OwnerCache` for its whole run, so after an edit only
the edited file is read as YAML and checked again; every other owner is reset
(:meth:`okrsite.model.Owner.reset`) and linked anew.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from okrsite.diagnostics import Diagnostic, Diagnostics, display_path
from okrsite.load import parse_document
from okrsite.model import Owner
from okrsite.schema import build_owner


@dataclass
class _Entry:
    stat: tuple[int, int, int]  # (inode, size, mtime in ns): unchanged means the bytes are too
    digest: str
    owner: Owner | None
    diagnostics: list[Diagnostic]


class OwnerCache:
    """Parsed owners keyed by path and content hash."""

    def __init__(self) -> None:
        self._entries: dict[Path, _Entry] = {}
        self.parsed: list[Path] = []  # files parsed by the latest build, for reports

    def start_build(self) -> None:
        self.parsed = []

    def owners(self, paths: list[Path], cycle_id: str, diagnostics: Diagnostics) -> tuple[list[Owner], set[str]]:
        """The owners of a cycle's files, parsing only files that are new or changed,
        and the ids of files whose errors kept them from making an owner."""
        owners, broken = [], set()
        for path in paths:
            entry = self._entry(path, cycle_id)
            for item in entry.diagnostics:
                diagnostics.add(item)
            if entry.owner is not None:
                entry.owner.reset()
                owners.append(entry.owner)
            else:
                broken.add(path.stem)
        return owners, broken

    def forget_others(self, paths: set[Path]) -> None:
        """Drop the entries of files that no longer exist."""
        for path in set(self._entries) - paths:
            del self._entries[path]

    def _entry(self, path: Path, cycle_id: str) -> _Entry:
        entry = self._entries.get(path)
        try:
            info = path.stat()
            stat = (info.st_ino, info.st_size, info.st_mtime_ns)
            if entry is not None and entry.stat == stat:
                return entry
            raw = path.read_bytes()
        except OSError as exc:
            message = f"cannot read file: {exc.strerror}"
            return _Entry((0, 0, 0), "", None, [Diagnostic(display_path(path), None, "error", message)])
        digest = hashlib.sha256(raw).hexdigest()
        if entry is not None and entry.digest == digest:
            entry.stat = stat
            return entry
        self.parsed.append(path)
        found = Diagnostics()
        document = parse_document(raw, path, display_path(path), cycle_id, found)
        owner = build_owner(document, found) if document is not None else None
        entry = self._entries[path] = _Entry(stat, digest, owner, found.items)
        return entry
