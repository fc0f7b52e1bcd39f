"""Stage 6: write the rendered files into the output folder, all or nothing.

Every build that changes anything makes a complete new tree beside the output
and then puts it in the output's place in one step, as databases and package
managers do:

1. A staging folder is made beside the output (``.public.okrsite-new-*``).
2. The files that stay as they are, okrsite's own unchanged files and every file
   okrsite did not write, are hard links into it: no bytes are copied.
3. New and changed files are written into it.
4. It takes the output's place: where the system can (Linux), one atomic exchange
   of the two names; elsewhere two renames, which the next build finishes or
   undoes if the process died between them.
5. The old tree, now at the staging folder's name, is removed.

A process that dies at any moment leaves either the old output or the new one,
whole. What a dead build left beside the output is removed by the next build;
a staging folder is locked while its build runs, so a second build into the
same folder never takes it for a leftover.
"""

from __future__ import annotations

import ctypes
import errno
import os
import secrets
import shutil
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: no locks, and builds into one folder must not overlap
    fcntl = None


MANIFEST = ".okrsite-manifest"  # the files okrsite wrote into an output folder, one path a line
NEW, OLD = "new", "old"  # kinds of folders beside the output: ``.public.okrsite-new-*``, ``.public.okrsite-old-*``

Stat = tuple[int, int, int]  # (inode, size, mtime in ns) of a file: changes when anything rewrites it


def file_stat(info: os.stat_result) -> Stat:
    return info.st_ino, info.st_size, info.st_mtime_ns


def _write_all_of(handle: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(handle, view):]


class OutputConflict(Exception):
    """The build would overwrite a file in the output folder that okrsite did not write."""

    def __init__(self, path: Path):
        super().__init__(f"{path} is in the way: okrsite did not write it and will not overwrite it")
        self.path = path


def read_manifest(out: Path) -> set[str] | None:
    """The paths okrsite wrote into ``out``, or ``None`` when it has no manifest."""
    try:
        return set((out / MANIFEST).read_text(encoding="utf-8").splitlines()) - {""}
    except (OSError, UnicodeDecodeError):
        return None


def output_problem(out: Path, site_root: Path, force: bool = False) -> str | None:
    """Why ``out`` must not be written by a build of ``site_root``, or ``None`` when it is safe.

    okrsite deletes only files its manifest names, so the output folder must not hold
    the site's own files, and a folder it did not write needs ``force``.
    """
    out, root = out.resolve(), site_root.resolve()
    if out == Path(out.anchor) or out == Path.home().resolve():
        return "it is the root or home folder: choose a folder such as public/"
    if out == root or out in root.parents:
        return "it holds the site itself: choose a folder such as public/"
    for name in ("content", "themes"):
        source = root / name
        if out == source or source in out.parents:
            return f"it is inside the site's {name}/ folder"
    if out.exists() and not out.is_dir():
        return "it is a file"
    if not force and out.is_dir() and any(out.iterdir()) and read_manifest(out) is None:
        return (f"it is not empty and okrsite did not write it (it has no {MANIFEST}): choose another folder, "
                "or add --force to write beside what is there (nothing of it is deleted or overwritten)")
    return None


def _inside(folder: Path, relative: str) -> Path:
    target = folder / relative
    if ".." in Path(relative).parts or Path(relative).is_absolute():
        raise ValueError(f"an output path escapes the output folder: {relative}")
    return target


def _parents(relative: str) -> Iterable[str]:
    """``a`` and ``a/b`` for ``a/b/c.html``."""
    index = relative.find("/")
    while index != -1:
        yield relative[:index]
        index = relative.find("/", index + 1)


#: What a tree of folders held when it was last read: for each folder (``""``, ``"a/"``,
#: ``"a/b/"``) its modification time and the names of its files and of its folders.
Listing = dict[str, tuple[int, list[str], list[str]]]
RECENT_NS = 2_000_000_000  # a folder changed this shortly before it was read may change again unseen


