"""How to build, as the command line says it: one frozen object from the command line to every stage.

site.toml says what the site is; :class:`BuildOptions` says how this run builds it
(for which day, with private OKRs or not, in how many processes...). The command
line makes it once (``okrsite.cli``); loading, building, watching and serving only
read it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class BuildOptions:
    date: dt.date | None = None  # the build date; None: the day each build runs (watch and serve go on for days)
    strict: bool = False  # warnings fail the build too
    include_private: bool = False  # a leadership build, private OKRs included and marked
    jobs: int | None = None  # processes for big sites; None: one per core, at most 8 (okrsite.parallel)
    history: str | None = None  # "git" or "none": where check-ins come from, over site.toml's ``history``
    disk_cache: bool = False  # read and update the build cache in the site's .okrsite-cache/

    def build_date(self) -> dt.date:
        return self.date or dt.date.today()
