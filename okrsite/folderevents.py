"""Which folders of a tree changed since they were last asked about, from the kernel (Linux's inotify).

An :class:`OutputFolder <okrsite.outputfolder.OutputFolder>` can learn which of its folders
changed from an ``lstat`` of each (9,000 of them at 1,000 people: 25 ms of every save)
or, where the system tells, from a queue of events: each watched folder reports every
entry added, removed or renamed in it, and the kernel queues the event before the call
that made the change returns, so reading the queue at a save misses nothing done before
it. The watches follow the folders themselves, not their names, as the output and its
spare tree swap names at every build. When the queue overflows, the caller reads every
folder again (and so watches it anew); where there is no inotify, or the system's limit
of watches is reached, it falls back to the folders' times.
"""

from __future__ import annotations

import ctypes
import errno
import os
import struct
import sys

# linux/inotify.h
IN_MODIFY = 0x2
IN_MOVED_FROM, IN_MOVED_TO, IN_CREATE, IN_DELETE = 0x40, 0x80, 0x100, 0x200
IN_DELETE_SELF, IN_MOVE_SELF = 0x400, 0x800
IN_Q_OVERFLOW = 0x4000
IN_ONLYDIR, IN_DONT_FOLLOW = 0x01000000, 0x02000000
IN_NONBLOCK, IN_CLOEXEC = os.O_NONBLOCK, os.O_CLOEXEC
# an entry added, removed or renamed, the folder itself gone or moved, and a file in it written
# (okrsite never writes a file of the output in place: only someone else does)
WATCHED = IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF | IN_MODIFY
EVENT = struct.Struct("iIII")  # wd, mask, cookie, len; then ``len`` bytes of name
SHARE = 2  # it takes at most 1/SHARE of the user's watches: the rest stays for watching the content, and others
LIMIT = "/proc/sys/fs/inotify/max_user_watches"


def _library():
    if not sys.platform.startswith("linux"):
        return None
    try:
        library = ctypes.CDLL(None, use_errno=True)
        library.inotify_init1.argtypes = [ctypes.c_int]
        library.inotify_add_watch.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_uint32]
        library.inotify_rm_watch.argtypes = [ctypes.c_int, ctypes.c_int]
    except (OSError, AttributeError):
        return None
    return library


_libc = _library()


def _user_watches() -> int:
    """How many folders one user may watch (Linux's ``max_user_watches``; its old default when unknown)."""
    try:
        with open(LIMIT, encoding="ascii") as limit:
            return int(limit.read())
    except (OSError, ValueError):
        return 8192


class FolderEvents:
    """The folders of one tree, by prefix (``""``, ``"a/"``), that changed since :meth:`changed` was
    last called. :attr:`exact` turns false for good when a folder could not be watched (the
    system's limit): the caller must then look for itself."""

    def __init__(self, handle: int):
        self._handle = handle
        self._prefixes: dict[int, str] = {}  # watch -> folder
        self._watches: dict[str, int] = {}  # folder -> watch
        self._most = _user_watches() // SHARE
        self.exact = True

    @classmethod
    def start(cls) -> FolderEvents | None:
        """A new queue, or ``None`` where the system has none (or no more for this user)."""
        if _libc is None:
            return None
        handle = _libc.inotify_init1(IN_NONBLOCK | IN_CLOEXEC)
        return cls(handle) if handle >= 0 else None

    def watch(self, path: str, prefix: str) -> None:
        """Report changes of the folder at ``path`` (``prefix`` in the tree) from now on."""
        if not self.exact:
            return
        if prefix not in self._watches and len(self._watches) >= self._most:
            self.stop()  # a share of the system's watches: watch mode's own watcher needs some too
            return
        wd = _libc.inotify_add_watch(self._handle, os.fsencode(path),
                                     WATCHED | IN_ONLYDIR | IN_DONT_FOLLOW)
        if wd < 0:  # the limit of watches (ENOSPC), or the folder is gone (its parent reports it)
            if ctypes.get_errno() not in (errno.ENOENT, errno.ENOTDIR):
                self.stop()
            return
        old = self._watches.get(prefix)
        if old is not None and old != wd:
            self._prefixes.pop(old, None)
        self._prefixes[wd] = prefix
        self._watches[prefix] = wd

    def forget(self, prefix: str) -> None:
        """Stop watching a folder that left the tree."""
        wd = self._watches.pop(prefix, None)
        if wd is not None and self._prefixes.get(wd) == prefix:
            del self._prefixes[wd]
            if self.exact:
                _libc.inotify_rm_watch(self._handle, wd)  # EINVAL if the folder was deleted: fine

    def changed(self) -> set[str] | None:
        """The folders with events queued since the last call; ``None`` when the queue overflowed:
        any folder may have changed, and none is watched any more (each must be watched again)."""
        found: set[str] = set()
        while self.exact:
            try:
                data = os.read(self._handle, 1 << 16)
            except BlockingIOError:
                break
            offset = 0
            while offset < len(data):
                wd, mask, _, length = EVENT.unpack_from(data, offset)
                offset += EVENT.size + length
                if mask & IN_Q_OVERFLOW:
                    self._restart()
                    return None
                prefix = self._prefixes.get(wd)
                if prefix is not None:
                    found.add(prefix)
        return found

    def _restart(self) -> None:
        """A new, empty queue without watches (the old one's events are lost anyway)."""
        os.close(self._handle)
        self._handle = _libc.inotify_init1(IN_NONBLOCK | IN_CLOEXEC)
        self._prefixes.clear()
        self._watches.clear()
        if self._handle < 0:
            self.exact = False

    def stop(self) -> None:
        """Stop for good (:attr:`exact` is false from now on) and give the watches back."""
        self.exact = False
        self._prefixes.clear()
        self._watches.clear()
        if self._handle >= 0:
            os.close(self._handle)
            self._handle = -1

    def __del__(self) -> None:
        if getattr(self, "_handle", -1) >= 0:
            os.close(self._handle)
