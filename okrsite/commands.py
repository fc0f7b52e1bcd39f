"""What each ``okrsite`` command does, once :mod:`okrsite.cli` has read its arguments.

Each ``run_*`` takes the parsed arguments and returns the exit code: 0 ok; 1 the content
has errors (or warnings under ``--strict``); 2 bad usage (:class:`UsageError`). Heavy
stages are imported inside the commands that need them, so ``check``, ``diff`` and
``digest`` never load the renderer.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

from okrsite.diagnostics import Diagnostics, display_path, plural
from okrsite.options import BuildOptions


class UsageError(Exception):
    """Bad usage: printed and exit 2."""


def fixed_date(given: dt.date | None) -> dt.date | None:
    """--date, else SOURCE_DATE_EPOCH (reproducible builds), else None: the day of each build."""
    if given is not None:
        return given
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()
        except (ValueError, OverflowError, OSError):
            raise UsageError(f"SOURCE_DATE_EPOCH is not a number of seconds: {epoch!r}") from None
    return None


def build_date(given: dt.date | None) -> dt.date:
    """--date, else SOURCE_DATE_EPOCH, else today."""
    return fixed_date(given) or dt.date.today()


def build_options(args) -> BuildOptions:
    """The options of a build as the command line gives them, made once (each command has some)."""
    return BuildOptions(date=fixed_date(args.date), strict=getattr(args, "strict", False),
                        include_private=getattr(args, "include_private", False), jobs=getattr(args, "jobs", None),
                        history=getattr(args, "history", None), disk_cache=not getattr(args, "no_cache", True))


def _site_root(text: str) -> Path:
    root = Path(text)
    if not root.is_dir():
        raise UsageError(f"no such folder: {text}")
    if not (root / "site.toml").is_file():
        raise UsageError(f"{text} has no site.toml: is it an okrsite site? ('okrsite new DIR' makes one)")
    return root


def _print_diagnostics(diagnostics: Diagnostics, github: bool = False) -> None:
    for item in diagnostics.sorted():
        print(item.format_github() if github else item.format(), file=sys.stdout if github else sys.stderr)


def _summary_of_problems(diagnostics: Diagnostics, strict: bool, why: str = "--strict") -> str:
    errors, warnings, notes = len(diagnostics.errors), len(diagnostics.warnings), len(diagnostics.notes)
    text = f"{plural(errors, 'error')}, {plural(warnings, 'warning')}" + (f", {plural(notes, 'note')}" if notes else "")
    if strict and warnings and not errors:
        text += f" (warnings fail under {why})"
    return text


def _output(args, root: Path, default: Path) -> Path:
    from okrsite.write import output_problem

    out = Path(args.output) if args.output else default
    problem = output_problem(out, root, force=getattr(args, "force", False))
    if problem:
        raise UsageError(f"will not write the site into {out}: {problem}")
    return out


def run_build(args) -> int:
    from okrsite.build import build_site

    root = _site_root(args.site)
    out = _output(args, root, root / "public")
    progress = None if args.quiet else _ProgressLine()
    report = build_site(root, out, build_options(args), progress)
    if progress is not None:
        progress.finish()
    _print_diagnostics(report.diagnostics)
    if not report.ok(args.strict):
        print(f"okrsite: build failed: {_summary_of_problems(report.diagnostics, args.strict)}; nothing was written",
              file=sys.stderr)
        return 1
    if not args.quiet:
        cycles, owners, objectives = report.sizes
        wrote = f"{report.pages} pages ({report.files} files) written to {out}" if report.files else \
            f"nothing changed in {out}"
        print(f"built {plural(cycles, 'cycle')}, {owners} owners, "
              f"{objectives} objectives: {wrote} in {report.seconds:.2f} s")
    return 0


class _ProgressLine:
    """Shows how many files a long build has written, once it has run for a while."""

    DELAY, INTERVAL = 1.5, 1.0

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.last = 0.0
        self.shown = False

    def __call__(self, files: int, seconds: float) -> None:
        interval = self.INTERVAL if self.tty else 5 * self.INTERVAL
        if seconds < self.DELAY or seconds - self.last < interval:
            return
        self.last, self.shown = seconds, True
        end = "\r" if self.tty else "\n"
        print(f"  rendering: {files} files in {seconds:.0f} s", end=end, file=sys.stderr, flush=True)

    def finish(self) -> None:
        if self.shown and self.tty:
            print(" " * 40, end="\r", file=sys.stderr)


def run_watch(args) -> int:
    from okrsite.live import Live, stop_on_sigterm

    root = _site_root(args.site)
    stop_on_sigterm()
    with Live(root, _output(args, root, root / "public"), build_options(args)) as live:
        live.run(f"watching {root / 'content'}, {root / 'themes'} and {root / 'site.toml'}; press Ctrl-C to stop")
    return 0


def run_serve(args) -> int:
    import tempfile

    from okrsite.live import Live, stop_on_sigterm

    root = _site_root(args.site)
    stop_on_sigterm()
    with tempfile.TemporaryDirectory(prefix="okrsite-serve-") as scratch:
        out = _output(args, root, Path(scratch) / "site")
        with Live(root, out, build_options(args)) as live:
            try:
                live.serve(args.host, args.port)
            except OSError as exc:
                raise UsageError(f"cannot serve on {args.host}:{args.port}: {exc.strerror or exc}") from None
    return 0


def run_check(args) -> int:
    from okrsite.assemble import load_site

    root = _site_root(args.site)
    diagnostics = Diagnostics()
    site = load_site(root, build_options(args), diagnostics)
    github = args.format == "github"
    _print_diagnostics(diagnostics, github)
    asked = site is not None and site.config.checks.strict  # `strict = true` under [checks] in site.toml
    strict = args.strict or asked
    failed = site is None or bool(diagnostics.failures(strict))
    summary = _summary_of_problems(diagnostics, strict, "--strict" if args.strict else "[checks] strict in site.toml")
    print(f"okrsite check: {'failed' if failed else 'ok'}: {summary}", file=sys.stderr)
    return 1 if failed else 0


def run_schema(args) -> int:
    import json

    from okrsite.fields import json_schema

    sys.stdout.write(json.dumps(json_schema(args.draft), indent=2, ensure_ascii=False) + "\n")
    return 0


def run_diff(args) -> int:
    from okrsite.diff import SideProblem, compare, load_side
    from okrsite.diffformat import render_json, render_markdown, render_text
    from okrsite.gitrevision import GitProblem, find_repository

    site = _diff_site(args)
    root = _site_root(site) if args.head is None else Path(site)  # the working tree needs a site
    if not root.is_dir():
        raise UsageError(f"no such folder: {site}")
    date = build_date(args.date)
    try:
        repository = find_repository(root)
        base = load_side(root, repository, args.base, date, args.include_private)
        head = load_side(root, repository, args.head, date, args.include_private)
    except GitProblem as problem:
        raise UsageError(str(problem)) from None
    except SideProblem as problem:
        for item in problem.diagnostics:
            print(item.format(), file=sys.stderr)
        print(f"okrsite: diff failed: {problem}", file=sys.stderr)
        return 1
    render = {"text": render_text, "markdown": render_markdown, "json": render_json}[args.format]
    sys.stdout.write(render(compare(base, head, date)))
    return 0


def _diff_site(args) -> str:
    """The site folder of ``okrsite diff``: SITE_DIR, else -C, else ``.``. After BASE alone, a
    folder is SITE_DIR, unless it also names a revision: then the user must say which it is."""
    from okrsite.gitrevision import GitProblem, find_repository, resolve

    site = args.site_dir
    if site is None and args.head is not None and Path(args.head).is_dir():
        try:
            resolve(find_repository(Path(args.head)), args.head)
        except GitProblem:
            site, args.head = args.head, None
        else:
            raise UsageError(f"{args.head!r} is both a folder and a git revision: write ./{args.head} for the folder, "
                             f"or put the site's folder after it (okrsite diff {args.base} {args.head} SITE_DIR)")
    if site is not None and args.site_option is not None:
        raise UsageError(f"the site's folder is given twice ({site} and -C {args.site_option}): give it once")
    return site or args.site_option or "."


def run_digest(args) -> int:
    from dataclasses import replace

    from okrsite.assemble import load_site
    from okrsite.digest import default_since, make_digest
    from okrsite.digestformat import render_html, render_markdown

    root = _site_root(args.site)
    date = build_date(args.date)
    since = default_since(date) if args.since is None else args.since
    if since > date:
        raise UsageError(f"--since {since} is after the build date {date}: give an earlier day")
    diagnostics = Diagnostics()
    site = load_site(root, replace(build_options(args), date=date), diagnostics)
    if site is None:
        for item in diagnostics.sorted():
            if item.severity == "error":
                print(item.format(), file=sys.stderr)
        print(f"okrsite: digest failed: {plural(len(diagnostics.errors), 'error')}", file=sys.stderr)
        return 1
    if not site.config.base_url.startswith(("https://", "http://")):
        print(f"okrsite: note: site.toml's base_url is {site.config.base_url!r}: the digest's links work only "
              f"once it is the site's full address (https://...)", file=sys.stderr)
    render = render_html if args.format == "html" else render_markdown
    text = render(make_digest(site, since))
    if args.output is None:
        sys.stdout.write(text)
    else:
        _write_atomically(Path(args.output), text)
    return 0


def _write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` whole: readers see the old file or the new one, never half of it.
    A link is followed (the file it leads to is replaced); what is not a file (a device like
    /dev/stdout, a pipe) is written to as it is, never replaced."""
    import tempfile

    if path.exists() and not path.is_file():
        try:
            with path.open("w", encoding="utf-8") as stream:
                stream.write(text)
        except OSError as exc:
            raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
        return
    path = path.resolve() if path.is_symlink() else path
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None