class OutputFolder:
    """What an output folder holds now: its files (every entry that is not a folder, symlinks
    too), its empty folders, which files okrsite wrote (its manifest) and which it did not.

    Given the :data:`Listing` of the same tree from an earlier read, folders whose
    modification time has not changed since (and was not too recent then: the
    clock of some file systems is coarse) are not read again: adding, removing
    or renaming an entry changes a folder's time. :attr:`listing` is this read's.
    """

    def __init__(self, out: Path, known: Listing | None = None):
        self.files: set[str] = set()
        self.empty_folders: list[str] = []
        self.ours: set[str] = set()
        self.listing: Listing = {}
        if out.is_dir():
            self._scan(str(out), known or {})
            self.ours = (read_manifest(out) or set()) & self.files
        self.foreign = self.files - self.ours - {MANIFEST}  # kept in every build, never overwritten

    def _scan(self, out: str, known: Listing) -> None:
        read_at = time.time_ns()
        pending = [""]
        while pending:  # iterative: no depth limit
            prefix = pending.pop()
            folder = f"{out}/{prefix}"
            mtime = os.lstat(folder).st_mtime_ns
            seen = known.get(prefix)
            if seen is not None and seen[0] == mtime:
                names, folders = seen[1], seen[2]
            else:
                names, folders = [], []
                with os.scandir(folder) as found:
                    for entry in found:
                        (folders if entry.is_dir(follow_symlinks=False) else names).append(entry.name)
            if read_at - mtime > RECENT_NS:
                self.listing[prefix] = (mtime, names, folders)
            self.files.update(prefix + name for name in names)
            pending.extend(f"{prefix}{name}/" for name in folders)
            if prefix and not names and not folders:
                self.empty_folders.append(prefix[:-1])

    def check_room(self, paths: Iterable[str], out: Path) -> None:
        """Raise :class:`OutputConflict` if writing ``paths`` would overwrite a file okrsite did not
        write, or need a folder where such a file is (or a file where its folder is)."""
        foreign = self.foreign
        if not foreign and not self.empty_folders:
            return
        taken = foreign | set(self.empty_folders) | {p for f in foreign for p in _parents(f)}
        for path in paths:
            if path in taken:
                raise OutputConflict(out / path)
            for parent in _parents(path):
                if parent in foreign:
                    raise OutputConflict(out / parent)


@dataclass
class Spare:
    """The tree a build replaced, kept (locked) for the next build of a watching process to reuse:
    it holds the same files as the output but ``differs``, and ``foreign`` are the files okrsite
    did not write, which both trees hold."""

    folder: Path
    lock: int | None
    differs: set[str]
    foreign: set[str]
    listing: Listing  # what the spare held when it was last read (see OutputFolder)

    def discard(self) -> None:
        _discard(self.folder, self.lock)


