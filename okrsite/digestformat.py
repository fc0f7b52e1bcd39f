"""A weekly digest written out: Markdown for a chat message, a pull request or a job
summary; HTML for the body of an e-mail; and the words the site's digest page shows.

All three say the same things: :func:`entries_of` turns a :class:`~okrsite.digest.Digest`
into plain entries (title, link, owner, what changed, notes), and each format only
lays them out. Links in Markdown and HTML are absolute, under the site's
``base_url``; the site page links relatively. The HTML is built with
:func:`html.escape` (no template engine, so the command never loads the renderer):
inline styles only, no scripts, no images, no stylesheet to fetch.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass
from urllib.parse import quote

from okrsite import urls
from okrsite.diagnostics import plural
from okrsite.diffformat import STATUS_SIGNS, markdown_text
from okrsite.digest import Achievement, ConfidenceDrop, Digest, Group, Move, Stale, StatusChange
from okrsite.model import KeyResult, Objective, Owner
from okrsite.render.formatting import STATUS_LABELS, confidence_text, format_number, long_date, percent

SECTION_TITLES = {"moved": "Moved", "worse": "Status got worse", "confidence_drops": "Confidence dropped",
                  "stale": "Gone stale", "achieved": "Achieved"}
ARROW = " → "
#: The words of a status that got worse, in the default theme's text colours (style.css, light: --amber, --red).
STATUS_TEXT_COLOURS = {"at-risk": "#8a5300", "off-track": "#b3261e"}


@dataclass(frozen=True, slots=True)
class Entry:
    """One line of a digest, in words: what it is about, where it lives and what happened to it."""

    title: str  # of the key result or objective
    url: str  # its objective's page, from the site's root
    anchor: str  # the key result's place on that page ("kr-ID"), or ""
    owner: str  # the owner's name
    owner_url: str
    detail: str  # what happened: "41,000 → 64,000 leads (26 % → 55 %)"
    status: str = ""  # the status it fell to (a "got worse" entry), for a colour or a sign
    notes: tuple[tuple[dt.date, str], ...] = ()  # (day, note) of the check-ins in the window, newest first


@dataclass(frozen=True, slots=True)
class SectionEntries:
    name: str  # moved, worse, confidence_drops, stale, achieved
    title: str
    entries: list[Entry]
    more: int  # not shown: the section's cap


@dataclass(frozen=True, slots=True)
class GroupEntries:
    name: str
    owner: Owner
    sections: list[SectionEntries]  # only those with something in them


def entries_of(digest: Digest) -> list[GroupEntries]:
    """The digest's groups in words; empty sections left out."""
    return [GroupEntries(group.name, group.owner, _sections(group)) for group in digest.groups]


def _sections(group: Group) -> list[SectionEntries]:
    return [SectionEntries(name, SECTION_TITLES[name], [_entry(item) for item in section.shown], section.more)
            for name, section in group.sections if section.total]


def _entry(item) -> Entry:
    if isinstance(item, Move):
        notes = tuple((checkin.date, " ".join(checkin.note.split())) for checkin in item.notes)
        return _about(item.key_result, _moved(item), notes=notes)
    if isinstance(item, StatusChange):
        words = f"{_status(item.before)}{ARROW}{_status(item.after)} ({percent(item.progress_after)})"
        return _about(item.objective, words, status=item.after)
    if isinstance(item, Stale):
        kr = item.key_result
        return _about(kr, f"no check-in since {long_date(kr.updated)} ({plural(item.days, 'day')})")
    if isinstance(item, ConfidenceDrop):
        return _about(item.key_result, confidence_text(item.after, item.before))
    if isinstance(item, Achievement):
        return _about(item.item, _achieved(item.item))
    raise TypeError(f"not a digest item: {item!r}")


def _about(item: KeyResult | Objective, detail: str, **more) -> Entry:
    objective = item.objective if isinstance(item, KeyResult) else item
    anchor = f"kr-{item.id}" if isinstance(item, KeyResult) else ""
    owner = objective.owner
    return Entry(item.title, objective.url, anchor, owner.name, owner.url, detail, **more)


