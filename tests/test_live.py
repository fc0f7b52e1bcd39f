"""okrsite watch: the command keeps the output in step with every save and stops cleanly."""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from conftest import COMPANY, REPO, interruptible, write_site

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
