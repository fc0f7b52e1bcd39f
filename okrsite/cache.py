"""What a build keeps for the next one: parsed files in memory, and on disk between runs.

Watch mode keeps one :class:`OwnerCache` for its whole run, so after an edit only
the edited file is read as YAML and checked again. When it still links as before,
its content is taken into the cycle already linked (:mod:`okrsite.relink`);
otherwise the owners of its cycle are reset (:meth:`okrsite.model.Owner.reset`)
and linked anew. A cycle none of whose files changed is reused whole (see
:func:`okrsite.assemble.load_site`).

Between runs, :class:`DiskCache` keeps the parsed files and the record of what was
written into an output folder in ``.okrsite-cache/`` of the site, so a build after
a small change, or none, parses and renders only what changed. Its files are
pickles, so each is signed with a key kept outside the site (in the user's cache
folder): a cache file that okrsite did not write on this machine, such as one
committed to the repository, is ignored and never unpickled. Each also names the
okrsite code that wrote it, and a file of any other version is ignored.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from okrsite.diagnostics import Diagnostic, Diagnostics, display_path
from okrsite.load import parse_document
from okrsite.markdown import settings_key
from okrsite.model import Owner
from okrsite.parallel import run_all
from okrsite.schema import build_owner


@dataclass(slots=True)
class Entry:
    """One file as last read: its owner (``None`` when the file has errors) and its diagnostics."""

    stat: tuple[int, int, int]  # (inode, size, mtime in ns): unchanged means the bytes are too
    digest: str
    owner: Owner | None
    diagnostics: list[Diagnostic]
    parsed: bytes = b""  # (owner, diagnostics) pickled as parsed, before any build linked them


@dataclass(slots=True)
class Listing:
    """What the content held when it was last listed: the cycle folders and their OKR files, the
    problems listing them found, and each file by its path inside the content folder."""

    folders: dict[str, list[Path]]
    diagnostics: list[Diagnostic]
    files: dict[str, Path]


class OwnerCache:
    """Parsed owners keyed by path and content hash, and whole cycles built from unchanged files."""

    def __init__(self, keep_parsed: bool = False) -> None:
        self.keep_parsed = keep_parsed  # keep each file's parse pickled, for a disk cache
        self._entries: dict[Path, Entry] = {}
        self.cycles: dict[str, Any] = {}  # cycle id -> what build.py kept of its last linked cycle
        self.parsed: list[Path] = []  # files parsed by the latest build, for reports
        self._unreadable: dict[Path, Entry] = {}  # files the latest build could not read
        self.changed = False  # whether files were parsed since the last save
        self.settings = b""  # how Markdown was rendered (site.toml's [markdown]) when the entries were parsed
        self.listing: Listing | None = None  # the content as the latest build that looked at all of it found it

    def start_build(self) -> None:
        self.parsed = []

    def entries(self, paths: list[Path]) -> list[Entry]:
        """The entries of files given to :meth:`read` (an error entry for a file it could not read)."""
        return [self._entries.get(path) or self._unreadable[path] for path in paths]

    @property
    def complete(self) -> bool:
        """Whether the latest build read every file it was given."""
        return not self._unreadable

    def read(self, files: dict[Path, str], jobs: int = 1, edited: list[Path] | None = None) -> None:
        """Bring the entries of ``files`` (path -> cycle id) up to date, parsing new or changed
        files, in ``jobs`` processes when there are many; with ``edited``, the others are known to be
        as the last build read them (watch mode saw only these change, and that build read them all)."""
        self._unreadable = {}
        stale: list[tuple[Path, str, tuple[int, int, int], bytes, str]] = []
        settings = settings_key()
        same, self.settings = settings == self.settings, settings
        if edited is not None and same:
            files = {path: files[path] for path in edited}
        for path, cycle_id in files.items():
            entry = self._entries.get(path)
            try:
                info = path.stat()
                stat = (info.st_ino, info.st_size, info.st_mtime_ns)
                if entry is not None and entry.stat == stat and same:
                    continue
                raw = path.read_bytes()
            except OSError as exc:
                message = f"cannot read file: {exc.strerror}"
                self._entries.pop(path, None)
                self._unreadable[path] = Entry((0, 0, 0), "", None, [Diagnostic(display_path(path), None, "error", message)])
                continue
            digest = hashlib.sha256(settings + raw).hexdigest()  # the settings change what a file parses to
            if entry is not None and entry.digest == digest:
                entry.stat = stat
            else:
                stale.append((path, cycle_id, stat, raw, digest))
        for chunk in run_all(_parse, stale, jobs):
            for index, (owner, diagnostics) in chunk:
                path, _, stat, _, digest = stale[index]
                parsed = pickle.dumps((owner, diagnostics), protocol=pickle.HIGHEST_PROTOCOL) if self.keep_parsed else b""
                self._entries[path] = Entry(stat, digest, owner, diagnostics, parsed)
                self.parsed.append(path)
        self.changed = self.changed or bool(stale)

    def load(self, disk: DiskCache) -> None:
        """Take the parsed files the disk cache has (checked against the files by :meth:`read`)."""
        kept = disk.load("parsed")
        if not kept or kept["cwd"] != os.getcwd():  # messages name files relative to the working folder
            return
        self.settings = kept.get("settings", b"")
        for path, (stat, digest, parsed) in kept["files"].items():
            self._entries.setdefault(Path(path), Entry(stat, digest, *pickle.loads(parsed), parsed))

    def save(self, disk: DiskCache) -> None:
        """Keep the parsed files on disk, when they changed since they were loaded or last saved."""
        if self.changed:
            disk.save("parsed", {"cwd": os.getcwd(), "settings": self.settings,
                                 "files": {str(path): (e.stat, e.digest, e.parsed) for path, e in self._entries.items()}})
            self.changed = False

    def forget_others(self, paths: set[Path], cycle_ids: set[str]) -> None:
        """Drop what belongs to files and cycles that no longer exist."""
        for path in set(self._entries) - paths:
            del self._entries[path]
        for cycle_id in set(self.cycles) - cycle_ids:
            del self.cycles[cycle_id]


def _parse(file: tuple[Path, str, tuple[int, int, int], bytes, str]) -> tuple[Owner | None, list[Diagnostic]]:
    """The owner and diagnostics of one file (pickled only to cross from a worker, or for the disk cache)."""
    path, cycle_id, _, raw, digest = file
    found = Diagnostics()
    document = parse_document(raw, path, display_path(path), cycle_id, found)
    owner = build_owner(document, found) if document is not None else None
    if owner is not None:
        owner.digest = digest
    return owner, found.items


class DiskCache:
    """Named values kept in a folder between runs, signed, for one version of okrsite's code.

    Any problem (no folder, no key, a file written by another version or not signed
    with this machine's key) makes :meth:`load` return ``None``: the build then
    does everything itself. :meth:`save` never fails a build either.
    """

    MAGIC = b"okrsite-cache 1\n"

    def __init__(self, folder: Path, version: str, key: bytes | None = None):
        self.folder, self.version = folder, version.encode()
        self.key = key if key is not None else signing_key()

    def load(self, name: str) -> Any:
        if self.key is None:
            return None
        try:
            data = (self.folder / f"{name}.pickle").read_bytes()
        except OSError:
            return None
        header = self.MAGIC + self.version + b"\n"
        mac, payload = data[len(header):len(header) + 32], data[len(header) + 32:]
        if not data.startswith(header) or not hmac.compare_digest(mac, self._sign(payload)):
            return None
        try:
            return pickle.loads(payload)
        except Exception:  # signed by us, so only a damaged file: start afresh
            return None

    def save(self, name: str, value: Any) -> None:
        if self.key is None:
            return
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            ignore = self.folder / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# okrsite's build cache: never commit it\n*\n", encoding="utf-8")
            handle, temporary = tempfile.mkstemp(prefix=f".{name}.", dir=self.folder)
        except OSError:
            return  # a read-only site: no cache, and the build is none the worse
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(self.MAGIC + self.version + b"\n" + self._sign(payload) + payload)
            os.replace(temporary, self.folder / f"{name}.pickle")
        except OSError:
            Path(temporary).unlink(missing_ok=True)

    def prune(self, prefix: str, kept: int) -> None:
        """Remove all but the ``kept`` newest values whose names start with ``prefix``."""
        try:
            found = sorted(self.folder.glob(f"{prefix}*.pickle"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
            for path in found[kept:]:
                path.unlink()
        except OSError:
            pass

    def _sign(self, payload: bytes) -> bytes:
        return hmac.new(self.key, self.version + payload, hashlib.sha256).digest()


def signing_key() -> bytes | None:
    """This user's secret key for cache files, made on first use; ``None`` when it cannot be kept."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    path = Path(base) / "okrsite" / "cache-key"
    try:
        return path.read_bytes()[:32] or None
    except FileNotFoundError:
        pass
    except OSError:
        return None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(handle, "wb") as stream:
            stream.write(os.urandom(32))
        return path.read_bytes()[:32]
    except FileExistsError:  # made by another build just now
        return path.read_bytes()[:32] or None
    except OSError:
        return None
