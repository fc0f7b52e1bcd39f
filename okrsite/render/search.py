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

import bisect
import json
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from okrsite import urls
from okrsite.fingerprint import stable_hash
from okrsite.model import Owner, Site

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


@dataclass(frozen=True, slots=True)
class Postings:
    """Where one word occurs among an owner's entries: the first (its code: the entry's index among the
    owner's entries times 3, plus its flag), the others written out (see :func:`_codes`), and the index of the last."""

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
    for index, (entry, more) in enumerate(search_entries(owner)):
        title = words(entry[1])
        flags = dict.fromkeys(words(f"{entry[2]} {more}"), 0) | dict.fromkeys(title, 1)
        if title:
            flags[title[0]] = 2
        for word, flag in flags.items():
            found.setdefault(word, []).append(index * 3 + flag)
    return {word: Postings(codes[0], _codes(codes), codes[-1] // 3) for word, codes in found.items()}


def _codes(codes: list[int]) -> str:
    """Every posting but the first, each as the gap from the one before and its flag."""
    values = ((b // 3 - a // 3 - 1) * 3 + b % 3 for a, b in zip(codes, codes[1:]))
    return "".join(_SMALL[v] if v < len(_SMALL) else _code(v) for v in values)


def _code(value: int) -> str:
    digits = []
    while value >= 32:
        digits.append(DIGITS[32 + (value & 31)])
        value >>= 5
    digits.append(DIGITS[value])
    return "".join(digits)


_SMALL = [_code(value) for value in range(1024)]  # the codes of most postings, made once


def script_json(value: object) -> str:
    """Compact JSON as a JavaScript expression, U+2028 and U+2029 escaped for older browsers (the search
    index's files, and people.js of :mod:`okrsite.render.sections`)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _call(path: str, data: str) -> bytes:
    return f"okrsiteSearch({script_json(path)},{data});\n".encode("utf-8")


def ordered_owners(site: Site) -> list[Owner]:
    """Every owner in the order of their entries' numbers: the current cycle's first."""
    cycles = sorted(site.cycles, key=lambda c: c is not site.current)
    return [owner for cycle in cycles for owner in cycle.owners.values()]


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
    return _call(path, "[" + ",".join(text for owner in owners if (text := entries(owner))) + "]")


def render_head_and_parts(site: Site, owners: list[Owner]) -> dict[str, bytes]:
    """The head and the word parts, by path, of ``owners`` (in :func:`ordered_owners`'s order), made anew."""
    index = WordIndex()
    index.update(site, owners, lambda owner: 0)
    return {path: data for path, data, _ in index.files()}


def _split(name: str, group: dict[str, str]) -> Iterator[tuple[str, dict[str, str]]]:
    """The part ``name`` of ``group`` (its words, each with its postings), split by the next letter while
    it is bigger than :data:`PART_SIZE`; a word as long as the name stays in the part of that name."""
    if len(group) == 1 or sum(len(w) + len(p) for w, p in group.items()) <= PART_SIZE:
        yield name, group
        return
    longer: dict[str, dict[str, str]] = {}
    for word, postings in group.items():
        longer.setdefault(word[:len(name) + 1], {})[word] = postings
    for prefix, smaller in longer.items():
        yield from [(prefix, smaller)] if prefix == name else _split(prefix, smaller)


Ident = tuple[str, str]  # an owner as the index knows it from build to build: its cycle's id and its own
REJOIN_ALL = 0.25  # the share of the words above which joining all of them owner by owner is quicker


@dataclass(eq=False, slots=True)
class _Known:
    """An owner as the index last read it: its key, where each of its words occurs and how many entries
    it has; its place among the owners and the number of its first entry."""

    key: int | None
    words: dict[str, Postings]
    count: int = 0
    place: int = 0
    start: int = 0


class WordIndex:
    """The head and the word parts of the search index, kept from build to build.

    A build reads again the words of the owners whose key changed (and of new ones), joins again the
    postings of each word whose postings changed, and renders again only the parts whose words' postings
    changed. A word's postings are its owners' in entry order, each owner's first one written as the gap
    from the word's last entry before it (from -1 for the first): when an owner's entries grow or shrink,
    or owners come or go, every word occurring after it is joined again (most of them: then all words
    are, owner by owner). If the owners that stay come in another order, it starts over.
    """

    def __init__(self) -> None:
        self._clear()

    def _clear(self) -> None:
        self.order: list[Ident] = []  # the owners in entry order
        self.known: dict[Ident, _Known] = {}
        self.total = 0  # entries in all
        self.where: dict[str, list[_Known]] = {}  # the owners each word occurs in, in entry order
        self.joined: dict[str, str] = {}  # each word's postings, as its part writes them
        self.prefixes: dict[str, set[str]] = {}  # the words by their first two letters (a part, before splitting)
        self.parts: dict[str, list[tuple[str, str, bytes, int]]] = {}  # each prefix's parts: name, path, data, key
        self.head: tuple[str, bytes, int] = ("", b"", 0)
        self.chunk_sizes: list[int] = []  # owners in each chunk of entries

    def update(self, site: Site, owners: list[Owner], key: Callable[[Owner], int]) -> list[list[Owner]]:
        """Bring the index up to date with ``owners`` (in :func:`ordered_owners`'s order), whose parts of
        the index change only when ``key`` does; the owners of each chunk of entries."""
        idents = [(owner.cycle.id, owner.id) for owner in owners]
        if idents != self.order and not self._keeps_order(idents):
            self._clear()
        touched: set[str] = set()  # words whose postings are joined again
        counted = idents != self.order  # owners came or went: number the entries again
        if counted:
            self._place(idents, touched)
        known = self.known
        for owner, ident in zip(owners, idents):
            record, new_key = known[ident], key(owner)
            if record.key != new_key:
                counted = self._read(record, owner, new_key, touched) or counted
        moved = self._count() if counted else None
        if moved is not None:
            touched.update(word for word, found in self.where.items() if found and found[-1].place >= moved)
        if len(touched) > REJOIN_ALL * len(self.where):
            touched = self._join_all()
        else:
            for word in touched:
                self._join(word)
        for prefix in {word[:2] for word in touched}:
            self._render_prefix(prefix)
        groups = self._chunks(owners, counted)
        self._render_head(site, owners, groups)
        return groups

    def files(self) -> Iterator[tuple[str, bytes, int]]:
        """The head, then the word parts: each as its path, its data and a key of its data."""
        yield self.head
        for prefix in sorted(self.parts):
            for _, path, data, key in self.parts[prefix]:
                yield path, data, key

    def _keeps_order(self, idents: list[Ident]) -> bool:
        """Whether the owners known before and still there come in the same order."""
        now = set(idents)
        return [i for i in idents if i in self.known] == [i for i in self.order if i in now]

    def _place(self, idents: list[Ident], touched: set[str]) -> None:
        """Forget the owners gone (their words are ``touched``), know the new ones (without words until
        read), and place every owner."""
        known = self.known
        for ident in known.keys() - set(idents):
            record = known.pop(ident)
            for word in record.words:
                self.where[word].remove(record)
            touched.update(record.words)
        for place, ident in enumerate(idents):
            record = known.get(ident)
            if record is None:
                record = known[ident] = _Known(None, {})
            record.place = place
        self.order = idents

    def _read(self, record: _Known, owner: Owner, key: int, touched: set[str]) -> bool:
        """Read an owner's words again, adding to ``touched`` those whose postings changed; whether its
        entry count changed (or it is new)."""
        before, words, count = record.words, owner_words(owner), entry_count(owner)
        counted = record.key is None or record.count != count
        record.key, record.words, record.count = key, words, count
        for word in before.keys() - words.keys():
            self.where[word].remove(record)
            touched.add(word)
        for word, postings in words.items():
            if word not in before:
                bisect.insort(self.where.setdefault(word, []), record, key=_place)
                touched.add(word)
            elif before[word] != postings:
                touched.add(word)
        return counted

    def _count(self) -> int | None:
        """Number the entries again: each owner's first, and how many in all; the place of the first owner
        whose first entry has another number now (None: none has; a new owner counts as one)."""
        number, moved = 0, None
        for record in map(self.known.__getitem__, self.order):
            if record.start != number and moved is None:
                moved = record.place
            record.start = number
            number += record.count
        self.total = number
        return moved

    def _join(self, word: str) -> None:
        """Join a word's postings again from its owners' (or forget a word that no longer occurs)."""
        found = self.where.get(word)
        if not found:
            self._drop(word)
            return
        pieces, last = [], -1
        for record in found:
            postings, start = record.words[word], record.start
            pieces += (_code((start + postings.first // 3 - last - 1) * 3 + postings.first % 3), postings.rest)
            last = start + postings.last
        self.joined[word] = "".join(pieces)
        self.prefixes.setdefault(word[:2], set()).add(word)

    def _join_all(self) -> set[str]:
        """Join every word's postings again, owner by owner; the words whose postings changed."""
        merged: dict[str, list[str]] = {}
        last: dict[str, int] = {}
        for record in map(self.known.__getitem__, self.order):
            start = record.start
            for word, postings in record.words.items():
                gap = start + postings.first // 3 - last.get(word, -1) - 1
                merged.setdefault(word, []).extend((_code(gap * 3 + postings.first % 3), postings.rest))
                last[word] = start + postings.last
        touched = set(self.joined.keys() - merged.keys())
        for word in touched:
            self._drop(word)
        joined = self.joined
        for word, pieces in merged.items():
            text = "".join(pieces)
            if joined.get(word) != text:
                joined[word] = text
                self.prefixes.setdefault(word[:2], set()).add(word)
                touched.add(word)
        return touched

    def _drop(self, word: str) -> None:
        """Forget a word that no longer occurs."""
        self.where.pop(word, None)
        self.joined.pop(word, None)
        self.prefixes.get(word[:2], set()).discard(word)

    def _render_prefix(self, prefix: str) -> None:
        """Render again the parts of the words starting with ``prefix``."""
        words = self.prefixes.get(prefix)
        if not words:
            self.prefixes.pop(prefix, None)
            self.parts.pop(prefix, None)
            return
        group = {word: self.joined[word] for word in sorted(words)}
        files = []
        for name, part in _split(prefix, group):
            path = urls.search_words(name)
            data = _call(path, script_json(part))
            files.append((name, path, data, stable_hash(data)))
        self.parts[prefix] = files

    def _chunks(self, owners: list[Owner], counted: bool) -> list[list[Owner]]:
        """The owners of each chunk: as many in each as before while no owner's entries were counted again."""
        if counted:
            groups = chunks(owners, [self.known[ident].count for ident in self.order])
            self.chunk_sizes = [len(group) for group in groups]
            return groups
        groups, start = [], 0
        for size in self.chunk_sizes:
            groups.append(owners[start:start + size])
            start += size
        return groups

    def _render_head(self, site: Site, owners: list[Owner], groups: list[list[Owner]]) -> None:
        known = self.known
        chunk_starts = [known[(group[0].cycle.id, group[0].id)].start for group in groups]
        current = next((known[(o.cycle.id, o.id)].start for o in owners if o.cycle is not site.current), self.total)
        names = sorted(name for parts in self.parts.values() for name, *_ in parts)
        head = {"fields": FIELDS, "entries": self.total, "current": current, "chunks": chunk_starts, "parts": names}
        data = _call(urls.SEARCH_INDEX, script_json(head))
        if data != self.head[1]:
            self.head = (urls.SEARCH_INDEX, data, stable_hash(data))


def _place(record: _Known) -> int:
    return record.place
