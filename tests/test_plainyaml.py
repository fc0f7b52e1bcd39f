"""Tests of okrsite.plainyaml: the quick reading of plain front matter gives PyYAML's values and lines,
or gives up and leaves the file to PyYAML."""

from __future__ import annotations

import pytest

import okrsite.load
from okrsite import plainyaml
from okrsite.diagnostics import Diagnostics
from okrsite.load import LineDict


def quick(text: str):
    return plainyaml.parse(text, 2, LineDict, okrsite.load._plain_value, okrsite.load._PLAIN_VALUES)


def with_pyyaml(text: str):
    diagnostics = Diagnostics()
    value = okrsite.load._parse_with_pyyaml(text, "a.md", diagnostics)
    assert not diagnostics.items
    return value


def shape(value):
    """A value with the type of everything in it, and the lines of every mapping and key."""
    if isinstance(value, LineDict):
        return "mapping", value.line, [(key, value.line_of(key), shape(item)) for key, item in value.items()]
    if isinstance(value, list):
        return "list", [shape(item) for item in value]
    return type(value).__name__, repr(value)


READ = {
    "an OKR file": """name: Team A   # a comment
kind: team
parent: dept-1

objectives:
  # the first
  - id: o1
    title: Grow revenue [Q3], fast:and well
    aligns_to: [dept-1/o1, dept-1/o2]
    contributors: []
    key_results:
      -   id: kr1
          start: -5
          target: 12.50
          score: 0.0
          checkins:
            - {date: 2026-10-08, value: 55.8}
            - { date: 2026-10-22 , value: -3, note: went well }
      - id: kr2
        type: milestone
        done: yes
    initiatives:
      - "[x] Kick-off # not a comment"
      - '[ ] It''s next'
  - id: o2
    title: Second
    key_results:
    - id: kr1
      done: false
    score:
kpis: ~""",
    "lists in lists, and items with nothing after the dash": "a:\n  - - x\n    - y\n  -\n    b: 1\n  -\n  - z\n",
    "texts that look like other things": "a: http://example.com/x#y\nb: 'null'\nc: x:y\nd: -x\ne: a - b\nf: 2026-10-08x\n",
}


@pytest.mark.parametrize("name", list(READ))
def test_plain_front_matter_is_read_as_pyyaml_reads_it(name):
    text = READ[name]
    assert shape(quick(text)) == shape(with_pyyaml(text))


@pytest.mark.parametrize("text", [
    "a: |\n  text\n", "a: >\n  text\n", "a: some\n  more\n", "a: &x 1\nb: *x\n", "a: !!str 1\n", "'a': 1\n",
    "a: \"\\u00e9\"\n", "a:\tb\n", "a: x\u2028y\n", "on: 1\n", "1: x\n", "a: 1:30\n", "a: 1_000\n", "a: 0x1f\n",
    "a: 1.5e+3\n", "a: 2026-02-30\n", "a: 2026-10-08 10:00:00\n", "- [x] Kick-off\n", "a: {b: ?x}\n", "a: {b: [c]}\n",
    "a: [b: c]\n", "a: 1\na: 2\n", "a: 1\n b: 2\n", "a:\n    b: 1\n  c: 2\n", "<<: {a: 1}\n", "a: b: c\n",
    "a: b:\n", "a: -\n", "- a\nb: 1\n", "  a: 1\nb: 2\n", "# nothing\n", "a: 'unclosed\n", "a: 'q'x\n",
])
def test_anything_else_is_left_to_pyyaml(text):
    with pytest.raises(plainyaml.NotPlain):
        quick(text)
