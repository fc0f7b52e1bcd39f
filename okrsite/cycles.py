"""Which cycles exist, their dates and titles, and which one is current.

A cycle is a folder of ``content/``; its dates come from ``site.toml`` or from its
name (``2026-Q4``, ``2026-H2``, ``2026``). The current cycle is the one site.toml
names, else the one whose dates contain the build date, else the latest one that
has started. Cycles before it are archived, cycles after it upcoming.
"""

from __future__ import annotations

import datetime as dt

from okrsite.config import SiteConfig, dates_from_name, title_from_name
from okrsite.diagnostics import Diagnostics, did_you_mean, display_path
from okrsite.model import Cycle
from okrsite.urls import SITE_OUTPUTS
from okrsite.xmltext import describe_invalid, first_invalid

_RESERVED = {name.lower(): name for name in SITE_OUTPUTS}


def make_cycles(folders: list[str], config: SiteConfig, diagnostics: Diagnostics) -> list[Cycle]:
    """One :class:`Cycle` per content folder whose dates are known, oldest first."""
    cycles = []
    for name in folders:
        index = first_invalid(name)
        if index is not None:
            diagnostics.error(display_path(config.content_dir / name), None,
                              f"the cycle folder's name contains {describe_invalid(name, index)}: rename the folder")
            continue
        settings = config.cycles.get(name)
        implied = dates_from_name(name)
        start = settings.start if settings and settings.start else (implied[0] if implied else None)
        end = settings.end if settings and settings.end else (implied[1] if implied else None)
        if start is None or end is None or end <= start:
            diagnostics.error(display_path(config.content_dir / name), None,
                              f"cannot tell the dates of cycle '{name}': name the folder like 2026-Q4, 2026-H2 or 2026, "
                              f"or give start and end under [cycles.\"{name}\"] in site.toml")
            continue
        title = settings.title if settings and settings.title else title_from_name(name)
        cycles.append(Cycle(id=name, title=title, start=start, end=end, folder=display_path(config.content_dir / name)))
    for name in config.cycles:
        if name not in folders:
            diagnostics.warning(display_path(config.path), None, f"[cycles.\"{name}\"] has no folder content/{name}{did_you_mean(name, folders)}")
    _check_slugs(cycles, config, diagnostics)
    return sorted(cycles, key=lambda c: (c.start, c.end, c.id))


def _check_slugs(cycles: list[Cycle], config: SiteConfig, diagnostics: Diagnostics) -> None:
    seen: dict[str, str] = {}
    for cycle in cycles:
        if cycle.slug in _RESERVED:
            name = _RESERVED[cycle.slug]
            diagnostics.error(cycle.folder, None, f"cycle folder '{cycle.id}' has the name of the site's "
                                                  f"{SITE_OUTPUTS[name]} ({name}): rename it")
        elif cycle.slug in seen:
            diagnostics.error(cycle.folder, None,
                              f"cycle folder '{cycle.id}' would have the same URL as '{seen[cycle.slug]}': rename it")
        seen[cycle.slug] = cycle.id


def choose_current(cycles: list[Cycle], config: SiteConfig, today: dt.date, diagnostics: Diagnostics) -> Cycle | None:
    """Mark every cycle current, archived or upcoming; return the current one."""
    if not cycles:
        return None
    current = None
    if config.current_cycle is not None:
        current = next((c for c in cycles if c.id == config.current_cycle), None)
        if current is None:
            diagnostics.error(display_path(config.path), None,
                              f"current_cycle '{config.current_cycle}' is not a folder of content/{did_you_mean(config.current_cycle, [c.id for c in cycles])}")
    if current is None:
        containing = [c for c in cycles if c.start <= today <= c.end]
        started = [c for c in cycles if c.start <= today]
        current = (containing or started or cycles[:1])[-1]
    position = cycles.index(current)
    for index, cycle in enumerate(cycles):
        cycle.state = "current" if index == position else ("archived" if index < position else "upcoming")
    return current
