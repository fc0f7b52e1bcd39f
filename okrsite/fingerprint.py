"""Fingerprints that are the same in every process, for the build cache and the output keys.

Python's ``hash`` of a str differs from run to run (of numbers and tuples of numbers it
does not), so anything with text in it is hashed with BLAKE2b (:func:`stable_hash`), and
keys made of those numbers are combined with ``hash`` (:func:`combine`). Loading stages
(the git history) and rendering stages (the output keys) share them.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

from okrsite import __version__


def stable_hash(value: object) -> int:
    """A 64-bit hash of a value made of tuples, strings, numbers, dates and None, the same in every
    process (Python's ``hash`` of a str differs from run to run)."""
    return int.from_bytes(hashlib.blake2b(repr(value).encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little")


def combine(*numbers: int | tuple) -> int:
    """One key from keys (ints, or tuples of ints): fast, and the same in every process."""
    return hash(numbers)


def code_version() -> str:
    """okrsite's version and a digest of its own source (and Python's version), so a changed okrsite
    never reuses old outputs or cache files."""
    global _code_version
    if _code_version is None:
        digest = hashlib.blake2b(f"{__version__} {sys.version}".encode(), digest_size=16)
        package = Path(__file__).resolve().parent  # okrsite/
        for path in sorted(package.rglob("*.py")):
            digest.update(path.relative_to(package).as_posix().encode())
            digest.update(path.read_bytes())
        _code_version = f"{__version__}+{digest.hexdigest()}"
    return _code_version


_code_version: str | None = None
