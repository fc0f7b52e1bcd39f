"""okrsite.cache: parsed files kept in memory, and the signed disk cache kept between runs."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest

from conftest import CLEAN, EXAMPLE_DATE
from okrsite.build import CACHE_FOLDER, Builder, build_site
from okrsite.cache import DiskCache, signing_key
from okrsite.options import BuildOptions
from htmlcheck import parse_file
from test_build import tree

KEY = b"k" * 32


class Alarm:
    """Unpickling it raises: a stand-in for a hostile pickle."""

    def __reduce__(self):
        return (_explode, ())


def _explode():
    raise AssertionError("a cache file okrsite did not sign was unpickled")


def test_values_come_back_for_the_same_version_and_key(tmp_path):
    DiskCache(tmp_path / "c", "1.0", KEY).save("parsed", {"a": (1, 2.5, "x")})
    assert DiskCache(tmp_path / "c", "1.0", KEY).load("parsed") == {"a": (1, 2.5, "x")}
    assert DiskCache(tmp_path / "c", "1.1", KEY).load("parsed") is None  # other code: ignored
    assert DiskCache(tmp_path / "c", "1.0", KEY).load("missing") is None
    assert (tmp_path / "c/.gitignore").read_text().splitlines()[-1] == "*"  # git never sees it


def test_a_file_signed_with_another_key_is_never_unpickled(tmp_path):
    DiskCache(tmp_path / "c", "1.0", b"x" * 32).save("parsed", Alarm.__new__(Alarm))
    assert DiskCache(tmp_path / "c", "1.0", KEY).load("parsed") is None
    # a file made by hand, as someone could commit it: the right header, a made-up signature
    header = DiskCache.MAGIC + b"1.0\n"
    (tmp_path / "c/parsed.pickle").write_bytes(header + b"\0" * 32 + pickle.dumps(Alarm()))
    assert DiskCache(tmp_path / "c", "1.0", KEY).load("parsed") is None


def test_a_damaged_file_is_ignored(tmp_path):
    cache = DiskCache(tmp_path / "c", "1.0", KEY)
    cache.save("parsed", [1, 2, 3])
    path = tmp_path / "c/parsed.pickle"
    path.write_bytes(path.read_bytes()[:-3])
    assert cache.load("parsed") is None


def test_an_unwritable_folder_means_no_cache_and_no_error(tmp_path):
    (tmp_path / "file").write_text("not a folder")
    cache = DiskCache(tmp_path / "file" / "c", "1.0", KEY)
    cache.save("parsed", [1])
    assert cache.load("parsed") is None


def test_the_signing_key_is_made_once_and_private(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    key = signing_key()
    assert key is not None and len(key) == 32 and signing_key() == key
    path = tmp_path / "okrsite/cache-key"
    assert path.stat().st_mode & 0o777 == 0o600
    monkeypatch.setenv("XDG_CACHE_HOME", str(path))  # a file where the folder should be
    assert signing_key() is None


@pytest.fixture
def site(example_copy, tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return example_copy


def cached_build(site: Path, out: Path):
    builder = Builder(site, out, BuildOptions(strict=True, disk_cache=True))
    report = builder.build(EXAMPLE_DATE)
    builder.save_cache()
    assert report.ok(True), [d.format() for d in report.diagnostics.items]
    return report


def test_a_second_run_with_nothing_changed_parses_and_renders_nothing(site, tmp_path):
    out = tmp_path / "out"
    first = cached_build(site, out)
    assert first.parsed == 65 and (site / CACHE_FOLDER / "parsed.pickle").is_file()
    before = tree(out)
    again = cached_build(site, out)
    assert (again.parsed, again.rendered, again.files) == (0, 0, 0)
    assert tree(out) == before


def test_a_run_after_an_edit_redoes_only_what_changed_and_equals_a_clean_build(site, tmp_path):
    out = tmp_path / "out"
    cached_build(site, out)
    person = site / "content/2026-Q4/people/mei-chen.md"
    person.write_text(person.read_text().replace("title: ", "title: Edited ", 1))
    report = cached_build(site, out)
    assert report.parsed == 1 and 0 < report.rendered < 100
    build_site(site, tmp_path / "clean", CLEAN)
    assert tree(out) == tree(tmp_path / "clean")


def test_output_files_changed_or_deleted_by_hand_are_written_again(site, tmp_path):
    out = tmp_path / "out"
    cached_build(site, out)
    expected = tree(out)
    (out / "index.html").write_text("defaced")
    (out / "okrs.json").unlink()
    report = cached_build(site, out)
    assert report.files == 2
    assert tree(out) == expected


def test_a_cache_made_in_another_working_folder_is_not_used_for_parsing(site, tmp_path, monkeypatch):
    out = tmp_path / "out"
    cached_build(site, out)
    monkeypatch.chdir(site)  # messages would name files differently from here
    assert cached_build(site, out).parsed == 65


def test_the_command_line_uses_the_cache_unless_told_not_to(site, tmp_path, capsys):
    from okrsite.cli import main

    out = tmp_path / "cli-out"
    assert main(["build", str(site), "-o", str(out), "--date", "2026-11-20", "-q", "--no-cache"]) == 0
    assert not (site / CACHE_FOLDER).exists()
    assert main(["build", str(site), "-o", str(out), "--date", "2026-11-20", "-q"]) == 0
    assert sorted(p.name for p in (site / CACHE_FOLDER).iterdir() if p.suffix == ".pickle")[0] == "parsed.pickle"
    os.utime(site / "site.toml")  # touching is no change
    capsys.readouterr()
    assert main(["build", str(site), "-o", str(out), "--date", "2026-11-20"]) == 0
    assert f"objectives: nothing changed in {out} in " in capsys.readouterr().out


def test_only_the_newest_records_of_output_folders_are_kept(tmp_path):
    cache = DiskCache(tmp_path / "c", "1.0", KEY)
    for index in range(5):
        cache.save(f"written-{index}", index)
        os.utime(tmp_path / f"c/written-{index}.pickle", ns=(index * 10**9, index * 10**9))
    cache.save("parsed", "kept")
    cache.prune("written-", 2)
    assert sorted(p.name for p in (tmp_path / "c").glob("*.pickle")) == [
        "parsed.pickle", "written-3.pickle", "written-4.pickle"]


def test_image_hosts_reach_files_parsed_before_in_memory_and_on_disk(site, tmp_path):
    """[markdown] image_hosts changes what a file's Markdown becomes: a change in site.toml alone parses again."""
    person = site / "content/2026-Q4/people/mei-chen.md"
    person.write_text(person.read_text() + "\n![Team photo](https://intranet.example.com/team.png)\n")
    page = "2026-q4/mei-chen/index.html"
    watching = Builder(site, tmp_path / "watched")  # watch mode's builder, kept across the edits
    for hosts, shown in ((None, False), ('["intranet.example.com"]', True), ("[]", False)):
        if hosts is not None:
            text = (site / "site.toml").read_text().split("\n[markdown]")[0]
            (site / "site.toml").write_text(f"{text}\n[markdown]\nimage_hosts = {hosts}\n")
        assert cached_build(site, tmp_path / "out").parsed == 65  # every file: the disk cache's are out of date
        assert watching.build(EXAMPLE_DATE).ok(True)
        build_site(site, tmp_path / "clean", CLEAN)
        for out in ("out", "watched", "clean"):
            photo = parse_file(tmp_path / out / page)
            assert (photo.find("img", alt="Team photo") is not None) == shown, (hosts, out)
        assert tree(tmp_path / "out") == tree(tmp_path / "clean") == tree(tmp_path / "watched")
    assert cached_build(site, tmp_path / "out").parsed == 0  # the settings as they were: the disk cache holds