def _moved(move: Move) -> str:
    kr = move.key_result
    progress = f"{percent(move.progress_before)}{ARROW}{percent(move.progress_after)}"
    if kr.type == "milestone":
        return f"{_done(move.progress_before)}{ARROW}{_done(move.progress_after)}"
    if move.value_before is None or move.value_after is None:
        return progress
    values = f"{format_number(move.value_before, kr.unit)}{ARROW}{format_number(move.value_after, kr.unit)}"
    return f"{values} ({progress})"


def _done(progress: float) -> str:
    return "done" if progress >= 1 else "not done"


def _status(status: str) -> str:
    return STATUS_LABELS.get(status, status).lower()


def _achieved(item: KeyResult | Objective) -> str:
    if isinstance(item, Objective):
        return "every key result reached its target (100 %)"
    if item.type == "milestone":
        return "done"
    if item.type == "metric" and item.current is not None:
        return f"reached its target: {format_number(item.current, item.unit)}"
    return "reached 100 %"


def summary(digest: Digest) -> str:
    """One sentence: what happened in the window, or that it was a quiet one."""
    window = _window(digest)
    if digest.cycle is None:
        return f"No cycle is running, so there is nothing to report ({window})."
    if digest.empty:
        return (f"A quiet week in {digest.cycle.title}: no key result moved, no objective got worse, "
                f"nothing went stale and nothing was reached ({window}).")
    totals = digest.totals
    parts = [plural(totals["moved"], "key result") + " moved",
             plural(totals["worse"], "objective") + " got worse",
             plural(totals["confidence_drops"], "key result") + " lost confidence",
             plural(totals["stale"], "key result") + " gone stale",
             f"{totals['achieved']} achieved"]
    shown = [part for part, count in zip(parts, totals.values()) if count]
    return f"{digest.cycle.title}, {window}: {', '.join(shown)}."


def _window(digest: Digest) -> str:
    since, until = digest.since, digest.until
    start = day_of_year(since) if since.year == until.year else long_date(since)
    return f"{start} to {long_date(until)}"


def day_of_year(day: dt.date) -> str:
    """'20 Nov': a day of the digest's year."""
    return long_date(day).rpartition(" ")[0]


def heading(digest: Digest) -> str:
    return f"Weekly digest: {digest.title}"


def absolute(digest: Digest, url: str, anchor: str = "") -> str:
    """The address of a page of the site, for use outside it."""
    return urls.absolute(digest.base_url, url) + (f"#{anchor}" if anchor else "")


# --- Markdown ---

def render_markdown(digest: Digest) -> str:
    """For a chat message, a pull request or a GitHub Actions job summary."""
    out = [f"## {markdown_text(heading(digest))}", "", markdown_text(summary(digest))]
    if digest.cycle is not None:
        out += ["", f"[All of {markdown_text(digest.cycle.title)}]({_md_url(absolute(digest, digest.cycle.url))})"]
    for group in entries_of(digest):
        out += ["", f"### [{markdown_text(group.name)}]({_md_url(absolute(digest, group.owner.url))})"]
        for section in group.sections:
            out += ["", f"**{section.title}**", ""]
            out += [line for entry in section.entries for line in _md_entry(digest, entry)]
            if section.more:
                out.append(f"- …and {section.more} more: see [{markdown_text(group.name)}]"
                           f"({_md_url(absolute(digest, group.owner.url))})")
    return "\n".join(out) + "\n"


def _md_entry(digest: Digest, entry: Entry) -> list[str]:
    sign = f"{STATUS_SIGNS[entry.status]} " if entry.status in STATUS_SIGNS else ""
    link = f"[{markdown_text(entry.title)}]({_md_url(absolute(digest, entry.url, entry.anchor))})"
    lines = [f"- {sign}{link} · {markdown_text(entry.owner)}: {markdown_text(entry.detail)}"]
    lines += [f"  - {day_of_year(day)}: {markdown_text(note)}" for day, note in entry.notes]
    return lines


def _md_url(url: str) -> str:
    """A URL that Markdown keeps whole: spaces and parentheses escaped."""
    return quote(url, safe=":/#?&=%~+@!$,;*'")


