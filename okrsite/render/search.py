"""The search index: every owner, objective and key result, written at build time.

It is a JSON document wrapped in a call, ``okrsiteSearch({...});``, in
``search-index.js``, so the theme's script can load it with a ``<script>`` tag:
that also works when the site is opened from disk, where browsers refuse to
fetch files. Private content is never in it: the model it reads is already public.
"""

from __future__ import annotations

import json
import re

from okrsite.model import Site

_TAGS = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def _plain(html: str) -> str:
    """Rendered Markdown as plain words."""
    text = _TAGS.sub(" ", html)
    for entity, char in (("&amp;", "&"), ("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&#39;", "'")):
        text = text.replace(entity, char)
    return _SPACE.sub(" ", text).strip()


def search_entries(site: Site) -> list[list]:
    """``[kind, title, detail, url, more words, cycle]`` for every owner, objective and key
    result, the current cycle first."""
    cycles = sorted(site.cycles, key=lambda c: c is not site.current)
    entries = []
    for cycle in cycles:
        for owner in cycle.owners.values():
            detail = " · ".join(part for part in (owner.role, owner.parent.name if owner.parent else "", cycle.title) if part)
            entries.append([owner.kind, owner.name, detail, owner.url, owner.id, cycle.id])
            for objective in owner.objectives:
                where = f"{owner.name} · {cycle.title}"
                entries.append(["objective", objective.title, where, objective.url, _plain(objective.description_html), cycle.id])
                for kr in objective.key_results:
                    entries.append(["key result", kr.title, f"{objective.title} · {where}", objective.url, kr.unit, cycle.id])
    return entries


def render_search_index(site: Site) -> bytes:
    data = {"fields": ["kind", "title", "detail", "url", "words", "cycle"],
            "current": site.current.id if site.current else None, "entries": search_entries(site)}
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return f"okrsiteSearch({text});\n".encode("utf-8")
