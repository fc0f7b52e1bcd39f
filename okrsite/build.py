"""The last stages: render -> write, after :func:`okrsite.assemble.load_site` made the model.

:class:`Builder` loads, renders and writes a site, and keeps what it can between
builds for watch mode; :func:`build_site` is one build.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import jinja2

from okrsite.assemble import load_site
from okrsite.cache import DiskCache, OwnerCache
from okrsite.diagnostics import Diagnostics, display_path
from okrsite.fingerprint import code_version
from okrsite.history import GitHistory
from okrsite.model import Site
from okrsite.options import BuildOptions
from okrsite.parallel import available_jobs, run_all
from okrsite.render.site import Output, SiteRenderer
from okrsite.theme import theme_dirs
from okrsite.write import Listing, OutputConflict, Spare, Stat, Staging, file_stat, read_manifest


GC_THRESHOLD = 10_000  # new objects between collections while rendering (Python's default: 700)


@dataclass
class BuildReport:
    """What a build did, for the one-line summary."""

    site: Site | None
    diagnostics: Diagnostics
    files: int = 0  # files written
    pages: int = 0  # HTML pages written
    parsed: int = 0  # OKR files read and parsed
    rendered: int = 0  # output files rendered (unchanged ones are skipped)
    seconds: float = 0.0

    def ok(self, strict: bool) -> bool:
        return self.site is not None and not self.diagnostics.failures(strict)


Progress = Callable[[int, float], None]  # (files rendered so far, seconds since the start)


@dataclass(slots=True)
class _Written:
    """An output file as last written: its key, a digest of its bytes and its stat."""

    key: int | None  # None: unknown, render it again
    digest: bytes
    stat: Stat


CACHE_FOLDER = ".okrsite-cache"  # in the site's folder: the disk cache of `okrsite build`
RECORD_PREFIX = "written-"  # the record of an output folder: one per folder, the newest few kept
RECORDS_KEPT = 8  # `okrsite serve` writes into a new temporary folder every time


class Builder:
    """Builds one site again and again, redoing only what changed since the last build.

    Every build makes a new output tree and swaps it in (see okrsite.write); later
    ones parse only new or changed files, render only outputs whose key changed,
    and write only files whose bytes changed. A build with errors writes nothing.
    When it will build ``again``, it keeps the tree each build replaced, so the next
    build updates that instead of linking every file anew: call :meth:`close` when
    done.
    """

    def __init__(self, root: Path, out: Path, options: BuildOptions = BuildOptions(), again: bool = True):
        self.root, self.out = root, out
        self.options = replace(options, jobs=options.jobs or available_jobs())
        self.again = again  # whether it will build again: keep in memory what the next build can reuse
        self.disk = DiskCache(root / CACHE_FOLDER, code_version()) if options.disk_cache else None
        self.cache = OwnerCache(keep_parsed=self.disk is not None)
        self.git = GitHistory()  # what each version of a file in git history says
        self._renderer: SiteRenderer | None = None
        self._theme_dirs: list[Path] = []
        self._written: dict[str, _Written] | None = None
        self._record_changed = False  # whether _written changed since it was last saved
        self._disk_read = self.disk is None
        self._spare: Spare | None = None  # the tree the last build replaced, for the next to reuse
        self._listing: Listing = {}  # what the output held when last read (see okrsite.write.OutputFolder)

    def close(self) -> None:
        """Remove what the builder keeps beside the output between builds."""
        if self._spare is not None:
            self._spare.discard()
            self._spare = None

    def save_cache(self) -> None:
        """Keep what the builds so far learnt in the disk cache, for the next run."""
        if self.disk is None:
            return
        self.cache.save(self.disk)
        if self.git.changed:
            self.disk.save("history", self.git.readings)
            self.git.changed = False
        if self._written is not None and self._record_changed:
            self.disk.save(self._record_name(), {path: (w.key, w.digest, w.stat) for path, w in self._written.items()})
            self.disk.prune(RECORD_PREFIX, RECORDS_KEPT)
            self._record_changed = False

    def _record_name(self) -> str:
        where = str(self.out.resolve()).encode("utf-8", "surrogatepass")
        return RECORD_PREFIX + hashlib.blake2b(where, digest_size=8).hexdigest()

    def _written_before(self) -> dict[str, _Written] | None:
        """What an earlier run wrote into the output folder, for each file still as it left it;
        files changed or added since (by hand, or by a build without the cache) are unknown."""
        record = self.disk.load(self._record_name()) if self.out.is_dir() else None
        ours = read_manifest(self.out) if record is not None else None
        if record is None or ours is None:
            return None
        unknown = _Written(None, b"", (0, 0, 0))
        written = dict.fromkeys(ours, unknown)
        for path, (key, digest, stat) in record.items():
            if path in ours:
                try:
                    same = file_stat((self.out / path).stat()) == stat
                except OSError:
                    same = False
                written[path] = _Written(key, digest, stat) if same else unknown
        return written

    def build(self, build_date: dt.date | None = None, progress: Progress | None = None) -> BuildReport:
        """Build for ``build_date`` (by default the options' date, or today)."""
        options = replace(self.options, date=build_date) if build_date else self.options
        collecting, thresholds = gc.isenabled(), gc.get_threshold()
        gc.disable()
        try:
            return self._build(options, progress)
        finally:
            gc.unfreeze()
            gc.set_threshold(*thresholds)
            if collecting:
                gc.enable()

    def _build(self, options: BuildOptions, progress: Progress | None) -> BuildReport:
        started = time.perf_counter()
        if not self._disk_read:
            self.cache.load(self.disk)
            self.git.readings.update(self.disk.load("history") or {})
            self._written, self._disk_read = self._written_before(), True
        diagnostics = Diagnostics()
        site = load_site(self.root, options, diagnostics, self.cache, self.git)
        report = BuildReport(site, diagnostics, parsed=len(self.cache.parsed))
        if report.ok(options.strict):
            # Loading made many objects that live on, and few cycles: the garbage collector was off
            # and now leaves them alone. Rendering makes short-lived cycles (Jinja2's contexts), so
            # it collects again, looking only at what rendering made.
            gc.freeze()
            gc.set_threshold(GC_THRESHOLD, 50, 1000)
            gc.enable()
            tracker = _Progress(started, progress)
            try:
                self._render(site, report, tracker)
            except _TemplateFailure as exc:
                diagnostics.error(exc.path, exc.line, exc.message)
            except OutputConflict as exc:
                diagnostics.error(display_path(exc.path), None, f"cannot write the site: {exc}")
            except OSError as exc:
                diagnostics.error(display_path(Path(exc.filename or self.out)), None, f"cannot write the site: {exc.strerror or exc}")
            report.rendered = tracker.count
            if diagnostics.errors:
                report.site = None
        report.seconds = time.perf_counter() - started
        return report

    def renderer(self, site: Site) -> SiteRenderer:
        """The renderer for the site's theme folders, made again when they change."""
        folders = theme_dirs(site.config)
        if self._renderer is None or folders != self._theme_dirs:
            self._renderer, self._theme_dirs = SiteRenderer(folders, keep_parts=self.again), folders
        return self._renderer

    def _render(self, site: Site, report: BuildReport, progress: _Progress) -> None:
        """Render what changed into a new output tree and put it in place of the old (see okrsite.write)."""
        renderer = self.renderer(site)
        outputs = renderer.plan(site)
        before = self._written if self._written is not None and self.out.is_dir() else {}
        stale = [o for o in outputs if o.path not in before or before[o.path].key != o.key]
        if before and not stale and len(outputs) == len(before):
            return  # the same files, none to render again: nothing to write
        spare, self._spare = self._spare, None  # a failed build discards it
        listing, self._listing = self._listing, {}
        with Staging(self.out, spare, listing) as staging:
            staging.before.check_room((o.path for o in outputs), self.out)
            ours = staging.before.ours
            gone = before.keys() - ours  # deleted from the output by hand since
            if gone:
                stale += [o for o in outputs if o.path in gone and before[o.path].key == o.key]

            def render(output: Output) -> tuple[bytes, Stat | None]:
                """The digest, and the stat of the file written (``None``: the output folder has these bytes)."""
                data = _render(output)
                digest = _digest(data)
                known = before.get(output.path)
                if known is not None and known.digest == digest and output.path in ours:
                    return digest, None
                return digest, staging.write(output.path, data)

            written = {o.path: before[o.path] for o in outputs if o.path in before and before[o.path].key == o.key
                       and o.path in ours}
            fresh = []  # the files written into the new tree; all others are kept from the old
            for chunk in run_all(render, stale, self.options.jobs, prepare=renderer.compile_templates):
                for index, (digest, stat) in chunk:
                    output = stale[index]
                    written[output.path] = _Written(output.key, digest, stat or before[output.path].stat)
                    progress.tick()
                    if stat is not None:
                        fresh.append(output.path)
                        report.pages += output.page
            if fresh or set(before) != set(written):
                self._spare = staging.commit(written, fresh, keep_old=self.again)
            else:
                self._spare = staging.unused()
            self._listing = staging.listing_after
            report.files = len(fresh) + (not before)  # and the manifest of a new output folder
        self._record_changed = self._record_changed or bool(stale) or len(written) != len(before)
        self._written = written


class _TemplateFailure(Exception):
    """A template error, as the template's path, line and message (which can cross from a worker process)."""

    def __init__(self, path: str, line: int | None, message: str):
        super().__init__(path, line, message)
        self.path, self.line, self.message = path, line, message


def _render(output: Output) -> bytes:
    try:
        return output.render()
    except jinja2.TemplateError as exc:
        path, line = _template_location(exc)
        raise _TemplateFailure(path, line, f"template error: {exc.message or exc}") from None
    except Exception as exc:  # a template that calls a filter or method on the wrong thing
        path, line = _template_location(exc)
        if line is None:
            raise  # not from a template: okrsite's own bug
        raise _TemplateFailure(path, line, f"template error: {type(exc).__name__}: {exc}") from None


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


class _Progress:
    def __init__(self, started: float, report: Progress | None):
        self.started, self.report, self.count = started, report, 0

    def tick(self) -> None:
        self.count += 1
        if self.report is not None and self.count % 100 == 0:
            self.report(self.count, time.perf_counter() - self.started)


def build_site(root: Path, out: Path, options: BuildOptions, progress: Progress | None = None) -> BuildReport:
    """Build the site into ``out`` once; on errors (or warnings when ``options.strict``) write nothing.

    With ``options.disk_cache``, what earlier runs kept in the site's ``.okrsite-cache/``
    is reused and brought up to date.
    """
    builder = Builder(root, out, options, again=False)
    report = builder.build(progress=progress)
    builder.save_cache()
    return report


def _template_location(exc: Exception) -> tuple[str, int | None]:
    """The template file and line of an error raised while rendering, from the error or its traceback."""
    if isinstance(exc, jinja2.TemplateSyntaxError) and exc.filename:
        return display_path(Path(exc.filename)), exc.lineno
    for frame, line in reversed(list(traceback.walk_tb(exc.__traceback__))):
        filename = frame.f_code.co_filename
        if filename.endswith((".html", ".xml", ".txt", ".svg")):
            return display_path(Path(filename)), line
    return "themes", None
