"""Stage 2: find the OKR files of every cycle and split each into front matter and body.

The front matter is parsed into :class:`LineDict` mappings that remember the line of every
key, so later stages can report ``path:line``: plain front matter (most of it) by
:mod:`okrsite.plainyaml`, any other with PyYAML's safe loader (the C one when available),
which gives the same values. Nothing here knows what the keys mean.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from okrsite import plainyaml
from okrsite.diagnostics import Diagnostics, display_path
from okrsite.written import Written

try:
    _BaseLoader = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _BaseLoader = yaml.SafeLoader  # type: ignore[misc]


class LineDict(dict):
    """A YAML mapping that knows its own line and the line of each key (1-based, in the file)."""

    line: int = 0
    lines: dict

    def line_of(self, key: str) -> int:
        return self.lines.get(key, self.line)


class _DuplicateKey(yaml.YAMLError):
    def __init__(self, key, line: int):
        super().__init__(f"duplicate key '{key}'")
        self.key, self.line = key, line


class _LineLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Safe loader whose mappings are LineDicts; duplicate keys are errors."""

    line_offset = 0
    aliased = True  # the document has aliases: its nodes are made through PyYAML's constructor, which reuses them
    merges = True  # the document may have a merge key ("<<") or a value key ("=")

    def __init__(self, stream) -> None:
        super().__init__(stream)
        if not self.yaml_path_resolvers:  # PyYAML's do nothing then, called for every node: a builtin does it quicker
            self.descend_resolver, self.ascend_resolver = {}.get, tuple

    def resolve(self, kind, value, implicit):
        """The tag of a node, as PyYAML's resolver gives it: a quoted text's and a plain text that no
        implicit resolver can take (by its first character) at once; a short plain text's (a key, a
        number, a date: the same few thousand over and over) from a table kept for the process."""
        if kind is not _SCALAR or self.yaml_path_resolvers:
            return super().resolve(kind, value, implicit)
        return _plain_tag(value) if implicit[0] else _STR


def _plain_tag(value: str) -> str:
    """The tag PyYAML's resolver gives a plain text (of a file without path resolvers)."""
    tag = _RESOLVED.get(value)
    if tag is None:
        tag = _TAGGER.resolve(_SCALAR, value, (True, False)) if (value[:1] in _RESOLVERS or None in _RESOLVERS) else _STR
        if len(value) <= _RESOLVED_LENGTH and len(_RESOLVED) < _RESOLVED_MAX:
            _RESOLVED[value] = tag
    return tag


_RESOLVED: dict[str, str] = {}  # the tags of plain texts of at most _RESOLVED_LENGTH characters
_RESOLVED_LENGTH = 24
_RESOLVED_MAX = 200_000
_RESOLVERS = _LineLoader.yaml_implicit_resolvers  # by the first character of the texts they may take ('' too)
_TAGGER = yaml.resolver.Resolver()  # PyYAML's resolver, with the loader's implicit resolvers
_TAGGER.yaml_implicit_resolvers = _RESOLVERS


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    if loader.merges:  # a merge key ("<<") or a value key ("="): PyYAML's rules for them
        loader.flatten_mapping(node)
    offset = 1 + loader.line_offset
    mapping = LineDict()
    mapping.line = node.start_mark.line + offset
    mapping.lines = lines = {}
    for key_node, value_node in node.value:
        key = key_node.value if key_node.tag == _STR and type(key_node) is _SCALAR else _construct(loader, key_node)
        line = key_node.start_mark.line + offset
        try:
            duplicate = key in mapping
        except TypeError:  # an unhashable key such as a list
            raise yaml.constructor.ConstructorError(None, None, "a key must be a plain value", key_node.start_mark)
        if duplicate:
            raise _DuplicateKey(key, line)
        mapping[key] = _construct(loader, value_node)
        lines[key] = line
    return mapping


_STR, _SEQ, _MAP = "tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"
_SCALAR, _SEQUENCE, _MAPPING = yaml.ScalarNode, yaml.SequenceNode, yaml.MappingNode


