"""Publishing: the built site works under a sub-path, as a GitHub Pages project site is served,
and the workflows of a new site install okrsite and publish it.

The output is served on loopback under /okrs/ by a plain static server that, like
GitHub Pages, answers a missing path with 404.html; every internal link and every
src of every page must load.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import shutil
import subprocess
import sys
import tomllib
import threading
from collections.abc import Iterator
from functools import partial
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import yaml

from conftest import EXAMPLE_DATE, REPO
from okrsite import SOURCE, __version__
from okrsite.build import build_site
from okrsite.scaffold import create_site
from okrsite.options import BuildOptions
from pages_server import PREFIX, serving

class _Refs(HTMLParser):
    """Every href and src of a page, and its <base href> if it has one."""

    def __init__(self):
        super().__init__()
        self.refs: list[str] = []
        self.base: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "base":
            self.base = attrs.get("href")
        for name in ("href", "src"):
            if attrs.get(name) and tag != "base":
                self.refs.append(attrs[name])


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    site = tmp_path_factory.mktemp("site")
    shutil.copytree(REPO / "content", site / "content")
    (site / "site.toml").write_text('cname = "okrs.example.com"\n' + (REPO / "site.toml").read_text())
    out = site / "public"
    report = build_site(site, out, BuildOptions(EXAMPLE_DATE, strict=True))
    assert report.ok(True), [d.format() for d in report.diagnostics.items]
    with serving(out) as port:
        yield out, port


def fetch(port: int, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def internal(url: str) -> bool:
    parts = urlsplit(url)
    return not parts.scheme and not parts.netloc and not url.startswith("#")


def check_page(port: int, page_url: str, body: bytes, seen: dict[str, int]) -> list[str]:
    """Fetch everything a page refers to; the problems found."""
    refs = _Refs()
    refs.feed(body.decode("utf-8"))
    base = urljoin(page_url, refs.base) if refs.base else page_url
    problems = []
    for ref in refs.refs:
        if not internal(ref):
            continue
        target = urlsplit(urljoin(base, ref)).path
        if target not in seen:
            seen[target] = fetch(port, target)[0]
        if seen[target] != 200:
            problems.append(f"{page_url}: {ref} -> {target} ({seen[target]})")
    return problems


def test_every_link_and_src_of_every_page_loads_under_a_sub_path(served):
    out, port = served
    seen: dict[str, int] = {}
    problems = []
    pages = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html") if p.name != "404.html")
    assert len(pages) > 100
    for page in pages:
        url = PREFIX + page
        status, body = fetch(port, url)
        assert status == 200, url
        problems += check_page(port, url, body, seen)
    assert not problems, "\n".join(problems[:20])
    assert sum(1 for path in seen if path.endswith(".svg")) > 50  # badges and charts were among them
    assert any(path.endswith(".css") for path in seen)


@pytest.mark.parametrize("missing", ["/okrs/nope", "/okrs/2026-q4/nobody/", "/okrs/a/b/c/d/e/index.html", "/elsewhere"])
def test_404_page_works_from_any_depth(served, missing):
    _, port = served
    status, body = fetch(port, missing)
    assert status == 404 and b"Page not found" in body
    problems = check_page(port, missing, body, {})
    assert not problems, problems


def test_folder_urls_work_too(served):
    _, port = served
    for path in ("/okrs/", "/okrs/2026-q4/", "/okrs/cycles/"):
        assert fetch(port, path)[0] == 200, path


def test_pages_files_are_written(served):
    out, _ = served
    assert (out / ".nojekyll").is_file()
    assert (out / "CNAME").read_text() == "okrs.example.com\n"


# --- the workflows of `okrsite new`, run as GitHub Actions would run them ---

STEP_TIMEOUT = 300  # seconds any step may take


def _quiet_env(**extra: str) -> dict[str, str]:
    """This process's environment without pip's settings or a Python pointing at the repository:
    this machine's pip.conf, PIP_FIND_LINKS and the like must not decide what gets installed."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PIP_", "PYTHON", "GIT_")) and k != "VIRTUAL_ENV"}
    env.update(PIP_CONFIG_FILE=os.devnull, PIP_DISABLE_PIP_VERSION_CHECK="1", **extra)
    return env


