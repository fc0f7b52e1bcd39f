"""Reading a site at a git revision: sub-folders, themes, git processes, and every way it can fail."""

from __future__ import annotations

import subprocess

import pytest

from gitrepo import BASE, PERSON, SITE_TOML, by, commit, diff, diff_json, git, make_repo, write


def test_a_site_in_a_sub_folder_of_the_repository(tmp_path, capsys, monkeypatch):
    root = make_repo(tmp_path / "repo", site="okrs")
    (tmp_path / "repo/README.md").write_text("Not part of the site.")
    monkeypatch.chdir(tmp_path / "repo")
    data = diff_json(capsys, "v1", "-C", "okrs")
    q4 = by(data["cycles"], "id")["2026-Q4"]
    assert [o["id"] for o in q4["owners_added"]] == ["support"]
    monkeypatch.chdir(root / "content")
    assert by(diff_json(capsys, "v1", "main", "-C", "..")["cycles"], "id")["2026-Q4"] == q4


def test_the_site_folder_may_follow_the_revisions_as_other_commands_take_it(tmp_path, capsys, monkeypatch):
    make_repo(tmp_path / "repo", site="okrs")
    monkeypatch.chdir(tmp_path / "repo")
    with_option = diff_json(capsys, "v1", "-C", "okrs")
    assert diff_json(capsys, "v1", "okrs") == with_option  # a folder after BASE alone is the site, not HEAD
    assert diff_json(capsys, "v1", "./okrs/") == with_option
    assert diff_json(capsys, "v1", "main", "okrs")["cycles"] == diff_json(capsys, "v1", "main", "-C", "okrs")["cycles"]


def test_a_folder_that_is_also_a_revision_or_a_site_given_twice_is_bad_usage(tmp_path, capsys, monkeypatch):
    root = make_repo(tmp_path / "repo", site="okrs")
    monkeypatch.chdir(tmp_path / "repo")
    git(tmp_path / "repo", "branch", "okrs")
    code, out, err = diff(capsys, "v1", "okrs")
    assert code == 2 and out == ""
    assert err == ("okrsite: error: 'okrs' is both a folder and a git revision: write ./okrs for the folder, "
                   "or put the site's folder after it (okrsite diff v1 okrs SITE_DIR)\n")
    assert diff_json(capsys, "v1", "./okrs") == diff_json(capsys, "v1", "-C", "okrs")
    code, out, err = diff(capsys, "v1", "main", str(root), "-C", "okrs")
    assert code == 2 and err == f"okrsite: error: the site's folder is given twice ({root} and -C okrs): give it once\n"


def test_not_a_git_repository(tmp_path, capsys, monkeypatch):
    (tmp_path / "site").mkdir()
    write(tmp_path / "site", {"site.toml": SITE_TOML, **BASE})
    monkeypatch.chdir(tmp_path / "site")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    code, out, err = diff(capsys, "main")
    assert code == 2 and out == ""
    assert err.startswith("okrsite: error: . is not in a git repository")


@pytest.mark.parametrize("revision", ["no-such-branch", "v1~5", "v1:site.toml"])
def test_an_unknown_revision_is_bad_usage(repo, capsys, revision):
    code, out, err = diff(capsys, revision)
    assert code == 2 and out == ""
    assert err == f"okrsite: error: unknown revision {revision!r}: no such branch, tag or commit in {repo.resolve()}\n"


def test_a_revision_without_the_site(repo, capsys):
    git(repo, "checkout", "-q", "--orphan", "empty")
    git(repo, "rm", "-rq", "--cached", ".")
    git(repo, "commit", "-q", "--allow-empty", "-m", "Nothing yet")
    code, out, err = diff(capsys, "empty", "main")
    assert code == 1 and out == ""
    assert err.strip() == "okrsite: diff failed: there is no site at empty: it has no site.toml"


def test_git_missing_is_said_plainly(repo, capsys, monkeypatch):
    monkeypatch.setenv("PATH", str(repo / "no-bin"))
    code, out, err = diff(capsys, "v1")
    assert code == 2 and out == ""
    assert err == "okrsite: error: git is not installed (or not on PATH): okrsite diff needs it\n"


def test_a_revision_takes_three_git_processes_however_many_files(repo, capsys, monkeypatch):
    write(repo, {f"content/2026-Q4/person-{n}.md": PERSON.format(n=n) for n in range(30)})
    commit(repo, "Thirty people", "2026-11-14T11:00:00+00:00")
    calls = []
    real_run = subprocess.run
    monkeypatch.setattr("okrsite.git.subprocess.run",
                        lambda argv, **kwargs: calls.append(argv[3]) or real_run(argv, **kwargs))
    q4 = by(diff_json(capsys, "main~1", "main")["cycles"], "id")["2026-Q4"]
    assert len(q4["owners_added"]) == 30
    assert calls == ["rev-parse", "rev-parse", "ls-tree", "cat-file", "rev-parse", "ls-tree", "cat-file"]


def test_a_site_with_its_own_theme_loads_at_a_revision(repo, capsys):
    write(repo, {"site.toml": SITE_TOML + 'theme = "house"\n',
                 "themes/house/templates/base.html": "{% block body %}{% endblock %}"})
    commit(repo, "Our own theme", "2026-11-14T11:00:00+00:00")
    data = diff_json(capsys, "main~1", "main")
    assert data["changed"] is False
