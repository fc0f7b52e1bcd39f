"""Exports for people and tools beside okrs.json: a CSV of key results per cycle for
spreadsheets, and an Atom feed of check-ins for feed readers."""

from __future__ import annotations

import csv
import datetime as dt
import heapq
import io
import itertools
from collections.abc import Callable

from okrsite import __version__, urls
from okrsite.model import CheckIn, Cycle, KeyResult, Owner, Site
from okrsite.render.formatting import STATUS_LABELS, confidence_text, format_number
from okrsite.xmltext import escape, quoteattr

CSV_COLUMNS = ("cycle", "owner", "owner_name", "owner_kind", "objective", "objective_title", "key_result",
               "key_result_title", "type", "start", "current", "target", "unit", "weight", "progress", "score",
               "status", "url", "confidence")  # confidence: the latest (0..1), empty when none
FEED_ENTRIES = 100  # the newest check-ins a feed carries
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> object:
    """A value safe for spreadsheets: text that a spreadsheet would run as a formula gets a leading '."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return "" if value is None else value


def render_csv_rows(owner: Owner) -> bytes:
    """The CSV rows of one owner's key results, in UTF-8."""
    cycle = owner.cycle
    return _csv_text([_cell(v) for v in (
        cycle.id, owner.id, owner.name, owner.kind, objective.id, objective.title, kr.id, kr.title,
        kr.type, kr.start, _current(kr), kr.target, kr.unit, kr.weight, round(kr.progress, 4),
        round(kr.score, 4), kr.status, objective.url, kr.confidence)]
        for objective in owner.objectives for kr in objective.key_results).encode("utf-8")


def render_csv(cycle: Cycle, owner_rows: Callable[[Owner], bytes] = render_csv_rows) -> bytes:
    """One row per key result, UTF-8 with a byte-order mark so spreadsheets read accents right.

    ``owner_rows`` gives an owner's rows (by default :func:`render_csv_rows`); a
    renderer can pass one that reuses the rows of owners that did not change.
    """
    return b"".join([_CSV_HEAD, *(owner_rows(o) for o in cycle.owners.values())])


def _csv_text(rows) -> str:
    stream = io.StringIO()
    csv.writer(stream).writerows(rows)  # RFC 4180: quoted as needed, CRLF line ends
    return stream.getvalue()


_CSV_HEAD = ("\ufeff" + _csv_text([CSV_COLUMNS])).encode("utf-8")


def _current(kr: KeyResult):
    if kr.type == "milestone":
        return "done" if kr.done else "not done"
    return kr.current if kr.type == "metric" else None


Newest = list[tuple[dt.date, str, str, str, int, int, int]]
"""Check-ins newest first: (date, key result ref, cycle id, owner id, objective, key result, check-in index)."""
Picked = list[tuple[Owner, int, int, int]]  # the feed's check-ins: (owner, objective, key result, check-in index)


def newest_checkins(owner: Owner) -> Newest:
    """The owner's newest check-ins (at most as many as a feed carries), newest first, by position."""
    cycle_id, owner_id = owner.cycle.id, owner.id
    found = [(checkin.date, kr.ref, cycle_id, owner_id, o, k, c)
             for o, objective in enumerate(owner.objectives)
             for k, kr in enumerate(objective.key_results) if kr.type == "metric"
             for c, checkin in enumerate(kr.checkins)]
    found.sort(key=_when, reverse=True)
    return found[:FEED_ENTRIES]


def cycle_newest(cycle: Cycle, owner_newest: Callable[[Owner], Newest] = newest_checkins) -> Newest:
    """The cycle's newest check-ins (at most as many as a feed carries), from its owners' (``owner_newest``
    may supply them, e.g. from a cache)."""
    return _newest([owner_newest(owner) for owner in cycle.owners.values()])


