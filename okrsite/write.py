"""Stage 6: write the rendered files into the output folder, all or nothing.

A build writes into a fresh folder beside the output and swaps it in at the end,
so a failed build leaves the previous output exactly as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path


MANIFEST = ".okrsite-manifest"  # the files okrsite wrote into an output folder, one path a line

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


class Staging:
    """A new output folder, written beside ``out`` and swapped into its place by :meth:`commit`.

    Use it as a context manager: leaving it without a commit removes what was
    written. :meth:`write` may be called from forked worker processes too.
    """

    def __init__(self, out: Path):
        self.out = out.resolve()
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self.folder = Path(tempfile.mkdtemp(prefix=f".{self.out.name}.new-", dir=self.out.parent))
        self._made: set[Path] = {self.folder}

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, *exc) -> None:
        if self.folder.exists():
            shutil.rmtree(self.folder, ignore_errors=True)

    def write(self, relative: str, data: bytes) -> Stat:
        target = _inside(self.folder, relative)
        if target.parent not in self._made:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._made.add(target.parent)
        handle = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            _write_all_of(handle, data)
            return file_stat(os.fstat(handle))
        finally:
            os.close(handle)

    def commit(self, written: Iterable[str]) -> None:
        """Make the staged files the content of ``out``, keeping the files okrsite did not write
        (not in its manifest); ``written`` are the paths of all staged files."""
        written = set(written)
        _write_manifest(self.folder, written)
        _keep_foreign_files(self.out, self.folder, written)
        _swap(self.folder, self.out)


def write_site(out: Path, files: Iterable[tuple[str, bytes]]) -> int:
    """Write ``(relative path, bytes)`` pairs as the new content of ``out``; return the count."""
    with Staging(out) as staging:
        written = []
        for relative, data in files:
            staging.write(relative, data)
            written.append(relative)
        staging.commit(written)
    return len(written) + 1  # and the manifest


def _write_manifest(folder: Path, paths: Iterable[str]) -> None:
    (folder / MANIFEST).write_text("".join(f"{p}\n" for p in sorted(paths)), encoding="utf-8")


def _keep_foreign_files(out: Path, staging: Path, written: set[str]) -> None:
    """Move the files of ``out`` that okrsite did not write into ``staging``; refuse to overwrite any."""
    if not out.is_dir():
        return
    ours = (read_manifest(out) or set()) | {MANIFEST}
    foreign = [p for p in sorted(out.rglob("*")) if (p.is_file() or p.is_symlink())
               and p.relative_to(out).as_posix() not in ours]
    for path in foreign:
        if path.relative_to(out).as_posix() in written:
            raise OutputConflict(path)
    for path in foreign:
        target = staging / path.relative_to(out)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)


def _swap(staging: Path, out: Path) -> None:
    """Put ``staging`` where ``out`` is, with the old output gone only once the new is in place."""
    os.chmod(staging, 0o755)
    if not out.exists():
        os.replace(staging, out)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    os.replace(out, old / out.name)
    try:
        os.replace(staging, out)
    except BaseException:
        os.replace(old / out.name, out)
        raise
    finally:
        shutil.rmtree(old, ignore_errors=True)


def update_site(out: Path, changed: dict[str, bytes], removed: set[str], paths: Iterable[str]) -> dict[str, Stat]:
    """Change an existing output folder in place: each file replaced atomically, gone files deleted;
    ``paths`` are all the files of the site now, for the manifest. Returns the changed files' stats."""
    stats: dict[str, Stat] = {}
    if not changed and not removed:
        return stats
    ours = read_manifest(out) or set()
    for relative in changed:
        target = _inside(out, relative)
        if relative not in ours and target.exists():
            raise OutputConflict(target)
    for relative, data in changed.items():
        target = out / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            os.chmod(temporary, 0o644)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        stats[relative] = file_stat(target.stat())
    for relative in sorted(removed):
        (out / relative).unlink(missing_ok=True)
    if removed or not ours.issuperset(changed):  # else the same files as before: the manifest stands
        _write_manifest(out, paths)
    for folder in sorted({(out / r).parent for r in removed}, key=lambda p: len(p.parts), reverse=True):
        _remove_empty(folder, out)
    return stats


def _remove_empty(folder: Path, out: Path) -> None:
    """Remove ``folder`` and its parents up to ``out`` while they are empty."""
    while folder != out and out in folder.parents:
        try:
            folder.rmdir()
        except OSError:  # not empty, or already gone
            return
        folder = folder.parent
