"""What an output folder holds, read once and then kept up to date by reading only the folders that changed."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from okrsite.folderevents import FolderEvents
from okrsite.outputfolder import MANIFEST, OutputFolder

OURS = ["index.html", "x/b.html", "x/y/c.html", "x/y/z/d.html", "gone.html"]
OTHERS = ["notes.txt", "x/y/mine.txt"]


def make(out: Path, age: float = 10.0) -> None:
    """An output folder: okrsite's files (one of them already deleted), someone else's, an empty folder;
    every folder's time ``age`` seconds ago (a folder changed long before it is read is known by its time)."""
    for path in OURS[:-1] + OTHERS:
        (out / path).parent.mkdir(parents=True, exist_ok=True)
        (out / path).write_text(path, encoding="utf-8")
    (out / MANIFEST).write_text("".join(f"{path}\n" for path in OURS), encoding="utf-8")
    (out / "empty").mkdir()
    then = time.time_ns() - int(age * 1e9)
    for folder in [out, *(p for p in out.rglob("*") if p.is_dir())]:
        os.utime(folder, ns=(then, then))


def assert_as_read_anew(found: OutputFolder, out: Path) -> None:
    anew = OutputFolder(out)
    for name in ("files", "ours", "foreign", "missing", "empty_folders"):
        assert getattr(found, name) == getattr(anew, name), name


def reads(monkeypatch, out: Path) -> list[str]:
    """The folders below ``out`` listed from now on, as ``a/b/``."""
    listed = []
    real = os.scandir

    def scandir(path):
        if isinstance(path, str):  # not shutil.rmtree's, by file descriptor
            relative = os.path.relpath(path, out)
            listed.append("" if relative == "." else f"{relative}/")
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    return listed


@pytest.fixture(params=[False, True], ids=["times", "events"])
def events(request) -> bool:
    """Whether the folder asks the system to report changes (Linux), or looks at the folders' times."""
    if request.param and FolderEvents.start() is None:
        pytest.skip("no inotify here")
    return request.param


def test_the_first_read_sorts_the_files_into_okrsites_others_and_missing(tmp_path):
    out = tmp_path / "out"
    make(out)
    found = OutputFolder(out)
    assert found.ours == set(OURS[:-1])
    assert found.missing == {"gone.html"}
    assert found.foreign == set(OTHERS)
    assert found.files == set(OURS[:-1] + OTHERS) | {MANIFEST}
    assert found.empty_folders == {"empty"}
    assert found.read_again == set()


def test_a_refresh_finds_every_change_and_reads_only_the_folders_that_changed(tmp_path, monkeypatch, events):
    out = tmp_path / "out"
    make(out)
    found = OutputFolder(out, events)
    assert found.reported == events
    listed = reads(monkeypatch, out)
    found.refresh(out)
    if events:  # nothing reported: the top folder only, as it may be a new one
        assert listed == [""] and found.read_again == {MANIFEST, "index.html", "notes.txt"}
    else:  # nothing changed: an lstat of each folder, no listing
        assert listed == [] and found.read_again == set()
    listed.clear()
    found.read_again.clear()

    (out / "x/y/new.txt").write_text("deep down")  # someone else's file, three folders down
    (out / "x/b.html").unlink()  # okrsite's, deleted by hand
    shutil.rmtree(out / "x/y/z")  # a folder and what it held
    (out / "n/m").mkdir(parents=True)  # new folders, and a file in them
    (out / "n/m/k.txt").write_text("new")
    (out / "empty").rmdir()  # an empty folder becomes a file
    (out / "empty").write_text("now a file")
    found.refresh(out)
    assert sorted(listed) == ["", "n/", "n/m/", "x/", "x/y/"]
    assert_as_read_anew(found, out)
    assert found.foreign == {"notes.txt", "x/y/mine.txt", "x/y/new.txt", "n/m/k.txt", "empty"}
    assert found.missing == {"gone.html", "x/b.html", "x/y/z/d.html"}
    assert found.empty_folders == set()
    assert found.read_again == {MANIFEST, "index.html", "notes.txt", "empty", "x/y/c.html", "x/y/mine.txt",
                                "x/y/new.txt", "n/m/k.txt"}

    found.read_again.clear()
    (out / "x/y").rename(out / "x/w")  # a folder renamed: its files move with it
    (out / "gone.html").write_text("back")  # okrsite's file, back
    found.refresh(out)
    assert_as_read_anew(found, out)
    assert found.missing == {"x/b.html", "x/y/c.html", "x/y/z/d.html"}
    assert "x/w/c.html" in found.foreign and "gone.html" in found.ours
    assert found.reported == events


