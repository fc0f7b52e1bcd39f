"""Running git, for the commands that read a site's history (:mod:`okrsite.history`)
and its past revisions (:mod:`okrsite.gitrevision`): one place that starts git
processes, and one that reads many files' bytes with a single ``git cat-file --batch``.
"""

from __future__ import annotations

import subprocess
from pathlib import Path


class GitError(Exception):
    """git failed, or could not be run; ``detail`` is the last line git said, if any."""

    def __init__(self, detail: str, missing: bool = False):
        super().__init__(detail)
        self.detail, self.missing = detail, missing  # missing: git is not installed


def run_git(where: str | Path, *args: str, stdin: bytes | None = None) -> bytes:
    """The output of ``git -C where args``; :class:`GitError` when it fails."""
    try:
        done = subprocess.run(["git", "-C", str(where), *args], input=stdin, capture_output=True, check=False)
    except FileNotFoundError:
        raise GitError("git is not installed", missing=True) from None
    except OSError as exc:
        raise GitError(f"cannot run git: {exc.strerror or exc}") from None
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(said[-1] if said else "")
    return done.stdout


def read_blobs(where: str | Path, blobs: list[str]) -> list[bytes]:
    """The bytes of each blob (by object id), in order, from one ``git cat-file --batch``."""
    output = run_git(where, "cat-file", "--batch", stdin="".join(f"{blob}\n" for blob in blobs).encode("ascii"))
    found, position = [], 0
    for _ in blobs:
        end = output.index(b"\n", position)
        size = int(output[position:end].split()[2])
        found.append(output[end + 1:end + 1 + size])
        position = end + 1 + size + 1  # the contents end with a newline of cat-file's own
    return found
