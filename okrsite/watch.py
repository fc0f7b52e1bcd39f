"""Watch mode: notice saves in a site's content, themes and settings, and rebuild.

:class:`Watcher` turns watchdog's file events into batches of changed paths: it
ignores editors' temporary files and waits until the saves have settled: a
file is taken :data:`SETTLED` after it was closed, renamed into place or
deleted (the save is whole), and :data:`QUIET` after any other event (a file
still being written; an editor that writes a file in three parts gives one batch).
:func:`watch` runs the rebuild loop shared by ``okrsite watch`` and ``okrsite serve``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from watchdog.events import (EVENT_TYPE_CLOSED, EVENT_TYPE_CLOSED_NO_WRITE, EVENT_TYPE_DELETED, EVENT_TYPE_MODIFIED,
                             EVENT_TYPE_MOVED, EVENT_TYPE_OPENED, FileSystemEvent, FileSystemEventHandler)
from watchdog.observers import Observer

from okrsite.build import BuildReport
from okrsite.diagnostics import plural

QUIET = 0.05  # seconds without events before a batch is taken: more than an editor's gap between writes
SETTLED = 0.015  # ... when every file of the batch was last closed, renamed into place or deleted: saves that go together
WHOLE = (EVENT_TYPE_CLOSED, EVENT_TYPE_MOVED, EVENT_TYPE_DELETED)  # events after which a file is whole (or gone)
LONGEST_WAIT = 1.0  # a stream of events is cut into batches at least this often
TEMPORARY_SUFFIXES = (".swp", ".swo", ".swx", ".swpx", "~", ".tmp", ".temp", ".bak", ".orig", ".part", ".crdownload")
WATCHED = ("content", "themes", "site.toml")


def is_relevant(path: Path, root: Path) -> bool:
    """Whether a change at ``path`` can change the site: content, themes or site.toml, not editor litter."""
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        return False
    if not parts or parts[0] not in WATCHED:
        return False
    name = parts[-1]
    if name.startswith((".#", "#", "~$")) or name.endswith(TEMPORARY_SUFFIXES) or name == "4913":
        return False  # emacs locks and autosaves, vim swap files and its 4913 probe, backups
    return not any(part.startswith(".") for part in parts[1:])


class ChangeQueue:
    """Changed paths from the watcher thread, taken in settled batches by the build loop."""

    def __init__(self, quiet: float = QUIET, longest: float = LONGEST_WAIT, settled: float = SETTLED):
        self.quiet, self.longest, self.settled = quiet, longest, min(settled, quiet)
        self._paths: set[Path] = set()
        self._writing: dict[Path, float] = {}  # paths whose last event may be a save in progress, and its time
        self._last = 0.0
        self._condition = threading.Condition()

    def add(self, path: Path, whole: bool = False) -> None:
        """``path`` changed; ``whole`` when the event says the file is complete (closed after
        writing, renamed into place, deleted), so the batch need not wait :attr:`quiet` for it."""
        with self._condition:
            self._paths.add(path)
            self._last = time.monotonic()
            if whole:
                self._writing.pop(path, None)
            else:
                self._writing[path] = self._last
            self._condition.notify_all()

    def _wait_left(self, now: float) -> float:
        """Seconds until the batch has settled (0 or less once it has)."""
        left = self.settled - (now - self._last)
        if self._writing:
            left = max(left, self.quiet - (now - max(self._writing.values())))
        return left

    def take(self, stop: threading.Event) -> set[Path]:
        """Wait for changes, then until they settle; empty when ``stop`` is set first."""
        with self._condition:
            while not self._paths:
                if stop.is_set():
                    return set()
                self._condition.wait(0.1)
            first = time.monotonic()
            while not stop.is_set():
                now = time.monotonic()
                left = self._wait_left(now)
                if left <= 0 or now - first >= self.longest:
                    break
                self._condition.wait(min(left, self.longest - (now - first)))
            taken, self._paths = self._paths, set()
            self._writing.clear()
            return taken


class _Events(FileSystemEventHandler):
    def __init__(self, root: Path, changes: ChangeQueue):
        self.root, self.changes = root, changes

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in (EVENT_TYPE_OPENED, EVENT_TYPE_CLOSED_NO_WRITE):
            return
        if event.is_directory and event.event_type == EVENT_TYPE_MODIFIED:
            return  # a file in it changed: that file has its own event
        whole = event.event_type in WHOLE
        for raw in (event.src_path, getattr(event, "dest_path", "")):
            if raw:
                path = Path(raw if isinstance(raw, str) else raw.decode())
                if is_relevant(path, self.root):
                    self.changes.add(path, whole)


class Watcher:
    """Watches ``content/``, ``themes/`` and ``site.toml`` of a site; use as a context manager."""

    def __init__(self, root: Path, changes: ChangeQueue):
        self.root = root.resolve()
        self.changes = changes
        self._observer = Observer()
        self._handler = _Events(self.root, changes)
        self._watched: set[Path] = set()

    def __enter__(self) -> Watcher:
        self._observer.schedule(self._handler, str(self.root), recursive=False)
        self.watch_new_folders()
        self._observer.start()
        return self

    def watch_new_folders(self) -> None:
        """Start watching ``content/`` or ``themes/`` once they exist."""
        for name in ("content", "themes"):
            folder = self.root / name
            if folder not in self._watched and folder.is_dir():
                self._observer.schedule(self._handler, str(folder), recursive=True)
                self._watched.add(folder)

    def __exit__(self, *exc) -> None:
        self._observer.stop()
        self._observer.join(timeout=5)


def describe(paths: set[Path], root: Path) -> str:
    """'content/2026-Q4/x.md changed' or '3 files changed' (tools' temporary files left out)."""
    if not paths:
        return "built"
    paths = {p for p in paths if p.exists() or p.suffix in (".md", ".toml")} or paths
    if len(paths) == 1:
        path = next(iter(paths))
        try:
            path = path.relative_to(root.resolve())
        except ValueError:
            pass
        return f"{path.as_posix()} changed"
    return f"{len(paths)} files changed"


def summary(report: BuildReport, what: str) -> str:
    """The one line a rebuild prints."""
    clock = time.strftime("%H:%M:%S")
    took = f"{report.seconds * 1000:.0f} ms"
    if report.site is None:
        errors = len(report.diagnostics.errors)
        return (f"{clock} {what}: {plural(errors, 'error')}; "
                f"the last good site stays ({took})")
    found = report.diagnostics
    problems = ", ".join(plural(len(items), kind) for items, kind in ((found.warnings, "warning"), (found.notes, "note"))
                         if items)
    return (f"{clock} {what}: {plural(report.pages, 'page')} written ({report.files} files) in {took}"
            + (f"; {problems}" if problems else ""))


def watch(root: Path, stop: threading.Event, rebuild: Callable[[set[Path]], None],
          ready: Callable[[], None] = lambda: None) -> None:
    """Call ``rebuild`` with every settled batch of changes until ``stop`` is set;
    ``ready`` is called once the watching has begun."""
    changes = ChangeQueue()
    with Watcher(root, changes) as watcher:
        ready()
        while not stop.is_set():
            paths = changes.take(stop)
            if paths:
                watcher.watch_new_folders()
                rebuild(paths)
