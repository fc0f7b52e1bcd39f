"""Stage 1: read ``site.toml`` into a :class:`SiteConfig`.

Also knows how a cycle's dates follow from its name (``2026-Q4``, ``2026-H2``,
``2026``) when ``site.toml`` does not give them.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from okrsite.diagnostics import Diagnostics, did_you_mean, display_path
from okrsite.load import leads_out
from okrsite.markdown import show_images_from
from okrsite.theme import check_links
from okrsite.xmltext import describe_invalid, first_invalid

SITE_KEYS = ("title", "base_url", "theme", "current_cycle", "cname", "history", "split_above", "cycles", "status", "checks",
             "markdown")
HISTORY_SOURCES = ("none", "git")  # where check-ins may come from besides the files: see okrsite.history
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_HOST = re.compile(rf"{_LABEL}(?:\.{_LABEL})+")  # a domain name: okrs.example.com
_HOST_NAME = re.compile(rf"{_LABEL}(?:\.{_LABEL})*")  # a domain name or an intranet host: wiki
_FOLDER_NAME = re.compile(r"[^/\\:\x00-\x1f]+")  # a theme is one folder of themes/: no path
CYCLE_KEYS = ("title", "start", "end")
_LONG_NUMBER = re.compile(r"\d{4301}")
STATUS_KEYS = ("achieved", "progress", "on_track", "at_risk")
MARKDOWN_KEYS = ("image_hosts",)
# The coaching checks of okrsite.coaching, each switched off in [checks] with `name = false`.
CHECKS = ("key_result_count", "objective_count", "outputs", "units", "unaligned", "unsupported", "stale",
          "dependencies", "stretch")
# The other true/false settings of [checks]: warnings fail `okrsite check`; each cycle has its OKR health page.
SWITCHES = ("strict", "health_page")


@dataclass(frozen=True)
class StatusBands:
    """Thresholds for status: score bands when archived, pace bands when current."""

    achieved: float = 0.7
    progress: float = 0.3
    on_track: float = 0.8
    at_risk: float = 0.5


@dataclass(frozen=True)
class CheckSettings:
    """What ``[checks]`` in site.toml says: the coaching checks switched off, the stale limit, and
    whether warnings fail ``okrsite check`` (as ``--strict`` does; ``okrsite build`` never reads it)."""

    off: frozenset[str] = frozenset()
    stale_days: int = 14  # a key result with no check-in for longer is stale
    strict: bool = False
    health_page: bool = True  # each cycle gets its OKR health page (render/health.py)

    def on(self, name: str) -> bool:
        return name not in self.off


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
    cname: str | None = None  # a custom domain for GitHub Pages: written to CNAME
    history: str = "none"  # "git": key results without check-ins get them from the git history
    cycles: dict[str, CycleSettings] = field(default_factory=dict)
    status: StatusBands = field(default_factory=StatusBands)
    checks: CheckSettings = field(default_factory=CheckSettings)
    image_hosts: tuple[str, ...] = ()  # hosts whose images Markdown shows; others are links (okrsite.markdown)
    # a cycle with more objectives than this gets its alignment tree, status page and people directory as one
    # page per department behind each (okrsite/render/sections.py); 0 splits every cycle
    split_above: int = 1000

    @property
    def path(self) -> Path:
        return self.root / "site.toml"

    @property
    def content_dir(self) -> Path:
        return self.root / "content"


class _Where:
    """Reports problems in site.toml at the line of the key (tomllib gives no lines)."""

    def __init__(self, path: Path, text: str, diagnostics: Diagnostics):
        self.path, self.diagnostics = display_path(path), diagnostics
        self.lines = text.splitlines()

    def line(self, key: str | None, table: str | None = None) -> int | None:
        current = None
        for number, text in enumerate(self.lines, 1):
            stripped = text.strip()
            if stripped.startswith("["):
                current = stripped.split("]", 1)[0].strip("[ ").replace('"', "").replace("'", "")  # no comment
                if key is None and current == table:
                    return number
            elif key is not None and current == table and re.match(rf"""["']?{re.escape(key)}["']?\s*=""", stripped):
                return number
        return None

    def error(self, key: str | None, message: str, table: str | None = None) -> None:
        self.diagnostics.error(self.path, self.line(key, table), message)

    def warning(self, key: str | None, message: str, table: str | None = None) -> None:
        self.diagnostics.warning(self.path, self.line(key, table), message)


def load_config(root: Path, diagnostics: Diagnostics) -> SiteConfig:
    """Read ``root/site.toml``; problems go to ``diagnostics``, defaults fill the gaps."""
    config = SiteConfig(root=root)
    show_images_from(())
    try:
        text = config.path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line, message = _toml_error(exc)
        diagnostics.error(display_path(config.path), line, f"invalid TOML: {message}")
        return config
    except ValueError:  # an integer of more digits than Python converts (4,300)
        line = next((n for n, t in enumerate(text.splitlines(), 1) if _LONG_NUMBER.search(t)), None)
        diagnostics.error(display_path(config.path), line, "invalid TOML: a number of more than 4,300 digits is too large")
        return config
    except (OSError, UnicodeDecodeError) as exc:
        diagnostics.error(display_path(config.path), None, f"cannot read site.toml: {exc}")
        return config
    where = _Where(config.path, text, diagnostics)
    _warn_unknown(data, SITE_KEYS, where, "site.toml")
    config.title = _string(data, "title", config.title, where)
    config.base_url = _string(data, "base_url", config.base_url, where)
    if not config.base_url.endswith("/"):
        config.base_url += "/"
    config.theme = _theme(data, root, where)
    config.current_cycle = _string(data, "current_cycle", None, where)
    config.cname = _string(data, "cname", None, where)
    if config.cname is not None and not _HOST.fullmatch(config.cname):
        where.error("cname", f"cname must be a domain name like okrs.example.com, not {config.cname!r}")
        config.cname = None
    config.history = _string(data, "history", config.history, where)
    if config.history not in HISTORY_SOURCES:
        where.error("history", f"history must be \"git\" or \"none\", not {config.history!r}")
        config.history = "none"
    config.split_above = _split_above(data, where)
    config.cycles = _cycles(data.get("cycles", {}), where)
    config.status = _status(data.get("status", {}), where)
    config.checks = _checks(data.get("checks", {}), where)
    config.image_hosts = _markdown(data.get("markdown", {}), where)
    show_images_from(config.image_hosts)  # Markdown is rendered as files are parsed, after this
    return config


def _toml_error(exc: tomllib.TOMLDecodeError) -> tuple[int | None, str]:
    match = re.search(r"^(.*) \(at line (\d+), column \d+\)$", str(exc))
    if match:
        return int(match.group(2)), match.group(1)
    return None, str(exc)


def _warn_unknown(table: dict, known: tuple[str, ...], where: _Where, what: str, name: str | None = None) -> None:
    for key in table:
        if key not in known:
            where.warning(key, f"unknown key '{key}' in {what}{did_you_mean(key, known)}", name)


def _string(table: dict, key: str, default, where: _Where, name: str | None = None):
    value = table.get(key, default)
    if value is not default and not isinstance(value, str):
        where.error(key, f"'{key}' must be a string, not {_shown(value)}", name)
        return default
    index = None if value is default else first_invalid(value)
    if index is not None:
        where.error(key, f"'{key}' contains {describe_invalid(value, index)}: remove it", name)
        return default
    return value


def _split_above(data: dict, where: _Where) -> int:
    value = data.get("split_above", SiteConfig.split_above)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        where.error("split_above", "split_above must be a whole number of objectives like 1000 (0 splits every "
                                   f"cycle's long pages by department), not {_shown(value)}")
        return SiteConfig.split_above
    return value


def _theme(data: dict, root: Path, where: _Where) -> str:
    """The theme's name: "default" or a folder of the site's ``themes/``, never a path out of the site."""
    theme = _string(data, "theme", "default", where)
    if not _FOLDER_NAME.fullmatch(theme) or theme in (".", ".."):
        where.error("theme", f"theme must be \"default\" or the name of a folder of themes/, not {theme!r}: "
                             "a theme comes from inside the site")
        return "default"
    folder = root / "themes" / theme
    if theme != "default" and not folder.is_dir():
        where.error("theme", f"theme '{theme}' has no folder themes/{theme}/ (use \"default\" for the built-in theme)")
    elif folder.is_dir() and (target := leads_out(folder, root.resolve())) is not None:
        where.error("theme", f"themes/{theme}/ is a link to {target}, outside the site: a theme comes from inside the site")
        return "default"
    elif folder.is_dir():
        check_links(folder, root.resolve(), where.diagnostics)
    return theme


def _cycles(table, where: _Where) -> dict[str, CycleSettings]:
    if not isinstance(table, dict):
        where.error("cycles", "'cycles' must be a table of [cycles.\"ID\"] tables")
        return {}
    cycles = {}
    for cycle_id, settings in table.items():
        name = f"cycles.{cycle_id}"
        if not isinstance(settings, dict):
            where.error(None, f"[cycles.\"{cycle_id}\"] must be a table", name)
            continue
        _warn_unknown(settings, CYCLE_KEYS, where, f'[cycles."{cycle_id}"]', name)
        start, end = _date(settings, "start", cycle_id, where), _date(settings, "end", cycle_id, where)
        if start is not None and end is not None and end <= start:
            where.error("end", f"[cycles.\"{cycle_id}\"] ends ({end}) before it starts ({start})", name)
        cycles[cycle_id] = CycleSettings(title=_string(settings, "title", None, where, name), start=start, end=end)
    return cycles


def _date(settings: dict, key: str, cycle_id: str, where: _Where) -> dt.date | None:
    """A cycle's ``start`` or ``end``: a date (not a date and time), or None."""
    value = settings.get(key)
    if value is not None and (not isinstance(value, dt.date) or isinstance(value, dt.datetime)):
        shown = f", not a date and time ({value})" if isinstance(value, dt.datetime) else ""
        where.error(key, f"[cycles.\"{cycle_id}\"] {key} must be a date like 2026-10-01{shown}", f"cycles.{cycle_id}")
        return None
    return value


def _shown(value) -> str:
    """``repr(value)``, shortened when long (a number of 400 digits)."""
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:20]}... ({len(text):,} characters)"


