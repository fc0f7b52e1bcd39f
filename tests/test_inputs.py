"""okrsite.inputs: a one-off build whose inputs and output are as the last build left them does nothing,
and any change of an input makes a real build, equal to a clean one."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from conftest import EXAMPLE_DATE
from okrsite import cache
from okrsite.build import build_site
from okrsite.inputs import fingerprint
from okrsite.options import BuildOptions
from test_build import edit, own_copy, tree

OPTIONS = BuildOptions(EXAMPLE_DATE, disk_cache=True)
PERSON = "content/2026-Q4/people/mei-chen.md"


@pytest.fixture
def site(example_copy, tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return example_copy


def built(site: Path, out: Path, options: BuildOptions = OPTIONS):
    report = build_site(site, out, options)
    assert report.ok(False), [d.format() for d in report.diagnostics.items]
    return report


def assert_as_clean(site: Path, out: Path, scratch: Path, options: BuildOptions = OPTIONS) -> None:
    clean = scratch / "clean"
    shutil.rmtree(clean, ignore_errors=True)
    built(site, clean, BuildOptions(options.date, include_private=options.include_private))
    assert tree(out) == tree(clean)


def test_a_build_with_nothing_changed_reads_no_file_and_reports_the_same_problems(site, tmp_path, monkeypatch):
    edit(site / "site.toml", 'theme = "default"\n', 'theme = "default"\ncolour = "blue"\n')  # a warning
    out = tmp_path / "out"
    first = built(site, out)
    before = tree(out)
    assert [d.message for d in first.diagnostics.warnings] == ["unknown key 'colour' in site.toml"]

    def no_parsing(self, disk):
        raise AssertionError("the build cache was read")
    monkeypatch.setattr(cache.OwnerCache, "load", no_parsing)
    again = built(site, out)
    assert again.unchanged and (again.parsed, again.rendered, again.files) == (0, 0, 0)
    assert again.diagnostics.items == first.diagnostics.items
    assert again.sizes == first.sizes == (2, 64, 82)
    assert not build_site(site, out, BuildOptions(EXAMPLE_DATE, strict=True, disk_cache=True)).ok(True)
    assert tree(out) == before


def _edit_a_title(site: Path) -> None:
    edit(site / PERSON, "title: ", "title: Edited ")


def _same_bytes_touched(site: Path) -> None:
    path = site / PERSON
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))


def _new_file(site: Path) -> None:
    text = (site / PERSON).read_text(encoding="utf-8")
    (site / "content/2026-Q4/people/mei-chen-2.md").write_text(text.replace("Mei Chen", "Mei Chen Two"),
                                                                encoding="utf-8")


def _removed_file(site: Path) -> None:
    (site / "content/2026-Q4/people/diego-alvarez.md").unlink()


def _template(site: Path) -> None:
    edit(own_copy(site, "templates/base.html"), "Skip to content", "Skip to the OKRs")


def _stylesheet(site: Path) -> None:
    own_copy(site, "static/style.css").write_text("body { color: red; }\n", encoding="utf-8")


def _settings(site: Path) -> None:
    edit(site / "site.toml", 'title = "Suds & Co. OKRs"', 'title = "Suds & Co. objectives"')


@pytest.mark.parametrize("change", [_edit_a_title, _same_bytes_touched, _new_file, _removed_file, _template,
                                   _stylesheet, _settings])
def test_a_changed_input_makes_a_real_build(site, tmp_path, change):
    out = tmp_path / "out"
    built(site, out)
    change(site)
    report = built(site, out)
    assert not report.unchanged
    assert_as_clean(site, out, tmp_path)
    assert built(site, out).unchanged  # and the next one has nothing to do


@pytest.mark.parametrize("options", [BuildOptions(EXAMPLE_DATE.replace(day=21), disk_cache=True),
                                     BuildOptions(EXAMPLE_DATE, include_private=True, disk_cache=True)],
                         ids=["another-day", "leadership"])
def test_other_options_make_a_real_build(site, tmp_path, options):
    out = tmp_path / "out"
    built(site, out)
    assert not built(site, out, options).unchanged
    assert_as_clean(site, out, tmp_path, options)


def test_an_output_file_changed_by_hand_makes_a_real_build_that_restores_it(site, tmp_path):
    out = tmp_path / "out"
    built(site, out)
    expected = tree(out)
    (out / "index.html").write_text("defaced", encoding="utf-8")
    report = built(site, out)
    assert not report.unchanged and report.files == 1
    assert tree(out) == expected


def test_a_watching_build_in_between_is_not_taken_for_the_last_one_off_build(site, tmp_path):
    """watch and serve keep no fingerprint: after one wrote the output, a one-off build builds."""
    from okrsite.build import Builder

    out = tmp_path / "out"
    built(site, out)
    _edit_a_title(site)
    watching = Builder(site, out, OPTIONS)
    assert watching.build().ok(False)
    watching.save_cache()
    watching.close()
    edit(site / PERSON, "title: Edited ", "title: ")  # back to the inputs of the one-off build
    assert not built(site, out).unchanged
    assert_as_clean(site, out, tmp_path)


def test_a_site_with_check_ins_from_git_has_no_fingerprint(site):
    assert fingerprint(site, BuildOptions(EXAMPLE_DATE)) is not None
    assert fingerprint(site, BuildOptions(EXAMPLE_DATE, history="git")) is None