def _run(args, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    done = subprocess.run(args, cwd=cwd, env=env or _quiet_env(), capture_output=True, text=True, timeout=STEP_TIMEOUT)
    assert done.returncode == 0, f"{args}\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="session")
def wheelhouse(tmp_path_factory) -> Path:
    """A package index without okrsite: wheels of okrsite's dependencies and of what builds it
    (setuptools), fetched once per session with this environment's pip (PyPI in CI)."""
    folder = tmp_path_factory.mktemp("wheelhouse")
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    wanted = project["build-system"]["requires"] + project["project"]["dependencies"]
    done = subprocess.run([sys.executable, "-m", "pip", "download", "-q", "-d", str(folder), *wanted],
                          capture_output=True, text=True, timeout=STEP_TIMEOUT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert not list(folder.glob("okrsite*"))
    return folder


@contextlib.contextmanager
def _source_repository(work: Path) -> Iterator[str]:
    """okrsite's source as a git repository with this release's tag, as its real repository has it,
    served over HTTP on loopback (git's dumb protocol: plain files): the files of this checkout as
    they are now (uncommitted changes too), committed once. Yields the repository's URL."""
    target = work / "checkout"
    listed = _run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], REPO).stdout
    for name in filter(None, listed.split("\0")):
        if (REPO / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, target / name)
    git = ["git", "-c", "user.name=Release", "-c", "user.email=release@example.test"]
    _run(git + ["init", "-q", "-b", "main"], target)
    _run(git + ["add", "-A"], target)
    _run(git + ["commit", "-q", "-m", "okrsite"], target)
    _run(git + ["tag", f"v{__version__}"], target)
    served = work / "served"
    _run(["git", "clone", "-q", "--bare", str(target), str(served / "okrsite/okrsite")], work)
    _run(["git", "update-server-info"], served / "okrsite/okrsite")
    handler = partial(_QuietFiles, directory=str(served))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/okrsite/okrsite"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


class _QuietFiles(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def _site_repository(root: Path) -> None:
    """The site as a pull request would leave it: main has the site of `okrsite new` with
    history = "git"; the branch adds a check-in and a key result without a unit (a coaching warning)."""
    create_site(root)
    toml = root / "site.toml"
    toml.write_text(toml.read_text().replace('# history = "git"', 'history = "git"  #'))
    git = ["git", "-c", "user.name=Editor", "-c", "user.email=editor@example.test"]
    _run(git + ["init", "-q", "-b", "main"], root)
    _run(git + ["add", "-A"], root)
    _run(git + ["commit", "-q", "-m", "okrsite new"], root)
    _run(["git", "update-ref", "refs/remotes/origin/main", "HEAD"], root)  # what the checkout fetched of the base
    [sales] = root.glob("content/*/departments/sales.md")
    sales.write_text(sales.read_text().replace("current: 180,", "current: 230,").replace(
        "    initiatives:", "      - {id: calls, title: Calls made, start: 0, target: 500, current: 120}\n    initiatives:"))
    _run(git + ["commit", "-q", "-am", "Sales: a check-in, and calls"], root)


def _run_workflow(workflow: Path, root: Path, work: Path, env: dict[str, str], new_venv) -> dict[str, str]:
    """Each `run:` step of the workflow's jobs in order, with bash as GitHub runs it, in a new virtual
    environment (on GitHub, setup-python's Python); the `uses:` actions are left out. -> step: output."""
    bin_dir = new_venv(work / "venv")
    env = dict(env, PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}", XDG_CACHE_HOME=str(work / "cache"),
               PIP_CACHE_DIR=str(work / "cache/pip"))
    outputs = {}
    for job in yaml.safe_load(workflow.read_text())["jobs"].values():
        for step in job["steps"]:
            if "run" in step:
                assert "${{" not in step["run"], step  # expressions are GitHub's; steps use its variables
                done = _run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]], root, env)
                outputs[step["run"]] = done.stdout + done.stderr
    return outputs


