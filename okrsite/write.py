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


def output_problem(out: Path, site_root: Path) -> str | None:
    """Why ``out`` must not be replaced by a build of ``site_root``, or ``None`` when it is safe.

    The output folder is replaced whole, so it must not hold the site's own files,
    nor be a folder of something else that okrsite did not write.
    """
    out, root = out.resolve(), site_root.resolve()
    if out == root or out in root.parents:
        return "it holds the site itself: choose a folder such as public/"
    for name in ("content", "themes"):
        source = root / name
        if out == source or source in out.parents:
            return f"it is inside the site's {name}/ folder"
    if out.exists() and not out.is_dir():
        return "it is a file"
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        return f"it is not empty and okrsite did not write it (it has no {MARKER}): empty it or choose another folder"
    return None


MARKER = "okrs.json"  # every build writes it; a folder without it is not ours to replace


def write_site(out: Path, files: Iterable[tuple[str, bytes]]) -> int:
    """Write ``(relative path, bytes)`` pairs as the new content of ``out``; return the count."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        count = 0
        made: set[Path] = set()
        for relative, data in files:
            target = staging / relative
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            target.write_bytes(data)
            count += 1
        _swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return count


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


def update_site(out: Path, changed: dict[str, bytes], removed: set[str]) -> None:
    """Change an existing output folder in place: each file replaced atomically, gone files deleted."""
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
    for relative in sorted(removed):
        (out / relative).unlink(missing_ok=True)
    for folder in sorted({(out / r).parent for r in removed}, key=lambda p: len(p.parts), reverse=True):
        _remove_empty(folder, out)


def _remove_empty(folder: Path, out: Path) -> None:
    """Remove ``folder`` and its parents up to ``out`` while they are empty."""
    while folder != out and out in folder.parents:
        try:
            folder.rmdir()
        except OSError:  # not empty, or already gone
            return
        folder = folder.parent
