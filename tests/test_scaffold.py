"""okrsite new: a ready repository with an example, an editors' README and two GitHub workflows."""

from __future__ import annotations

import datetime as dt
import tomllib

import yaml

from conftest import REPO
from okrsite import SOURCE, __version__
from okrsite.assemble import load_site
from okrsite.build import build_site
from okrsite.config import load_config
from okrsite.diagnostics import Diagnostics
from okrsite.scaffold import _requirements, create_site, current_quarter, requirement
from okrsite.options import BuildOptions


def workflow_steps(path) -> list[dict]:
    data = yaml.safe_load(path.read_text())
    return [step for job in data["jobs"].values() for step in job.get("steps", [])]


def test_new_site_has_everything_a_repository_needs(tmp_path):
    root = tmp_path / "okrs"
    written = {p.relative_to(root).as_posix() for p in create_site(root, dt.date(2026, 11, 20))[0]}
    assert {"site.toml", ".gitignore", "README.md", "okrsite-requirements.txt", ".github/workflows/check.yml",
            ".github/workflows/pages.yml", ".github/workflows/digest.yml", "content/2026-Q4/example-co.md"} <= written
    people = [p for p in written if p.startswith("content/2026-Q4/people/")]
    assert len(people) == 3
    assert (root / ".gitignore").read_text().split() == ["/public/", "/.public.okrsite-*/", "/node_modules/"]


def test_pull_requests_are_checked_with_annotations(tmp_path):
    create_site(tmp_path, dt.date(2026, 11, 20))
    path = tmp_path / ".github/workflows/check.yml"
    data = yaml.safe_load(path.read_text())
    assert "pull_request" in data[True]  # YAML 1.1 reads the key `on` as True
    runs = [step.get("run", "") for step in workflow_steps(path)]
    assert "pip install -r okrsite-requirements.txt" in runs
    assert "okrsite check --format github" in runs  # warnings fail only with [checks] strict = true


