"""What a build's output follows from, found without reading the OKR files: a fingerprint of its inputs.

A one-off ``okrsite build`` keeps the fingerprint of the inputs it built from
beside the record of what it wrote (see :mod:`okrsite.build`). The next build
that finds the same fingerprint, and every file of the output as that build left
it, has nothing to do: it reports the same problems and writes nothing, without
reading the build cache, linking or planning. So the fingerprint holds all that
a build reads: okrsite's code, the options, the working folder (messages name
files relative to it), ``site.toml``, the path and stat of every OKR file (the
stat stands for the bytes, as in :mod:`okrsite.cache`), and the theme's templates
and static files. A site whose check-ins come from git history has none: the
state of a repository is not a file to stat.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from okrsite.config import load_config
from okrsite.diagnostics import Diagnostics
from okrsite.fingerprint import code_version
from okrsite.load import discover
from okrsite.options import BuildOptions
from okrsite.theme import static_files, templates_key, theme_dirs


def fingerprint(root: Path, options: BuildOptions) -> bytes | None:
    """The fingerprint of what a build of the site at ``root`` would read; ``None`` when it has none
    (check-ins from git history, a site.toml with errors, a file that cannot be read)."""
    found = Diagnostics()  # the build reports them: here they only say whether to go on
    config = load_config(root, found)
    if found.errors or (options.history or config.history) == "git":
        return None
    try:
        files = tuple((cycle_id, str(path), *_stat(path))
                      for cycle_id, paths in discover(config.content_dir, found).items() for path in paths)
        dirs = theme_dirs(config)
        static = tuple((relative, hashlib.blake2b(path.read_bytes(), digest_size=16).digest())
                       for relative, path in static_files(dirs).items())
        settings = config.path.read_bytes()
    except OSError:
        return None
    inputs = (code_version(), os.getcwd(), str(root.resolve()), options.build_date(), options.include_private,
              options.history, settings, tuple(str(d.resolve()) for d in dirs), templates_key(dirs), static, files)
    return hashlib.blake2b(repr(inputs).encode("utf-8", "surrogatepass"), digest_size=16).digest()


def _stat(path: Path) -> tuple[int, int, int]:
    info = os.stat(path)
    return info.st_ino, info.st_size, info.st_mtime_ns