def site_newest(site: Site, newest: Callable[[Cycle], Newest] = cycle_newest) -> Picked:
    """The check-ins a feed of the whole site carries, from the cycles' (``newest`` may supply them)."""
    cycles = {cycle.id: cycle for cycle in site.cycles}
    return [(cycles[cycle].owners[owner], o, k, c)
            for _, _, cycle, owner, o, k, c in _newest([newest(cycle) for cycle in site.cycles])]


def _newest(lists: list[Newest]) -> Newest:
    """The first :data:`FEED_ENTRIES` of lists each newest first, merged: newest first by date, then by key
    result ref (highest first), ties in the order of the lists, as a sort of all of them would give."""
    return list(itertools.islice(heapq.merge(*lists, key=_when, reverse=True), FEED_ENTRIES))


def _when(item: tuple) -> tuple:
    return item[:2]


def render_feed(site: Site, picked: Picked | None = None) -> bytes:
    """An Atom feed of the newest check-ins of every cycle, newest first: ``picked`` (by default
    :func:`site_newest`'s)."""
    base = site.config.base_url
    picked = site_newest(site) if picked is None else picked
    updated = (_checkin(*picked[0]).date if picked else site.build_date).isoformat() + "T00:00:00Z"
    entries = "".join(_entry(owner, o, k, c, base) for owner, o, k, c in picked)
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n'
            f"  <title>{escape(site.config.title)}: check-ins</title>\n"
            f"  <id>{escape(base)}feed.xml</id>\n"
            f"  <link rel=\"self\" href={quoteattr(base + 'feed.xml')}/>\n"
            f"  <link href={quoteattr(base)}/>\n"
            f"  <updated>{updated}</updated>\n"
            f"  <generator version={quoteattr(__version__)}>okrsite</generator>\n"
            f"{entries}</feed>\n").encode("utf-8")


def _checkin(owner: Owner, o: int, k: int, c: int) -> CheckIn:
    return owner.objectives[o].key_results[k].checkins[c]


def _entry(owner: Owner, o: int, k: int, c: int, base: str) -> str:
    """The feed entry of check-in ``c`` of key result ``k`` of the owner's objective ``o``."""
    objective = owner.objectives[o]
    kr = objective.key_results[k]
    checkin = kr.checkins[c]
    url = f"{base}{objective.url}#kr-{kr.id}"
    if kr.type == "milestone":  # a check-in from git history: marked done, or not done again
        value = "done" if checkin.value else "not done"
        reading = value
    else:
        value = format_number(checkin.value, kr.unit)
        reading = f"{value} (from {format_number(kr.start, kr.unit)} toward {format_number(kr.target, kr.unit)})"
    title = f"{owner.name}: {kr.title}: {value}"
    summary = (f"{kr.title}: {reading}, for the objective \u201c{objective.title}\u201d in {owner.cycle.title}. "
               f"Now {STATUS_LABELS.get(kr.status, kr.status).lower()}.")
    if checkin.confidence is not None:
        earlier = next((before.confidence for before in reversed(kr.checkins[:c]) if before.confidence is not None),
                       None)
        summary += f" Confidence: {confidence_text(checkin.confidence, earlier)}."
    if checkin.note:
        summary += f" Note: {checkin.note}"
    return (f"  <entry>\n    <title>{escape(title)}</title>\n"
            f"    <id>{escape(url)}/{checkin.date.isoformat()}</id>\n"
            f"    <link href={quoteattr(url)}/>\n"
            f"    <updated>{checkin.date.isoformat()}T00:00:00Z</updated>\n"
            f"    <author><name>{escape(owner.name)}</name></author>\n"
            f"    <summary>{escape(summary)}</summary>\n  </entry>\n")


def render_sitemap(base_url: str, page_paths: list[str]) -> bytes:
    """sitemap.xml: every page but the 404 page, by its folder's address."""
    entries = []
    for path in page_paths:
        if path == urls.NOT_FOUND:
            continue
        location = base_url + (path[: -len("index.html")] if path.endswith("index.html") else path)
        entries.append(f"  <url><loc>{escape(location)}</loc></url>\n")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            + "".join(entries) + "</urlset>\n").encode("utf-8")
