"""The search index: every owner, objective and key result, written at build time.

It is a JSON document wrapped in a call, ``okrsiteSearch({...});``, in
``search-index.js``, so the theme's script can load it with a ``<script>`` tag:
that also works when the site is opened from disk, where browsers refuse to
fetch files. Private content is never in it: the model it reads is already public.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from okrsite.model import Owner, Site

_TAGS = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def _plain(html: str) -> str:
    """Rendered Markdown as plain words."""
    text = _TAGS.sub(" ", html)
    for entity, char in (("&amp;", "&"), ("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&#39;", "'")):
        text = text.replace(entity, char)
    return _SPACE.sub(" ", text).strip()


def search_entries(owner: Owner) -> list[list]:
    """``[kind, title, detail, url, more words, cycle]`` for an owner, its objectives and key results."""
    cycle = owner.cycle
    detail = " · ".join(part for part in (owner.role, owner.parent.name if owner.parent else "", cycle.title) if part)
    entries = [[owner.kind, owner.name, detail, owner.url, owner.id, cycle.id]]
    for objective in owner.objectives:
        where = f"{owner.name} · {cycle.title}"
        entries.append(["objective", objective.title, where, objective.url, _plain(objective.description_html), cycle.id])
        for kr in objective.key_results:
            entries.append(["key result", kr.title, f"{objective.title} · {where}", objective.url, kr.unit, cycle.id])
    return entries


def render_search_entries(owner: Owner) -> str:
    """An owner's entries as JSON list items (without the brackets around them)."""
    return json.dumps(search_entries(owner), ensure_ascii=False, separators=(",", ":"))[1:-1]


def render_search_index(site: Site, owner_entries: Callable[[Owner], str] = render_search_entries) -> bytes:
    """Every owner, objective and key result, the current cycle first. ``owner_entries`` gives an owner's
    entries (by default :func:`render_search_entries`); a renderer can pass one that reuses unchanged ones."""
    head = json.dumps({"fields": ["kind", "title", "detail", "url", "words", "cycle"],
                       "current": site.current.id if site.current else None}, separators=(",", ":"))
    cycles = sorted(site.cycles, key=lambda c: c is not site.current)
    entries = (text for cycle in cycles for owner in cycle.owners.values() if (text := owner_entries(owner)))
    # joined once, as bytes: at company scale the entries are tens of megabytes
    pieces = [f'okrsiteSearch({head[:-1]},"entries":['.encode("utf-8")]
    for index, text in enumerate(entries):
        pieces += [b",", text.encode("utf-8")] if index else [text.encode("utf-8")]
    return b"".join([*pieces, b"]});\n"])
