"""okrsite new: a ready repository with an example, an editors' README and two GitHub workflows."""

from __future__ import annotations

import datetime as dt

import yaml

from okrsite import __version__
from okrsite.build import build_site, load_site
from okrsite.diagnostics import Diagnostics
from okrsite.scaffold import create_site, current_quarter


def workflow_steps(path) -> list[dict]:
    data = yaml.safe_load(path.read_text())
    return [step for job in data["jobs"].values() for step in job.get("steps", [])]


def test_new_site_has_everything_a_repository_needs(tmp_path):
    root = tmp_path / "okrs"
    written = {p.relative_to(root).as_posix() for p in create_site(root, dt.date(2026, 11, 20))[0]}
    assert {"site.toml", ".gitignore", "README.md", ".github/workflows/check.yml",
            ".github/workflows/pages.yml", "content/2026-Q4/example-co.md"} <= written
    people = [p for p in written if p.startswith("content/2026-Q4/people/")]
    assert len(people) == 3
    assert (root / ".gitignore").read_text().split() == ["/public/", "/node_modules/"]


def test_pull_requests_are_checked_with_annotations(tmp_path):
    create_site(tmp_path, dt.date(2026, 11, 20))
    path = tmp_path / ".github/workflows/check.yml"
    data = yaml.safe_load(path.read_text())
    assert "pull_request" in data[True]  # YAML 1.1 reads the key `on` as True
    runs = [step.get("run", "") for step in workflow_steps(path)]
    assert f'pip install "okrsite=={__version__}"' in runs
    assert "okrsite check --strict --format github" in runs


def test_pull_requests_get_a_summary_of_what_they_change(tmp_path):
    create_site(tmp_path, dt.date(2026, 11, 20))
    steps = workflow_steps(tmp_path / ".github/workflows/check.yml")
    checkout = next(step for step in steps if step.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0  # the base branch must be there to compare with
    runs = [step.get("run", "") for step in steps]
    diff = runs.index('okrsite diff "origin/$GITHUB_BASE_REF" --format markdown >> "$GITHUB_STEP_SUMMARY"')
    assert diff > runs.index("okrsite check --strict --format github")
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
    assert f'pip install "okrsite=={__version__}"' in runs and "okrsite build --strict" in runs
    assert data["jobs"]["deploy"]["environment"]["url"] == "${{ steps.deployment.outputs.page_url }}"


def test_editors_readme_explains_the_everyday_tasks(tmp_path):
    create_site(tmp_path, dt.date(2026, 11, 20))
    text = (tmp_path / "README.md").read_text()
    for heading in ("## Preview your changes", "## Add an objective", "## Update progress", "## Add a check-in"):
        assert heading in text
    assert "content/2026-Q4/" in text and "okrsite serve" in text
    assert "{" + "cycle}" not in text and "{" + "version}" not in text


def test_new_site_builds_without_warnings_on_any_day(tmp_path):
    for day in (dt.date(2026, 1, 1), dt.date(2026, 11, 20), dt.date(2027, 6, 30)):
        root = tmp_path / day.isoformat()
        create_site(root, day)
        assert (root / f"content/{current_quarter(day)}").is_dir()
        report = build_site(root, root / "public", day, strict=True)
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
        assert load_site(root, day, diagnostics) is not None
        assert diagnostics.items == [], (day, [d.format() for d in diagnostics.items])


def test_a_second_run_keeps_every_file_it_finds(tmp_path):
    written, kept = create_site(tmp_path, dt.date(2026, 11, 20))
    assert written and kept == []
    (tmp_path / "README.md").write_text("ours")
    (tmp_path / "content/2026-Q4/example-co.md").unlink()
    again, kept = create_site(tmp_path, dt.date(2026, 11, 20))
    assert again == [tmp_path / "content/2026-Q4/example-co.md"] and len(kept) == len(written) - 1
    assert (tmp_path / "README.md").read_text() == "ours"
