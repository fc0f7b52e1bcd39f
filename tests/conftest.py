"""Shared fixtures: tiny sites written into a temporary folder, and the example site."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

# Timing belongs in benchmarks/, not in tests: Hypothesis's per-example deadline would fail a test
# whenever the machine is busy (CI runs the suite on every core at once).
settings.register_profile("okrsite", deadline=None)
settings.load_profile("okrsite")

import gitrepo
from content import write_files
from okrsite.assemble import load_site
from okrsite.build import BuildReport, build_site
from okrsite.diagnostics import Diagnostics
from okrsite.markdown import show_images_from
from okrsite.options import BuildOptions

REPO = Path(__file__).resolve().parent.parent
EXAMPLE_DATE = dt.date(2026, 11, 20)
CYCLE = "content/2026-Q4"
# A clean build made to compare another build with runs in this process: a forked worker adds a third to its
# CPU, and test_parallel holds the parallel build to the serial one byte for byte.
CLEAN = BuildOptions(EXAMPLE_DATE, jobs=1)

SITE_TOML = """\
title = "Test Co OKRs"
base_url = "https://example.test/okrs/"
"""

COMPANY = """\
---
name: Test Co
kind: company
objectives:
  - id: grow
    title: Grow the business
    key_results:
      - {id: revenue, title: Revenue, start: 0, target: 100, current: 50, unit: k}
      - {id: launch, title: Launch shop, type: milestone, done: true}
---
The company.
"""


# Modules with tests of several seconds of CPU each, slowest first (docs/scale.md, "Tests"): they run before the
# others, so that under pytest-xdist (-n auto hands the tests out in this order) they start early and no worker
# is left alone with one of them at the end.
SLOW_MODULES = ("test_publish.py", "test_build.py", "test_relink.py", "test_write.py", "test_properties.py",
                "test_scale.py", "test_cache.py", "test_corpus.py", "test_package.py")


def pytest_collection_modifyitems(items):
    rank = {name: index for index, name in enumerate(SLOW_MODULES)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # a stable sort: each module stays whole


def interruptible() -> None:
    """For ``Popen(preexec_fn=...)``: the child takes SIGINT as a program started from a terminal does,
    with Python's KeyboardInterrupt, even when the test session runs with SIGINT ignored (started as
    a background job, as ``cmd &`` does), which the child would inherit."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)


def write_site(root: Path, files: dict[str, str], site_toml: str = SITE_TOML) -> Path:
    """Write ``site.toml`` and ``files`` (paths relative to ``root``, text dedented) and return ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "site.toml").write_text(site_toml, encoding="utf-8")
    write_files(root, files)
    return root


@pytest.fixture(autouse=True, scope="session")
def _private_cache_key(tmp_path_factory):
    """The build cache's signing key lives in a folder of the test session, not the user's ~/.cache."""
    import os

    saved = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg-cache"))
    yield
    if saved is None:
        del os.environ["XDG_CACHE_HOME"]
    else:
        os.environ["XDG_CACHE_HOME"] = saved


@pytest.fixture(autouse=True)
def _markdown_defaults():
    """Markdown's image hosts come from the last site.toml read: every test starts without any."""
    show_images_from(())


@pytest.fixture
def example_copy(tmp_path) -> Path:
    """A copy of the example site (content/ and site.toml) to change."""
    site = tmp_path / "site"
    shutil.copytree(REPO / "content", site / "content")
    shutil.copy(REPO / "site.toml", site / "site.toml")
    return site


@pytest.fixture(scope="session")
def new_venv(tmp_path_factory):
    """``new_venv(path)``: a new virtual environment at ``path`` with what ``venv.create(path, with_pip=True)``
    puts in it (pip, and setuptools before Python 3.12); -> its folder of commands. ensurepip runs once a
    session (3.7 s of CPU) and each new environment gets a copy of the files it installed."""
    import os
    import venv

    template = tmp_path_factory.mktemp("venv-with-pip") / "venv"
    venv.create(template, with_pip=True)
    bare = tmp_path_factory.mktemp("venv-without-pip") / "venv"
    venv.create(bare, with_pip=False)

    def listed(folder: Path) -> set[str]:
        return {p.relative_to(folder).as_posix() for p in folder.rglob("*")}

    new = listed(template) - listed(bare)
    added = [template / r for r in sorted(new) if r.rpartition("/")[0] not in new]  # pip/, bin/pip, ...

    def make(path: Path) -> Path:
        venv.create(path, with_pip=False)
        for source in added:
            target = path / source.relative_to(template)
            if source.is_dir():
                shutil.copytree(source, target, symlinks=True)
            else:
                shutil.copy2(source, target)
                if source.read_bytes().startswith(b"#!"):  # a command: its first line names the interpreter
                    target.write_text(source.read_text(encoding="utf-8").replace(str(template), str(path)),
                                      encoding="utf-8")
        return path / ("Scripts" if os.name == "nt" else "bin")
    return make


@pytest.fixture
def repo(tmp_path, monkeypatch) -> Path:
    """For okrsite diff: the site at the top of a repository: tag v1 the first commit, main the second."""
    root = gitrepo.make_repo(tmp_path / "repo")
    monkeypatch.chdir(root)
    return root


@pytest.fixture
def make_site(tmp_path):
    """``make_site({"content/2026-Q4/acme.md": "..."})`` -> the site's root folder."""
    def make(files: dict[str, str], site_toml: str = SITE_TOML) -> Path:
        return write_site(tmp_path / "site", files, site_toml)
    return make


def failed_build(root: Path, capsys, monkeypatch) -> list[str]:
    """Run ``okrsite build`` on the site ``root`` from inside it, in this process (so a traceback fails
    the test); check that it exits 1 and writes nothing, and return the error lines it printed."""
    from okrsite.cli import main

    monkeypatch.chdir(root)
    capsys.readouterr()
    code = main(["build", "-o", "public", "--date", EXAMPLE_DATE.isoformat(), "-q", "-j", "1", "--no-cache"])
    captured = capsys.readouterr()
    assert code == 1, captured
    assert "Traceback" not in captured.out + captured.err
    assert not (root / "public").exists()
    return [line for line in captured.err.splitlines() if ": error: " in line]


def load(root: Path, date: dt.date = EXAMPLE_DATE):
    """``(site or None, diagnostics)`` for a site folder."""
    diagnostics = Diagnostics()
    return load_site(root, BuildOptions(date), diagnostics), diagnostics


@pytest.fixture(scope="session")
def example_build(tmp_path_factory) -> tuple[BuildReport, Path]:
    """The example company in the repository, built once for the whole test session."""
    out = tmp_path_factory.mktemp("example") / "public"
    report = build_site(REPO, out, BuildOptions(EXAMPLE_DATE, strict=True))
    assert report.ok(strict=True), [d.format() for d in report.diagnostics.items]
    return report, out


@pytest.fixture(scope="session")
def site(example_build):
    """The example site's model, as built."""
    return example_build[0].site


@pytest.fixture(scope="session")
def out(example_build) -> Path:
    """The folder the example site was built into."""
    return example_build[1]


@pytest.fixture
def check(make_site, monkeypatch):
    """Load the company plus ``files`` from the site root (so paths read content/...); -> (site, diagnostics)."""
    def check(files: dict[str, str], site_toml: str = SITE_TOML):
        root = make_site({f"{CYCLE}/test-co.md": COMPANY, **files}, site_toml)
        monkeypatch.chdir(root)
        return load(root)
    return check
