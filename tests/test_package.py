"""okrsite as a real package: the sdist and the wheel build without a warning, the wheel
carries the default theme, the starter files and the license, and installs into a fresh
virtual environment that builds a site far from this repository."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

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


def run(*args, cwd: Path, output: str = "stdout") -> str:
    """Run a command with a clean environment (no PYTHONPATH pointing at the repository;
    bytecode written, as on a release machine, where setuptools would otherwise warn)."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "PYTHONDONTWRITEBYTECODE")}
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=STEP_TIMEOUT)
    assert done.returncode == 0, f"{args}\n{done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr if output == "both" else done.stdout


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> tuple[Path, str]:
    """The sdist and the wheel, built as the release workflow builds them (the wheel from
    the sdist); -> the folder they are in, and everything the build printed."""
    work = tmp_path_factory.mktemp("dist")
    log = run(sys.executable, "-m", "build", "--outdir", str(work), str(REPO), cwd=work, output="both")
    return work, log


def test_the_sdist_and_the_wheel_build_without_a_warning(dist):
    folder, log = dist
    warnings = [line for line in log.splitlines() if re.search(r"warn|deprecat", line, re.IGNORECASE)]
    assert warnings == [], log
    assert sorted(p.name for p in folder.iterdir()) == [f"okrsite-{__version__}-py3-none-any.whl",
                                                        f"okrsite-{__version__}.tar.gz"]


def test_the_wheel_carries_the_theme_the_starter_files_and_the_license(dist):
    [wheel] = dist[0].glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata = archive.read(f"okrsite-{__version__}.dist-info/METADATA").decode()
    for name in ("okrsite/themes/default/templates/base.html", "okrsite/themes/default/static/style.css",
                 "okrsite/starter/check.yml", f"okrsite-{__version__}.dist-info/licenses/LICENSE"):
        assert name in names
    assert "License-Expression: MIT" in metadata.splitlines()
    assert "Project-URL: Changelog, https://github.com/okrsite/okrsite/blob/main/CHANGELOG.md" in metadata


@pytest.fixture(scope="module")
def installed(tmp_path_factory, dist, new_venv) -> Path:
    """A fresh virtual environment with okrsite installed from its wheel; -> its bin folder."""
    work = tmp_path_factory.mktemp("package")
    [wheel] = list(dist[0].glob("okrsite-*.whl"))
    bin_dir = new_venv(work / "venv")
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


@pytest.mark.parametrize("command", ["build", "check", "new", "serve", "watch", "diff", "schema"])
def test_every_command_has_help_with_examples(installed, tmp_path, command):
    text = run(str(installed / "okrsite"), command, "--help", cwd=tmp_path)
    assert "examples:" in text or "example:" in text
    assert f"okrsite {command}" in text


def test_the_pre_commit_hook_checks_the_site_when_its_files_change():
    [hook] = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert (hook["id"], hook["entry"], hook["language"]) == ("okrsite-check", "okrsite check", "python")
    assert hook["pass_filenames"] is False and hook["verbose"] is True  # warnings print even when it passes
    files = re.compile(hook["files"])
    assert all(files.search(p) for p in ("content/2026-Q4/acme.md", "site.toml", "themes/dark/static/x.css"))
    assert not any(files.search(p) for p in ("README.md", "docs/site.toml.md", ".github/workflows/pages.yml"))


def test_a_version_tag_builds_checks_tests_and_publishes_with_trusted_publishing():
    workflow = yaml.safe_load((REPO / ".github/workflows/release.yml").read_text(encoding="utf-8"))
    assert workflow[True] == {"push": {"tags": ["v*"]}}  # YAML 1.1 reads the key `on` as True
    jobs = workflow["jobs"]
    build = " ".join(step.get("run", "") for step in jobs["build"]["steps"])
    assert "python -m build" in build and "twine check --strict dist/*" in build
    assert ".ci/run" in " ".join(step.get("run", "") for step in jobs["test"]["steps"])
    publish = jobs["publish"]
    assert set(publish["needs"]) == {"build", "test"} and publish["environment"] == "pypi"
    assert publish["permissions"] == {"id-token": "write"}
    assert publish["steps"][-1]["uses"] == "pypa/gh-action-pypi-publish@release/v1"
