"""okrsite watch: the command keeps the output in step with every save and stops cleanly."""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import subprocess
import sys
import threading
import shutil
import time
from pathlib import Path

import pytest

from conftest import CLEAN, COMPANY, EXAMPLE_DATE, REPO, interruptible, write_site
from test_build import tree
from okrsite import folderevents, outputfolder
from okrsite.build import BuildReport, build_site
from okrsite.live import Live
from okrsite.options import BuildOptions
from okrsite.write import file_stat

TIMEOUT = 10.0


class Output:
    """The lines a process prints, read on a thread so that no wait can hang."""

    def __init__(self, process):
        self.lines: list[str] = []
        self._queue: queue.Queue = queue.Queue()
        threading.Thread(target=lambda: [self._queue.put(line) for line in process.stdout], daemon=True).start()

    def until(self, needle: str) -> str:
        deadline = time.monotonic() + TIMEOUT
        while True:
            try:
                line = self._queue.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"{needle!r} not printed within {TIMEOUT} s: {self.lines}") from None
            self.lines.append(line)
            if needle in line:
                return line


@contextlib.contextmanager
def watching(root: Path, out: Path):
    """``okrsite watch`` running in a new process: ``(process, output)``; killed if still running at the end."""
    process = subprocess.Popen([sys.executable, "-m", "okrsite", "watch", str(root), "-o", str(out), "--date", "2026-11-20"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               env={**os.environ, "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1"},
                               preexec_fn=interruptible)
    try:
        yield process, Output(process)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_okrsite_watch_rebuilds_on_save_and_survives_errors(tmp_path):
    root = write_site(tmp_path / "site", {"content/2026-Q4/test-co.md": COMPANY})
    out = tmp_path / "out"
    company = root / "content/2026-Q4/test-co.md"
    with watching(root, out) as (process, output):
        lines = output.lines
        output.until("watching")
        page = out / "2026-q4/test-co/index.html"
        assert "50 %" in page.read_text()

        company.write_text(COMPANY.replace("current: 50", "current: 80"))
        line = output.until("changed")
        assert "content/2026-Q4/test-co.md changed:" in line and "pages written" in line and " ms" in line
        assert "80 %" in page.read_text()

        company.write_text(COMPANY.replace("kind: company", "kind: 42"))
        output.until("the last good site stays")
        assert any("test-co.md:3: error: unknown kind 42" in earlier for earlier in lines), lines
        assert "80 %" in page.read_text()

        company.write_text(COMPANY)
        output.until("pages written")
        assert "50 %" in page.read_text()
        process.send_signal(signal.SIGINT)
        output.until("stopped")
        process.wait(timeout=TIMEOUT)
    assert process.returncode == 0
    assert "Traceback" not in "".join(lines)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "site"], "the spare tree of watch mode is left"


def test_okrsite_watch_stops_cleanly_on_sigterm(tmp_path):
    root = write_site(tmp_path / "site", {"content/2026-Q4/test-co.md": COMPANY})
    with watching(root, tmp_path / "out") as (process, output):
        output.until("watching")
        process.send_signal(signal.SIGTERM)
        output.until("stopped")
        process.wait(timeout=TIMEOUT)
    assert process.returncode == 0 and "Traceback" not in "".join(output.lines)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "site"], "the spare tree of watch mode is left"


