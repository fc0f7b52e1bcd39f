"""A corpus of bad (and odd but valid) input: each file in tests/corpus/ is put beside a
valid company and must give exactly the diagnostics in its .expected file (``ok``: a
clean load). Never a traceback, never a hang. A few cases are made here instead:
huge files, links out of the site, a folder that is not a cycle.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from conftest import COMPANY, CYCLE, EXAMPLE_DATE, load, write_site
from okrsite.build import build_site
from okrsite.cli import main
from okrsite.options import BuildOptions

CORPUS = Path(__file__).resolve().parent / "corpus"
CASES = sorted(CORPUS.glob("*.md"))


def test_the_corpus_is_big_enough():
    assert len(CASES) >= 40
    assert all(case.with_suffix(".expected").is_file() for case in CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_case_gives_exactly_the_expected_diagnostics(case, tmp_path, monkeypatch):
    root = write_site(tmp_path / "site", {f"{CYCLE}/test-co.md": COMPANY})
    shutil.copy(case, root / CYCLE / case.name)
    monkeypatch.chdir(root)
    site, diagnostics = load(root)
    expected = case.with_suffix(".expected").read_text(encoding="utf-8").splitlines()
    assert ([d.format() for d in diagnostics.sorted()] or ["ok"]) == expected
    assert (site is None) == bool(diagnostics.errors)


@pytest.mark.parametrize("case", [c for c in CASES if ": error: " in c.with_suffix(".expected").read_text()][:12],
                         ids=lambda c: c.stem)
def test_the_command_line_exits_1_without_a_traceback(case, tmp_path, monkeypatch, capsys):
    root = write_site(tmp_path / "site", {f"{CYCLE}/test-co.md": COMPANY})
    shutil.copy(case, root / CYCLE / case.name)
    monkeypatch.chdir(root)
    code = main(["build", "--date", "2026-11-20"])
    captured = capsys.readouterr()
    errors = [line for line in captured.err.splitlines() if ": error: " in line]
    assert (code, captured.out) == (1, "") and errors
    assert "Traceback" not in captured.err and not (root / "public").exists()


def test_a_ten_megabyte_description_builds(make_site, tmp_path):
    big = "Words and more words. " * 500_000
    team = (f"---\nname: Team\nkind: team\nparent: test-co\nobjectives:\n  - id: a\n    title: T\n"
            f"    description: \"{big}\"\n    aligns_to: test-co/grow\n    key_results:\n"
            "      - {id: k, title: K, start: 0, target: 1}\n      - {id: l, title: L, start: 0, target: 1}\n---\n")
    assert len(team) > 10_000_000
    root = make_site({f"{CYCLE}/test-co.md": COMPANY, f"{CYCLE}/team.md": team})
    assert build_site(root, tmp_path / "out", BuildOptions(EXAMPLE_DATE)).ok(False)
    assert (tmp_path / "out/2026-q4/team/a/index.html").stat().st_size > 10_000_000


def test_ten_thousand_objectives_in_one_file_load(make_site, monkeypatch):
    objectives = "".join(f"  - id: o{i}\n    title: Objective {i}\n    aligns_to: test-co/grow\n    key_results:\n"
                         f"      - {{id: k, title: K, start: 0, target: 10, current: {i % 10}, unit: u}}\n"
                         "      - {id: m, title: M, type: milestone, done: true}\n" for i in range(10_000))
    root = make_site({f"{CYCLE}/test-co.md": COMPANY,
                      f"{CYCLE}/busy.md": f"---\nname: Busy\nkind: team\nparent: test-co\nobjectives:\n{objectives}---\n"})
    monkeypatch.chdir(root)
    site, diagnostics = load(root)
    assert site is not None and len(site.current.owners["busy"].objectives) == 10_000
    assert [d.format() for d in diagnostics.items] == [
        f"{CYCLE}/busy.md:5: warning: 'busy' has 10000 objectives: focus on at most 5 "
        "(with more, none gets real attention); move the rest to a later cycle"]


def test_a_link_out_of_the_site_is_not_followed(make_site, tmp_path, monkeypatch):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "secret.md").write_text("---\nname: Secret\nkind: team\nparent: test-co\n---\n")
    root = make_site({f"{CYCLE}/test-co.md": COMPANY})
    os.symlink(outside / "secret.md", root / CYCLE / "secret.md")
    os.symlink(outside, root / CYCLE / "linked-folder")
    monkeypatch.chdir(root)
    site, diagnostics = load(root)
    assert site is not None and "secret" not in site.current.owners
    assert sorted(d.format() for d in diagnostics.items) == [
        f"{CYCLE}/linked-folder: warning: is a link to {outside.resolve()}, outside the content folder: not followed",
        f"{CYCLE}/secret.md: warning: is a link to {(outside / 'secret.md').resolve()}, outside the content folder: not followed",
    ]


def test_a_folder_that_is_not_a_cycle_is_named(make_site, monkeypatch):
    root = make_site({f"{CYCLE}/test-co.md": COMPANY, "content/notes/ideas.md": "---\nname: X\nkind: company\n---\n"})
    monkeypatch.chdir(root)
    site, diagnostics = load(root)
    assert site is None
    assert [d.format() for d in diagnostics.items] == [
        "content/notes: error: cannot tell the dates of cycle 'notes': name the folder like 2026-Q4, 2026-H2 or 2026, "
        "or give start and end under [cycles.\"notes\"] in site.toml"]
