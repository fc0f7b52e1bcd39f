"""load_site told what changed (okrsite/assemble.py): watch mode knows which files its events named, so
it looks at those alone, unless they are not all OKR files the last build read."""

from __future__ import annotations

import pytest

from conftest import EXAMPLE_DATE
from test_build import Q4, assert_same_as_clean_build, edit
from okrsite import assemble
from okrsite.build import Builder

DARNELL = f"{Q4}/people/darnell-brooks.md"


def looked_at(monkeypatch) -> list:
    """The folders the next builds list (each a call of discover)."""
    calls = []
    discover = assemble.discover

    def counted(*args, **kwargs):
        calls.append(args[0])
        return discover(*args, **kwargs)
    monkeypatch.setattr(assemble, "discover", counted)
    return calls


def test_an_edit_watch_mode_saw_is_read_alone(example_copy, tmp_path, monkeypatch):
    site = example_copy
    builder = Builder(site, tmp_path / "out")
    assert builder.build(EXAMPLE_DATE).ok(False)
    listed = looked_at(monkeypatch)
    edit(site / DARNELL, "{date: 2026-11-20, value: 180}", "{date: 2026-11-20, value: 90}")
    report = builder.build(EXAMPLE_DATE, changed={(site / DARNELL).resolve()})
    assert report.ok(False) and report.parsed == 1 and listed == []
    assert_same_as_clean_build(site, builder.out, tmp_path)


@pytest.mark.parametrize("what", ["a new file", "a deleted file", "site.toml", "a folder", "a file that is gone again"])
def test_anything_but_an_edit_of_a_known_file_lists_the_content_again(what, example_copy, tmp_path, monkeypatch):
    site = example_copy
    builder = Builder(site, tmp_path / "out")
    assert builder.build(EXAMPLE_DATE).ok(False)
    listed = looked_at(monkeypatch)
    changed = site / f"{Q4}/people/ada-new.md"
    if what == "a new file":
        changed.write_text((site / DARNELL).read_text(encoding="utf-8").replace("Darnell Brooks", "Ada New"),
                           encoding="utf-8")
    elif what == "a deleted file":
        changed = site / f"{Q4}/people/sofia-rossi.md"
        changed.unlink()
    elif what == "site.toml":
        changed = site / "site.toml"
        edit(changed, 'title = "', 'title = "New: ')
    elif what == "a folder":
        changed = site / f"{Q4}/people"
    report = builder.build(EXAMPLE_DATE, changed={changed.resolve(), (site / DARNELL).resolve()})
    assert report.ok(False) and len(listed) == 1
    assert ("ada-new" in report.site.current.owners) == (what == "a new file")
    assert ("sofia-rossi" in report.site.current.owners) == (what != "a deleted file")
    assert_same_as_clean_build(site, builder.out, tmp_path)


def test_a_linked_file_is_looked_at_whatever_watch_mode_saw(example_copy, tmp_path):
    """A file that is a link: watch mode sees a change where the link leads, not the link itself, so every
    build with one looks at all files."""
    site = example_copy
    shared = site / "content/.shared"
    shared.mkdir()
    (shared / "darnell-brooks.md").write_text((site / DARNELL).read_text(encoding="utf-8"), encoding="utf-8")
    (site / DARNELL).unlink()
    (site / DARNELL).symlink_to("../../.shared/darnell-brooks.md")
    builder = Builder(site, tmp_path / "out")
    assert builder.build(EXAMPLE_DATE).ok(False)
    edit(shared / "darnell-brooks.md", "title: Sail through Black Friday", "title: Cruise through Black Friday")
    report = builder.build(EXAMPLE_DATE, changed={(site / f"{Q4}/teams/fulfillment.md").resolve()})
    assert report.ok(False) and report.parsed == 1
    objective = report.site.current.owners["darnell-brooks"].objectives[0]
    assert objective.title == "Cruise through Black Friday week without a backlog"
