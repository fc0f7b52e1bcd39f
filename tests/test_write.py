"""Writing the output: all or nothing (contract section 7: "A build that fails
leaves the previous output exactly as it was"), and stale files never survive a
successful build.
"""

from __future__ import annotations

import contextlib
import os
import random
import re
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from okrsite.build import build_site
from okrsite import write
from okrsite.write import OutputConflict, Staging
from okrsite.options import BuildOptions
from conftest import CLEAN, COMPANY, EXAMPLE_DATE, REPO

TEAM = """\
---
name: Sales
kind: department
parent: test-co
objectives:
  - id: deals
    title: Close more deals
    aligns_to: test-co/grow
    key_results:
      - {id: a, title: Deals, start: 0, target: 10, current: 5}
      - {id: b, title: Demos, start: 0, target: 10, current: 5}
---
"""


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` (hidden ones too) with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def entries(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


def write_site(out: Path, files) -> int:
    """Write ``(relative path, bytes)`` pairs as the whole new content of ``out``, as a clean build does."""
    with Staging(out) as staging:
        written = []
        for relative, data in files:
            staging.write(relative, data)
            written.append(relative)
        staging.before.check_room(written, staging.out)
        staging.commit(written, written)
    return len(written) + 1  # and the manifest


# --- the staging folder itself ---

def test_write_site_creates_the_folder_and_counts_files(tmp_path):
    out = tmp_path / "deep" / "public"
    count = write_site(out, [("index.html", b"<p>hi"), ("a/b/c.svg", b"<svg/>"), (".nojekyll", b"")])
    assert count == 4  # and the manifest of what okrsite wrote
    assert snapshot(out) == {"index.html": b"<p>hi", "a/b/c.svg": b"<svg/>", ".nojekyll": b"",
                             ".okrsite-manifest": b".nojekyll\na/b/c.svg\nindex.html\n"}
    assert entries(out.parent) == {"public"}, "staging folders left behind"


def test_write_site_replaces_its_own_stale_files_and_keeps_others(tmp_path):
    out = tmp_path / "public"
    write_site(out, [("index.html", b"old"), ("gone/index.html", b"old page"), ("keep.txt", b"1")])
    (out / "by-hand.txt").write_text("a file someone put there")
    (out / "empty-by-hand").mkdir()
    (out / "gone/mine.txt").write_text("in a folder okrsite made")
    write_site(out, [("index.html", b"new"), ("keep.txt", b"1")])
    assert snapshot(out) == {"index.html": b"new", "keep.txt": b"1", "by-hand.txt": b"a file someone put there",
                             "gone/mine.txt": b"in a folder okrsite made",
                             ".okrsite-manifest": b"index.html\nkeep.txt\n"}
    assert (out / "empty-by-hand").is_dir()
    assert entries(tmp_path) == {"public"}


@pytest.mark.parametrize("generated", ["notes.html", "notes.html/index.html", "dir/index.html"])
def test_write_site_never_overwrites_a_file_it_did_not_write(tmp_path, generated):
    out = tmp_path / "public"
    write_site(out, [("index.html", b"old")])
    (out / "notes.html").write_text("mine")
    (out / "dir").mkdir()
    (out / "dir/index.html").write_text("mine too")
    before = snapshot(out)
    with pytest.raises(OutputConflict):
        write_site(out, [("index.html", b"new"), (generated, b"generated")])
    assert snapshot(out) == before and entries(tmp_path) == {"public"}


def test_a_file_in_place_of_an_output_folder_is_kept_when_the_build_fails(tmp_path):
    """A failed build must not lose what okrsite did not write (it once moved such files
    into the staging folder and removed them with it)."""
    out = tmp_path / "public"
    write_site(out, [("index.html", b"old"), ("alice/index.html", b"alice")])
    (out / "notes.txt").write_text("never written by okrsite")
    shutil.rmtree(out / "alice")
    (out / "alice").write_text("a file where a folder was")
    before = snapshot(out)
    with pytest.raises(OutputConflict):
        write_site(out, [("index.html", b"new"), ("alice/index.html", b"alice")])
    assert snapshot(out) == before
    assert entries(tmp_path) == {"public"}


def test_kept_files_are_hard_links_not_copies(tmp_path):
    out = tmp_path / "public"
    write_site(out, [("index.html", b"x")])
    (out / "big.bin").write_bytes(b"0" * 1000)
    inode = (out / "big.bin").stat().st_ino
    write_site(out, [("index.html", b"y")])
    assert (out / "big.bin").stat().st_ino == inode


@pytest.mark.parametrize("bad", ["../escape.html", "/etc/passwd", "a/../../b"])
def test_no_output_path_escapes_the_folder(tmp_path, bad):
    with pytest.raises(ValueError):
        write_site(tmp_path / "public", [(bad, b"x")])
    assert not (tmp_path / "escape.html").exists()


def test_a_failure_while_writing_leaves_the_old_output_untouched(tmp_path):
    out = tmp_path / "public"
    write_site(out, [("index.html", b"old"), ("a/page.html", b"old page")])
    before = snapshot(out)

    def files():
        yield "index.html", b"new"
        yield "a/page.html", b"new page"
        raise RuntimeError("a template failed half way")

    with pytest.raises(RuntimeError):
        write_site(out, files())
    assert snapshot(out) == before
    assert entries(tmp_path) == {"public"}, "staging folders left behind"


def test_a_failure_on_a_first_build_creates_nothing(tmp_path):
    out = tmp_path / "public"

    def files():
        yield "index.html", b"new"
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        write_site(out, files())
    assert not out.exists()
    assert entries(tmp_path) == set()


def test_a_write_error_names_the_file_in_the_output_folder(tmp_path):
    out = tmp_path / "public"
    name = "x" * 300 + ".svg"  # past the file system's limit on a name
    with pytest.raises(OSError) as failure:
        write_site(out, [("index.html", b"x"), (f"badges/{name}", b"<svg/>")])
    assert failure.value.filename == str(out.resolve() / "badges" / name)
    assert entries(tmp_path) == set()


def test_the_output_is_readable_by_a_web_server(tmp_path):
    out = tmp_path / "public"
    write_site(out, [("index.html", b"x"), ("a/b.html", b"y")])
    for path in [out, out / "a"]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode & 0o555 == 0o555, f"{path} has mode {oct(mode)}"
    for path in [out / "index.html", out / "a/b.html"]:
        assert stat.S_IMODE(path.stat().st_mode) & 0o444 == 0o444


def test_write_site_follows_an_output_given_relative(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_site(Path("public"), [("index.html", b"x")])
    assert (tmp_path / "public/index.html").read_bytes() == b"x"


# --- what builds that died leave behind ---

def test_a_staging_folder_left_by_a_dead_build_is_removed_by_the_next(tmp_path):
    out = tmp_path / "public"
    write_site(out, [("index.html", b"old")])
    dead = tmp_path / ".public.okrsite-new-dead"
    (dead / "half").mkdir(parents=True)
    (dead / "half/index.html").write_text("half written")
    write_site(out, [("index.html", b"new")])
    assert entries(tmp_path) == {"public"}
    assert (out / "index.html").read_bytes() == b"new"


def test_an_old_output_moved_aside_by_a_dead_swap_is_put_back(tmp_path):
    """Where the system cannot exchange two names in one step, a swap is two renames; a build
    that died between them left the output aside, and the next build puts it back first."""
    out = tmp_path / "public"
    write_site(out, [("index.html", b"old"), ("mine.txt", b"")])
    (out / "notes.txt").write_text("foreign")
    out.rename(tmp_path / ".public.okrsite-old-dead")
    write.remove_leftovers(out.resolve())
    assert entries(tmp_path) == {"public"}
    assert (out / "notes.txt").read_text() == "foreign"


def test_a_staging_folder_of_a_running_build_is_left_alone(tmp_path):
    out = tmp_path / "public"
    with Staging(out) as running:
        running.write("index.html", b"first")
        write_site(out, [("index.html", b"second")])  # a second build at the same time
        assert running.folder.is_dir()
        running.commit(["index.html"], ["index.html"])
    assert (out / "index.html").read_bytes() == b"first"
    assert entries(tmp_path) == {"public"}


def test_the_swap_without_an_atomic_exchange_gives_the_same_result(tmp_path, monkeypatch):
    monkeypatch.setattr(write, "exchange", lambda first, second: False)
    out = tmp_path / "public"
    write_site(out, [("index.html", b"old")])
    (out / "notes.txt").write_text("foreign")
    write_site(out, [("index.html", b"new")])
    assert snapshot(out) == {"index.html": b"new", "notes.txt": b"foreign", ".okrsite-manifest": b"index.html\n"}
    assert entries(tmp_path) == {"public"}


@pytest.mark.skipif(write._renameat2 is None, reason="the system has no renameat2")
def test_the_exchange_is_one_step_on_linux(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    (first / "from-a").touch()
    assert write.exchange(first, second)
    assert entries(second) == {"from-a"} and entries(first) == set()


# --- build_site: all or nothing ---

@pytest.fixture
def built(make_site, tmp_path):
    """A small site built once into ``out``: ``(root, out)``."""
    root = make_site({"content/2026-Q4/test-co.md": COMPANY, "content/2026-Q4/sales.md": TEAM})
    out = tmp_path / "public"
    report = build_site(root, out, BuildOptions(EXAMPLE_DATE))
    assert report.ok(False), [d.format() for d in report.diagnostics.items]
    assert (out / "2026-q4/sales/index.html").is_file()
    return root, out


def test_a_build_with_errors_leaves_the_output_byte_for_byte_unchanged(built):
    root, out = built
    before, mtimes = snapshot(out), {p: p.stat().st_mtime_ns for p in out.rglob("*")}
    siblings = entries(out.parent)
    (root / "content/2026-Q4/sales.md").write_text(TEAM.replace("parent: test-co", "parent: nobody"))
    report = build_site(root, out, BuildOptions(EXAMPLE_DATE))
    assert not report.ok(False)
    assert report.diagnostics.errors
    assert snapshot(out) == before
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*")} == mtimes
    assert entries(out.parent) == siblings


def test_a_strict_build_with_warnings_writes_nothing(built):
    root, out = built
    before = snapshot(out)
    (root / "content/2026-Q4/sales.md").write_text(TEAM.replace("title: Close more deals", "title: Close more deals\n    colour: red"))
    later = EXAMPLE_DATE.replace(day=EXAMPLE_DATE.day + 1)  # would change okrs.json if anything were written
    report = build_site(root, out, BuildOptions(later, strict=True))
    assert report.diagnostics.warnings and not report.diagnostics.errors
    assert not report.ok(True)
    assert snapshot(out) == before
    assert entries(out.parent) == {"site", "public"}


def test_a_failed_first_build_creates_no_output(make_site, tmp_path):
    root = make_site({"content/2026-Q4/test-co.md": COMPANY.replace("kind: company", "kind: kompany")})
    out = tmp_path / "public"
    report = build_site(root, out, BuildOptions(EXAMPLE_DATE))
    assert not report.ok(False)
    assert not out.exists()
    assert entries(tmp_path) == {"site"}


def test_a_rebuild_removes_the_pages_of_a_deleted_owner(built):
    root, out = built
    (root / "content/2026-Q4/sales.md").unlink()
    report = build_site(root, out, BuildOptions(EXAMPLE_DATE))
    assert report.ok(False)
    names = set(snapshot(out))
    assert not any("sales" in name for name in names), sorted(n for n in names if "sales" in n)
    assert "2026-q4/test-co/index.html" in names
    assert b"sales" not in (out / "okrs.json").read_bytes()
    assert b"/sales/" not in (out / "sitemap.xml").read_bytes()
    assert entries(out.parent) == {"site", "public"}


def test_a_rebuild_replaces_changed_pages(built):
    root, out = built
    (root / "content/2026-Q4/sales.md").write_text(TEAM.replace("Close more deals", "Close many more deals"))
    assert build_site(root, out, BuildOptions(EXAMPLE_DATE)).ok(False)
    page = (out / "2026-q4/sales/deals/index.html").read_text()
    assert "Close many more deals" in page


# --- killed for real: the output is the old site or the new one, whole ---

def _build_command(site: Path, out: Path, cached: bool) -> list[str]:
    return [sys.executable, "-m", "okrsite", "build", str(site), "-o", str(out), "--date", "2026-11-20", "-q", "-j", "2",
            *([] if cached else ["--no-cache"])]


def _set_title(site: Path, title: str) -> None:
    toml = site / "site.toml"
    toml.write_text(re.sub(r'^title = ".*"', f'title = "{title}"', toml.read_text(), count=1, flags=re.M))


def _home_page(out: Path) -> tuple[int, int] | None:
    try:
        info = (out / "index.html").stat()
    except OSError:
        return None
    return info.st_ino, info.st_mtime_ns


def _kill_during_a_build(command: list[str], out: Path, rng: random.Random, window: float) -> bool:
    """Run ``command`` in a new process group and kill the group with SIGKILL at a random moment:
    mostly while it writes (once a staging folder exists beside the output, or a page of the
    output was replaced, as a writer working in place would), sometimes at any time; ``True`` if
    it was still running then."""
    home = _home_page(out)
    process = subprocess.Popen(command, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env={**os.environ, "PYTHONPATH": str(REPO)})
    try:
        if rng.random() < 0.75:
            deadline = time.monotonic() + 60
            while (process.poll() is None and not any(out.parent.glob(f".{out.name}.okrsite-new-*"))
                   and _home_page(out) == home):
                assert time.monotonic() < deadline, "the build never started writing"
                time.sleep(0.0005)
            time.sleep(rng.uniform(0, window))
        else:
            time.sleep(rng.uniform(0, 3 * window))
        running = process.poll() is None
        with contextlib.suppress(ProcessLookupError):  # the group is gone once the build ended
            os.killpg(process.pid, signal.SIGKILL)
    finally:
        process.wait(timeout=60)
    return running


@pytest.mark.skipif(not hasattr(os, "killpg"), reason="needs process groups")
@pytest.mark.parametrize("cached", [False, True], ids=["clean", "cached"])
def test_a_build_killed_at_any_moment_leaves_the_old_site_or_the_new_one_whole(example_copy, tmp_path, cached):
    """SIGKILL to a real `okrsite build` (and its workers) while it replaces every page of the
    output, many times: the output is always exactly one of the two sites, a file okrsite did
    not write is always there, and the next build removes what the dead ones left."""
    site, out = example_copy, tmp_path / "out" / "public"
    versions = {}
    for title in ("Suds A", "Suds B"):
        _set_title(site, title)
        reference = tmp_path / title
        assert build_site(site, reference, CLEAN).ok(False)
        versions[title] = snapshot(reference)
    assert versions["Suds A"] != versions["Suds B"]
    subprocess.run(_build_command(site, out, cached), check=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    (out / "notes.txt").write_text("written by hand")
    rng, current, killed = random.Random(16), "Suds B", 0
    started = time.monotonic()
    subprocess.run(_build_command(site, tmp_path / "timing", cached), check=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    window = (time.monotonic() - started) / 3
    for _ in range(14):
        target = "Suds A" if current == "Suds B" else "Suds B"
        _set_title(site, target)
        killed += _kill_during_a_build(_build_command(site, out, cached), out, rng, window)
        now = snapshot(out)
        assert now.pop("notes.txt") == b"written by hand"
        assert now in (versions["Suds A"], versions["Suds B"]), "a mix of the two sites"
        current = "Suds A" if now == versions["Suds A"] else "Suds B"
    assert killed >= 7, "too few builds were killed while running to prove anything"
    subprocess.run(_build_command(site, out, cached), check=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert {p.name for p in out.parent.iterdir()} == {"public"}, "what the dead builds left was not removed"
    now = snapshot(out)
    assert now.pop("notes.txt") == b"written by hand" and now == versions[target]


@pytest.mark.parametrize("relative", ["../escape.html", "a/../../escape.html", "/etc/escape.html", "a/..", "..\\escape.html"])
def test_an_output_path_that_leads_out_of_the_output_is_refused(relative, tmp_path):
    with pytest.raises(ValueError, match="escapes the output folder"):
        write._inside(str(tmp_path), relative)
    assert write._inside(str(tmp_path), "a/b..c/index.html") == f"{tmp_path}/a/b..c/index.html"


def test_a_file_the_system_takes_in_pieces_is_written_whole(tmp_path, monkeypatch):
    real = os.write
    pieces = []
    monkeypatch.setattr(os, "write", lambda handle, data: pieces.append(len(data)) or real(handle, bytes(data[:3])))
    handle = os.open(tmp_path / "file", os.O_WRONLY | os.O_CREAT)
    try:
        write._write_all_of(handle, b"0123456789")
    finally:
        os.close(handle)
    monkeypatch.undo()
    assert (tmp_path / "file").read_bytes() == b"0123456789" and pieces == [10, 7, 4, 1]
