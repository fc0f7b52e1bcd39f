"""The pipeline, stage by stage: config -> load -> model + graph -> scoring -> render -> write.

:func:`load_site` runs the stages up to scoring and is all ``okrsite check`` needs;
:func:`build_site` adds rendering and the atomic write.
"""

from __future__ import annotations

import datetime as dt
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import jinja2

from okrsite.config import load_config
from okrsite.cycles import choose_current, make_cycles
from okrsite.diagnostics import Diagnostics, display_path
from okrsite.graph import link_cycle
from okrsite.cache import OwnerCache
from okrsite.load import discover
from okrsite.model import Site
from okrsite.privacy import remove_private
from okrsite.scoring import score_cycle


@dataclass
class BuildReport:
    """What a build did, for the one-line summary."""

    site: Site | None
    diagnostics: Diagnostics
    files: int = 0
    pages: int = 0
    seconds: float = 0.0

    def ok(self, strict: bool) -> bool:
        problems = self.diagnostics.items if strict else self.diagnostics.errors
        return self.site is not None and not problems


def load_site(root: Path, build_date: dt.date, diagnostics: Diagnostics, cache: OwnerCache | None = None) -> Site | None:
    """Read, validate, link and score a site; ``None`` when it has errors.

    With a ``cache`` from an earlier build, only new or changed files are parsed.
    """
    cache = cache or OwnerCache()
    cache.start_build()
    config = load_config(root, diagnostics)
    folders = discover(config.content_dir, diagnostics)
    if config.content_dir.is_dir() and not folders:
        diagnostics.error(display_path(config.content_dir), None,
                          "no cycles yet: add a folder per cycle, like content/2026-Q4/, with one file per owner")
    cycles = make_cycles(list(folders), config, diagnostics)
    for cycle in cycles:
        link_cycle(cycle, cache.owners(folders[cycle.id], cycle.id, diagnostics), diagnostics)
    cache.forget_others({path for paths in folders.values() for path in paths})
    current = choose_current(cycles, config, build_date, diagnostics)
    if diagnostics.errors:
        return None
    for cycle in cycles:
        remove_private(cycle)
        score_cycle(cycle, build_date, config.status)
    return Site(config=config, build_date=build_date, cycles=cycles[::-1], current=current)


Progress = Callable[[int, float], None]  # (files rendered so far, seconds since the start)


def build_site(root: Path, out: Path, build_date: dt.date, strict: bool = False,
               progress: Progress | None = None) -> BuildReport:
    """Build the site into ``out``; on errors (or warnings when strict) write nothing."""
    from okrsite.render.site import render_site  # the renderers are not needed by `check`
    from okrsite.write import write_site

    started = time.perf_counter()
    diagnostics = Diagnostics()
    site = load_site(root, build_date, diagnostics)
    report = BuildReport(site, diagnostics)
    if not report.ok(strict):
        return report
    rendered = render_site(site)
    try:
        report.files = write_site(out, _reporting(rendered, started, progress))
    except jinja2.TemplateError as exc:
        path, line = _template_location(exc)
        diagnostics.error(path, line, f"template error: {exc.message or exc}")
    except OSError as exc:
        diagnostics.error(display_path(Path(exc.filename or out)), None, f"cannot write the site: {exc.strerror or exc}")
    if diagnostics.errors:
        report.site = None
        return report
    report.pages = rendered.pages
    report.seconds = time.perf_counter() - started
    return report


def _template_location(exc: jinja2.TemplateError) -> tuple[str, int | None]:
    """The template file and line of a Jinja2 error, from the error or its traceback."""
    if isinstance(exc, jinja2.TemplateSyntaxError) and exc.filename:
        return display_path(Path(exc.filename)), exc.lineno
    for frame, line in reversed(list(traceback.walk_tb(exc.__traceback__))):
        filename = frame.f_code.co_filename
        if filename.endswith((".html", ".xml", ".txt", ".svg")):
            return display_path(Path(filename)), line
    return "themes", None


def _reporting(files: Iterable, started: float, progress: Progress | None) -> Iterator:
    """Pass ``files`` through, telling ``progress`` how far along the render is."""
    for count, item in enumerate(files, 1):
        yield item
        if progress is not None and count % 100 == 0:
            progress(count, time.perf_counter() - started)
