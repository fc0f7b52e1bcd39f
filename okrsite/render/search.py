"""The search index, written at build time in parts that the browser loads as the reader types.

Every owner, objective and key result is an *entry*, numbered in the order the
search breaks ties: the current cycle's first. The index is three kinds of file:

- ``search-index.js``, the head: how many entries there are and how many of them
  are the current cycle's, the first number of each chunk of entries, and the
  names of the word parts;
- ``search/words-<name>.js``, a word part: for every word that starts with the
  part's name, the entries it occurs in and whether in the title (its first word
  or another). A part is named by the first two letters of its words (a word of
  one letter has a part of its own); a part bigger than :data:`PART_SIZE` is split
  by the next letter, and so on. The file name is the name's UTF-8 bytes in hex;
- ``search/entries-<n>.js``, a chunk of entries (kind, title, detail, url), loaded
  only for the results shown. A chunk ends after an owner whose id hashes to a
  multiple of :data:`CHUNK_OWNERS` (or at :data:`CHUNK_MAX` entries), so adding an
  objective changes one chunk, not all the chunks after it.

A *word* is a run of letters, digits and marks of the folded text: lower case,
then NFD with the accents U+0300 to U+036F dropped, as the theme's search.js
folds the query. Each file is one call of ``okrsiteSearch(path, data)``, so that
search.js can load it with a ``<script>`` tag: that also works when the site is
opened from disk, where browsers refuse to fetch files. Private content is never
in them: the model they read is already public.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import NamedTuple

from okrsite.fingerprint import stable_hash
from okrsite.model import Cycle, Owner, Site

FIELDS = ("kind", "title", "detail", "url")
PART_SIZE = 64_000  # characters of a word part before it is split by the next letter
CHUNK_OWNERS = 16  # owners in a chunk of entries, on average
CHUNK_MAX = 600  # entries in a chunk at most

_TAGS = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")
_ACCENTS = re.compile("[\u0300-\u036f]")
_ASCII_WORD = re.compile(r"[a-z0-9]+")
_WORD = re.compile(r"[^\W_]+")
#: Postings are written as numbers in base 32, low digits first: a digit of this alphabet's
#: second half says that more digits follow.
DIGITS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_"


def _plain(html: str) -> str:
    """Rendered Markdown as plain words."""
    text = _TAGS.sub(" ", html)
    for entity, char in (("&amp;", "&"), ("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&#39;", "'")):
        text = text.replace(entity, char)
    return _SPACE.sub(" ", text).strip()


def fold(text: str) -> str:
    """Lower case without accents, as search.js folds: ``Inès`` -> ``ines``."""
    return _ACCENTS.sub("", unicodedata.normalize("NFD", text.lower()))


def words(text: str) -> list[str]:
    """The folded words of ``text``: its runs of letters, digits and marks (search.js's ``words``)."""
    text = fold(text)
    if text.isascii():
        return _ASCII_WORD.findall(text)
    if not any(unicodedata.category(c)[0] == "M" for c in set(text) if c > "\u036f"):
        return _WORD.findall(text)  # letters and digits: ``\w`` leaves marks out
    return "".join(c if c.isalnum() or unicodedata.category(c)[0] == "M" else " " for c in text).split()


def search_entries(owner: Owner) -> list[tuple[list[str], str]]:
    """``([kind, title, detail, url], more words)`` for an owner, its objectives and key results."""
    cycle = owner.cycle
    detail = " · ".join(part for part in (owner.role, owner.parent.name if owner.parent else "", cycle.title) if part)
    entries = [([owner.kind, owner.name, detail, owner.url], owner.id)]
    for objective in owner.objectives:
        where = f"{owner.name} · {cycle.title}"
        entries.append((["objective", objective.title, where, objective.url], _plain(objective.description_html)))
        for kr in objective.key_results:
            entries.append((["key result", kr.title, f"{objective.title} · {where}", objective.url], kr.unit))
    return entries


def entry_count(owner: Owner) -> int:
    """How many entries :func:`search_entries` gives for the owner (without making them)."""
    return 1 + sum(1 + len(objective.key_results) for objective in owner.objectives)


class Postings(NamedTuple):
    """Where one word occurs among an owner's entries: the first (its code: the entry's index among the
    owner's entries times 3, plus its flag), the others written out (see :func:`_codes`), and the index of the last.
    A named tuple: tens of thousands are made in a build of 1,000 people."""

    first: int
    rest: str
    last: int


def render_search_entries(owner: Owner) -> str:
    """An owner's entries as JSON list items (without the brackets around them)."""
    return script_json([entry for entry, _ in search_entries(owner)])[1:-1]


def owner_words(owner: Owner) -> dict[str, Postings]:
    """Where each word occurs among the owner's entries. A word's flag in an entry: 2 for the title's
    first word, 1 for another word of the title, 0 for a word of the rest."""
    found: dict[str, list[int]] = {}
    seen: dict[str, list[str]] = {}  # the words of the details and more words read so far: they repeat

    def words_of(text: str) -> list[str]:
        known = seen.get(text)
        if known is None:
            known = seen[text] = words(text)
        return known

    for index, (entry, more) in enumerate(search_entries(owner)):
        title = words(entry[1])
        # the words of "detail more", read apart: a space parts words, and folding and lowering go letter by letter
        flags = dict.fromkeys(words_of(entry[2]) + words_of(f"{more}"), 0) | dict.fromkeys(title, 1)
        if title:
            flags[title[0]] = 2
        for word, flag in flags.items():
            found.setdefault(word, []).append(index * 3 + flag)
    return {word: Postings(codes[0], _codes(codes) if len(codes) > 1 else "", codes[-1] // 3)
            for word, codes in found.items()}


def _codes(codes: list[int]) -> str:
    """Every posting but the first, each as the gap from the one before and its flag."""
    small, count = _SMALL, len(_SMALL)
    before, written = codes[0] // 3, []
    for code in codes[1:]:
        entry = code // 3
        value = (entry - before - 1) * 3 + code % 3
        written.append(small[value] if value < count else posting_code(value))
        before = entry
    return "".join(written)


def posting_code(value: int) -> str:
    """A posting's ``value`` (the gap from the entry before times 3, plus its flag) in base 32, low digits first."""
    digits = []
    while value >= 32:
        digits.append(DIGITS[32 + (value & 31)])
        value >>= 5
    digits.append(DIGITS[value])
    return "".join(digits)


_SMALL = [posting_code(value) for value in range(1024)]  # the codes of most postings, made once


def script_json(value: object) -> str:
    """Compact JSON as a JavaScript expression, U+2028 and U+2029 escaped for older browsers (the search
    index's files, and people.js of :mod:`okrsite.render.sections`)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def index_file(path: str, data: str) -> bytes:
    """A file of the index at ``path``: one call of ``okrsiteSearch`` with the JavaScript expression ``data``."""
    return f"okrsiteSearch({script_json(path)},{data});\n".encode("utf-8")


def ordered_cycles(site: Site) -> list[Cycle]:
    """The cycles in the order of their entries' numbers: the current cycle first."""
    return sorted(site.cycles, key=lambda c: c is not site.current)


def ordered_owners(site: Site) -> list[Owner]:
    """Every owner in the order of their entries' numbers: the current cycle's first."""
    return [owner for cycle in ordered_cycles(site) for owner in cycle.owners.values()]


def chunks(owners: list[Owner], counts: list[int] | None = None) -> list[list[Owner]]:
    """The owners of each chunk of entries (see the module's notes); ``counts``: their entry counts, if known."""
    found: list[list[Owner]] = [[]]
    size = 0
    for owner, count in zip(owners, counts if counts is not None else map(entry_count, owners)):
        found[-1].append(owner)
        size += count
        if size >= CHUNK_MAX or _ends_chunk(owner.cycle.id, owner.id):
            found.append([])
            size = 0
    return [chunk for chunk in found if chunk]


@lru_cache(maxsize=1 << 17)
def _ends_chunk(cycle: str, owner: str) -> bool:
    """Whether a chunk ends after this owner whatever its size (its id hashes to a multiple of CHUNK_OWNERS)."""
    return stable_hash((cycle, owner)) % CHUNK_OWNERS == 0


def render_chunk(path: str, owners: list[Owner], entries: Callable[[Owner], str] = render_search_entries) -> bytes:
    """A chunk of entries; ``entries`` gives an owner's (a renderer can pass one that reuses unchanged ones)."""
    return index_file(path, "[" + ",".join(text for owner in owners if (text := entries(owner))) + "]")


def split_part(name: str, group: dict[str, str]) -> Iterator[tuple[str, dict[str, str]]]:
    """The part ``name`` of ``group`` (its words, each with its postings), split by the next letter while
    it is bigger than :data:`PART_SIZE`; a word as long as the name stays in the part of that name."""
    if len(group) == 1 or sum(len(w) + len(p) for w, p in group.items()) <= PART_SIZE:
        yield name, group
        return
    longer: dict[str, dict[str, str]] = {}
    for word, postings in group.items():
        longer.setdefault(word[:len(name) + 1], {})[word] = postings
    for prefix, smaller in longer.items():
        yield from [(prefix, smaller)] if prefix == name else split_part(prefix, smaller)
