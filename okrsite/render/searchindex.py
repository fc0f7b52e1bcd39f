"""The search index's head and word parts in watch mode: kept from build to build and brought up to
date with the owners that changed (the format is :mod:`okrsite.render.search`'s)."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from okrsite import urls
from okrsite.fingerprint import stable_hash
from okrsite.model import Cycle, Owner, Site
from okrsite.render.search import (FIELDS, Postings, chunks, entry_count, index_file, ordered_cycles, owner_words,
                                   posting_code, script_json, split_part)

Ident = tuple[str, str]  # an owner as the index knows it from build to build: its cycle's id and its own


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

    Each word keeps the owners it occurs in, in entry order, and its postings in pieces: for each of
    those owners the code of its first posting (the gap from the word's last entry before it, or from
    -1) and the rest of its postings. A build reads again the words of the owners whose key changed (and
    of new ones), and codes again the first postings whose gap changed: those of an owner whose postings
    changed, of the next owner with the word, and of the first owner after each place where the owners'
    first entries moved by another number than before (an owner's entries grew or shrank, owners came or
    went). Only the parts holding such words are joined and rendered again. If the owners that stay come
    in another order, it starts over.
    """

    def __init__(self) -> None:
        self._clear()

    def _clear(self) -> None:
        self.order: list[Ident] = []  # the owners in entry order
        self.known: dict[Ident, _Known] = {}
        self.total = 0  # entries in all
        self.where: dict[str, list[_Known]] = {}  # the owners each word occurs in, in entry order
        self.pieces: dict[str, list[str]] = {}  # for each of those owners: the code of its first posting, the rest
        self.prefixes: dict[str, set[str]] = {}  # the words by their first two letters (a part, before splitting)
        self.parts: dict[str, list[tuple[str, str, bytes, int]]] = {}  # each prefix's parts: name, path, data, key
        self.head: tuple[str, bytes, int] = ("", b"", 0)
        self.chunk_sizes: list[int] = []  # owners in each chunk of entries
        self.cycle_keys: dict[str, int] = {}  # the key of each cycle whose owners were read last

    def update(self, site: Site, key: Callable[[Owner], int], cycle_key: Callable[[Cycle], int]) -> list[list[Owner]]:
        """Bring the index up to date with the site's owners, whose parts of the index change only when
        ``key`` does (and none of a cycle's while ``cycle_key`` does not); the owners of each chunk of entries."""
        cycles = ordered_cycles(site)
        owners = [owner for cycle in cycles for owner in cycle.owners.values()]
        idents = [(cycle.id, owner_id) for cycle in cycles for owner_id in cycle.owners]
        if idents != self.order and not self._keeps_order(idents):
            self._clear()
        if not self.order:
            self._build(owners, idents, key)
            touched = set(self.where)
            counted = True
        else:
            dirty: list[tuple[str, _Known | None, bool]] = []  # first postings to code again (see _recode)
            counted = idents != self.order  # owners came or went: number the entries again
            if counted:
                self._place(idents, dirty)
            for cycle in cycles:
                if not counted and self.cycle_keys.get(cycle.id) == cycle_key(cycle):
                    continue  # its owners' keys are those known
                for owner_id, owner in cycle.owners.items():
                    record, new_key = self.known[(cycle.id, owner_id)], key(owner)
                    if record.key != new_key:
                        counted = self._read(record, owner, new_key, dirty) or counted
            touched = self._recode(dirty, self._count() if counted else [])
        self.cycle_keys = {cycle.id: cycle_key(cycle) for cycle in cycles}
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

    def _build(self, owners: list[Owner], idents: list[Ident], key: Callable[[Owner], int]) -> None:
        """Read every owner, in entry order, into an empty index."""
        self._clear()
        where, pieces, last = self.where, self.pieces, {}
        number = 0
        for place, (owner, ident) in enumerate(zip(owners, idents)):
            record = self.known[ident] = _Known(key(owner), owner_words(owner), entry_count(owner), place, number)
            for word, postings in record.words.items():
                gap = number + postings.first // 3 - last.get(word, -1) - 1
                where.setdefault(word, []).append(record)
                pieces.setdefault(word, []).extend((posting_code(gap * 3 + postings.first % 3), postings.rest))
                last[word] = number + postings.last
            number += record.count
        self.order, self.total = idents, number
        for word in where:
            self.prefixes.setdefault(word[:2], set()).add(word)

    def _place(self, idents: list[Ident], dirty: list[tuple[str, _Known | None, bool]]) -> None:
        """Forget the owners gone, know the new ones (without words until read), and place every owner."""
        known = self.known
        for ident in known.keys() - set(idents):
            record = known.pop(ident)
            for word in record.words:
                self._remove(word, record, dirty)
            record.place = -1  # gone
        for place, ident in enumerate(idents):
            record = known.get(ident)
            if record is None:
                record = known[ident] = _Known(None, {})
            record.place = place
        self.order = idents

    def _read(self, record: _Known, owner: Owner, key: int, dirty: list[tuple[str, _Known | None, bool]]) -> bool:
        """Read an owner's words again; whether its entry count changed (or it is new)."""
        before, words, count = record.words, owner_words(owner), entry_count(owner)
        counted = record.key is None or record.count != count
        record.key, record.words, record.count = key, words, count
        for word in before.keys() - words.keys():
            self._remove(word, record, dirty)
        for word, postings in words.items():
            old = before.get(word)
            if old is None:
                found = self.where.setdefault(word, [])
                index = bisect.bisect_left(found, record.place, key=_place)
                found.insert(index, record)
                self.pieces.setdefault(word, [])[2 * index:2 * index] = ("", postings.rest)
            elif old != postings:
                index = bisect.bisect_left(self.where[word], record.place, key=_place)
                self.pieces[word][2 * index + 1] = postings.rest
            else:
                continue
            dirty.append((word, record, True))
        return counted

    def _remove(self, word: str, record: _Known, dirty: list[tuple[str, _Known | None, bool]]) -> None:
        """Take an owner out of a word's lists; the next owner's first posting is coded again."""
        found = self.where[word]
        index = bisect.bisect_left(found, record.place, key=_place)
        del found[index], self.pieces[word][2 * index:2 * index + 2]
        dirty.append((word, found[index] if index < len(found) else None, False))

    def _count(self) -> list[int]:
        """Number the entries again: each owner's first, and how many in all; the places where the
        owners' first entries moved by another number than those before them (from 0)."""
        number, shift, breaks = 0, 0, []
        for record in map(self.known.__getitem__, self.order):
            if record.start + shift != number:
                shift = number - record.start
                breaks.append(record.place)
            record.start = number
            number += record.count
        self.total = number
        return breaks

    def _recode(self, dirty: list[tuple[str, _Known | None, bool]], breaks: list[int]) -> set[str]:
        """Code again the first postings of ``dirty``'s owners with their words (and of the next owner with
        the word, when said; none for None, or an owner gone) and of the first owner with each word at or
        after each of ``breaks``; the words whose postings changed."""
        touched = set()
        for word, record, next_too in dirty:
            touched.add(word)
            if record is not None and record.place >= 0:
                found = self.where[word]
                index = bisect.bisect_left(found, record.place, key=_place)
                self._code_at(word, found, index)
                if next_too:
                    self._code_at(word, found, index + 1)
        if breaks:
            for word, found in self.where.items():
                if found and found[-1].place >= breaks[0]:
                    for place in breaks:
                        self._code_at(word, found, bisect.bisect_left(found, place, key=_place))
                    touched.add(word)
        for word in touched:
            if not self.where[word]:
                del self.where[word], self.pieces[word]
                self.prefixes.get(word[:2], set()).discard(word)
            else:
                self.prefixes.setdefault(word[:2], set()).add(word)
        return touched

    def _code_at(self, word: str, found: list[_Known], index: int) -> None:
        """Code again the first posting of the ``index``-th owner with ``word`` (none past the last)."""
        if index >= len(found):
            return
        record = found[index]
        postings = record.words[word]
        if index:
            before = found[index - 1]
            last = before.start + before.words[word].last
        else:
            last = -1
        gap = record.start + postings.first // 3 - last - 1
        self.pieces[word][2 * index] = posting_code(gap * 3 + postings.first % 3)

    def _render_prefix(self, prefix: str) -> None:
        """Render again the parts of the words starting with ``prefix``."""
        words = self.prefixes.get(prefix)
        if not words:
            self.prefixes.pop(prefix, None)
            self.parts.pop(prefix, None)
            return
        group = {word: "".join(self.pieces[word]) for word in sorted(words)}
        files = []
        for name, part in split_part(prefix, group):
            path = urls.search_words(name)
            data = index_file(path, script_json(part))
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
        first_after = len(site.current.owners) if site.current is not None else 0  # the current cycle's come first
        current = known[self.order[first_after]].start if first_after < len(self.order) else self.total
        names = sorted(name for parts in self.parts.values() for name, *_ in parts)
        head = {"fields": FIELDS, "entries": self.total, "current": current, "chunks": chunk_starts, "parts": names}
        data = index_file(urls.SEARCH_INDEX, script_json(head))
        if data != self.head[1]:
            self.head = (urls.SEARCH_INDEX, data, stable_hash(data))


def _place(record: _Known) -> int:
    return record.place
