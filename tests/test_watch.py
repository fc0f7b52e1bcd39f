"""Watching files: which changes count, debouncing, and real file events from watchdog."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from okrsite.watch import ChangeQueue, Watcher, describe, is_relevant

ROOT = Path("/site")


@pytest.mark.parametrize("relative, relevant", [
    ("content/2026-Q4/acme.md", True),
    ("content/2026-Q4/people/ada.md", True),
    ("content/2027-Q1", True),
    ("themes/default/templates/base.html", True),
    ("themes/default/static/style.css", True),
    ("site.toml", True),
    ("content/2026-Q4/.acme.md.swp", False),
    ("content/2026-Q4/acme.md.swp", False),
    ("content/2026-Q4/acme.md~", False),
    ("content/2026-Q4/.#acme.md", False),
    ("content/2026-Q4/#acme.md#", False),
    ("content/2026-Q4/4913", False),
    ("content/2026-Q4/acme.md.bak", False),
    ("content/2026-Q4/acme.md.tmp", False),
    ("content/.git/index", False),
    ("public/index.html", False),
    ("README.md", False),
    ("site.toml~", False),
])
def test_is_relevant(relative, relevant):
    assert is_relevant(ROOT / relative, ROOT) is relevant


def test_outside_the_site_is_not_relevant():
    assert not is_relevant(Path("/elsewhere/content/a.md"), ROOT)


def test_a_burst_of_saves_is_one_batch():
    changes, stop = ChangeQueue(quiet=0.5), threading.Event()  # saves 0.02 s apart: only a 0.5 s stall splits them
    path = ROOT / "content/2026-Q4/acme.md"
    last_save = []

    def editor():
        for _ in range(3):
            changes.add(path)
            last_save[:] = [time.monotonic()]
            time.sleep(0.02)

    saving = threading.Thread(target=editor)
    saving.start()
    assert changes.take(stop) == {path}
    taken = time.monotonic()
    saving.join()
    # waited for the saves to settle: a quiet 0.5 s after the last of them (however late the machine ran it)
    assert taken - last_save[0] >= 0.5
    stop.set()
    assert changes.take(stop) == set()  # nothing more came


@pytest.mark.parametrize("events, waits_for_quiet", [
    ([("a.md", True)], False),  # closed after writing (or renamed into place, or deleted)
    ([("a.md", False), ("a.md", True)], False),  # written, then closed
    ([("a.md", False)], True),  # written, not closed yet: maybe more to come
    ([("a.md", True), ("b.md", False)], True),  # one file whole, another still being written
    ([("a.md", True), ("a.md", False)], True),  # closed, then opened and written again
])
def test_a_batch_settles_soon_only_when_every_file_is_whole(events, waits_for_quiet):
    changes, stop = ChangeQueue(quiet=1.0, longest=5.0, settled=0.01), threading.Event()
    for name, whole in events:
        changes.add(ROOT / "content" / name, whole)
    added = time.monotonic()
    assert changes.take(stop) == {ROOT / "content" / name for name, _ in events}
    waited = time.monotonic() - added
    assert (waited >= 1.0) if waits_for_quiet else (waited < 0.9)


def test_a_steady_stream_of_changes_is_cut_into_batches():
    changes, stop = ChangeQueue(quiet=0.1, longest=0.3), threading.Event()
    ticking = threading.Event()

    def busy():
        while not ticking.is_set():
            changes.add(ROOT / "content/x.md")
            time.sleep(0.02)

    thread = threading.Thread(target=busy)
    thread.start()
    try:
        started = time.monotonic()
        assert changes.take(stop)
        assert time.monotonic() - started < 1.0
    finally:
        ticking.set()
        thread.join()


@pytest.fixture
def watched(tmp_path):
    """A site folder under a running Watcher; ``next_batch()`` waits up to 5 s for changes."""
    root = tmp_path / "site"
    (root / "content/2026-Q4").mkdir(parents=True)
    (root / "site.toml").write_text('title = "T"\n')
    changes, stop = ChangeQueue(quiet=0.15), threading.Event()
    with Watcher(root, changes) as watcher:
        def next_batch(timeout: float = 5.0) -> set[Path]:
            timer = threading.Timer(timeout, stop.set)
            timer.start()
            try:
                return {p.relative_to(watcher.root).as_posix() for p in changes.take(stop)}
            finally:
                timer.cancel()
                stop.clear()
        yield root, next_batch, watcher


def test_watcher_sees_a_file_written_in_parts_once(watched):
    root, next_batch, _ = watched
    path = root / "content/2026-Q4/acme.md"
    with path.open("w") as file:  # an editor writing in three parts, 40 ms apart, before it closes the file
        for text in ("---\n", "name: A\n", "---\n"):
            file.write(text)
            file.flush()
            time.sleep(0.04)
    assert next_batch() == {"content/2026-Q4/acme.md"}
    assert next_batch(timeout=0.5) == set()  # nothing was taken half-written


def test_watcher_takes_a_closed_file_without_waiting_for_quiet(tmp_path):
    root = tmp_path / "site"
    (root / "content").mkdir(parents=True)
    changes, stop = ChangeQueue(quiet=3.0, longest=6.0, settled=0.01), threading.Event()
    with Watcher(root, changes):
        started = time.monotonic()
        (root / "content/acme.md").write_text("---\nname: A\n---\n")  # opened, written, closed
        timer = threading.Timer(10, stop.set)
        timer.start()
        try:
            assert changes.take(stop) == {root.resolve() / "content/acme.md"}
        finally:
            timer.cancel()
        assert time.monotonic() - started < 2.0  # the close said the save was whole: no 3 s of quiet


def test_watcher_ignores_swap_files(watched):
    root, next_batch, _ = watched
    (root / "content/2026-Q4/.acme.md.swp").write_text("x")
    (root / "content/2026-Q4/4913").write_text("x")
    (root / "content/2026-Q4/acme.md~").write_text("x")
    assert next_batch(timeout=0.6) == set()


def test_watcher_sees_delete_rename_new_cycle_and_settings(watched):
    root, next_batch, _ = watched
    file = root / "content/2026-Q4/acme.md"
    file.write_text("x")
    assert next_batch() == {"content/2026-Q4/acme.md"}
    file.rename(root / "content/2026-Q4/acme-co.md")
    assert next_batch() == {"content/2026-Q4/acme.md", "content/2026-Q4/acme-co.md"}
    (root / "content/2026-Q4/acme-co.md").unlink()
    assert next_batch() == {"content/2026-Q4/acme-co.md"}
    (root / "content/2027-Q1").mkdir()
    assert next_batch() == {"content/2027-Q1"}
    (root / "content/2027-Q1/acme.md").write_text("x")
    assert next_batch() == {"content/2027-Q1/acme.md"}
    (root / "site.toml").write_text('title = "U"\n')
    assert next_batch() == {"site.toml"}


def test_watcher_picks_up_a_themes_folder_made_later(watched):
    root, next_batch, watcher = watched
    (root / "themes/default/templates").mkdir(parents=True)
    assert "themes" in next_batch()
    watcher.watch_new_folders()  # as the build loop does after each batch
    (root / "themes/default/templates/base.html").write_text("x")
    assert next_batch() == {"themes/default/templates/base.html"}


def test_describe(tmp_path):
    existing = tmp_path / "content/a.md"
    existing.parent.mkdir()
    existing.write_text("x")
    assert describe(set(), tmp_path) == "built"
    assert describe({existing}, tmp_path) == "content/a.md changed"
    assert describe({existing, tmp_path / "content/sedX1b2c3"}, tmp_path) == "content/a.md changed"
    assert describe({existing, tmp_path / "content/b.md"}, tmp_path) == "2 files changed"