def _construct(loader: _LineLoader, node: yaml.Node):
    """The value of ``node``. A text's at once (most values are texts, and PyYAML's dispatch would only
    give back ``node.value``); without aliases, where no node is reached twice, a list's, a mapping's and
    a number's, day's, boolean's or null's straight from their constructors, without PyYAML's
    bookkeeping of the nodes it has made; any other through the loader."""
    tag, kind = node.tag, type(node)
    if kind is _SCALAR:
        if tag == _STR:
            return node.value
        if not loader.aliased:
            make = _SCALARS.get(tag)
            if make is not None:
                return make(loader, node)
    elif not loader.aliased:
        if kind is _SEQUENCE and tag == _SEQ:
            return [_construct(loader, child) for child in node.value]
        if kind is _MAPPING and tag == _MAP:
            return _construct_mapping(loader, node)
    return loader.construct_object(node, deep=True)


_DAY = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_DAYS: dict[str, dt.date] = {}  # the days read so far, by their text (check-ins' days come back file after file)


def _construct_timestamp(loader: _LineLoader, node: yaml.ScalarNode):
    try:
        day = _day(node.value) if type(node) is yaml.ScalarNode else None
        return day if day is not None else yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError):
        raise yaml.constructor.ConstructorError(None, None, f"'{node.value}' is not a real date", node.start_mark) from None


def _day(text: str) -> dt.date | None:
    """A day written as check-ins give them, 2026-10-08 (what PyYAML makes of it, without its dispatch);
    ``None`` for another timestamp. ValueError for a day that does not exist."""
    day = _DAYS.get(text)
    if day is None and (match := _DAY.fullmatch(text)) is not None:
        day = dt.date(int(match[1]), int(match[2]), int(match[3]))
        if len(_DAYS) < _RESOLVED_MAX:
            _DAYS[text] = day
    return day


def _construct_int(loader: _LineLoader, node: yaml.ScalarNode):
    try:
        return yaml.SafeLoader.construct_yaml_int(loader, node)
    except ValueError:  # more digits than Python converts (4,300)
        raise yaml.constructor.ConstructorError(None, None, f"a number of {len(node.value):,} digits is too large",
                                                node.start_mark) from None


_DECIMAL = re.compile(r"[-+]?[0-9_]*\.([0-9_]*)")
_PLAIN_DECIMAL = re.compile(r"-?[0-9]+\.([0-9]*)")  # the usual decimal, which Python's float() reads as PyYAML does
MAX_WRITTEN_DIGITS = 15  # a float keeps any decimal number of up to 15 digits exactly


def _construct_float(loader: _LineLoader, node: yaml.ScalarNode):
    """A plain decimal such as ``9.0`` or ``12.50`` as a :class:`Written` number that keeps its decimals;
    other floats (``1.5e3``, ``.inf``, longer than a float keeps) as floats."""
    written = _written(node.value) if type(node.value) is str else None
    if written is not None:
        return written
    value = yaml.SafeLoader.construct_yaml_float(loader, node)
    written = _DECIMAL.fullmatch(node.value.strip())
    if written is None or sum(map(str.isdigit, node.value)) > MAX_WRITTEN_DIGITS:
        return value
    return Written(value, len(written.group(1).replace("_", "")))


def _written(text: str) -> Written | None:
    """The usual decimal (``-12.50``, at most MAX_WRITTEN_DIGITS digits), which Python's float() reads as
    PyYAML does, as a :class:`Written` number; ``None`` for another float."""
    plain = _PLAIN_DECIMAL.fullmatch(text)
    if plain is not None and len(text) - 1 - (text[0] == "-") <= MAX_WRITTEN_DIGITS:  # digits but the sign and point
        return Written(float(text), len(plain[1]))
    return None


_INTEGER = re.compile(r"[-+]?(?:0|[1-9][0-9]{0,17})")  # what Python's int() reads as PyYAML does
_BOOLEANS = yaml.SafeLoader.bool_values


def _plain_value(text: str):
    """What PyYAML makes of a plain text, for :mod:`okrsite.plainyaml`: a text, a usual number or day,
    a boolean or null; :class:`NotPlain` for the rest (the file is then parsed by PyYAML). Short texts'
    values (keys, numbers, days: the same few thousand over and over, and none of them mutable) are kept."""
    value = _read_plain(text)
    if len(text) <= _RESOLVED_LENGTH and len(_PLAIN_VALUES) < _RESOLVED_MAX:
        _PLAIN_VALUES[text] = value
    return value


