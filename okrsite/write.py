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
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path

from okrsite.outputfolder import MANIFEST, OutputConflict, OutputFolder, read_manifest

try:
    import fcntl
except ImportError:  # Windows: no locks, and builds into one folder must not overlap
    fcntl = None


__all__ = ["MANIFEST", "OutputConflict", "OutputFolder", "Spare", "Staging", "read_manifest"]

NEW, OLD = "new", "old"  # kinds of folders beside the output: ``.public.okrsite-new-*``, ``.public.okrsite-old-*``

Stat = tuple[int, int, int]  # (inode, size, mtime in ns) of a file: changes when anything rewrites it
NO_STAT: Stat = (0, 0, 0)  # the stat of a file written by a build that keeps no record of it


def file_stat(info: os.stat_result) -> Stat:
    return info.st_ino, info.st_size, info.st_mtime_ns


def _write_all_of(handle: int, data: bytes) -> None:
    written = os.write(handle, data)  # all of it, most often: no view made
    if written < len(data):
        view = memoryview(data)[written:]
        while view:
            view = view[os.write(handle, view):]


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


def _inside(root: str, relative: str) -> str:
    """``relative`` in the folder ``root``; an error when it would lead out of it (a bug of okrsite's:
    every output path comes from okrsite.urls). Strings, not paths: it runs for every file written, and
    looks closely only at a path that could lead out (absolute, with a drive, or with "..")."""
    if relative.startswith(("/", "\\")) or ":" in relative or ".." in relative:
        if os.path.isabs(relative) or ".." in relative.replace("\\", "/").split("/"):
            raise ValueError(f"an output path escapes the output folder: {relative}")
    return f"{root}/{relative}"


@dataclass
class Spare:
    """The tree a build replaced, kept (locked) for the next build of a watching process to reuse:
    it holds the same files as the output but ``differs``, and ``foreign`` are the files okrsite
    did not write, which both trees hold."""

    folder: Path
    lock: int | None
    differs: set[str]
    foreign: set[str]  # a copy: the output's OutputFolder changes as it is read again
    state: OutputFolder | None  # what the spare held when it was last read, as the output (None: not known)

    def discard(self) -> None:
        if self.state is not None:
            self.state.close()
        _discard(self.folder, self.lock)


