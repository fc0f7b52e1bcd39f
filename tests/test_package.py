"""okrsite as a real package: the wheel carries the default theme and the starter files,
and installs into a fresh virtual environment that builds a site far from this repository."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import REPO
from okrsite import __version__

STEP_TIMEOUT = 300  # seconds any step may take


class _Title(HTMLParser):
    def __init__(self):
        super().__init__()
        self.in_title, self.title = False, ""

    def handle_starttag(self, tag, attrs):
        self.in_title = tag == "title"

    def handle_endtag(self, tag):
        self.in_title = False

    def handle_data(self, data):
        if self.in_title:
            self.title += data


def run(*args, cwd: Path) -> str:
    """Run a command with a clean environment (no PYTHONPATH pointing at the repository)."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=STEP_TIMEOUT)
    assert done.returncode == 0, f"{args}\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh virtual environment with okrsite installed from its wheel; -> its bin folder."""
    work = tmp_path_factory.mktemp("package")
    run(sys.executable, "-m", "pip", "wheel", str(REPO), "--no-deps", "-q", "-w", str(work / "dist"), cwd=work)
    [wheel] = list((work / "dist").glob("okrsite-*.whl"))
    assert wheel.name.startswith(f"okrsite-{__version__}-")
    venv.create(work / "venv", with_pip=True)
    bin_dir = work / "venv" / ("Scripts" if os.name == "nt" else "bin")
    run(str(bin_dir / "python"), "-m", "pip", "install", "-q", str(wheel), cwd=work)
    return bin_dir


def test_the_installed_package_is_the_wheel_not_the_repository(installed, tmp_path):
    location = run(str(installed / "python"), "-c", "import okrsite, okrsite.theme as t; "
                   "print(okrsite.__file__); print(t.default_theme_dir())", cwd=tmp_path).split()
    assert all(str(installed.parent) in line for line in location), location
    assert REPO.as_posix() not in " ".join(location)


def test_new_and_build_work_outside_the_repository(installed, tmp_path):
    assert run(str(installed / "okrsite"), "--version", cwd=tmp_path).strip() == f"okrsite {__version__}"
    assert run(str(installed / "python"), "-m", "okrsite", "--version", cwd=tmp_path).strip() == f"okrsite {__version__}"
    run(str(installed / "okrsite"), "new", "okrs", cwd=tmp_path)
    assert (tmp_path / "okrs/.github/workflows/check.yml").is_file()
    out = run(str(installed / "okrsite"), "build", "okrs", "--strict", cwd=tmp_path)
    assert out.startswith("built 1 cycle, 7 owners")
    public = tmp_path / "okrs/public"
    title = _Title()
    title.feed((public / "index.html").read_text(encoding="utf-8"))
    assert "Example Co." in title.title
    assert (public / "static/style.css").stat().st_size > 1000
    pages = int(out.split(": ")[1].split(" pages")[0])
    assert len(list(public.rglob("*.html"))) == pages > 15


@pytest.mark.parametrize("command", ["build", "check", "new", "serve", "watch"])
def test_every_command_has_help_with_examples(installed, tmp_path, command):
    text = run(str(installed / "okrsite"), command, "--help", cwd=tmp_path)
    assert "examples:" in text or "example:" in text
    assert f"okrsite {command}" in text
