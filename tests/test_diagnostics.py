"""Tests of okrsite.diagnostics: GCC-style messages, and all problems of a build at once."""

from __future__ import annotations

import os

from conftest import COMPANY, load
from okrsite.diagnostics import Diagnostic, Diagnostics, did_you_mean, display_path


def test_format_is_gcc_style():
    assert Diagnostic("content/2026-Q4/marketing.md", 14, "error", "bad").format() == \
        "content/2026-Q4/marketing.md:14: error: bad"


def test_format_without_a_line_names_only_the_file():
    assert Diagnostic("site.toml", None, "warning", "odd").format() == "site.toml: warning: odd"


def test_format_github_is_a_workflow_command_with_escapes():
    d = Diagnostic("content/a,b:c.md", 3, "error", "50% done\nnext line\r")
    assert d.format_github() == "::error file=content/a%2Cb%3Ac.md,line=3::50%25 done%0Anext line%0D"


def test_format_github_without_a_line():
    assert Diagnostic("site.toml", None, "warning", "odd").format_github() == "::warning file=site.toml::odd"


def test_collector_keeps_order_and_splits_by_severity():
    diagnostics = Diagnostics()
    diagnostics.warning("b.md", 2, "w1")
    diagnostics.error("a.md", 9, "e1")
    diagnostics.error("a.md", None, "e2")
    assert [d.message for d in diagnostics.items] == ["w1", "e1", "e2"]
    assert [d.message for d in diagnostics.errors] == ["e1", "e2"]
    assert [d.message for d in diagnostics.warnings] == ["w1"]


def test_notes_never_fail_warnings_fail_only_when_strict():
    diagnostics = Diagnostics()
    diagnostics.note("a.md", 3, "n1")
    assert diagnostics.failures(strict=True) == []
    assert Diagnostic("a.md", 3, "note", "n1").format() == "a.md:3: note: n1"
    assert Diagnostic("a.md", 3, "note", "n1").format_github() == "::notice file=a.md,line=3::n1"
    diagnostics.warning("a.md", 4, "w1")
    assert [d.message for d in diagnostics.failures(strict=True)] == ["w1"]
    assert diagnostics.failures(strict=False) == []
    diagnostics.error("a.md", 5, "e1")
    assert [d.message for d in diagnostics.failures(strict=False)] == ["e1"]


def test_sorted_by_file_then_line():
    diagnostics = Diagnostics()
    diagnostics.error("b.md", 1, "b1")
    diagnostics.error("a.md", 10, "a10")
    diagnostics.warning("a.md", 2, "a2")
    diagnostics.error("a.md", None, "a-none")
    assert [d.message for d in diagnostics.sorted()] == ["a-none", "a2", "a10", "b1"]


def test_did_you_mean_suggests_the_closest():
    assert did_you_mean("titel", ["id", "title", "description"]) == " (did you mean title?)"
    assert did_you_mean("marketing/lead", ["marketing/leads", "sales/deals"]) == " (did you mean marketing/leads?)"


def test_did_you_mean_is_empty_when_nothing_is_close():
    assert did_you_mean("zzzz", ["title", "description"]) == ""
    assert did_you_mean("title", []) == ""


def test_display_path_is_relative_inside_the_working_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert display_path(tmp_path / "content" / "2026-Q4" / "a.md") == os.path.join("content", "2026-Q4", "a.md")


def test_display_path_outside_the_working_folder_is_absolute(tmp_path, monkeypatch):
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    outside = tmp_path / "elsewhere" / "a.md"
    assert display_path(outside) == str(outside)


BROKEN_NAME = """\
---
kind: team
parent: test-co
---
"""

BROKEN_KIND = """\
---
name: Sales
kind: departmnet
parent: test-co
---
"""


def test_all_errors_of_a_build_are_reported_at_once(make_site, monkeypatch):
    root = make_site({
        "content/2026-Q4/test-co.md": COMPANY,
        "content/2026-Q4/ops.md": BROKEN_NAME,
        "content/2026-Q4/sales.md": BROKEN_KIND,
    })
    monkeypatch.chdir(root)
    site, diagnostics = load(root)
    assert site is None
    lines = [d.format() for d in diagnostics.errors]
    assert "content/2026-Q4/ops.md:2: error: the file has no 'name'" in lines
    assert any(line.startswith("content/2026-Q4/sales.md:3: error: unknown kind 'departmnet'") for line in lines)


def test_load_site_returns_none_on_any_error_and_a_site_without(make_site):
    good = make_site({"content/2026-Q4/test-co.md": COMPANY})
    site, diagnostics = load(good)
    assert site is not None and diagnostics.errors == []
    (good / "content/2026-Q4/ops.md").write_text(BROKEN_NAME, encoding="utf-8")
    site, diagnostics = load(good)
    assert site is None
    assert len(diagnostics.errors) == 1