def test_a_rebuild_prints_errors_and_only_new_warnings_and_notes_a_bounded_number(tmp_path):
    """At 10,000 people a rebuild must not print thousands of lines: every error (at most SHOWN),
    then only the warnings and notes it did not print before (at most SHOWN), then one summary line."""
    from okrsite.diagnostics import Diagnostics
    from okrsite.live import SHOWN, Live
    from okrsite.options import BuildOptions

    live = Live(write_site(tmp_path, {"content/2026-Q4/test-co.md": COMPANY}), tmp_path / "public", BuildOptions())

    def found(warnings: int, errors: int = 0) -> Diagnostics:
        diagnostics = Diagnostics()
        for n in range(warnings):
            diagnostics.warning("content/2026-Q4/a.md", n + 1, f"warning {n}")
        for n in range(errors):
            diagnostics.error("content/2026-Q4/b.md", n + 1, f"error {n}")
        return diagnostics

    first = live.news(found(SHOWN + 5))
    assert first[:SHOWN] == [f"content/2026-Q4/a.md:{n + 1}: warning: warning {n}" for n in range(SHOWN)]
    assert first[SHOWN:] == ["... and 5 more new warnings and notes: okrsite check lists them all"]
    assert live.news(found(SHOWN + 5)) == []  # nothing new
    assert live.news(found(SHOWN + 6)) == [f"content/2026-Q4/a.md:{SHOWN + 6}: warning: warning {SHOWN + 5}"]
    shown = live.news(found(0, errors=SHOWN + 1))
    assert len(shown) == SHOWN + 1 and shown[-1] == "... and 1 more errors: okrsite check lists them all"
    assert live.news(found(0, errors=2)) == ["content/2026-Q4/b.md:1: error: error 0",
                                             "content/2026-Q4/b.md:2: error: error 1"]  # errors every time
    live.builder.close()


def test_the_summary_line_counts_warnings_and_notes():
    from okrsite.build import BuildReport
    from okrsite.diagnostics import Diagnostics
    from okrsite.watch import summary

    diagnostics = Diagnostics()
    diagnostics.warning("a.md", 1, "w")
    diagnostics.warning("a.md", 2, "w")
    diagnostics.note("a.md", 3, "n")
    report = BuildReport(object(), diagnostics, pages=3, files=7)
    assert summary(report, "built").endswith(": 3 pages written (7 files) in 0 ms; 2 warnings, 1 note")


# --- the output folder between saves: what someone did to it by hand is seen at the next save ---

SALES = """\
---
name: Sales
kind: team
parent: test-co
objectives:
  - id: deals
    title: Close more deals
    key_results:
      - {id: a, title: Deals, start: 0, target: 10, current: 5}
---
"""


@pytest.fixture(params=["events", "folders-read-again", "folders-known-by-time"])
def live_site(request, tmp_path, monkeypatch):
    """``(live, company file, out)``: watch mode's Live after its first build, as ``okrsite watch`` runs it
    (each save is one ``rebuild``, which reads the output folder again once built). With events (Linux),
    what someone changes is found from the system's reports alone; without, from the folders' times:
    with a short ``RECENT_NS``, folders are trusted while their time stays, with the default, most
    folders are read again at every save."""
    if request.param == "events" and folderevents.FolderEvents.start() is None:
        pytest.skip("no inotify here")
    if request.param != "events":
        monkeypatch.setattr(folderevents, "_libc", None)
    if request.param == "folders-known-by-time":
        monkeypatch.setattr(outputfolder, "RECENT_NS", 50_000_000)
    root = write_site(tmp_path / "site", {"content/2026-Q4/test-co.md": COMPANY})
    live = Live(root, tmp_path / "watched" / "out", BuildOptions(EXAMPLE_DATE))
    with live:
        yield live, root / "content/2026-Q4/test-co.md", live.builder.out
        assert live.builder._state.reported == (request.param == "events")
    assert [p.name for p in live.builder.out.parent.iterdir()] == ["out"], "the spare tree is left"


def save(live: Live, company: Path, current: int) -> BuildReport:
    company.write_text(COMPANY.replace("current: 50", f"current: {current}"), encoding="utf-8")
    report = live.rebuild({company})
    assert report.ok(False), [d.format() for d in report.diagnostics.items]
    return report


def assert_built(live: Live, out: Path, foreign: dict[str, bytes]) -> None:
    """``out`` is what a clean build of the site makes, plus ``foreign``, byte for byte."""
    actual = tree(out)
    for path, data in foreign.items():
        assert actual.pop(path) == data, path
    clean = out.parent.parent / "clean"
    shutil.rmtree(clean, ignore_errors=True)
    assert build_site(live.builder.root, clean, CLEAN).ok(False)
    assert actual == tree(clean)
    shutil.rmtree(clean)


