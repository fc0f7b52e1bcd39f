"""``okrsite watch`` and ``okrsite serve``: build, then rebuild on every save, for as long as it runs.

Content errors never stop it: they are printed, shown over the open pages, and the
last good site stays in place until the files are fixed.
"""

from __future__ import annotations

import signal
import sys
import threading
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

from okrsite.build import Builder, BuildReport
from okrsite.config import load_config
from okrsite.diagnostics import Diagnostics
from okrsite.options import BuildOptions
from okrsite.serve import Hub, PreviewServer
from okrsite.watch import describe, summary, watch


SHOWN = 20  # problems of one kind a rebuild prints at most


def stop_on_sigterm() -> None:
    """Let SIGTERM (``kill``, a service manager) stop watch and serve as Ctrl-C does, every clean-up
    included: the preview's temporary folder is removed and the exit code is 0. Main thread only."""
    signal.signal(signal.SIGTERM, signal.default_int_handler)


class Live:
    """A site that rebuilds itself; use as a context manager (the first build happens on entry)."""

    def __init__(self, root: Path, out: Path, options: BuildOptions):
        # with no date in the options, each build is for its day
        self.builder = Builder(root, out, options, events=True)
        self.hub = Hub()
        self.stop = threading.Event()
        self.server: PreviewServer | None = None  # while serving
        self.watching = threading.Event()  # set once saves are being watched
        self.told: set[str] = set()  # the warnings and notes printed before: not printed again

    def __enter__(self) -> Live:
        self.rebuild(set())
        self.builder.save_cache()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.builder.save_cache()
        self.builder.close()

    def rebuild(self, paths: set[Path]) -> BuildReport:
        """Build now; print the problems and one summary line; tell the open pages."""
        try:
            report = self.builder.build(changed=paths or None)
        except Exception as exc:  # a bug in okrsite, not in the content: report it and keep going
            report = BuildReport(None, Diagnostics())
            report.diagnostics.error("okrsite", None, f"internal error: {exc!r} (please report it)")
        for line in self.news(report.diagnostics):
            print(line, file=sys.stderr)
        print(summary(report, describe(paths, self.builder.root)), flush=True)
        errors = [d.format() for d in report.diagnostics.sorted() if d.severity == "error"] if report.site is None else []
        self.hub.built(errors, changed=report.files > 0)
        try:
            self.builder.prepare()  # what the next build would do first, done while no save waits
        except Exception as exc:  # okrsite's bug: the next build does it
            print(f"okrsite: internal error: {exc!r} (please report it)", file=sys.stderr)
        return report

    def news(self, diagnostics: Diagnostics) -> list[str]:
        """What a rebuild prints above its summary: every error, and the warnings and notes not
        printed before, each kind at most :data:`SHOWN` lines (a site of 10,000 people can have
        thousands of notes; ``okrsite check`` lists them all)."""
        errors, others, told = [], [], set()
        for item in diagnostics.sorted():
            line = item.format()
            if item.severity == "error":
                errors.append(line)
            else:
                told.add(line)
                if line not in self.told:
                    others.append(line)
        self.told = told
        lines = []
        for found, kind in ((errors, "errors"), (others, "new warnings and notes")):
            lines += found[:SHOWN]
            if len(found) > SHOWN:
                lines.append(f"... and {len(found) - SHOWN} more {kind}: okrsite check lists them all")
        return lines

    def run(self, ready_message: str) -> None:
        """Rebuild after every save until Ctrl-C or :attr:`stop`; say ``ready_message`` once watching."""
        try:
            watch(self.builder.root, self.stop, self.rebuild, partial(self._ready, ready_message))
        except KeyboardInterrupt:
            print("\nstopped", flush=True)

    def _ready(self, message: str) -> None:
        self.watching.set()
        print(message, flush=True)

    def serve(self, host: str, port: int) -> None:
        """Serve the output on ``host:port`` (the next free port if taken) while rebuilding."""
        base_path = urlsplit(load_config(self.builder.root, Diagnostics()).base_url).path or "/"
        with PreviewServer(self.builder.out, self.hub, host, port, base_path) as server:
            self.server = server
            if port and server.port != port:
                print(f"port {port} is in use: serving on port {server.port} instead")
            where = server.url("/") + (f" and at {server.url(base_path)}" if base_path != "/" else "")
            self.run(f"serving the site at {where}; press Ctrl-C to stop")