class Staging:
    """A new output tree, made beside ``out`` and put in its place by :meth:`commit`.

    Use it as a context manager: leaving it without a commit removes it.
    :meth:`write` may be called from forked worker processes too. Given the
    ``spare`` of the last build, it brings that tree up to date with the output
    instead of linking every file again, so the work is that of the change.
    """

    def __init__(self, out: Path, spare: Spare | None = None, known: OutputFolder | None = None,
                 events: bool = False):
        """``known``: what an earlier read found in the output, brought up to date here (and so changed);
        without it, the output is read, asking the system to report its changes from then on with
        ``events`` (see :class:`OutputFolder`)."""
        self.out = out.resolve()
        self.state_after: OutputFolder | None = None  # what is known of the tree at ``out`` once committed
        self.manifest_after: bytes | None = None  # the bytes of its manifest, once committed
        self.recycled = spare is not None and spare.folder.is_dir()
        self._committed = False
        try:
            self.out.parent.mkdir(parents=True, exist_ok=True)
            remove_leftovers(self.out)  # a spare is locked: left alone
            if known is None:
                known = OutputFolder(self.out, events)
            else:
                known.refresh(self.out)
            self.before = known
        except BaseException:  # Ctrl-C too: the spare is this staging's to remove
            if spare is not None:
                spare.discard()
            raise
        if self.recycled:
            self.folder, self._lock = spare.folder, spare.lock
        else:
            if spare is not None:
                spare.discard()
            self.folder = Path(tempfile.mkdtemp(prefix=_prefix(self.out, NEW), dir=self.out.parent))
            self._lock = _lock(self.folder)
        self._root, self._source = str(self.folder), str(self.out)
        self._made: set[str] = {self._root}
        if self.recycled:
            self._spare_state = spare.state
            try:  # what the last build changed, files of others that came or went, okrsite's deleted by hand
                self._catch_up(spare.differs | (spare.foreign ^ self.before.foreign) | self.before.missing)
            except BaseException:
                _discard(self.folder, self._lock)
                raise

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, *exc) -> None:
        if not self._committed:
            _discard(self.folder, self._lock)

    def _folder_for(self, relative: str) -> None:
        folder = os.path.dirname(f"{self._root}/{relative}")
        if folder not in self._made:
            try:  # its parent is most often made already: one call
                os.mkdir(folder)
            except OSError:  # it is there already, or its parent is not
                os.makedirs(folder, exist_ok=True)
            self._made.add(folder)

    def write(self, relative: str, data: bytes, stat: bool = True) -> Stat:
        """Write a new file and return its stat (without ``stat``, :data:`NO_STAT`: a build that records
        nothing); an error names the file in the output folder, not in the staging one."""
        target = _inside(self._root, relative)
        try:
            self._folder_for(relative)
            if self.recycled:
                _remove(target)
            handle = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except OSError as exc:
            raise OSError(exc.errno, exc.strerror, str(self.out / relative)) from None
        try:
            _write_all_of(handle, data)
            return file_stat(os.fstat(handle)) if stat else NO_STAT
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

    def commit(self, written: Collection[str], fresh: Iterable[str], keep_old: bool = False,
               same_paths: bool = False) -> Spare | None:
        """Make the staging folder the output. ``written`` are all the files of okrsite's in the
        new site (a set, or a dict keyed by them), ``fresh`` those written into the staging
        folder: the others are carried over from the output, with every file okrsite did not
        write. ``same_paths``: the caller knows ``written`` are the files of the output's manifest.
        With ``keep_old``, the old tree is returned as the next build's spare, where the system can
        swap in one step. :attr:`manifest_after` is then the manifest of the output."""
        fresh = set(fresh)
        # okrsite's files that are no longer written
        dropped = set() if same_paths else self.before.ours.difference(written)
        if self.recycled:
            self._drop(sorted(dropped))
        else:
            self._keep(sorted(path for path in written if path not in fresh))
            self._keep(sorted(self.before.foreign))
        for folder in self.before.empty_folders:
            os.makedirs(f"{self._root}/{folder}", exist_ok=True)
        # a spare's manifest is the output's, right when every file of the manifest is there and written
        same_files = self.recycled and not dropped and len(written) == len(self.before.ours) \
            and not self.before.missing
        self.manifest_after = self.before.manifest_bytes
        if not same_files:
            _remove(f"{self._root}/{MANIFEST}")
            self.manifest_after = _write_manifest(self.folder, written)
        os.chmod(self.folder, 0o755)
        if keep_old and self.out.exists() and exchange(self.folder, self.out):
            differs = fresh | dropped | (set() if same_files else {MANIFEST})
            old = Spare(self.folder, _lock(self.folder), differs, set(self.before.foreign), self.before)
            self.state_after = self._spare_state if self.recycled else None
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
        self.state_after = self.before
        return Spare(self.folder, self._lock, set(), set(self.before.foreign), None)

    def unused(self) -> Spare | None:
        """When the build writes nothing after all: a spare brought up to date stays the spare."""
        if not self.recycled:
            return None
        self._committed = True
        self.state_after = self.before
        return Spare(self.folder, self._lock, set(), set(self.before.foreign), self._spare_state)


def _discard(folder: Path, lock: int | None) -> None:
    """Remove a tree of this build's and let go of its lock."""
    try:
        shutil.rmtree(folder, ignore_errors=True)
    finally:
        _unlock(lock)


def _write_manifest(folder: Path, paths: Iterable[str]) -> bytes:
    data = "".join(f"{p}\n" for p in sorted(paths)).encode("utf-8")
    (folder / MANIFEST).write_bytes(data)
    return data


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