_PLAIN_VALUES: dict[str, object] = {}  # what _plain_value gave short texts


def _read_plain(text: str):
    tag = _plain_tag(text)
    if tag == _STR:
        return text
    if tag == _FLOAT:
        value = _written(text)
    elif tag == _INT:
        value = int(text) if _INTEGER.fullmatch(text) else None
    elif tag == _TIMESTAMP:
        try:
            value = _day(text)
        except ValueError:  # no such day: PyYAML says so
            value = None
    elif tag == _BOOL:
        return _BOOLEANS[text.lower()]
    elif tag == _NULL:
        return None
    else:
        value = None
    if value is None:
        raise plainyaml.NotPlain
    return value


_FLOAT, _INT, _TIMESTAMP = "tag:yaml.org,2002:float", "tag:yaml.org,2002:int", "tag:yaml.org,2002:timestamp"
_BOOL, _NULL = "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null"
_SCALARS = {_FLOAT: _construct_float, _TIMESTAMP: _construct_timestamp, _INT: _construct_int,
            _BOOL: yaml.SafeLoader.construct_yaml_bool, _NULL: yaml.SafeLoader.construct_yaml_null}
_LineLoader.add_constructor(_MAP, _construct_mapping)
for _tag, _make in _SCALARS.items():
    _LineLoader.add_constructor(_tag, _make)


@dataclass
class Document:
    """One OKR file: where it is, its parsed front matter and its Markdown body."""

    path: Path
    display: str  # the path as shown in messages
    cycle_id: str
    stem: str
    front: LineDict
    body: str
    body_line: int


def discover(content_dir: Path, diagnostics: Diagnostics, links: list[Path] | None = None) -> dict[str, list[Path]]:
    """Map each cycle folder name to its ``.md`` files, both sorted by name (and add to ``links`` those that
    are symbolic links).

    Links that lead outside the content folder are not followed, and said so.
    """
    if not content_dir.is_dir():
        diagnostics.error(display_path(content_dir), None, "no content folder: put one folder per cycle in it")
        return {}
    inside = content_dir.resolve()
    cycles = {}
    for folder in sorted(p for p in content_dir.iterdir() if p.is_dir() and not p.name.startswith(".")):
        if _within(folder, inside, diagnostics):
            found: list[tuple[str, Path]] = []
            _find_markdown(folder, "", inside, diagnostics, found, links)
            cycles[folder.name] = [path for _, path in sorted(found, key=lambda item: item[0])]
    return cycles


def _find_markdown(folder: Path, prefix: str, inside: Path, diagnostics: Diagnostics,
                   found: list[tuple[str, Path]], links: list[Path] | None = None) -> None:
    """Add ``(relative path, path)`` of every ``.md`` file below ``folder``, leaving out hidden names.
    Linked folders are not entered; linked files count only when they stay inside the content folder.
    Folders are walked with a stack: they may nest deeper than Python recurses."""
    stack = [(folder, prefix)]
    while stack:
        folder, prefix = stack.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                path = Path(entry.path)
                if entry.is_dir(follow_symlinks=False):
                    stack.append((path, f"{prefix}{entry.name}/"))
                elif entry.is_symlink():
                    if entry.is_dir():
                        _within(path, inside, diagnostics)  # not entered: said so when the link leads out
                    elif entry.name.endswith(".md") and entry.is_file() and _within(path, inside, diagnostics):
                        found.append((prefix + entry.name, path))
                        if links is not None:
                            links.append(path)
                elif entry.name.endswith(".md") and entry.is_file():
                    found.append((prefix + entry.name, path))


def _within(path: Path, inside: Path, diagnostics: Diagnostics) -> bool:
    """Whether ``path`` really lies in the content folder; a link out of it is reported and skipped."""
    target = leads_out(path, inside)
    if target is not None:
        diagnostics.warning(display_path(path), None, f"is a link to {target}, outside the content folder: not followed")
    return target is None


def leads_out(path: Path, inside: Path) -> Path | None:
    """Where ``path`` really is, links followed, when that is outside the folder ``inside``
    (a resolved path); ``None`` when it stays in. Content and themes are confined with it.
    A loop of links stays where it is (``Path.resolve`` would raise)."""
    target = Path(os.path.realpath(path))
    return None if target == inside or inside in target.parents else target