def test_files_put_in_the_output_by_hand_between_saves_are_kept_and_never_overwritten(live_site):
    live, company, out = live_site
    foreign = {"notes.txt": b"top", "2026-q4/test-co/mine.html": b"<p>beside a page</p>",
               "2026-q4/mine/deep/er.txt": b"in new folders"}
    inodes = {}
    for number, (path, data) in enumerate(foreign.items()):  # one more before each save
        (out / path).parent.mkdir(parents=True, exist_ok=True)
        (out / path).write_bytes(data)
        inodes[path] = (out / path).stat().st_ino
        for current in (60 + number, 70 + number):  # two saves: each swaps the output and the spare
            save(live, company, current)
            assert f"{current} %" in (out / "2026-q4/test-co/index.html").read_text(encoding="utf-8")
            assert_built(live, out, dict(list(foreign.items())[:number + 1]))
            assert all((out / path).stat().st_ino == inode for path, inode in inodes.items()), "a file was copied"
    (out / "notes.txt").unlink()  # and gone by hand: it stays gone
    del foreign["notes.txt"]
    save(live, company, 90)
    save(live, company, 91)
    assert_built(live, out, foreign)


def test_a_page_deleted_or_replaced_by_hand_between_saves_is_written_again(live_site):
    live, company, out = live_site
    people = out / "2026-q4/people/index.html"  # a page that none of these saves changes
    people.unlink()
    save(live, company, 60)
    assert_built(live, out, {})
    replacement = people.with_name("new.tmp")  # an editor's save: a new file renamed over the page
    replacement.write_bytes(b"changed by hand")
    replacement.rename(people)
    for current in (61, 62, 63):  # written again, and not back with the spare tree at the next saves
        save(live, company, current)
        assert_built(live, out, {})
    people.unlink()
    company.write_text(company.read_text(encoding="utf-8"), encoding="utf-8")  # saved as it was
    assert live.rebuild({company}).files == 1
    assert_built(live, out, {})
    objective = out / "2026-q4/test-co/grow/index.html"
    moved = objective.read_bytes()
    (out / "2026-q4/test-co/grow").rename(out / "2026-q4/test-co/moved")  # a whole folder: someone else's now
    save(live, company, 50)
    assert_built(live, out, {"2026-q4/test-co/moved/index.html": moved})


def test_a_page_changed_in_place_by_hand_is_written_again_where_the_system_reports_it(live_site):
    """With events (Linux), a file written over in place is seen too: its folder's time does not change."""
    live, company, out = live_site
    if not live.builder._state.reported:
        pytest.skip("the folders' times show no change made in place")
    people = out / "2026-q4/people/index.html"  # a page that none of these saves changes
    with people.open("r+b") as handle:
        handle.write(b"<!-- by hand -->")
    for current in (61, 62):
        save(live, company, current)
        assert_built(live, out, {})


@pytest.mark.parametrize("in_the_way", ["2026-q4/sales/index.html", "2026-q4/sales"])
def test_a_file_put_by_hand_where_a_new_page_goes_stops_the_build_and_is_kept(live_site, in_the_way):
    live, company, out = live_site
    save(live, company, 60)
    (out / in_the_way).parent.mkdir(parents=True, exist_ok=True)
    (out / in_the_way).write_bytes(b"mine")
    before = {path: (data, file_stat((out / path).stat())) for path, data in tree(out).items()}
    sales = company.parent / "sales.md"
    sales.write_text(SALES, encoding="utf-8")
    report = live.rebuild({sales})
    errors = [d.format() for d in report.diagnostics.errors]
    assert report.site is None and len(errors) == 1
    assert f"{in_the_way}: error: cannot write the site: " in errors[0] and "is in the way" in errors[0]
    assert {path: (data, file_stat((out / path).stat())) for path, data in tree(out).items()} == before  # bytes, inodes
    assert (out / in_the_way).read_bytes() == b"mine"
    (out / in_the_way).unlink()
    report = live.rebuild({sales})
    assert report.ok(False) and (out / "2026-q4/sales/index.html").is_file()
    assert_built(live, out, {})