def run_new(args) -> int:
    from okrsite.scaffold import create_site

    target = Path(args.dir)
    if target.exists() and not target.is_dir():
        raise UsageError(f"{args.dir} is a file, not a folder")
    if target.is_dir() and any(target.iterdir()) and not args.force:
        raise UsageError(f"{args.dir} is not empty: choose a new folder, or add --force to write into it")
    try:
        written, kept = create_site(target)
    except OSError as exc:
        raise UsageError(f"cannot write {exc.filename or args.dir}: {exc.strerror or exc}") from None
    for path in written:
        print(f"created {path}")
    for path in kept:
        print(f"kept {path} (already there)")
    print(f"\nnext: okrsite serve {args.dir}   (a live preview; okrsite build {args.dir} writes {Path(args.dir) / 'public'})")
    return 0


def run_new_cycle(args) -> int:
    from okrsite.newcycle import start_cycle

    root = _site_root(args.site)
    diagnostics = Diagnostics()
    made = start_cycle(root, args.new, args.old, build_date(args.date), diagnostics, args.keep_finished)
    _print_diagnostics(diagnostics)
    if made is None:
        print(f"okrsite: new-cycle failed: {_summary_of_problems(diagnostics, False)}; nothing was written", file=sys.stderr)
        return 1
    for file in made:
        left = f", finished and left behind: {', '.join(file.left)}" if file.left else ""
        print(f"created {display_path(file.path)}: {plural(len(file.carried), 'objective')} carried over{left}")
        for alignment in file.unaligned:
            print(f"  removed the alignment {alignment}: it is finished and stayed in {args.old}")
        for dependency in file.unneeded:
            print(f"  removed the dependency {dependency}: it is finished and stayed in {args.old}")
    carried = sum(len(f.carried) for f in made)
    print(f"\n{plural(len(made), 'file')}, {plural(carried, 'objective')} carried over into {args.new}. Next: set the new targets, "
          f"write new objectives where the old ones are done, and open a pull request.")
    return 0
