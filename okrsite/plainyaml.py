"""A quick reading of the plain YAML most front matter is, for :mod:`okrsite.load`.

OKR files are block mappings and lists of one key or item a line, with plain or
simply quoted values and one-line flow mappings such as check-ins'
``{date: 2026-10-08, value: 55.8}``. This module reads just that, line by line,
into the mappings :mod:`okrsite.load` makes (each knowing its line and its keys'),
and gives up (:class:`NotPlain`) at anything else: block scalars (``|``, ``>``),
values over several lines, anchors, aliases and tags, quoted keys, escapes in
quotes, tabs, a duplicate key, a line indented unlike its neighbours, characters
YAML reads differently or refuses. :mod:`okrsite.load` then parses the file with
PyYAML, which gives the same values for what this reads and the error for what is
wrong. What a value's text means (a number, a day, ``true``...) is the caller's
``scalar``, which gives up too for texts it does not read exactly as PyYAML does.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# Characters YAML reads as line breaks or refuses, tabs, a byte-order mark: PyYAML reads such a file
_UNUSUAL = re.compile("[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_-]{0,127}):(?: +(.*))?\Z")  # the rest has no trailing spaces
_DOUBLE = re.compile(r'"([^"\\]*)"(?: +#.*)?\Z')
_SINGLE = re.compile(r"'((?:[^']|'')*)'(?: +#.*)?\Z")
_FLOW = "[^][{}\"'#&*!|>%@`\\\\:]*"  # what a one-line flow collection may hold (a mapping's ': ' apart)
_FLOW_MAPPING = re.compile(r"\{(" + _FLOW.replace(":", "") + r")\}(?: +#.*)?\Z")
_FLOW_SEQUENCE = re.compile(r"\[(" + _FLOW + r")\](?: +#.*)?\Z")
_FLOW_ENTRY = re.compile(r" *([A-Za-z_][A-Za-z0-9_-]{0,127}): +([^:]*[^: ]) *")  # the value without spaces around
_INDICATORS = frozenset("[]{},#&*!|>'\"%@`")  # a plain value cannot start with these
_MAYBE_INDICATORS = frozenset("-?:")  # nor with these followed by a space (in a flow collection, with "?" or ":" at all)
_QUOTES_AND_FLOWS = frozenset("\"'{[")


_UNKNOWN = object()


class NotPlain(Exception):
    """The text is not of the plain kind this module reads."""


def parse(text: str, first_line: int, mapping_type: type, scalar: Callable[[str], object], known: dict):
    """The value of a YAML text whose line 1 is line ``first_line`` of the file, or :class:`NotPlain`.

    ``mapping_type`` is made with no arguments and given ``line`` (its first key's) and ``lines``
    (each key's line); ``scalar`` gives the value of a plain text or raises :class:`NotPlain`, and
    ``known`` is the values of plain texts ``scalar`` has given (and kept) before, looked up first."""
    if _UNUSUAL.search(text):
        raise NotPlain
    lines = []
    for number, line in enumerate(text.split("\n"), first_line):
        content = line.lstrip(" ")
        if content and content[0] != "#":
            lines.append((len(line) - len(content), content.rstrip(" "), number))
    if not lines:
        raise NotPlain
    reader = _Reader(lines, mapping_type, scalar, known)
    try:
        value = reader.block(lines[0][0])
    except RecursionError:
        raise NotPlain from None
    if reader.index != len(lines):
        raise NotPlain
    return value


class _Reader:
    def __init__(self, lines: list[tuple[int, str, int]], mapping_type: type, scalar: Callable[[str], object], known: dict):
        self.lines, self.index, self.mapping_type, self.read_scalar, self.known = lines, 0, mapping_type, scalar, known

    def scalar(self, text: str):
        value = self.known.get(text, _UNKNOWN)
        return self.read_scalar(text) if value is _UNKNOWN else value

    def block(self, indent: int):
        """The mapping or list whose first line (the current one) is indented by ``indent``."""
        content = self.lines[self.index][1]
        return self.sequence(indent) if content == "-" or content[:2] == "- " else self.mapping(indent)

    def mapping(self, indent: int):
        lines, known = self.lines, self.known
        mapping = self.mapping_type()
        mapping.line = lines[self.index][2]
        mapping.lines = key_lines = {}
        while self.index < len(lines):
            column, content, number = lines[self.index]
            if column != indent:
                if column < indent:
                    break
                raise NotPlain  # a value over several lines, or a key indented unlike the others
            match = _KEY.match(content)
            if match is None:
                raise NotPlain
            key = known.get(match[1], _UNKNOWN)
            if key is _UNKNOWN:
                key = self.read_scalar(match[1])
            if type(key) is not str or key in mapping:
                raise NotPlain
            self.index += 1
            rest = match[2]
            mapping[key] = self.nested(indent, True) if not rest or rest[0] == "#" else self.inline(rest, number)
            key_lines[key] = number
        return mapping

    def sequence(self, indent: int) -> list:
        lines, items = self.lines, []
        while self.index < len(lines):
            column, content, number = lines[self.index]
            if column != indent:
                if column < indent:
                    break
                raise NotPlain
            if content[:2] != "- ":
                if content != "-":
                    break  # a key after a list at its key's indent: the mapping around goes on
                self.index += 1
                items.append(self.nested(indent, False))
                continue
            rest = content[2:].lstrip(" ")
            if rest[0] == "#":
                self.index += 1
                items.append(self.nested(indent, False))
            elif rest == "-" or rest[:2] == "- " or _KEY.match(rest):  # a list or mapping begun on the item's line
                column += len(content) - len(rest)
                lines[self.index] = (column, rest, number)
                items.append(self.block(column))
            else:
                self.index += 1
                items.append(self.inline(rest, number))
        return items

    def nested(self, indent: int, in_mapping: bool):
        """The block under a key or item with nothing after it (indented by ``indent``), or None."""
        if self.index == len(self.lines):
            return None
        column, content, _ = self.lines[self.index]
        if column > indent:
            return self.block(column)
        if in_mapping and column == indent and (content == "-" or content[:2] == "- "):
            return self.sequence(column)  # a list at its key's indent
        return None

    def inline(self, text: str, number: int):
        """The value written after a key or a list's dash, on line ``number``."""
        first = text[0]
        if first in _QUOTES_AND_FLOWS:
            return self.quoted_or_flow(text, number)
        if first in _MAYBE_INDICATORS and text[1:2] in ("", " ") or first in _INDICATORS:
            raise NotPlain
        comment = text.find(" #")
        if comment >= 0:
            text = text[:comment].rstrip(" ")
        if ": " in text or text[-1] == ":":
            raise NotPlain
        value = self.known.get(text, _UNKNOWN)
        return self.read_scalar(text) if value is _UNKNOWN else value

    def quoted_or_flow(self, text: str, number: int):
        first = text[0]
        if first == "{":
            return self.flow_mapping(text, number)
        if first == "[":
            return self.flow_sequence(text)
        match = (_DOUBLE if first == '"' else _SINGLE).match(text)
        if match is None:
            raise NotPlain
        return match[1] if first == '"' else match[1].replace("''", "'")

    def flow_plain(self, text: str):
        """A plain value in a flow collection (its characters are checked already)."""
        if text[0] in "?:" or text[0] == "-" and text[1:2] in ("", " "):
            raise NotPlain
        return self.scalar(text)

    def flow_mapping(self, text: str, number: int):
        match = _FLOW_MAPPING.match(text)
        if match is None:
            raise NotPlain
        mapping = self.mapping_type()
        mapping.line = number
        mapping.lines = key_lines = {}
        scalar = self.scalar
        for entry in match[1].split(","):
            pair = _FLOW_ENTRY.fullmatch(entry)
            if pair is None:
                raise NotPlain
            key = scalar(pair[1])
            if type(key) is not str or key in mapping:
                raise NotPlain
            mapping[key] = self.flow_plain(pair[2])
            key_lines[key] = number
        return mapping

    def flow_sequence(self, text: str) -> list:
        match = _FLOW_SEQUENCE.match(text)
        if match is None:
            raise NotPlain
        inside = match[1].strip(" ")
        if not inside:
            return []
        items = []
        for item in inside.split(","):
            item = item.strip(" ")
            if not item:
                raise NotPlain
            items.append(self.flow_plain(item))
        return items
