"""A site as it was at a git revision, copied into a folder so the normal pipeline can load it.

Reading a revision takes a fixed number of git processes, however big the site:
``git rev-parse`` twice, one ``git ls-tree`` for the paths and one ``git cat-file
--batch`` for every file's bytes. Only ``site.toml`` and ``content/`` are copied;
for ``themes/`` only the folders are made, as the configuration checks that the
chosen theme exists and nothing else of a theme matters to the numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from okrsite.git import GitError, read_blobs, run_git

COPIED = ("site.toml", "content")  # what a revision's site is loaded from
FOLDERS_ONLY = "themes"


class GitProblem(Exception):
    """git could not give what was asked: no git, no repository, no such revision."""


@dataclass(frozen=True)
class SiteInRepository:
    """Where a site's folder sits in its git repository."""

    toplevel: Path
    prefix: str  # the site's folder relative to the top, with a trailing "/", or ""


def find_repository(site_root: Path) -> SiteInRepository:
    """The repository ``site_root`` is in; :class:`GitProblem` if it is in none."""
    lines = _git(site_root, "rev-parse", "--show-toplevel", "--show-prefix",
                 failure=f"{site_root} is not in a git repository").decode("utf-8", "surrogateescape").splitlines()
    if len(lines) < 2 or not lines[0]:
        raise GitProblem(f"{site_root} is not in a git working tree (a bare repository has no site folder)")
    return SiteInRepository(Path(lines[0]), lines[1])


def resolve(repository: SiteInRepository, revision: str) -> str:
    """The commit ``revision`` names, as a full hash; :class:`GitProblem` if it names none."""
    if not revision or revision.startswith("-"):
        raise GitProblem(f"not a revision: {revision!r}")
    output = _git(repository.toplevel, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}",
                  failure=f"unknown revision {revision!r}: no such branch, tag or commit in {repository.toplevel}")
    return output.decode("ascii").strip()


def copy_site(repository: SiteInRepository, commit: str, target: Path) -> bool:
    """Write the site's ``site.toml`` and ``content/`` at ``commit`` into ``target``;
    ``False`` when the site's folder has no ``site.toml`` at that commit."""
    wanted = [repository.prefix + name for name in (*COPIED, FOLDERS_ONLY)]
    listing = _git(repository.toplevel, "ls-tree", "-r", "-z", "--full-tree", commit, "--", *wanted,
                   failure=f"cannot list the files of {commit}")
    blobs: list[tuple[str, Path]] = []
    for entry in listing.split(b"\0"):
        if not entry:
            continue
        meta, _, name = entry.partition(b"\t")
        mode, kind, oid = meta.decode("ascii").split()
        relative = PurePosixPath(name.decode("utf-8", "surrogateescape")[len(repository.prefix):])
        top = relative.parts[0] if relative.parts else ""
        if ".." in relative.parts:
            continue
        if top == FOLDERS_ONLY and len(relative.parts) > 2:
            (target / relative.parts[0] / relative.parts[1]).mkdir(parents=True, exist_ok=True)
        elif top in COPIED and kind == "blob" and mode != "120000":  # symbolic links are not followed
            blobs.append((oid, target.joinpath(*relative.parts)))
    if not any(path == target / "site.toml" for _, path in blobs):
        return False
    _write_blobs(repository, blobs)
    return True


def _write_blobs(repository: SiteInRepository, blobs: list[tuple[str, Path]]) -> None:
    """Every blob's bytes into its path, from one ``git cat-file --batch``."""
    try:
        contents = read_blobs(repository.toplevel, [oid for oid, _ in blobs])
    except GitError as exc:
        raise _problem(exc, "cannot read the files") from None
    for (_, path), data in zip(blobs, contents):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def _git(where: Path, *args: str, failure: str) -> bytes:
    """The output of ``git args`` run in ``where``; :class:`GitProblem` saying ``failure`` if it fails."""
    try:
        return run_git(where, *args)
    except GitError as exc:
        raise _problem(exc, failure) from None


def _problem(exc: GitError, failure: str) -> GitProblem:
    if exc.missing:
        return GitProblem("git is not installed (or not on PATH): okrsite diff needs it")
    return GitProblem(failure + (f" ({exc.detail})" if exc.detail else ""))
