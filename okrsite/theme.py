"""Where a site's templates and static files come from.

A site's own ``themes/<name>/`` comes first, then the default theme shipped with
okrsite, so a site can override any template or static file by giving its name.
A site's theme is confined to the site as content is to ``content/``: a link in its
``templates/`` or ``static/`` that leads out of the site is an error.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

from okrsite.diagnostics import Diagnostics, display_path
from okrsite.load import leads_out

if TYPE_CHECKING:
    from okrsite.config import SiteConfig

_PACKAGE = Path(__file__).resolve().parent


def default_theme_dir() -> Path:
    """The default theme: inside the installed package, or beside it in a source checkout."""
    for candidate in (_PACKAGE / "themes" / "default", _PACKAGE.parent / "themes" / "default"):
        if (candidate / "templates").is_dir():
            return candidate
    raise FileNotFoundError("okrsite's default theme is missing from this installation")


def theme_dirs(config: SiteConfig) -> list[Path]:
    """Theme folders, most specific first, without repeats."""
    dirs = []
    for candidate in (config.root / "themes" / config.theme, default_theme_dir()):
        if candidate.is_dir() and candidate.resolve() not in [d.resolve() for d in dirs]:
            dirs.append(candidate)
    return dirs


def static_files(dirs: list[Path]) -> dict[str, Path]:
    """``static/`` files of every theme folder by relative path; the first folder wins."""
    found: dict[str, Path] = {}
    for theme in reversed(dirs):
        static = theme / "static"
        if static.is_dir():
            for path in sorted(static.rglob("*")):
                if path.is_file():
                    found[path.relative_to(theme).as_posix()] = path
    return dict(sorted(found.items()))


def templates_key(dirs: list[Path]) -> str:
    """Changes whenever a template of the theme changes (static files are outputs with keys of their own)."""
    digest = hashlib.blake2b(digest_size=16)
    for theme in dirs:
        for path in sorted((theme / "templates").rglob("*")):
            if path.is_file():
                data = path.read_bytes()
                digest.update(f"{path.as_posix()}\0{len(data)}\0".encode("utf-8", "surrogatepass"))
                digest.update(data)
    return digest.hexdigest()


def check_links(theme: Path, site: Path, diagnostics: Diagnostics) -> None:
    """An error for each link in the theme's ``templates/`` and ``static/`` that leads out of
    the folder ``site`` (resolved); links that stay in are followed, each folder once."""
    seen: set[Path] = set()
    for part in ("templates", "static"):
        _check_entry(theme / part, site, diagnostics, seen)


def _check_entry(path: Path, site: Path, diagnostics: Diagnostics, seen: set[Path]) -> None:
    if path.is_symlink() and (target := leads_out(path, site)) is not None:
        diagnostics.error(display_path(path), None, f"is a link to {target}, outside the site: a theme may use only "
                                                    "files of the site (copy the file into the theme instead)")
    elif path.is_dir() and path.resolve() not in seen:
        seen.add(path.resolve())
        try:
            with os.scandir(path) as entries:
                names = sorted(entry.name for entry in entries)
        except OSError as exc:
            diagnostics.error(display_path(path), None, f"cannot read the theme folder: {exc.strerror or exc}")
            return
        for name in names:
            _check_entry(path / name, site, diagnostics, seen)