def test_reported_changes_need_no_time_and_include_files_written_in_place(tmp_path):
    """The system's events name a folder whatever its time says, and a file written over in place."""
    out = tmp_path / "out"
    make(out)
    found = OutputFolder(out, events=True)
    if not found.reported:
        pytest.skip("no inotify here")
    folder = out / "x/y"
    was = folder.stat()
    (folder / "same-time.txt").write_text("unseen by the time")
    os.utime(folder, ns=(was.st_atime_ns, was.st_mtime_ns))
    with (out / "x/b.html").open("r+b") as handle:
        handle.write(b"by hand")
    found.refresh(out)
    assert "x/y/same-time.txt" in found.foreign
    assert "x/b.html" in found.read_again  # for the builder to compare with what it wrote
    found.close()
    assert not found.reported


def test_a_folder_changed_soon_before_it_was_read_is_read_again_though_its_time_stays(tmp_path):
    """On a coarse clock a change right after a read can leave the folder's time as it was: a folder
    read less than RECENT_NS after it changed is read again every time until it has been still long enough."""
    out = tmp_path / "out"
    make(out, age=0)
    found = OutputFolder(out)
    folder = out / "x/y"
    was = folder.stat()
    (folder / "same-tick.txt").write_text("unseen by the time")
    os.utime(folder, ns=(was.st_atime_ns, was.st_mtime_ns))
    found.refresh(out)
    assert "x/y/same-tick.txt" in found.foreign


def test_a_changed_manifest_sorts_the_files_again(tmp_path, events):
    out = tmp_path / "out"
    make(out)
    found = OutputFolder(out, events)
    (out / MANIFEST).write_text("notes.txt\nindex.html\n", encoding="utf-8")
    found.refresh(out)
    assert_as_read_anew(found, out)
    assert found.ours == {"notes.txt", "index.html"} and found.missing == set()
    assert "x/b.html" in found.foreign and "notes.txt" not in found.foreign


def test_an_output_folder_removed_then_made_again(tmp_path, events):
    out = tmp_path / "out"
    make(out)
    found = OutputFolder(out, events)
    shutil.rmtree(out)
    found.refresh(out)
    assert (found.files, found.ours, found.foreign, found.empty_folders) == (set(), set(), set(), set())
    assert found.missing == set()
    make(out)
    found.refresh(out)
    assert_as_read_anew(found, out)
    assert found.ours == set(OURS[:-1])


def test_an_overflowing_queue_of_events_reads_every_folder_again_and_watches_it_anew(tmp_path):
    """More changes than the system queues (fs.inotify.max_queued_events): every folder is read again,
    and the events that follow are reported again."""
    out = tmp_path / "out"
    make(out)
    found = OutputFolder(out, events=True)
    if not found.reported:
        pytest.skip("no inotify here")
    limit = int(Path("/proc/sys/fs/inotify/max_queued_events").read_text())
    if limit > 100_000:
        pytest.skip(f"the queue holds {limit} events")
    first, second = str(out / "x/y/z/first"), str(out / "x/y/z/second")  # in a watched folder
    Path(first).touch()
    for _ in range(limit // 2 + 10):  # two events a rename
        os.rename(first, second)
        first, second = second, first
    (out / "x/after.txt").write_text("lost with the queue")
    found.refresh(out)
    assert found.reported
    assert_as_read_anew(found, out)
    assert {"x/after.txt", f"x/y/z/{Path(first).name}"} <= found.foreign
    was = (out / "x").stat()
    (out / "x/b.html").unlink()
    os.utime(out / "x", ns=(was.st_atime_ns, was.st_mtime_ns))  # not seen by the folder's time: reported
    found.refresh(out)
    assert "x/b.html" in found.missing