def test_pull_requests_get_a_summary_of_what_they_change(tmp_path):
    create_site(tmp_path, dt.date(2026, 11, 20))
    steps = workflow_steps(tmp_path / ".github/workflows/check.yml")
    checkout = next(step for step in steps if step.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0  # the base branch must be there to compare with
    runs = [step.get("run", "") for step in steps]
    diff = runs.index('okrsite diff "origin/$GITHUB_BASE_REF" --format markdown >> "$GITHUB_STEP_SUMMARY"')
    assert diff > runs.index("okrsite check --format github")
    # a base branch with errors, or without a site yet, must not fail the pull request that fixes it
    assert steps[diff]["continue-on-error"] is True


def test_main_is_published_with_the_official_pages_actions(tmp_path):
    create_site(tmp_path, dt.date(2026, 11, 20))
    path = tmp_path / ".github/workflows/pages.yml"
    data = yaml.safe_load(path.read_text())
    assert data[True]["push"]["branches"] == ["main"]
    assert data["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    uses = [step.get("uses", "").split("@")[0] for step in workflow_steps(path)]
    for action in ("actions/configure-pages", "actions/upload-pages-artifact", "actions/deploy-pages"):
        assert action in uses
    runs = [step.get("run", "") for step in workflow_steps(path)]
    assert runs.index("pip install -r okrsite-requirements.txt") < runs.index("okrsite build")  # never --strict
    assert data["jobs"]["deploy"]["environment"]["url"] == "${{ steps.deployment.outputs.page_url }}"


def test_a_weekly_digest_goes_to_the_job_summary_and_is_kept(tmp_path):
    create_site(tmp_path, dt.date(2026, 11, 20))
    path = tmp_path / ".github/workflows/digest.yml"
    data = yaml.safe_load(path.read_text())
    minute, hour, day, month, weekday = data[True]["schedule"][0]["cron"].split()
    assert (day, month, weekday) == ("*", "*", "1") and int(hour) < 10  # Monday morning
    assert "workflow_dispatch" in data[True]
    assert data["permissions"] == {"contents": "read"}
    steps = workflow_steps(path)
    runs = [step.get("run", "") for step in steps]
    assert runs.index("pip install -r okrsite-requirements.txt") < runs.index("okrsite digest --format markdown -o digest.md")
    assert runs.index("okrsite digest --format markdown -o digest.md") < runs.index('cat digest.md >> "$GITHUB_STEP_SUMMARY"')
    assert "okrsite digest --format html -o digest.html" in runs
    upload = next(step for step in steps if step.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["with"]["path"].split() == ["digest.md", "digest.html"]
    checkout = next(step for step in steps if step.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0  # history = "git" reads check-ins from every commit


def test_the_digest_workflow_runs_on_a_new_site(tmp_path, monkeypatch, capsys):
    """Its okrsite steps, run on the new site as GitHub runs them (from the repository's root)."""
    from okrsite.cli import main

    create_site(tmp_path, dt.date(2026, 11, 20))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(dt.datetime(2026, 11, 23, 7, tzinfo=dt.timezone.utc).timestamp())))
    for step in workflow_steps(tmp_path / ".github/workflows/digest.yml"):
        if step.get("run", "").startswith("okrsite digest"):
            assert main(step["run"].split()[1:]) == 0, step["run"]
    markdown = (tmp_path / "digest.md").read_text(encoding="utf-8")
    assert markdown.startswith("## Weekly digest: Example Co. OKRs\n")
    assert "\n\nQ4 2026, 16 Nov to 23 Nov 2026: 2 objectives got worse.\n" in markdown  # no check-in since 12 Nov
    assert "https://example.github.io/okrs/2026-q4/" in markdown
    assert "<h1" in (tmp_path / "digest.html").read_text(encoding="utf-8")


def test_editors_readme_explains_the_everyday_tasks(tmp_path):
    create_site(tmp_path, dt.date(2026, 11, 20))
    text = (tmp_path / "README.md").read_text()
    for heading in ("## Preview your changes", "## Add an objective", "## Update progress", "## Add a check-in"):
        assert heading in text
    assert "content/2026-Q4/" in text and "okrsite serve" in text
    assert "{" + "cycle}" not in text and "{" + "version}" not in text and "{" + "source}" not in text
    assert "pip install -r okrsite-requirements.txt" in text and f"]({SOURCE})" in text


def test_new_site_builds_without_warnings_on_any_day(tmp_path):
    for day in (dt.date(2026, 1, 1), dt.date(2026, 11, 20), dt.date(2027, 6, 30)):
        root = tmp_path / day.isoformat()
        create_site(root, day)
        assert (root / f"content/{current_quarter(day)}").is_dir()
        report = build_site(root, root / "public", BuildOptions(day, strict=True))
        assert report.ok(strict=True), [d.format() for d in report.diagnostics.items]
        assert (root / "public/index.html").is_file()


def test_new_site_gets_no_coaching_on_any_day_of_a_quarter(tmp_path):
    """Its fortnightly check-ins go up to the day it is made, so none is ever stale: tried on each
    day just before a check-in is due, and on the quarter's first and last days."""
    for offset in (0, 13, 14, 27, 41, 55, 69, 83, 89, 90):
        day = dt.date(2027, 1, 1) + dt.timedelta(days=offset)
        root = tmp_path / day.isoformat()
        create_site(root, day)
        diagnostics = Diagnostics()
        assert load_site(root, BuildOptions(day), diagnostics) is not None
        assert diagnostics.items == [], (day, [d.format() for d in diagnostics.items])


def test_a_second_run_keeps_every_file_it_finds(tmp_path):
    written, kept = create_site(tmp_path, dt.date(2026, 11, 20))
    assert written and kept == []
    (tmp_path / "README.md").write_text("ours")
    (tmp_path / "content/2026-Q4/example-co.md").unlink()
    again, kept = create_site(tmp_path, dt.date(2026, 11, 20))
    assert again == [tmp_path / "content/2026-Q4/example-co.md"] and len(kept) == len(written) - 1
    assert (tmp_path / "README.md").read_text() == "ours"


def requirement_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


def test_the_okrsite_to_install_is_named_in_one_file(tmp_path):
    """Both workflows install what okrsite-requirements.txt says: this release's tag in okrsite's
    source repository, which works whether or not okrsite is on PyPI. pip's cache is keyed on it."""
    create_site(tmp_path, dt.date(2026, 11, 20))
    text = (tmp_path / "okrsite-requirements.txt").read_text()
    assert requirement_lines(text) == [f"okrsite @ git+{SOURCE}@v{__version__}"]
    assert f"okrsite=={__version__}" in text  # the line to use once okrsite is on PyPI, in a comment
    for name in ("check.yml", "pages.yml", "digest.yml"):
        steps = workflow_steps(tmp_path / ".github/workflows" / name)
        setup = next(step for step in steps if step.get("uses", "").startswith("actions/setup-python@"))
        assert setup["with"]["cache"] == "pip" and setup["with"]["cache-dependency-path"] == "okrsite-requirements.txt"
        installs = [step["run"] for step in steps if "pip" in step.get("run", "")]
        assert installs == ["pip install -r okrsite-requirements.txt"], name


def test_a_development_version_follows_the_default_branch():
    assert requirement("0.2.0") == f"okrsite @ git+{SOURCE}@v0.2.0"
    assert requirement("1.0rc1") == f"okrsite @ git+{SOURCE}@v1.0rc1"
    for version in ("0.2.0.dev3", "0.2.0+local"):
        text = _requirements(version)
        assert requirement_lines(text) == [f"okrsite @ git+{SOURCE}"]
        assert f"okrsite {version}, which made this site, is a development version" in text


def test_the_source_repository_is_the_one_pyproject_names():
    urls = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["urls"]
    assert urls["Source"] == SOURCE


def test_publishing_reads_the_whole_history_and_never_cancels_a_deployment(tmp_path):
    """history = "git" needs every commit (a shallow clone has one); GitHub's own Pages workflow lets
    a running deployment finish; a pull request's newer push cancels its older check."""
    create_site(tmp_path, dt.date(2026, 11, 20))
    for name, concurrency in (("pages.yml", {"group": "pages", "cancel-in-progress": False}),
                              ("check.yml", {"group": "check-${{ github.ref }}", "cancel-in-progress": True})):
        path = tmp_path / ".github/workflows" / name
        assert yaml.safe_load(path.read_text())["concurrency"] == concurrency, name
        checkout = next(s for s in workflow_steps(path) if s.get("uses", "").startswith("actions/checkout@"))
        assert checkout["with"]["fetch-depth"] == 0, name


def test_starter_settings_say_how_to_turn_on_history_and_strict_checks(tmp_path):
    create_site(tmp_path, dt.date(2026, 11, 20))
    text = (tmp_path / "site.toml").read_text()
    assert '# history = "git"' in text and "fetch-depth: 0" in text
    assert "\nstrict = false " in text
    diagnostics = Diagnostics()
    assert load_config(tmp_path, diagnostics).checks.strict is False and diagnostics.items == []
    (tmp_path / "site.toml").write_text(text.replace('# history = "git"', 'history = "git"  #'))
    assert load_config(tmp_path, diagnostics).history == "git" and diagnostics.items == []