def test_the_workflows_of_a_new_site_work_before_okrsite_is_on_the_package_index(wheelhouse, tmp_path, new_venv):
    """`okrsite new`, then both workflows' `run:` steps as GitHub runs them, each workflow in a fresh
    virtual environment whose package index has okrsite's dependencies but not okrsite.

    Proven: okrsite-requirements.txt, as written, names okrsite by this release's tag in its source
    repository (okrsite.SOURCE, pyproject's Source), and that line installs okrsite from a git
    repository holding this checkout under that tag, with nothing but git and the dependencies;
    `okrsite build` then publishes a site with history = "git" and a coaching warning; `okrsite
    check --format github` shows the warning as an annotation and passes; the diff step writes the
    job summary; the weekly digest writes its summary and both files it keeps. The address is the one thing changed (GitHub is out of reach here): the tag is
    fetched from http://127.0.0.1:PORT/okrsite/okrsite, git's plain-file protocol on loopback.
    Not proven: that the real repository exists at SOURCE with the tag v<version> (the release's
    job, see docs/contributors.md); GitHub's runner image and Python; the `uses:` actions
    (checkout with fetch-depth: 0, setup-python's pip cache, the Pages actions)."""
    root = tmp_path / "okrs"
    _site_repository(root)
    requirements = root / "okrsite-requirements.txt"
    default = f"okrsite @ git+{SOURCE}@v{__version__}"
    assert default in requirements.read_text().splitlines()
    summary = tmp_path / "summary.md"
    env = _quiet_env(PIP_NO_INDEX="1", PIP_FIND_LINKS=str(wheelhouse), GITHUB_ACTIONS="true",
                     GITHUB_BASE_REF="main", GITHUB_STEP_SUMMARY=str(summary))
    with _source_repository(tmp_path / "source") as url:
        requirements.write_text(requirements.read_text().replace(f"git+{SOURCE}@", f"git+{url}@"))
        published = _run_workflow(root / ".github/workflows/pages.yml", root, tmp_path / "pages", env, new_venv)
        checked = _run_workflow(root / ".github/workflows/check.yml", root, tmp_path / "check", env, new_venv)
        digest_summary = tmp_path / "digest-summary.md"
        digested = _run_workflow(root / ".github/workflows/digest.yml", root, tmp_path / "digest",
                                 dict(env, GITHUB_STEP_SUMMARY=str(digest_summary)), new_venv)

    assert list(published) == ["pip install -r okrsite-requirements.txt", "okrsite build"]
    assert re.search(r"sales\.md:\d+: warning: .*'calls' has no unit", published["okrsite build"])  # and it published
    index = root / "public/index.html"
    assert index.is_file() and "Example Co." in index.read_text(encoding="utf-8")
    assert any("from git history" in page.read_text(encoding="utf-8") for page in (root / "public").rglob("*.html"))
    installed = _run([str(tmp_path / "pages/venv/bin/python"), "-c", "import okrsite; print(okrsite.__file__)"],
                     tmp_path).stdout
    assert str(tmp_path / "pages/venv") in installed  # from the tag, not this checkout
    annotations = checked["okrsite check --format github"]
    assert re.search(r"^::warning file=content/[^,]+/departments/sales\.md,line=\d+::", annotations, re.M)
    assert "current: 180 customers → 230 customers" in summary.read_text(encoding="utf-8")
    assert list(digested) == ["pip install -r okrsite-requirements.txt", "okrsite digest --format markdown -o digest.md",
                              'cat digest.md >> "$GITHUB_STEP_SUMMARY"', "okrsite digest --format html -o digest.html"]
    assert digest_summary.read_text(encoding="utf-8").startswith("## Weekly digest: Example Co. OKRs\n")
    assert (root / "digest.html").read_text(encoding="utf-8").startswith("<!doctype html>")