def _status(table, where: _Where) -> StatusBands:
    if not isinstance(table, dict):
        where.error("status", "'status' must be a table")
        return StatusBands()
    _warn_unknown(table, STATUS_KEYS, where, "[status]", "status")
    values = {}
    for key in STATUS_KEYS:
        if key in table:
            value = table[key]
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 10:
                where.error(key, f"[status] {key} must be a number like 0.7, not {_shown(value)}", "status")
            else:
                values[key] = float(value)
    return StatusBands(**values)


def _checks(table, where: _Where) -> CheckSettings:
    if not isinstance(table, dict):
        where.error("checks", "'checks' must be a table")
        return CheckSettings()
    _warn_unknown(table, CHECKS + SWITCHES + ("stale_days",), where, "[checks]", "checks")
    off = set()
    for key, value in table.items():
        if key in CHECKS + SWITCHES and not isinstance(value, bool):
            where.error(key, f"[checks] {key} must be true or false, not {_shown(value)}", "checks")
        elif key in CHECKS and not value:
            off.add(key)
    stale_days = table.get("stale_days", CheckSettings.stale_days)
    if isinstance(stale_days, bool) or not isinstance(stale_days, int) or not 1 <= stale_days <= 366:
        where.error("stale_days", f"[checks] stale_days must be a whole number of days like 14, not {_shown(stale_days)}", "checks")
        stale_days = CheckSettings.stale_days
    return CheckSettings(frozenset(off), stale_days, table.get("strict") is True, table.get("health_page") is not False)


def _markdown(table, where: _Where) -> tuple[str, ...]:
    if not isinstance(table, dict):
        where.error("markdown", "'markdown' must be a table")
        return ()
    _warn_unknown(table, MARKDOWN_KEYS, where, "[markdown]", "markdown")
    hosts = table.get("image_hosts", [])
    if not isinstance(hosts, list):
        where.error("image_hosts", f"[markdown] image_hosts must be a list of host names like [\"intranet.example.com\"], "
                                   f"not {hosts!r}", "markdown")
        return ()
    names = []
    for host in hosts:
        if isinstance(host, str) and _HOST_NAME.fullmatch(host):
            names.append(host.lower())
        else:
            where.error("image_hosts", f"[markdown] image_hosts: {host!r} is not a host name: write the name alone, "
                                       "like \"intranet.example.com\" (no scheme, port, path or wildcard)", "markdown")
    return tuple(names)


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


def _months(year: int, first_month: int, count: int) -> tuple[dt.date, dt.date] | None:
    """The first and last day of ``count`` months from ``first_month``; None for year 0."""
    if year < dt.MINYEAR:
        return None
    last_month = first_month + count - 1
    return dt.date(year, first_month, 1), dt.date(year, last_month, calendar.monthrange(year, last_month)[1])