# --- HTML, for an e-mail ---

_FONT = "font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif"
_STYLES = {
    "body": f"margin:0;padding:0;background:#f4f5f7;color:#1f2933;{_FONT}",
    "page": "max-width:640px;margin:0 auto;padding:24px 16px",
    "card": "background:#ffffff;border:1px solid #e3e7eb;border-radius:8px;padding:16px 20px;margin:0 0 16px",
    "h1": "font-size:22px;line-height:1.3;margin:0 0 8px",
    "lead": "font-size:15px;line-height:1.5;margin:0 0 8px;color:#3c4650",
    "h2": "font-size:18px;line-height:1.3;margin:0 0 8px",
    "h3": "font-size:13px;letter-spacing:.04em;text-transform:uppercase;color:#5b6670;margin:16px 0 6px",
    "list": "margin:0;padding:0 0 0 18px",
    "item": "font-size:15px;line-height:1.5;margin:0 0 8px",
    "muted": "color:#5b6670",
    "link": "color:#1f6fb2;text-decoration:underline",
    "notes": "margin:4px 0 0;padding:0 0 0 16px;color:#3c4650;font-size:14px",
    "footer": "font-size:13px;color:#5b6670;margin:8px 0 0",
}


def render_html(digest: Digest) -> str:
    """A self-contained e-mail body: inline styles only, no scripts, no images, no remote anything."""
    e = html.escape
    parts = ['<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
             '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
             f'<meta name="color-scheme" content="light">\n<title>{e(heading(digest))}</title>\n</head>\n'
             f'<body style="{_STYLES["body"]}">\n<div style="{_STYLES["page"]}">\n'
             f'<h1 style="{_STYLES["h1"]}">{e(heading(digest))}</h1>\n'
             f'<p style="{_STYLES["lead"]}">{e(summary(digest))}</p>\n']
    for group in entries_of(digest):
        parts.append(_html_group(digest, group))
    if digest.cycle is not None:
        everything = _html_link(absolute(digest, digest.cycle.url), "All of " + digest.cycle.title)
        parts.append(f'<p style="{_STYLES["footer"]}">{everything} &middot; made by okrsite digest</p>\n')
    parts.append("</div>\n</body>\n</html>\n")
    return "".join(parts)


def _html_group(digest: Digest, group: GroupEntries) -> str:
    owner_link = absolute(digest, group.owner.url)
    parts = [f'<div style="{_STYLES["card"]}">\n'
             f'<h2 style="{_STYLES["h2"]}">{_html_link(owner_link, group.name)}</h2>\n']
    for section in group.sections:
        parts.append(f'<h3 style="{_STYLES["h3"]}">{html.escape(section.title)}</h3>\n<ul style="{_STYLES["list"]}">\n')
        parts += [_html_entry(digest, entry) for entry in section.entries]
        if section.more:
            parts.append(f'<li style="{_STYLES["item"]}">…and {section.more} more: see '
                         f'{_html_link(owner_link, group.name)}</li>\n')
        parts.append("</ul>\n")
    parts.append("</div>\n")
    return "".join(parts)


def _html_entry(digest: Digest, entry: Entry) -> str:
    e = html.escape
    colour = STATUS_TEXT_COLOURS.get(entry.status)
    detail = f'<strong style="color:{colour}">{e(entry.detail)}</strong>' if colour else e(entry.detail)
    text = (f'<li style="{_STYLES["item"]}">{_html_link(absolute(digest, entry.url, entry.anchor), entry.title)} '
            f'<span style="{_STYLES["muted"]}">&middot; {e(entry.owner)}</span><br>\n{detail}')
    if entry.notes:
        notes = "".join(f"<li>{e(day_of_year(day))}: {e(note)}</li>" for day, note in entry.notes)
        text += f'\n<ul style="{_STYLES["notes"]}">{notes}</ul>'
    return text + "</li>\n"


def _html_link(url: str, text: str) -> str:
    return f'<a href="{html.escape(url)}" style="{_STYLES["link"]}">{html.escape(text)}</a>'
