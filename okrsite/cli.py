"""The ``okrsite`` command line: build, serve, watch, check, diff, digest, schema, new and new-cycle.

This module reads the arguments; :mod:`okrsite.commands` does what each command says.
Exit codes: 0 ok; 1 the content has errors (or warnings under ``--strict``); 2 bad usage.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import sys

from okrsite import __version__
from okrsite.config import HISTORY_SOURCES
from okrsite.commands import (UsageError, run_build, run_check, run_diff, run_digest, run_new, run_new_cycle,
                              run_schema, run_serve, run_watch)

EPILOG = """examples:
  okrsite serve                     preview on http://127.0.0.1:8000/, reloading on every save
  okrsite build                     build the site in this folder into public/
  okrsite build mysite -o out       build mysite/ into out/
  okrsite build --date 2026-11-15   build as if today were 15 Nov 2026
  okrsite check --strict            validate only; warnings fail too
  okrsite check --format github     errors as GitHub Actions annotations
  okrsite diff main                 what changed in the OKRs since main
  okrsite digest                    the week in OKRs, in Markdown for a chat message
  okrsite schema > okr-schema.json  the JSON Schema of the front matter, for editors
  okrsite new my-okrs               start a new site with example content
"""


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        return args.run(args)
    except UsageError as exc:
        print(f"okrsite: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def run() -> None:
    """The ``okrsite`` program: :func:`main` with the process's arguments, then exit with its code.

    Before it exits, the objects the command made are frozen (:func:`gc.freeze`): the
    interpreter's collections at exit would otherwise walk every one of them to free memory
    the process gives back anyway: about 0.8 s of CPU, and of waiting, at 1,000 people. Only the program
    does this; :func:`main` called in a process that goes on leaves the collector alone.
    """
    code = main()
    gc.freeze()
    sys.exit(code)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="okrsite",
        description="Turn OKR files (Markdown with YAML front matter) into a cross-linked static website.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"okrsite {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    build = _command(commands, "build", run_build, "build the site into a folder of HTML",
                     "Build the site: pages, charts, badges, okrs.json, feeds and sitemap.",
                     "okrsite build", "okrsite build mysite -o /srv/okrs --date 2026-11-15 --strict")
    _site_arguments(build)
    build.add_argument("-o", "--output", metavar="OUT", help="where to write the site (default: SITE_DIR/public)")
    build.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    build.add_argument("--force", action="store_true",
                       help="write into a non-empty folder okrsite did not write (its files are kept, never overwritten)")
    build.add_argument("-j", "--jobs", type=_positive, metavar="N",
                       help="processes to build a big site with (default: one per core, at most 8)")
    _build_options(build)

    serve = _command(commands, "serve", run_serve, "build, serve on 127.0.0.1 and rebuild on every save",
                     "Build the site, serve it locally and rebuild it on every save; "
                     "open pages reload by themselves and show errors as they happen.",
                     "okrsite serve", "okrsite serve mysite --port 8080")
    _site_arguments(serve, strict=False)
    serve.add_argument("-p", "--port", type=int, default=8000, help="port to serve on (default 8000; the next free one if taken)")
    serve.add_argument("--host", default="127.0.0.1", help="address to serve on (default 127.0.0.1)")
    serve.add_argument("-o", "--output", metavar="OUT", help="where to write the site (default: a temporary folder)")
    _build_options(serve)

    watch = _command(commands, "watch", run_watch, "rebuild on every save, without a server",
                     "Build the site, then rebuild it on every save of content/, themes/ or site.toml.",
                     "okrsite watch", "okrsite watch mysite -o /srv/okrs")
    _site_arguments(watch, strict=False)
    watch.add_argument("-o", "--output", metavar="OUT", help="where to write the site (default: SITE_DIR/public)")
    _build_options(watch)

    check = _command(commands, "check", run_check, "validate the content without building",
                     "Validate every OKR file and report problems as path:line: message. Errors fail (exit 1); "
                     "warnings fail too under --strict or with strict = true under [checks] in site.toml.",
                     "okrsite check", "okrsite check --strict --format github")
    _site_arguments(check)
    check.add_argument("--format", choices=("text", "github"), default="text",
                       help="text (default) or GitHub Actions annotations")
    _history_option(check)

    schema = _command(commands, "schema", run_schema, "print a JSON Schema of an OKR file's front matter",
                      "Print the JSON Schema (draft 2020-12) of an OKR file's front matter, made from the field "
                      "definitions okrsite check uses, for editors and other tools. It is stricter than check in one "
                      "way: an unknown key (a warning for check) does not match it.",
                      "okrsite schema > okr-schema.json", "okrsite schema --draft 7 > okr-schema.json")
    schema.add_argument("--draft", choices=("2020-12", "7"), default="2020-12",
                        help="the JSON Schema draft: 2020-12 (default), or 7 for tools that know only draft 7 "
                             "(remark-lint-frontmatter-schema)")

    diff = _command(commands, "diff", run_diff, "what changed in the OKRs between two git revisions",
                    "Compare the OKRs at git revision BASE with those at HEAD (default: the working tree as it "
                    "is): cycles, owners and objectives added or removed, objectives re-aligned or retitled, "
                    "progress, scores and statuses that moved, new check-ins. Both sides are scored at the same "
                    "date. Private owners and objectives are left out. Exit 0 whether or not anything changed.",
                    "okrsite diff main", "okrsite diff v1.0 HEAD --format json", "okrsite diff main okrs",
                    'okrsite diff "origin/$GITHUB_BASE_REF" --format markdown >> "$GITHUB_STEP_SUMMARY"')
    diff.add_argument("base", metavar="BASE", help="the revision to compare from: a branch, tag or commit")
    diff.add_argument("head", nargs="?", metavar="HEAD", help="the revision to compare to (default: the working tree)")
    diff.add_argument("site_dir", nargs="?", metavar="SITE_DIR",
                      help="the site's folder, in a git repository (default: .); after BASE alone, a folder is "
                           "taken as SITE_DIR, not as HEAD")
    diff.add_argument("-C", dest="site_option", metavar="SITE_DIR", help="the site's folder, as SITE_DIR")
    diff.add_argument("--format", choices=("text", "markdown", "json"), default="text",
                      help="text (default), markdown (for a pull request or job summary) or json")
    diff.add_argument("--date", type=_date, metavar="YYYY-MM-DD",
                      help="the date both sides are scored at (default: today, or SOURCE_DATE_EPOCH)")
    diff.add_argument("--include-private", action="store_true",
                      help="include private owners and objectives (keep such a diff private)")

    digest = _command(commands, "digest", run_digest, "the week in OKRs, for a chat message or an e-mail",
                      "What happened in the current cycle from SINCE to the build date: key results that moved "
                      "(value and progress before and after, with the check-ins' notes), objectives whose status got "
                      "worse, key results gone stale and what was achieved, grouped by department, with links into "
                      "the site (site.toml's base_url). Private owners and objectives are left out.",
                      "okrsite digest", "okrsite digest --format html -o digest.html",
                      "okrsite digest mysite --since 2026-11-01 --date 2026-11-20",
                      'okrsite digest --format markdown >> "$GITHUB_STEP_SUMMARY"')
    _site_arguments(digest, strict=False)
    digest.add_argument("--since", type=_date, metavar="YYYY-MM-DD",
                        help="the day to compare with (default: 7 days before the build date)")
    digest.add_argument("--format", choices=("markdown", "html"), default="markdown",
                        help="markdown (default: a chat message, a pull request, a job summary) or html (an e-mail body)")
    digest.add_argument("-o", "--output", metavar="FILE", help="write to FILE, whole or not at all (default: standard output)")
    digest.add_argument("--include-private", action="store_true",
                        help="include private owners and objectives (keep such a digest private)")
    _history_option(digest)

    cycle = _command(commands, "new-cycle", run_new_cycle, "start a cycle from the last one",
                     "Copy every owner file of cycle OLD into content/NEW/: unfinished objectives carry over, each "
                     "metric starting from its last value, with check-ins, scores and statuses cleared; finished ones "
                     "stay behind. An existing cycle folder is never touched.",
                     "okrsite new-cycle 2027-Q1 --from 2026-Q4", "okrsite new-cycle 2027-Q1 --from 2026-Q4 mysite --keep-finished")
    cycle.add_argument("new", metavar="NEW", help="the new cycle's id, like 2027-Q1 (its folder must not exist)")
    cycle.add_argument("--from", dest="old", metavar="OLD", required=True, help="the cycle to start from, like 2026-Q4")
    cycle.add_argument("--keep-finished", action="store_true", help="carry finished objectives over too")
    _site_arguments(cycle, strict=False)

    new = _command(commands, "new", run_new, "create a new site with example content",
                   "Create DIR: site.toml, a small example company, an editors' README and GitHub workflows.",
                   "okrsite new my-okrs && okrsite serve my-okrs")
    new.add_argument("dir", metavar="DIR", help="folder to create (must be empty or missing)")
    new.add_argument("--force", action="store_true", help="add the files that are missing to a folder that is not empty; "
                     "files already there are kept as they are")
    return parser


def _command(commands, name: str, run, summary: str, description: str, *examples: str) -> argparse.ArgumentParser:
    """A subcommand whose --help ends with examples."""
    parser = commands.add_parser(name, help=summary, description=description,
                                 epilog="examples:\n" + "\n".join(f"  {e}" for e in examples),
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.set_defaults(run=run)
    return parser


def _site_arguments(parser: argparse.ArgumentParser, strict: bool = True) -> None:
    parser.add_argument("site", nargs="?", default=".", metavar="SITE_DIR", help="the site's folder (default: .)")
    parser.add_argument("--date", type=_date, metavar="YYYY-MM-DD",
                        help="the build date for pace and status (default: today, or SOURCE_DATE_EPOCH)")
    if strict:
        parser.add_argument("--strict", action="store_true", help="treat warnings as errors (exit 1)")


def _build_options(parser: argparse.ArgumentParser) -> None:
    """Options shared by the commands that build: build, serve and watch."""
    parser.add_argument("--include-private", action="store_true",
                        help="a leadership build: include private owners and objectives, marked as private")
    parser.add_argument("--no-cache", action="store_true",
                        help="neither use nor update the build cache in SITE_DIR/.okrsite-cache/")
    _history_option(parser)


def _history_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--history", choices=HISTORY_SOURCES, default=None,
                        help="git: key results without check-ins get one from each commit that changed their "
                             "'current' (default: site.toml's 'history', else none)")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (use YYYY-MM-DD)") from None


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a positive whole number: {text!r}")
    return int(text)


