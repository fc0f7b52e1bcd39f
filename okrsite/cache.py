"""Owners parsed from OKR files, kept between builds and reused while a file's bytes are unchanged.

Watch mode keeps one :class:`OwnerCache` for its whole run, so after an edit only
the edited file is read as YAML and checked again; the owners of its cycle are
reset (:meth:`okrsite.model.Owner.reset`) and linked anew, and a cycle none of
whose files changed is reused whole (see :func:`okrsite.build.load_site`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from okrsite.diagnostics import Diagnostic, Diagnostics, display_path
from okrsite.load import parse_document
from okrsite.model import Owner
from okrsite.schema import build_owner


@dataclass
class Entry:
    """One file as last read: its owner (``None`` when the file has errors) and its diagnostics."""

    stat: tuple[int, int, int]  # (inode, size, mtime in ns): unchanged means the bytes are too
    digest: str
    owner: Owner | None
    diagnostics: list[Diagnostic]


class OwnerCache:
    """Parsed owners keyed by path and content hash, and whole cycles built from unchanged files."""

    def __init__(self) -> None:
        self._entries: dict[Path, Entry] = {}
        self.cycles: dict[str, Any] = {}  # cycle id -> what build.py kept of its last linked cycle
        self.parsed: list[Path] = []  # files parsed by the latest build, for reports

    def start_build(self) -> None:
        self.parsed = []

    def entries(self, paths: list[Path], cycle_id: str) -> list[Entry]:
        """The entries of a cycle's files, parsing only files that are new or changed."""
        return [self._entry(path, cycle_id) for path in paths]

    def forget_others(self, paths: set[Path], cycle_ids: set[str]) -> None:
        """Drop what belongs to files and cycles that no longer exist."""
        for path in set(self._entries) - paths:
            del self._entries[path]
        for cycle_id in set(self.cycles) - cycle_ids:
            del self.cycles[cycle_id]

    def _entry(self, path: Path, cycle_id: str) -> Entry:
        entry = self._entries.get(path)
        try:
            info = path.stat()
            stat = (info.st_ino, info.st_size, info.st_mtime_ns)
            if entry is not None and entry.stat == stat:
                return entry
            raw = path.read_bytes()
        except OSError as exc:
            message = f"cannot read file: {exc.strerror}"
            return Entry((0, 0, 0), "", None, [Diagnostic(display_path(path), None, "error", message)])
        digest = hashlib.sha256(raw).hexdigest()
        if entry is not None and entry.digest == digest:
            entry.stat = stat
            return entry
        self.parsed.append(path)
        found = Diagnostics()
        document = parse_document(raw, path, display_path(path), cycle_id, found)
        owner = build_owner(document, found) if document is not None else None
        entry = self._entries[path] = Entry(stat, digest, owner, found.items)
        return entry
