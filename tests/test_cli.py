"""The ``okrsite`` command (contract section 7): exit codes 0 ok, 1 content errors
(or warnings under --strict), 2 bad usage; GCC-style messages; build, check, new.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import okrsite
from okrsite.cli import main
from okrsite.scaffold import example_files
from conftest import COMPANY, REPO, write_site
from content import WEEK, WEEK_TOML

BROKEN = COMPANY.replace("current: 50, unit: k}", "current: lots, unit: k}")
WARNED = COMPANY.replace("    title: Grow the business\n", "    title: Grow the business\n    colour: green\n")


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


BROKEN_LINE = line_of(BROKEN, "current: lots")
WARNED_LINE = line_of(WARNED, "colour: green")


def run(argv: list[str]) -> int:
    """``main(argv)`` as the shell would see it: argparse's SystemExit becomes the code."""
    try:
        return main(argv)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)


def files_under(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def site(tmp_path, monkeypatch):
    """A good site in ``tmp_path/site``; the working folder is the site, as in CI."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    root = write_site(tmp_path / "site", {"content/2026-Q4/test-co.md": COMPANY})
    monkeypatch.chdir(root)
    return root


def use(root: Path, text: str) -> None:
    (root / "content/2026-Q4/test-co.md").write_text(text, encoding="utf-8")


# --- build ---

def test_build_prints_a_one_line_summary(site, tmp_path, capsys):
    out = tmp_path / "out"
    assert run(["build", ".", "-o", str(out), "--date", "2026-11-20"]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    lines = captured.out.splitlines()
    assert len(lines) == 1, lines
    match = re.search(r"1 cycle\b.*\b1 owners?\b.*\b1 objectives?\b.*\b(\d+) pages \((\d+) files\)", lines[0])
    assert match, lines[0]
    files = files_under(out)
    assert int(match.group(1)) == sum(1 for f in files if f.endswith(".html"))
    assert int(match.group(2)) == len(files)
    assert str(out) in lines[0]


def test_build_writes_into_public_by_default(site, capsys):
    assert run(["build", "--date", "2026-11-20"]) == 0
    assert (site / "public/index.html").is_file()
    assert (site / "public/2026-q4/test-co/grow/index.html").is_file()


def test_build_quiet_prints_nothing(site, tmp_path, capsys):
    assert run(["build", "-q", "-o", str(tmp_path / "out"), "--date", "2026-11-20"]) == 0
    assert capsys.readouterr() == ("", "")


def test_build_with_errors_exits_1_names_file_and_line_and_writes_nothing(site, tmp_path, capsys):
    out = tmp_path / "out"
    assert run(["build", "-o", str(out), "--date", "2026-11-20"]) == 0
    before = files_under(out)
    use(site, BROKEN)
    capsys.readouterr()
    assert run(["build", "-o", str(out), "--date", "2026-11-20"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    errors = [line for line in captured.err.splitlines() if ": error: " in line]
    assert errors and all(re.match(r"^content/2026-Q4/test-co\.md:\d+: error: \S", e) for e in errors), errors
    assert errors[0].startswith(f"content/2026-Q4/test-co.md:{BROKEN_LINE}: error: ")
    assert "nothing was written" in captured.err
    assert files_under(out) == before


def test_build_with_errors_creates_no_output_folder(site, capsys):
    use(site, BROKEN)
    assert run(["build", "--date", "2026-11-20"]) == 1
    assert not (site / "public").exists()


def test_warnings_pass_but_fail_under_strict(site, tmp_path, capsys):
    use(site, WARNED)
    out = tmp_path / "out"
    assert run(["build", "-o", str(out), "--date", "2026-11-20"]) == 0
    captured = capsys.readouterr()
    assert re.search(rf"^content/2026-Q4/test-co\.md:{WARNED_LINE}: warning: .*colour", captured.err, re.M), captured.err
    assert captured.out.startswith("built ")
    before = files_under(out)
    assert run(["build", "-o", str(out), "--date", "2026-11-21", "--strict"]) == 1
    captured = capsys.readouterr()
    assert ": warning: " in captured.err and "nothing was written" in captured.err
    assert files_under(out) == before
    assert run(["build", "-o", str(tmp_path / "fresh"), "--strict"]) == 1
    assert not (tmp_path / "fresh").exists()
    assert run(["check", "--date", "2026-11-20"]) == 0
    assert run(["check", "--date", "2026-11-20", "--strict"]) == 1


# --- check ---

def test_check_fails_on_warnings_where_site_toml_asks(site, capsys):
    """`strict = true` under [checks] makes `okrsite check` fail on warnings, as --strict does;
    `okrsite build` never reads it: publishing fails on errors only."""
    use(site, WARNED)
    toml = site / "site.toml"
    toml.write_text(toml.read_text() + "\n[checks]\nstrict = true\n")
    capsys.readouterr()
    assert run(["check", "--date", "2026-11-20", "--format", "github"]) == 1
    captured = capsys.readouterr()
    assert captured.out.startswith("::warning file=content/2026-Q4/test-co.md,line=")
    assert "(warnings fail under [checks] strict in site.toml)" in captured.err
    assert run(["build", "--date", "2026-11-20"]) == 0
    toml.write_text(toml.read_text().replace("strict = true", "strict = false"))
    assert run(["check", "--date", "2026-11-20", "--format", "github"]) == 0
    assert run(["check", "--date", "2026-11-20", "--strict"]) == 1


def test_check_ok(site, capsys):
    assert run(["check", "--date", "2026-11-20"]) == 0
    captured = capsys.readouterr()
    assert "error" not in captured.err.replace("0 errors", "")
    assert not (site / "public").exists(), "check must not build"


def test_check_reports_errors_gcc_style(site, capsys):
    use(site, BROKEN)
    assert run(["check", "--date", "2026-11-20"]) == 1
    captured = capsys.readouterr()
    assert re.search(rf"^content/2026-Q4/test-co\.md:{BROKEN_LINE}: error: .*current", captured.err, re.M), captured.err


def test_check_github_format(site, capsys):
    text = WARNED.replace("current: 50, unit: k}", "current: lots, unit: k}")
    use(site, text)
    assert run(["check", "--format", "github", "--date", "2026-11-20"]) == 1
    captured = capsys.readouterr()
    annotations = [line for line in (captured.out + captured.err).splitlines() if line.startswith("::")]
    error, warning = line_of(text, "current: lots"), line_of(text, "colour: green")
    assert any(re.fullmatch(rf"::error file=content/2026-Q4/test-co\.md,line={error}::.*current.*", a) for a in annotations), annotations
    assert any(re.fullmatch(rf"::warning file=content/2026-Q4/test-co\.md,line={warning}::.*colour.*", a) for a in annotations), annotations
    assert len(annotations) == 2


def test_check_github_format_escapes_newlines_and_percent(site, capsys):
    """A message with a newline must stay one annotation: GitHub wants %0A and %25."""
    use(site, COMPANY.replace("    title: Grow the business\n", '    title: Grow the business\n    "100%\\nsure": 1\n'))
    assert run(["check", "--format", "github", "--date", "2026-11-20"]) == 0
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if line.startswith("::warning")]
    assert len(lines) == 1, out
    assert "100%25%0Asure" in lines[0], lines
    assert "sure" not in out.replace(lines[0], "")


def test_check_works_from_another_folder(site, tmp_path, monkeypatch, capsys):
    use(site, BROKEN)
    monkeypatch.chdir(tmp_path)
    assert run(["check", "site", "--date", "2026-11-20"]) == 1
    assert re.search(rf"^site/content/2026-Q4/test-co\.md:{BROKEN_LINE}: error: ", capsys.readouterr().err, re.M)


# --- digest ---

WEEK_DATE = ["--date", "2026-01-21"]


@pytest.fixture
def week(tmp_path, monkeypatch):
    """The site of a week of check-ins (tests/content.py); the working folder is elsewhere."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.chdir(tmp_path)
    return write_site(tmp_path / "week", WEEK, WEEK_TOML)


def test_digest_writes_markdown_to_standard_output(week, capsys):
    assert run(["digest", str(week), *WEEK_DATE]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    lines = out.splitlines()
    assert lines[0] == "## Weekly digest: Acme OKRs"
    assert lines[2] == ("sprint, 14 Jan to 21 Jan 2026: 4 key results moved, 1 objective got worse, "
                        "2 key results gone stale, 2 achieved.")
    assert "- [Revenue](https://okrs.example.com/acme/sprint/acme/grow/#kr-revenue) · Acme: 40 k → 80 k (40 % → 80 %)" in lines
    assert "secret" not in out.lower()


def test_digest_since_and_private_okrs(week, capsys):
    assert run(["digest", str(week), *WEEK_DATE, "--since", "2026-01-16", "--include-private"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[2].startswith("sprint, 16 Jan to 21 Jan 2026: 5 key results moved")
    assert "- [Revenue](https://okrs.example.com/acme/sprint/acme/grow/#kr-revenue) · Acme: 70 k → 80 k (70 % → 80 %)" in lines
    assert any(line.startswith("- [Steps](") and "· Secret team: 1 → 5 (10 % → 50 %)" in line for line in lines)


def test_digest_writes_html_to_a_file_whole(week, tmp_path, capsys):
    target = tmp_path / "digest.html"
    target.write_text("last week's")
    assert run(["digest", str(week), *WEEK_DATE, "--format", "html", "-o", str(target)]) == 0
    assert capsys.readouterr() == ("", "")
    text = target.read_text(encoding="utf-8")
    assert text.startswith("<!doctype html>") and "<h1 style=" in text and "Weekly digest: Acme OKRs" in text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["digest.html", "week"]  # no temporary file left
    assert oct(target.stat().st_mode & 0o777) == "0o644"


def test_digest_follows_a_link_and_never_replaces_what_is_not_a_file(week, tmp_path, capsys):
    import os
    import threading

    real = tmp_path / "real.md"
    real.write_text("old")
    (tmp_path / "link.md").symlink_to(real)
    assert run(["digest", str(week), *WEEK_DATE, "-o", str(tmp_path / "link.md")]) == 0
    assert (tmp_path / "link.md").is_symlink() and real.read_text().startswith("## Weekly digest")
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)  # like /dev/stdout: written to as it is
    received = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_text()))
    reader.start()
    assert run(["digest", str(week), *WEEK_DATE, "-o", str(pipe)]) == 0
    reader.join(10)
    assert received[0].startswith("## Weekly digest") and pipe.is_fifo()


def test_digest_of_a_site_with_errors_exits_1_and_writes_nothing(week, tmp_path, capsys):
    (week / "content/sprint/ops.md").write_text("---\nname: Ops\nkind: team\nparent: acme\nobjectives: 12\n---\n")
    target = tmp_path / "digest.md"
    assert run(["digest", str(week), *WEEK_DATE, "-o", str(target)]) == 1
    out, err = capsys.readouterr()
    assert out == "" and not target.exists()
    assert re.search(r"^\S*ops\.md:\d+: error: ", err, re.M), err
    assert err.splitlines()[-1] == "okrsite: digest failed: 1 error"


@pytest.mark.parametrize("args, message", [
    (["--since", "2026-01-22"], "--since 2026-01-22 is after the build date 2026-01-21"),
    (["--since", "last week"], "not a date: 'last week'"),
    (["--format", "pdf"], "invalid choice: 'pdf'"),
    (["-o", "no/such/folder/digest.md"], "cannot write no/such/folder/digest.md"),
])
def test_digest_bad_usage_exits_2(week, capsys, args, message):
    assert run(["digest", str(week), *WEEK_DATE, *args]) == 2
    assert message in capsys.readouterr().err


def test_digest_says_when_its_links_cannot_work(week, capsys):
    (week / "site.toml").write_text(WEEK_TOML.replace('base_url = "https://okrs.example.com/acme/"\n', ""))
    assert run(["digest", str(week), *WEEK_DATE]) == 0
    out, err = capsys.readouterr()
    assert "[Revenue](/sprint/acme/grow/#kr-revenue)" in out
    assert err == ("okrsite: note: site.toml's base_url is '/': the digest's links work only once it is the site's "
                   "full address (https://...)\n")


# --- bad usage: exit 2 ---

@pytest.mark.parametrize("argv", [
    ["build", "--no-such-option"],
    ["check", "--format", "xml"],
    ["build", "--date", "2026-13-01"],
    ["build", "--date", "next tuesday"],
    ["frobnicate"],
    [],
])
def test_bad_usage_exits_2(site, argv, capsys):
    assert run(argv) == 2
    captured = capsys.readouterr()
    assert "usage" in (captured.err + captured.out).lower()
    assert not (site / "public").exists()


def test_missing_folder_exits_2(site, capsys):
    assert run(["build", "no-such-folder"]) == 2
    assert "no-such-folder" in capsys.readouterr().err
    assert run(["check", "no-such-folder"]) == 2


def test_folder_without_site_toml_exits_2(site, tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run(["build", str(empty)]) == 2
    assert "site.toml" in capsys.readouterr().err
    assert run(["check", str(empty)]) == 2
    assert list(empty.iterdir()) == []


def test_bad_source_date_epoch_exits_2(site, monkeypatch, capsys):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    assert run(["build"]) == 2
    assert "SOURCE_DATE_EPOCH" in capsys.readouterr().err
    assert not (site / "public").exists()


def test_output_into_the_site_itself_is_refused(site, capsys):
    """``-o .`` would swap the site folder (content, site.toml) for the output."""
    before = files_under(site)
    code = run(["build", "-o", ".", "--date", "2026-11-20"])
    assert (site / "site.toml").is_file() and (site / "content/2026-Q4/test-co.md").is_file(), \
        "building into the site folder deleted the site"
    assert code == 2
    assert files_under(site) == before


def test_output_into_the_content_folder_is_refused(site, capsys):
    before = files_under(site)
    code = run(["build", "-o", "content", "--date", "2026-11-20"])
    assert (site / "content/2026-Q4/test-co.md").is_file(), "building into content/ deleted the content"
    assert code == 2
    assert files_under(site) == before


def test_output_into_a_folder_of_other_files_is_refused(site, tmp_path, capsys):
    """The output folder is replaced whole: a folder okrsite did not write must survive."""
    mine = tmp_path / "documents"
    mine.mkdir()
    (mine / "thesis.txt").write_text("years of work")
    assert run(["build", "-o", str(mine), "--date", "2026-11-20"]) == 2
    assert files_under(mine) == {"thesis.txt": b"years of work"}


def test_output_over_a_previous_build_is_fine(site, tmp_path, capsys):
    out = tmp_path / "out"
    assert run(["build", "-o", str(out), "--date", "2026-11-20"]) == 0
    (out / "by-hand.html").write_text("old")  # not okrsite's: kept
    (out / "2026-q4/test-co/grow/index.html").unlink()  # okrsite's: written again
    assert run(["build", "-o", str(out), "--date", "2026-11-21"]) == 0
    assert (out / "by-hand.html").read_text() == "old"
    assert (out / "2026-q4/test-co/grow/index.html").is_file()
    assert json.loads((out / "okrs.json").read_text())["build_date"] == "2026-11-21"


def test_a_foreign_folder_needs_force_and_keeps_its_files(site, tmp_path, capsys):
    out = tmp_path / "theirs"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    assert run(["build", "-o", str(out), "--date", "2026-11-20"]) == 2
    assert ".okrsite-manifest" in capsys.readouterr().err and [p.name for p in out.iterdir()] == ["notes.txt"]
    assert run(["build", "-o", str(out), "--date", "2026-11-20", "--force"]) == 0
    assert (out / "notes.txt").read_text() == "mine" and (out / "index.html").is_file()


@pytest.mark.parametrize("where", ["/", "~"])
def test_root_and_home_are_refused(site, capsys, where):
    assert run(["build", "-o", str(Path(where).expanduser()), "--date", "2026-11-20"]) == 2
    assert "root or home folder" in capsys.readouterr().err


# --- build date ---

def epoch(day: dt.date, hour: int = 12) -> str:
    return str(calendar.timegm(dt.datetime(day.year, day.month, day.day, hour).timetuple()))


def test_source_date_epoch_sets_the_build_date(site, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch(dt.date(2026, 11, 15)))
    out = tmp_path / "out"
    assert run(["build", "-o", str(out)]) == 0
    assert json.loads((out / "okrs.json").read_text())["build_date"] == "2026-11-15"
    assert run(["build", "-o", str(out), "--date", "2026-10-02"]) == 0
    assert json.loads((out / "okrs.json").read_text())["build_date"] == "2026-10-02"


def test_same_epoch_same_bytes(site, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch(dt.date(2026, 11, 15), hour=23))
    assert run(["build", "-o", str(tmp_path / "a")]) == 0
    assert run(["build", "-o", str(tmp_path / "b")]) == 0
    assert files_under(tmp_path / "a") == files_under(tmp_path / "b")
    assert json.loads((tmp_path / "a/okrs.json").read_text())["build_date"] == "2026-11-15"


# --- help and version ---

@pytest.mark.parametrize("argv", [["--help"], ["build", "--help"], ["check", "--help"], ["new", "--help"],
                                  ["diff", "--help"]])
def test_help_shows_examples(argv, capsys):
    assert run(argv) == 0
    out = capsys.readouterr().out
    assert "example" in out.lower()
    assert re.search(rf"^\s+okrsite ({argv[0] if len(argv) > 1 else 'build'})\b", out, re.M), out


@pytest.mark.parametrize("command", ["build", "check", "new", "serve", "watch"])
def test_every_contract_command_exists(command, capsys):
    """Section 7 lists build, serve, watch, check and new."""
    assert run([command, "--help"]) == 0, capsys.readouterr().err


def test_version_from_python_m():
    result = subprocess.run([sys.executable, "-m", "okrsite", "--version"], capture_output=True, text=True,
                            timeout=60, cwd=REPO)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"okrsite {okrsite.__version__}"
    assert re.fullmatch(r"\d+\.\d+\.\d+\S*", okrsite.__version__)


# --- new ---

def test_new_creates_a_site_that_builds_cleanly_under_strict(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.chdir(tmp_path)
    assert run(["new", "my-okrs"]) == 0
    created = tmp_path / "my-okrs"
    assert (created / "site.toml").is_file()
    assert list((created / "content").rglob("*.md"))
    capsys.readouterr()
    assert run(["build", "my-okrs", "--strict"]) == 0
    captured = capsys.readouterr()
    assert captured.err == "", captured.err
    assert (created / "public/index.html").is_file()
    assert run(["check", "my-okrs", "--strict"]) == 0


def test_new_adds_a_github_pages_workflow(tmp_path, capsys):
    assert run(["new", str(tmp_path / "my-okrs")]) == 0
    workflows = list((tmp_path / "my-okrs/.github/workflows").glob("*.y*ml"))
    assert workflows, "contract section 7: `okrsite new` writes a GitHub Pages workflow"
    workflow = yaml.safe_load(workflows[0].read_text())
    steps = [step for job in workflow["jobs"].values() for step in job.get("steps", [])]
    runs = " ".join(step.get("run", "") for step in steps)
    assert "okrsite build" in runs
    uploads = [step for step in steps if "upload-pages-artifact" in step.get("uses", "")]
    assert uploads and uploads[0].get("with", {}).get("path") in ("public", "public/", "./public")
    assert any("deploy-pages" in step.get("uses", "") for step in steps)


def test_new_refuses_a_folder_that_is_not_empty(tmp_path, capsys):
    target = tmp_path / "taken"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    assert run(["new", str(target)]) == 2
    assert "--force" in capsys.readouterr().err
    assert [p.name for p in target.iterdir()] == ["notes.txt"]
    assert run(["new", str(target), "--force"]) == 0
    assert (target / "site.toml").is_file() and (target / "notes.txt").read_text() == "mine"


def test_new_force_adds_what_is_missing_and_keeps_every_file_already_there(tmp_path, capsys):
    target = tmp_path / "repo"
    mine = {"README.md": b"# Our own README\r\n\xff", "site.toml": b'title = "Ours"\n',
            ".github/workflows/pages.yml": b"name: our own deploy\n"}
    for relative, data in mine.items():
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        (target / relative).write_bytes(data)
    outside = tmp_path / "elsewhere.txt"
    outside.write_bytes(b"not okrsite's")
    (target / ".gitignore").symlink_to(outside)  # never written through
    assert run(["new", str(target), "--force"]) == 0
    out = capsys.readouterr().out
    for relative, data in mine.items():
        assert (target / relative).read_bytes() == data, relative
        assert f"kept {target / relative} (already there)" in out
    assert outside.read_bytes() == b"not okrsite's" and f"kept {target / '.gitignore'} (already there)" in out
    assert (target / ".github/workflows/check.yml").is_file() and f"created {target / 'content'}" in out
    assert run(["new", str(target), "--force"]) == 0  # again: everything is there, nothing is written
    out = capsys.readouterr().out
    assert not [line for line in out.splitlines() if line.startswith("created")]
    assert out.count("(already there)") == len(example_files(dt.date.today()))
    for relative, data in mine.items():
        assert (target / relative).read_bytes() == data, relative


def test_new_into_an_empty_folder_is_fine(tmp_path, capsys):
    target = tmp_path / "empty"
    target.mkdir()
    assert run(["new", str(target)]) == 0
    assert (target / "site.toml").is_file()


def test_new_refuses_a_file(tmp_path, capsys):
    target = tmp_path / "a-file"
    target.write_text("x")
    assert run(["new", str(target)]) == 2
    assert target.read_text() == "x"


def test_the_validating_commands_never_load_the_renderer(tmp_path):
    """check, diff, digest and new-cycle run the stages up to scoring (okrsite.assemble) only: Jinja2 and
    pygal, the renderer's libraries, are not even imported."""
    script = ("import sys; sys.path.insert(0, sys.argv[1]); from okrsite.cli import main; "
              "import okrsite.diff, okrsite.newcycle, okrsite.digest, okrsite.digestformat; "
              "code = main(['check', sys.argv[1], '--date', '2026-11-20']) + main(['digest', sys.argv[1], '-o', "
              "sys.argv[2], '--date', '2026-11-20', '--format', 'html']); "
              "print(code, sorted(m for m in ('jinja2', 'pygal', 'okrsite.render.site') if m in sys.modules))")
    digest = tmp_path / "digest.html"
    done = subprocess.run([sys.executable, "-c", script, str(REPO), str(digest)], capture_output=True, text=True,
                          timeout=120)
    assert done.stdout.splitlines()[-1] == "0 []", done.stdout + done.stderr
    assert "Weekly digest: Suds &amp; Co. OKRs" in digest.read_text(encoding="utf-8")


@pytest.mark.parametrize("code", [0, 1, 2])
def test_the_program_exits_with_the_commands_code_leaving_its_objects_to_the_exit(monkeypatch, code):
    import gc

    from okrsite import cli

    monkeypatch.setattr(cli, "main", lambda: code)
    leftover = [[n] for n in range(100)]  # tracked objects the command made
    before = gc.get_freeze_count()
    try:
        with pytest.raises(SystemExit) as exit:
            cli.run()
        assert exit.value.code == code
        assert gc.get_freeze_count() >= before + len(leftover)  # the collections at exit pass them by
    finally:
        gc.unfreeze()


def test_the_program_prints_everything_before_it_exits(site):
    """``python -m okrsite`` runs :func:`okrsite.cli.run`: its messages and its code reach the shell."""
    use(site, BROKEN)
    done = subprocess.run([sys.executable, "-m", "okrsite", "check", "."], capture_output=True, text=True,
                          timeout=60, cwd=site)
    assert done.returncode == 1
    assert done.stderr.startswith(f"content/2026-Q4/test-co.md:{BROKEN_LINE}: error: ")
