"""The last stages: render -> write, after :func:`okrsite.assemble.load_site` made the model.

:class:`Builder` loads, renders and writes a site, and keeps what it can between
builds for watch mode; :func:`build_site` is one build.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import os
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from okrsite.cache import DiskCache, OwnerCache
from okrsite.diagnostics import Diagnostic, Diagnostics, display_path
from okrsite.fingerprint import code_version
from okrsite.history import GitHistory
from okrsite.inputs import fingerprint
from okrsite.options import BuildOptions
from okrsite.parallel import available_jobs, run_all
from okrsite.write import OutputConflict, OutputFolder, Spare, Stat, Staging, file_stat, read_manifest

if TYPE_CHECKING:  # the renderer (Jinja2, the charts) is imported by the builds that render
    from okrsite.model import Site
    from okrsite.render.site import Output, SiteRenderer


BIG_FILE = 256 * 1024  # bytes: a file this big (okrs.json, a CSV) is written as soon as its key changes, unhashed
NO_DIGEST = b""  # the digest of a file written without one: never equal to a file's digest
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
    sizes: tuple[int, int, int] = (0, 0, 0)  # the cycles, owners and objectives built
    unchanged: bool = False  # nothing changed since the output was built: no site was loaded

    def ok(self, strict: bool) -> bool:
        return (self.site is not None or self.unchanged) and not self.diagnostics.failures(strict)


Progress = Callable[[int, float], None]  # (files rendered so far, seconds since the start)


@dataclass(slots=True)
class _Written:
    """An output file as last written: its key, a digest of its bytes and its stat."""

    key: int | None  # None: unknown, render it again
    digest: bytes
    stat: Stat


UNKNOWN = _Written(None, b"", (0, 0, 0))  # a file of okrsite's that may no longer be what it wrote


@dataclass
class _Built:
    """What a one-off build that wrote (or kept) the output reports, and the fingerprint of its inputs
    (:mod:`okrsite.inputs`): a later build with the same inputs and the same output has nothing to do."""

    inputs: bytes
    diagnostics: list[Diagnostic]
    sizes: tuple[int, int, int]


CACHE_FOLDER = ".okrsite-cache"  # in the site's folder: the disk cache of `okrsite build`
RECORD_PREFIX = "written-"  # the record of an output folder: one per folder, the newest few kept
RECORDS_KEPT = 8  # `okrsite serve` writes into a new temporary folder every time


class Builder:
    """Builds one site again and again, redoing only what changed since the last build.

    Every build makes a new output tree and swaps it in (see okrsite.write); later
    ones parse only new or changed files, render only outputs whose key changed,
    and write only files whose bytes changed (a big one, okrs.json: whose key changed).
    A build with errors writes nothing.
    When it will build ``again``, it keeps the tree each build replaced, so the next
    build updates that instead of linking every file anew, and what it read of the
    output folder; :meth:`prepare`, between builds, does their first steps while no
    save waits (with ``events``, the system reports what changes in the output). Call
    :meth:`close` when done.
    """

    def __init__(self, root: Path, out: Path, options: BuildOptions = BuildOptions(), again: bool = True,
                 events: bool = False):
        self.root, self.out = root, out
        self.events = events  # ask the system to report changes in the output (okrsite.folderevents): watch mode
        self.options = replace(options, jobs=options.jobs or available_jobs())
        self.again = again  # whether it will build again: keep in memory what the next build can reuse
        self.disk = DiskCache(root / CACHE_FOLDER, code_version()) if options.disk_cache else None
        self.cache = OwnerCache(keep_parsed=self.disk is not None)
        self.git = GitHistory()  # what each version of a file in git history says
        self._renderer: SiteRenderer | None = None
        self._theme_dirs: list[Path] = []
        self._written: dict[str, _Written] | None = None
        self._planned: tuple[list[list[Output]], bytes] | None = None  # the last plan, all in _written; the manifest
        self._forgotten: set[str] = set()  # what prepare() found replaced by hand (see _forget_replaced)
        self._record_changed = False  # whether _written changed since it was last saved
        self._disk_read = self.disk is None
        self._spare: Spare | None = None  # the tree the last build replaced, for the next to reuse
        self._state: OutputFolder | None = None  # what the output held when last read
        self._built: _Built | None = None  # what the output was last built from, when known

    def close(self) -> None:
        """Remove what the builder keeps beside the output between builds."""
        if self._spare is not None:
            self._spare.discard()
            self._spare = None
        if self._state is not None:
            self._state.close()
            self._state = None

    def prepare(self) -> None:
        """Do now, while no save waits, what the next build would do first (watch mode, after every
        build): read what changed in the output folder since it was last read, and make the tree
        that the next build will update and swap in, or bring it up to date with the output
        (linking every file into a new tree would cost the first save 0.3 s at 1,000 people, and
        reading the output's 9,000 folders every save 0.1 s)."""
        if not self.again or not self.out.is_dir():
            return
        spare, self._spare = self._spare, None
        state, self._state = self._state, None
        try:
            with Staging(self.out, spare, state, self.events) as staging:
                self._forgotten |= self._forget_replaced(staging.before)
                self._spare = staging.unused() if staging.recycled else staging.mirror()
                self._state = staging.state_after
        except OSError:  # no spare: the next build links every file, as without one
            self._spare = None

    def _forget_replaced(self, found: OutputFolder) -> set[str]:
        """The files of okrsite's that are no longer the files it wrote: deleted, or in the folders
        ``found`` read again, another file in their place. They are unknown now, to be written again."""
        again, found.read_again = found.read_again, set()
        written = self._written or {}
        replaced = {path for path in found.missing if path in written}
        for path in replaced:
            written[path] = UNKNOWN
        folder = f"{self.out}/"
        for path in again:
            known = written.get(path)
            if known is None or known.key is None:
                continue
            try:
                same = file_stat(os.lstat(folder + path)) == known.stat
            except OSError:  # gone: the manifest's files that are missing are written again
                continue
            if not same:
                written[path] = UNKNOWN
                replaced.add(path)
        return replaced

    def save_cache(self) -> None:
        """Keep what the builds so far learnt in the disk cache, for the next run."""
        if self.disk is None:
            return
        self.cache.save(self.disk)
        if self.git.changed:
            self.disk.save("history", self.git.readings)
            self.git.changed = False
        if self._written is not None and self._record_changed:
            files = {path: (w.key, w.digest, w.stat) for path, w in self._written.items()}
            self.disk.save(self._record_name(), {"files": files, "built": self._built})
            self.disk.prune(RECORD_PREFIX, RECORDS_KEPT)
            self._record_changed = False

    def _record_name(self) -> str:
        where = str(self.out.resolve()).encode("utf-8", "surrogatepass")
        return RECORD_PREFIX + hashlib.blake2b(where, digest_size=8).hexdigest()

    def _written_before(self, record: dict | None) -> dict[str, _Written] | None:
        """What an earlier run wrote into the output folder (its ``record``), for each file still as it
        left it; files changed or added since (by hand, or by a build without the cache) are unknown."""
        ours = read_manifest(self.out) if record is not None else None
        if record is None or ours is None:
            return None
        written = dict.fromkeys(ours, UNKNOWN)
        folder = f"{self.out}/"
        for path, (key, digest, stat) in record["files"].items():
            if path in ours:
                try:
                    same = file_stat(os.stat(folder + path)) == stat
                except OSError:
                    same = False
                written[path] = _Written(key, digest, stat) if same else UNKNOWN
        return written

    def _read_record(self) -> dict | None:
        """The record of what an earlier run wrote into the output folder, with what it was built from."""
        return self.disk.load(self._record_name()) if self.disk is not None and self.out.is_dir() else None

    def _nothing_changed(self, record: dict | None, inputs: bytes | None, started: float) -> BuildReport | None:
        """The report of a build that has nothing to do: the inputs are those the output was built
        from and every file of the output is as that build left it; ``None`` otherwise."""
        built = record.get("built") if record is not None and inputs is not None else None
        if built is None or built.inputs != inputs:
            return None
        written = self._written_before(record)
        if written is None or len(written) != len(record["files"]) or any(w.key is None for w in written.values()):
            return None
        diagnostics = Diagnostics()
        diagnostics.extend(built.diagnostics)
        return BuildReport(None, diagnostics, sizes=built.sizes, unchanged=True,
                           seconds=time.perf_counter() - started)

    def build(self, build_date: dt.date | None = None, progress: Progress | None = None,
              changed: set[Path] | None = None) -> BuildReport:
        """Build for ``build_date`` (by default the options' date, or today); ``changed``: the paths that
        changed since the last build, when known for sure (watch mode's events), else ``None``."""
        options = replace(self.options, date=build_date) if build_date else self.options
        collecting, thresholds = gc.isenabled(), gc.get_threshold()
        gc.disable()
        try:
            return self._build(options, progress, changed)
        finally:
            gc.unfreeze()
            gc.set_threshold(*thresholds)
            if collecting:
                gc.enable()

    def _build(self, options: BuildOptions, progress: Progress | None, changed: set[Path] | None) -> BuildReport:
        from okrsite.assemble import load_site

        started = time.perf_counter()
        # a one-off build remembers what it built from (watch and serve would pay for it at every save)
        inputs = fingerprint(self.root, options) if self.disk is not None and not self.again else None
        if not self._disk_read:
            record = self._read_record()
            self._built = record.get("built") if record is not None else None
            unchanged = self._nothing_changed(record, inputs, started)
            if unchanged is not None:
                return unchanged
            self.cache.load(self.disk)
            self.git.readings.update(self.disk.load("history") or {})
            self._written, self._disk_read = self._written_before(record), True
        diagnostics = Diagnostics()
        site = load_site(self.root, options, diagnostics, self.cache, self.git, changed)
        report = BuildReport(site, diagnostics, parsed=len(self.cache.parsed))
        if site is not None:
            report.sizes = (len(site.cycles), sum(len(c.owners) for c in site.cycles),
                            sum(len(c.objectives) for c in site.cycles))
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
            else:
                self._remember(_Built(inputs, diagnostics.items, report.sizes) if inputs is not None else None)
        report.seconds = time.perf_counter() - started
        return report

    def _remember(self, built: _Built | None) -> None:
        """Keep with the record what the output now in place was built from (``None``: not known)."""
        if built != self._built:
            self._built, self._record_changed = built, True

    def renderer(self, site: Site) -> SiteRenderer:
        """The renderer for the site's theme folders, made again when they change."""
        from okrsite.render.site import SiteRenderer
        from okrsite.theme import theme_dirs

        folders = theme_dirs(site.config)
        if self._renderer is None or folders != self._theme_dirs:
            self._renderer, self._theme_dirs = SiteRenderer(folders, keep_parts=self.again), folders
        return self._renderer

    def _render(self, site: Site, report: BuildReport, progress: _Progress) -> None:
        """Render what changed into a new output tree and put it in place of the old (see okrsite.write)."""
        renderer = self.renderer(site)
        groups = renderer.plan_groups(site)
        planned, self._planned = self._planned, None  # set again once ``_written`` holds every output of ``groups``
        before = self._written if self._written is not None and self.out.is_dir() else {}
        stale = self._stale_groups(groups, planned, before)
        outputs: list[Output] | None = None  # every output: made only when the groups that changed cannot tell
        if stale is None:
            outputs = _every(groups)
            stale = [o for o in outputs if o.path not in before or before[o.path].key != o.key]
        added = sum(1 for o in stale if o.path not in before)  # outputs new to the site
        same_paths = not added and (outputs is None or len(outputs) == len(before))
        if before and not stale and same_paths and not self.again:
            return  # the same files, none to render again (each file's stat was checked): nothing to write
        # what it writes is compared with what a later build renders, in this process or from the disk cache
        recorded = self.again or self.disk is not None
        spare, self._spare = self._spare, None  # a failed build discards it
        state, self._state = self._state, None
        with Staging(self.out, spare, state, self.events) as staging:
            found = staging.before
            ours = found.ours
            if outputs is None and found.manifest_bytes != planned[1]:  # not the manifest it wrote: look at everything
                outputs = _every(groups)
            redo = self._forget_replaced(found) | self._forgotten  # replaced or deleted by hand since
            self._forgotten = set()
            if outputs is not None:
                found.check_room((o.path for o in outputs if o.path not in ours), self.out)
                redo |= before.keys() - ours
            if redo:
                already = {o.path for o in stale}
                stale += [o for o in outputs or _every(groups) if o.path in redo and o.path not in already]
                if outputs is None:
                    found.check_room((o.path for o in stale if o.path not in ours), self.out)

            def render(output: Output) -> tuple[bytes, Stat | None]:
                """The digest, and the stat of the file written (``None``: the output folder has these bytes)."""
                data = _render(output)
                if not recorded:
                    return NO_DIGEST, staging.write(output.path, data, stat=False)
                if len(data) > BIG_FILE:  # its key changed: written without comparing (hashing costs as much)
                    return NO_DIGEST, staging.write(output.path, data)
                digest = _digest(data)
                known = before.get(output.path)
                if known is not None and known.digest == digest and output.path in ours:
                    return digest, None
                return digest, staging.write(output.path, data)

            written = dict(before)  # every output planned: the unchanged ones as they were, the others below
            if not same_paths:
                paths = {o.path for o in outputs}
                for path in [path for path in before if path not in paths]:
                    del written[path]
            fresh = []  # the files written into the new tree; all others are kept from the old
            for chunk in run_all(render, stale, self.options.jobs, prepare=renderer.compile_templates):
                for index, (digest, stat) in chunk:
                    output = stale[index]
                    written[output.path] = _Written(output.key, digest, stat or before[output.path].stat)
                    progress.tick()
                    if stat is not None:
                        fresh.append(output.path)
                        report.pages += output.page
            if fresh or not same_paths:
                self._spare = staging.commit(written, fresh, keep_old=self.again, same_paths=outputs is None)
            else:
                self._spare = staging.unused()
            self._state = staging.state_after
            report.files = len(fresh) + (not before)  # and the manifest of a new output folder
        self._record_changed = self._record_changed or bool(stale) or not same_paths
        self._written = written
        if self.again and staging.manifest_after is not None:  # the output's manifest names what ``written`` does
            self._planned = (groups, staging.manifest_after)

    def _stale_groups(self, groups: list[list[Output]], planned: tuple[list[list[Output]], bytes] | None,
                      before: dict[str, _Written]) -> list[Output] | None:
        """The outputs to render again, found in the groups that the last plan did not have (the renderer
        hands over a group that did not change as the same list; the last build wrote every output of its
        plan), when those groups hold the same paths as the groups they replace; ``None`` otherwise."""
        if planned is None or not before:
            return None
        known = {id(group) for group in planned[0]}
        new = [group for group in groups if id(group) not in known]
        planning = {id(group) for group in groups}
        old = {o.path for group in planned[0] if id(group) not in planning for o in group}
        paths = [o.path for group in new for o in group]
        if len(paths) != len(old) or not old.issuperset(paths):
            return None
        return [o for group in new for o in group if (w := before.get(o.path)) is None or w.key != o.key]


class _TemplateFailure(Exception):
    """A template error, as the template's path, line and message (which can cross from a worker process)."""

    def __init__(self, path: str, line: int | None, message: str):
        super().__init__(path, line, message)
        self.path, self.line, self.message = path, line, message


def _render(output: Output) -> bytes:
    try:
        return output.render()
    except Exception as exc:  # a template error, or a template calling a filter or method on the wrong thing
        import jinja2

        path, line = _template_location(exc)
        if isinstance(exc, jinja2.TemplateError):
            raise _TemplateFailure(path, line, f"template error: {exc.message or exc}") from None
        if line is None:
            raise  # not from a template: okrsite's own bug
        raise _TemplateFailure(path, line, f"template error: {type(exc).__name__}: {exc}") from None


def _every(groups: list[list[Output]]) -> list[Output]:
    return [output for group in groups for output in group]


def _digest(data: bytes) -> bytes:
    """A digest of a file's bytes: SHA-256 (the processors' own instructions, twice as fast as BLAKE2b here), cut to 16 bytes."""
    return hashlib.sha256(data).digest()[:16]


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
    import jinja2

    if isinstance(exc, jinja2.TemplateSyntaxError) and exc.filename:
        return display_path(Path(exc.filename)), exc.lineno
    for frame, line in reversed(list(traceback.walk_tb(exc.__traceback__))):
        filename = frame.f_code.co_filename
        if filename.endswith((".html", ".xml", ".txt", ".svg")):
            return display_path(Path(filename)), line
    return "themes", None