class Staging:
    """A new output tree, made beside ``out`` and put in its place by :meth:`commit`.

    Use it as a context manager: leaving it without a commit removes it.
    :meth:`write` may be called from forked worker processes too. Given the
    ``spare`` of the last build, it brings that tree up to date with the output
    instead of linking every file again, so the work is that of the change.
    """

    def __init__(self, out: Path, spare: Spare | None = None, known: Listing | None = None):
        """``known``: the output's :data:`Listing` from an earlier read, when there was one."""
        self.out = out.resolve()
        self.out.parent.mkdir(parents=True, exist_ok=True)
        remove_leftovers(self.out)  # a spare is locked: left alone
        self.before = OutputFolder(self.out, known)
        self.listing_after: Listing = {}  # the listing of the tree at ``out`` once committed
        self.recycled = spare is not None and spare.folder.is_dir()
        if self.recycled:
            self.folder, self._lock = spare.folder, spare.lock
        else:
            if spare is not None:
                spare.discard()
            self.folder = Path(tempfile.mkdtemp(prefix=_prefix(self.out, NEW), dir=self.out.parent))
            self._lock = _lock(self.folder)
        self._root, self._source = str(self.folder), str(self.out)
        self._made: set[str] = {self._root}
        self._committed = False
        if self.recycled:
            self._spare_listing = spare.listing
            self._catch_up(spare.differs | (spare.foreign ^ self.before.foreign))

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, *exc) -> None:
        if not self._committed:
            _discard(self.folder, self._lock)

    def _folder_for(self, relative: str) -> None:
        folder = os.path.dirname(f"{self._root}/{relative}")
        if folder not in self._made:
            os.makedirs(folder, exist_ok=True)
            self._made.add(folder)

    def write(self, relative: str, data: bytes) -> Stat:
        """Write a new file; an error names the file in the output folder, not in the staging one."""
        target = str(_inside(self.folder, relative))
        try:
            self._folder_for(relative)
            if self.recycled:
                _remove(target)
            handle = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except OSError as exc:
            raise OSError(exc.errno, exc.strerror, str(self.out / relative)) from None
        try:
            _write_all_of(handle, data)
            return file_stat(os.fstat(handle))
        finally:
            os.close(handle)

    def _keep(self, paths: Iterable[str]) -> None:
        """Carry these files of the output over as they are (hard links, or copies where the
        file system has none)."""
        for relative in paths:
            self._folder_for(relative)
            _link(f"{self._source}/{relative}", f"{self._root}/{relative}")

    def _drop(self, paths: Iterable[str]) -> None:
        """Remove these files from the tree, and the folders they leave empty."""
        for relative in paths:
            _remove(f"{self._root}/{relative}")
            _remove_empty(os.path.dirname(relative), self._root)
        self._made = {self._root}

    def _catch_up(self, paths: set[str]) -> None:
        """Make a spare tree what the output is now: ``paths`` are where they may differ."""
        self._drop(paths)
        self._keep(sorted(paths & self.before.files))

    def commit(self, written: Iterable[str], fresh: Iterable[str], keep_old: bool = False) -> Spare | None:
        """Make the staging folder the output. ``written`` are all the files of okrsite's in the
        new site, ``fresh`` those written into the staging folder: the others are carried over
        from the output, with every file okrsite did not write. With ``keep_old``, the old
        tree is returned as the next build's spare, where the system can swap in one step."""
        written, fresh = set(written), set(fresh)
        if self.recycled:
            self._drop(sorted(self.before.ours - written))
        else:
            self._keep(sorted(written - fresh))
            self._keep(sorted(self.before.foreign))
        for folder in self.before.empty_folders:
            os.makedirs(f"{self._root}/{folder}", exist_ok=True)
        same_files = self.recycled and written == self.before.ours  # a spare's manifest is the output's
        if not same_files:
            _remove(f"{self._root}/{MANIFEST}")
            _write_manifest(self.folder, written)
        os.chmod(self.folder, 0o755)
        if keep_old and self.out.exists() and exchange(self.folder, self.out):
            differs = fresh | (self.before.ours - written) | (set() if same_files else {MANIFEST})
            old = Spare(self.folder, _lock(self.folder), differs, self.before.foreign, self.before.listing)
            self.listing_after = self._spare_listing if self.recycled else {}
        else:
            old = None
            _swap(self.folder, self.out)  # if it fails, leaving the context removes the staging folder
        self._committed = True
        _unlock(self._lock)  # held on the new output now
        return old

    def mirror(self) -> Spare:
        """Make this new tree what the output is (hard links) and keep it as the next build's spare,
        so the first build that changes anything costs what it changes, as later ones do."""
        self._keep(sorted(self.before.files))  # the manifest and the files okrsite did not write too
        for folder in self.before.empty_folders:
            os.makedirs(f"{self._root}/{folder}", exist_ok=True)
        os.chmod(self.folder, 0o755)
        self._committed = True
        self.listing_after = self.before.listing
        return Spare(self.folder, self._lock, set(), self.before.foreign, {})

    def unused(self) -> Spare | None:
        """When the build writes nothing after all: a spare brought up to date stays the spare."""
        if not self.recycled:
            return None
        self._committed = True
        self.listing_after = self.before.listing
        return Spare(self.folder, self._lock, set(), self.before.foreign, self._spare_listing)


