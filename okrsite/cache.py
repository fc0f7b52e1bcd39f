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
from okrsite.parallel import run_all
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
        self._unreadable: dict[Path, Entry] = {}  # files the latest build could not read

    def start_build(self) -> None:
        self.parsed = []

    def entries(self, paths: list[Path]) -> list[Entry]:
        """The entries of files given to :meth:`read` (an error entry for a file it could not read)."""
        return [self._entries.get(path) or self._unreadable[path] for path in paths]

    def read(self, files: dict[Path, str], jobs: int = 1) -> None:
        """Bring the entries of ``files`` (path -> cycle id) up to date, parsing new or changed
        files, in ``jobs`` processes when there are many."""
        self._unreadable = {}
        stale: list[tuple[Path, str, tuple[int, int, int], bytes, str]] = []
        for path, cycle_id in files.items():
            entry = self._entries.get(path)
            try:
                info = path.stat()
                stat = (info.st_ino, info.st_size, info.st_mtime_ns)
                if entry is not None and entry.stat == stat:
                    continue
                raw = path.read_bytes()
            except OSError as exc:
                message = f"cannot read file: {exc.strerror}"
                self._entries.pop(path, None)
                self._unreadable[path] = Entry((0, 0, 0), "", None, [Diagnostic(display_path(path), None, "error", message)])
                continue
            digest = hashlib.sha256(raw).hexdigest()
            if entry is not None and entry.digest == digest:
                entry.stat = stat
            else:
                stale.append((path, cycle_id, stat, raw, digest))
        for chunk in run_all(_parse, stale, jobs):
            for index, (owner, diagnostics) in chunk:
                path, _, stat, _, digest = stale[index]
                self._entries[path] = Entry(stat, digest, owner, diagnostics)
                self.parsed.append(path)

    def forget_others(self, paths: set[Path], cycle_ids: set[str]) -> None:
        """Drop what belongs to files and cycles that no longer exist."""
        for path in set(self._entries) - paths:
            del self._entries[path]
        for cycle_id in set(self.cycles) - cycle_ids:
            del self.cycles[cycle_id]


def _parse(file: tuple[Path, str, tuple[int, int, int], bytes, str]) -> tuple[Owner | None, list[Diagnostic]]:
    path, cycle_id, _, raw, _ = file
    found = Diagnostics()
    document = parse_document(raw, path, display_path(path), cycle_id, found)
    owner = build_owner(document, found) if document is not None else None
    return owner, found.items
