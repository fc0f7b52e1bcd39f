"""Stage 1: read ``site.toml`` into a :class:`SiteConfig`.

Also knows how a cycle's dates follow from its name (``2026-Q4``, ``2026-H2``,
``2026``) when ``site.toml`` does not give them.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from okrsite.diagnostics import Diagnostics, did_you_mean, display_path

SITE_KEYS = ("title", "base_url", "theme", "current_cycle", "cycles", "status")
CYCLE_KEYS = ("title", "start", "end")
STATUS_KEYS = ("achieved", "progress", "on_track", "at_risk")


@dataclass(frozen=True)
class StatusBands:
    """Thresholds for status: score bands when archived, pace bands when current."""

    achieved: float = 0.7
    progress: float = 0.3
    on_track: float = 0.8
    at_risk: float = 0.5


@dataclass(frozen=True)
class CycleSettings:
    """What ``[cycles."ID"]`` in site.toml says about one cycle."""

    title: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None


@dataclass
class SiteConfig:
    """Everything site.toml says, with defaults filled in."""

    root: Path
    title: str = "OKRs"
    base_url: str = "/"
    theme: str = "default"
    current_cycle: str | None = None
    cycles: dict[str, CycleSettings] = field(default_factory=dict)
    status: StatusBands = field(default_factory=StatusBands)

    @property
    def path(self) -> Path:
        return self.root / "site.toml"

    @property
    def content_dir(self) -> Path:
        return self.root / "content"


def load_config(root: Path, diagnostics: Diagnostics) -> SiteConfig:
    """Read ``root/site.toml``; problems go to ``diagnostics``, defaults fill the gaps."""
    config = SiteConfig(root=root)
    where = display_path(config.path)
    try:
        data = tomllib.loads(config.path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        line, message = _toml_error(exc)
        diagnostics.error(where, line, f"invalid TOML: {message}")
        return config
    except (OSError, UnicodeDecodeError) as exc:
        diagnostics.error(where, None, f"cannot read site.toml: {exc}")
        return config
    _warn_unknown(data, SITE_KEYS, where, diagnostics, "site.toml")
    config.title = _string(data, "title", config.title, where, diagnostics)
    config.base_url = _string(data, "base_url", config.base_url, where, diagnostics)
    if not config.base_url.endswith("/"):
        config.base_url += "/"
    config.theme = _string(data, "theme", config.theme, where, diagnostics)
    config.current_cycle = _string(data, "current_cycle", None, where, diagnostics)
    config.cycles = _cycles(data.get("cycles", {}), where, diagnostics)
    config.status = _status(data.get("status", {}), where, diagnostics)
    return config


def _toml_error(exc: tomllib.TOMLDecodeError) -> tuple[int | None, str]:
    match = re.search(r"^(.*) \(at line (\d+), column \d+\)$", str(exc))
    if match:
        return int(match.group(2)), match.group(1)
    return None, str(exc)


def _warn_unknown(table: dict, known: tuple[str, ...], where: str, diagnostics: Diagnostics, what: str) -> None:
    for key in table:
        if key not in known:
            diagnostics.warning(where, None, f"unknown key '{key}' in {what}{did_you_mean(key, known)}")


def _string(table: dict, key: str, default, where: str, diagnostics: Diagnostics):
    value = table.get(key, default)
    if value is not default and not isinstance(value, str):
        diagnostics.error(where, None, f"'{key}' must be a string, not {value!r}")
        return default
    return value


def _cycles(table, where: str, diagnostics: Diagnostics) -> dict[str, CycleSettings]:
    if not isinstance(table, dict):
        diagnostics.error(where, None, "'cycles' must be a table of [cycles.\"ID\"] tables")
        return {}
    cycles = {}
    for cycle_id, settings in table.items():
        if not isinstance(settings, dict):
            diagnostics.error(where, None, f"[cycles.\"{cycle_id}\"] must be a table")
            continue
        _warn_unknown(settings, CYCLE_KEYS, where, diagnostics, f'[cycles."{cycle_id}"]')
        start, end = settings.get("start"), settings.get("end")
        for key, value in (("start", start), ("end", end)):
            if value is not None and (not isinstance(value, dt.date) or isinstance(value, dt.datetime)):
                diagnostics.error(where, None, f"[cycles.\"{cycle_id}\"] {key} must be a date like 2026-10-01")
        if isinstance(start, dt.date) and isinstance(end, dt.date) and end <= start:
            diagnostics.error(where, None, f"[cycles.\"{cycle_id}\"] ends ({end}) before it starts ({start})")
        cycles[cycle_id] = CycleSettings(
            title=_string(settings, "title", None, where, diagnostics),
            start=start if isinstance(start, dt.date) else None,
            end=end if isinstance(end, dt.date) else None,
        )
    return cycles


def _status(table, where: str, diagnostics: Diagnostics) -> StatusBands:
    if not isinstance(table, dict):
        diagnostics.error(where, None, "'status' must be a table")
        return StatusBands()
    _warn_unknown(table, STATUS_KEYS, where, diagnostics, "[status]")
    values = {}
    for key in STATUS_KEYS:
        if key in table:
            value = table[key]
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 10:
                diagnostics.error(where, None, f"[status] {key} must be a number like 0.7, not {value!r}")
            else:
                values[key] = float(value)
    return StatusBands(**values)


_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
_HALF = re.compile(r"^(\d{4})-[Hh]([12])$")
_YEAR = re.compile(r"^(\d{4})$")


def dates_from_name(cycle_id: str) -> tuple[dt.date, dt.date] | None:
    """The dates a cycle's name implies: ``2026-Q4``, ``2026-H2`` or ``2026``."""
    if match := _QUARTER.match(cycle_id):
        year, quarter = int(match.group(1)), int(match.group(2))
        return _months(year, 3 * quarter - 2, 3)
    if match := _HALF.match(cycle_id):
        year, half = int(match.group(1)), int(match.group(2))
        return _months(year, 6 * half - 5, 6)
    if match := _YEAR.match(cycle_id):
        return _months(int(match.group(1)), 1, 12)
    return None


def title_from_name(cycle_id: str) -> str:
    """``2026-Q4`` -> ``Q4 2026``; other names stay as they are."""
    match = _QUARTER.match(cycle_id) or _HALF.match(cycle_id)
    if match:
        return f"{cycle_id[5].upper()}{match.group(2)} {match.group(1)}"
    return cycle_id


def _months(year: int, first_month: int, count: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, first_month, 1)
    last_month = first_month + count - 1
    next_start = dt.date(year + 1, 1, 1) if last_month == 12 else dt.date(year, last_month + 1, 1)
    return start, next_start - dt.timedelta(days=1)