def parse_document(raw: bytes, path: Path, where: str, cycle_id: str, diagnostics: Diagnostics) -> Document | None:
    """Split the bytes of an OKR file into front matter and body."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        diagnostics.error(where, line, "the file is not UTF-8 text")
        return None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    split = split_front_matter(text)
    if split is None:
        diagnostics.error(where, 1, "no front matter: the file must start with a line '---', then YAML, then '---'")
        return None
    yaml_text, body, body_line = split
    if body_line == 0:
        diagnostics.error(where, 1, "the front matter is never closed: add a line '---' after the YAML")
        return None
    front = _parse_yaml(yaml_text, where, diagnostics)
    if front is None:
        return None
    return Document(path, where, cycle_id, path.stem, front, body, body_line)


def split_front_matter(text: str) -> tuple[str, str, int] | None:
    """(yaml, body, first line of body); body_line 0 when the block is never closed."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return None
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :]), index + 2
    return "\n".join(lines[1:]), "", 0


_KIND_OF_VALUE = {str: "a text", int: "a number", float: "a number", bool: "true or false", list: "a list"}
MAX_ALIASED_NODES = 100_000  # how many more values aliases may add to a front matter when written out


def _expanded_size(node: yaml.Node, sizes: dict[int, int]) -> int:
    """How many nodes ``node`` stands for once every alias is written out (computed once per node)."""
    known = sizes.get(id(node))
    if known is None:
        sizes[id(node)] = 1  # a node reached again while counting it: a recursive alias
        if isinstance(node, yaml.SequenceNode):
            known = 1 + sum(_expanded_size(child, sizes) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            known = 1 + sum(_expanded_size(k, sizes) + _expanded_size(v, sizes) for k, v in node.value)
        else:
            known = 1
        sizes[id(node)] = known
    return known


def _parse_yaml(yaml_text: str, where: str, diagnostics: Diagnostics) -> LineDict | None:
    try:  # most front matter is plain YAML, read quicker by okrsite's own reading of it
        data = plainyaml.parse(yaml_text, 2, LineDict, _plain_value, _PLAIN_VALUES)  # the opening '---' is line 1
    except plainyaml.NotPlain:
        return _parse_with_pyyaml(yaml_text, where, diagnostics)
    if isinstance(data, LineDict):
        return data
    return _parse_with_pyyaml(yaml_text, where, diagnostics)  # for its message


def _parse_with_pyyaml(yaml_text: str, where: str, diagnostics: Diagnostics) -> LineDict | None:
    loader = _LineLoader(yaml_text)
    loader.line_offset = 1  # the opening '---' is line 1
    loader.aliased = "*" in yaml_text  # no alias without a '*'
    loader.merges = "<<" in yaml_text or "=" in yaml_text
    try:
        node = loader.get_single_node()
        sizes: dict[int, int] = {}
        if node is not None and loader.aliased and _expanded_size(node, sizes) - len(sizes) > MAX_ALIASED_NODES:
            diagnostics.error(where, 2, "the front matter's YAML aliases expand to too much data "
                                        f"(more than {MAX_ALIASED_NODES:,} extra values): use fewer anchors and aliases")
            return None
        data = None if node is None else loader.construct_document(node) if loader.aliased else _construct(loader, node)
    except _DuplicateKey as exc:
        diagnostics.error(where, exc.line, f"duplicate key '{exc.key}': each key may appear once")
        return None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 2 if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        diagnostics.error(where, line, f"invalid YAML in front matter: {problem}")
        return None
    except yaml.YAMLError as exc:
        diagnostics.error(where, None, f"invalid YAML in front matter: {exc}")
        return None
    except RecursionError:
        diagnostics.error(where, 2, "invalid YAML in front matter: nested too deeply")
        return None
    finally:
        loader.dispose()
    if not isinstance(data, LineDict):
        kind = "empty" if data is None else _KIND_OF_VALUE.get(type(data), f"a {type(data).__name__}")
        diagnostics.error(where, 2, f"the front matter must be a mapping of keys (name:, kind:, ...), not {kind}")
        return None
    return data
