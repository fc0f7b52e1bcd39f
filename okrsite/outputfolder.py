"""What an output folder holds, read once and then kept up to date by looking only at what changed.

A build must know every file of the output folder that okrsite did not write (it
keeps them and never writes over them) and every file of its own that is gone (it
writes it again). Reading a site of 1,000 people's 9,000 folders costs a tenth of
a second, so watch mode keeps an :class:`OutputFolder` between builds and
:meth:`OutputFolder.refresh` reads again only the folders whose modification time
changed: adding, removing or renaming an entry changes its folder's time.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from pathlib import Path

from okrsite.folderevents import FolderEvents

MANIFEST = ".okrsite-manifest"  # the files okrsite wrote into an output folder, one path a line
RECENT_NS = 2_000_000_000  # a folder changed this shortly before it was read may change again unseen


class OutputConflict(Exception):
    """The build would overwrite a file in the output folder that okrsite did not write."""

    def __init__(self, path: Path):
        super().__init__(f"{path} is in the way: okrsite did not write it and will not overwrite it")
        self.path = path


def read_manifest(out: Path) -> set[str] | None:
    """The paths okrsite wrote into ``out``, or ``None`` when it has no manifest."""
    try:
        return _manifest_paths((out / MANIFEST).read_bytes())
    except (OSError, UnicodeDecodeError):
        return None


def _manifest_paths(data: bytes) -> set[str]:
    return set(data.decode("utf-8").splitlines()) - {""}


def _parents(relative: str) -> Iterable[str]:
    """``a`` and ``a/b`` for ``a/b/c.html``."""
    index = relative.find("/")
    while index != -1:
        yield relative[:index]
        index = relative.find("/", index + 1)


class OutputFolder:
    """What an output folder holds now: its files (every entry that is not a folder, symlinks
    too), its empty folders, which files okrsite wrote (its manifest) and which it did not.

    Folders are named by prefixes (``""``, ``"a/"``, ``"a/b/"``). A folder whose time has not
    changed since it was read (and was not too recent then: the clock of some file systems
    is coarse) is not read again by :meth:`refresh`. With ``events`` (watch mode), where the
    system reports changes (:mod:`okrsite.folderevents`), the folders it names are read again
    instead, without a look at the others' times.
    """

    def __init__(self, out: Path, events: bool = False):
        self.files: set[str] = set()
        self.ours: set[str] = set()  # the files of the manifest that are there
        self.foreign: set[str] = set()  # the files okrsite did not write: kept in every build, never overwritten
        self.missing: set[str] = set()  # the files of the manifest that are not there (deleted by hand)
        self.empty_folders: set[str] = set()  # ``a/b`` for the empty folder ``a/b/``
        self.read_again: set[str] = set()  # the files of the folders read again since the caller emptied it
        self._contents: dict[str, tuple[list[str], list[str]]] = {"": ([], [])}  # a folder's files and folders
        self._times: dict[str, int] = {}  # the folders known by their time
        self._manifest: set[str] = set()
        self._manifest_bytes = b""
        self._manifest_stat: tuple[int, int, int] | None = None
        self._events = FolderEvents.start() if events else None
        self.refresh(out)
        self.read_again = set()  # a first read has no earlier one to differ from

    def refresh(self, out: Path) -> None:
        """Bring what is known up to date with the folder ``out``: read again the folders that
        changed (all of them the first time), as the system reports them or by their times."""
        root, read_at = str(out), time.time_ns()
        if self.reported:
            reported = self._events.changed()
            changed = set(self._contents) if reported is None else reported | {""}  # "": perhaps a new folder
        else:
            changed = self._changed_by_time(root)
        for prefix in sorted(changed):  # a folder before those inside it
            if prefix in self._contents:  # not forgotten with a folder above it
                self._read(root, prefix, read_at)
        if self._read_manifest(root, read_at):
            self.ours = self._manifest & self.files
            self.missing = self._manifest - self.files
            self.foreign = self.files - self.ours - {MANIFEST}

    def _changed_by_time(self, root: str) -> set[str]:
        times, changed = self._times, set()
        for prefix in self._contents:
            try:
                if times.get(prefix) != os.lstat(f"{root}/{prefix}").st_mtime_ns:
                    changed.add(prefix)
            except OSError:
                changed.add(prefix)
        return changed

    @property
    def manifest_bytes(self) -> bytes:
        """The manifest as last read (empty when there is none)."""
        return self._manifest_bytes

    @property
    def reported(self) -> bool:
        """Whether the system reports the changes (the folders' times are not looked at)."""
        return self._events is not None and self._events.exact

    def close(self) -> None:
        """Stop the events (watch mode): the tree is removed, or no longer followed."""
        if self._events is not None:
            self._events.stop()

    def _read(self, root: str, top: str, read_at: int) -> None:
        """Read the folder ``top`` again, and every new folder inside it; forget what left it."""
        pending = [top]
        while pending:  # iterative: no depth limit
            prefix = pending.pop()
            old_names, old_folders = self._contents[prefix]
            if self._events is not None:  # before the listing: a change during it is reported
                self._events.watch(f"{root}/{prefix}", prefix)
            try:
                mtime = os.lstat(f"{root}/{prefix}").st_mtime_ns  # before the listing: a change during it shows
                names, folders = [], []
                with os.scandir(f"{root}/{prefix}") as found:
                    for entry in found:
                        (folders if entry.is_dir(follow_symlinks=False) else names).append(entry.name)
            except OSError:  # gone, or no longer a folder: its parent was read again too
                self._forget(prefix)
                if not prefix:
                    self._contents[""] = ([], [])
                continue
            self._contents[prefix] = (names, folders)
            if read_at - mtime > RECENT_NS:
                self._times[prefix] = mtime
            else:
                self._times.pop(prefix, None)
            if prefix and not names and not folders:
                self.empty_folders.add(prefix[:-1])
            else:
                self.empty_folders.discard(prefix[:-1])
            self._remove(prefix + name for name in set(old_names).difference(names))
            self._add(prefix + name for name in set(names).difference(old_names))
            self.read_again.update(prefix + name for name in names)
            for name in set(old_folders).difference(folders):
                self._forget(f"{prefix}{name}/")
            for name in folders:
                if f"{prefix}{name}/" not in self._contents:  # new: read it, and all inside it
                    self._contents[f"{prefix}{name}/"] = ([], [])
                    pending.append(f"{prefix}{name}/")

    def _forget(self, top: str) -> None:
        """Forget the folder ``top`` and everything known inside it."""
        pending = [top]
        while pending:
            prefix = pending.pop()
            names, folders = self._contents.pop(prefix, ((), ()))
            self._times.pop(prefix, None)
            if self._events is not None:
                self._events.forget(prefix)
            self.empty_folders.discard(prefix[:-1])
            self._remove(prefix + name for name in names)
            pending.extend(f"{prefix}{name}/" for name in folders)

    def _add(self, paths: Iterable[str]) -> None:
        for path in paths:
            self.files.add(path)
            if path in self._manifest:
                self.ours.add(path)
                self.missing.discard(path)
            elif path != MANIFEST:
                self.foreign.add(path)

    def _remove(self, paths: Iterable[str]) -> None:
        for path in paths:
            self.files.discard(path)
            self.ours.discard(path)
            self.foreign.discard(path)
            if path in self._manifest:
                self.missing.add(path)

    def _read_manifest(self, root: str, read_at: int) -> bool:
        """Read the manifest again unless its stat is the same (and was not too recent); whether the
        files it names changed."""
        try:
            info = os.stat(f"{root}/{MANIFEST}")
            stat = (info.st_ino, info.st_size, info.st_mtime_ns)
        except OSError:
            stat = None
        if stat is not None and stat == self._manifest_stat:
            return False
        try:
            data = Path(f"{root}/{MANIFEST}").read_bytes() if stat is not None else b""
        except OSError:
            data = b""
        self._manifest_stat = stat if stat is not None and read_at - stat[2] > RECENT_NS else None
        if data == self._manifest_bytes:  # the same bytes: nothing to sort again
            return False
        try:
            self._manifest = _manifest_paths(data)
        except UnicodeDecodeError:  # not okrsite's: it names no file
            self._manifest = set()
        self._manifest_bytes = data
        return True

    def check_room(self, paths: Iterable[str], out: Path) -> None:
        """Raise :class:`OutputConflict` if writing ``paths`` would overwrite a file okrsite did not
        write, or need a folder where such a file is (or a file where its folder is)."""
        foreign = self.foreign
        if not foreign and not self.empty_folders:
            return
        taken = foreign | self.empty_folders | {p for f in foreign for p in _parents(f)}
        for path in paths:
            if path in taken:
                raise OutputConflict(out / path)
            for parent in _parents(path):
                if parent in foreign:
                    raise OutputConflict(out / parent)