def _discard(folder: Path, lock: int | None) -> None:
    """Remove a tree of this build's and let go of its lock."""
    try:
        shutil.rmtree(folder, ignore_errors=True)
    finally:
        _unlock(lock)


def _write_manifest(folder: Path, paths: Iterable[str]) -> None:
    (folder / MANIFEST).write_text("".join(f"{p}\n" for p in sorted(paths)), encoding="utf-8")


def _link(source: str, target: str) -> None:
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.EXDEV, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK):
            raise
        shutil.copy2(source, target, follow_symlinks=False)


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    except IsADirectoryError:
        shutil.rmtree(path)


def _remove_empty(relative: str, root: str) -> None:
    """Remove the folder ``relative`` below ``root`` and its parents while they are empty."""
    while relative:
        try:
            os.rmdir(f"{root}/{relative}")
        except OSError:  # not empty, or already gone
            return
        relative = os.path.dirname(relative)


# --- putting the new tree in place -----------------------------------------------------------

RENAME_EXCHANGE = 2  # linux/fs.h


def _exchange_names():
    """Linux's renameat2(2), which swaps two names in one step, or ``None``."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # a C library without it (glibc before 2.28)
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


_renameat2 = _exchange_names()
AT_FDCWD = -100


def exchange(first: Path, second: Path) -> bool:
    """Swap what the two paths name in one atomic step; ``False`` where the system cannot."""
    if _renameat2 is None:
        return False
    if _renameat2(AT_FDCWD, os.fsencode(first), AT_FDCWD, os.fsencode(second), RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):  # not on this file system
        return False
    raise OSError(code, os.strerror(code), str(second))


def _swap(staging: Path, out: Path) -> None:
    """Put ``staging`` where ``out`` is and remove the old output."""
    if not out.exists():
        os.rename(staging, out)
    elif exchange(staging, out):
        shutil.rmtree(staging, ignore_errors=True)  # the old output now
    else:
        old = out.parent / f"{_prefix(out, OLD)}{os.getpid()}-{secrets.token_hex(4)}"
        lock = _lock(out)
        try:
            os.rename(out, old)  # dying from here to the next line: the next build puts ``old`` back
            os.rename(staging, out)
        except BaseException:
            if not out.exists() and old.exists():
                os.rename(old, out)
            raise
        finally:
            _unlock(lock)
        shutil.rmtree(old, ignore_errors=True)


def _prefix(out: Path, kind: str) -> str:
    return f".{out.name}.okrsite-{kind}-"


def remove_leftovers(out: Path) -> None:
    """Clear what builds that died left beside ``out``: staging folders are removed, and an old
    output moved aside for a swap that never finished is put back (or removed if a new one is in
    place). Folders of builds still running are locked and left alone."""
    parent = out.parent
    if not parent.is_dir():
        return
    with os.scandir(parent) as found:
        names = sorted(entry.name for entry in found if entry.name.startswith(f".{out.name}.okrsite-"))
    for kind in (OLD, NEW):
        for name in (name for name in names if name.startswith(_prefix(out, kind))):
            path = parent / name
            if path.is_symlink() or not path.is_dir():
                continue
            lock = _lock(path, wait=False)
            if lock is None:  # a build in progress
                continue
            try:
                if kind == OLD and not out.exists():
                    os.rename(path, out)
                else:
                    shutil.rmtree(path, ignore_errors=True)
            finally:
                _unlock(lock)


def _lock(folder: Path, wait: bool = True) -> int | None:
    """Lock ``folder`` for this process (an open handle, or ``None`` when another process holds it)."""
    if fcntl is None:
        return -1
    try:
        handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return None
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except OSError:
        os.close(handle)
        return None
    return handle


def _unlock(handle: int | None) -> None:
    if handle is not None and handle >= 0:
        os.close(handle)
