"""okrsite.history: check-ins read from the git history of the content, with scripted commits."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import textwrap
from pathlib import Path

import pytest

from conftest import CYCLE, SITE_TOML, load, write_site
from gitrepo import commit, git, init, write
from htmlcheck import parse
from okrsite import history
from okrsite.assemble import load_site
from okrsite.build import Builder
from okrsite.cli import main
from okrsite.diagnostics import Diagnostics
from okrsite.options import BuildOptions

D = dt.date


def company(revenue: float | None = None, done: bool = False, title: str = "Revenue", confidence: float | None = None,
            launch_confidence: float | None = None) -> str:
    current = "" if revenue is None else f", current: {revenue}"
    current += "" if confidence is None else f", confidence: {confidence}"
    launched = "" if launch_confidence is None else f", confidence: {launch_confidence}"
    return textwrap.dedent(f"""\
        ---
        name: Test Co
        kind: company
        objectives:
          - id: grow
            title: Grow the business
            key_results:
              - {{id: revenue, title: {title}, start: 0, target: 100{current}, unit: k}}
              - {{id: launch, title: Launch the shop, type: milestone, done: {str(done).lower()}{launched}}}
              - id: churn
                title: Churn
                start: 10
                target: 5
                current: 8
                unit: days
        ---
        The company.
        """)


class Repo:
    """A site in a git repository, committed to with scripted author dates."""

    COMMITTED = "2027-01-15T12:00:00+00:00"  # every commit is committed later: author dates count

    def __init__(self, root: Path):
        self.root = init(root)

    def git(self, *args: str, date: str | None = None) -> str:
        return git(self.root, *args, when=f"{date or '2026-10-01'}T12:00:00+00:00", committed=self.COMMITTED)

    def commit(self, date: str, files: dict[str, str], message: str = "Check-in") -> None:
        write(self.root, files)
        commit(self.root, message, f"{date}T12:00:00+00:00", committed=self.COMMITTED)


@pytest.fixture
def history_repo(tmp_path) -> Repo:
    root = write_site(tmp_path / "site", {}, SITE_TOML + 'history = "git"\n')
    return Repo(root)


def checkins(site, ref: str) -> list[tuple[dt.date, float]]:
    kr = next(k for c in site.cycles for o in c.objectives for k in o.key_results if k.ref == ref)
    return [(c.date, c.value) for c in kr.checkins]


def scripted(repo: Repo) -> None:
    """The history the tests read: before the cycle, weekly check-ins, two on one day, a title edit, done."""
    path = f"{CYCLE}/test-co.md"
    repo.commit("2026-09-25", {path: company(5)}, "Plan Q4")
    repo.commit("2026-10-02", {path: company(10)})
    repo.commit("2026-10-09", {path: company(25)})
    repo.commit("2026-10-09", {path: company(30)}, "Fix a typo in the number")
    repo.commit("2026-10-16", {path: company(30, title="Revenue booked")}, "Reword")
    repo.commit("2026-10-23", {path: company(30, done=True, title="Revenue booked")}, "Shop launched")
    repo.commit("2026-10-30", {path: company(42, done=True, title="Revenue booked")})


def test_each_commit_that_moved_current_is_a_checkin_at_its_author_date(history_repo):
    scripted(history_repo)
    site, diagnostics = load(history_repo.root, D(2026, 11, 5))
    assert diagnostics.items == []
    # 25 Sep is before the cycle; the last of the two on 9 Oct counts; the reword is no check-in
    assert checkins(site, "test-co/grow/revenue") == [(D(2026, 10, 2), 10), (D(2026, 10, 9), 30), (D(2026, 10, 30), 42)]
    assert checkins(site, "test-co/grow/launch") == [(D(2026, 10, 23), 1.0)]
    assert checkins(site, "test-co/grow/churn") == []  # written before the cycle, unchanged since
    kr = site.cycles[0].company.objectives[0].key_results[1]
    assert kr.done_on == D(2026, 10, 23)


def test_a_commit_that_changes_the_confidence_gives_its_checkin_that_confidence(history_repo):
    path = f"{CYCLE}/test-co.md"
    history_repo.commit("2026-10-02", {path: company(10, confidence=0.8)})
    history_repo.commit("2026-10-09", {path: company(20, confidence=0.8)})  # the value moved, the confidence did not
    history_repo.commit("2026-10-16", {path: company(20, confidence=0.6)})  # the confidence alone moved: a check-in
    history_repo.commit("2026-10-23", {path: company(20, confidence=0.5)})
    history_repo.commit("2026-10-23", {path: company(30, confidence=0.5)}, "Later that day")  # one check-in a day
    history_repo.commit("2026-10-28", {path: company(30, confidence=7)}, "A typo: not a confidence")
    history_repo.commit("2026-10-30", {path: company(30, confidence=0.5, launch_confidence=0.9)})
    history_repo.commit("2026-11-06", {path: company(30, True, confidence=0.5, launch_confidence=0.9)}, "Launched")
    history_repo.commit("2026-11-13", {path: company(30, True, confidence=0.5, launch_confidence=1.0)})
    site, diagnostics = load(history_repo.root, D(2026, 11, 20))
    assert diagnostics.errors == []
    revenue, launch = site.cycles[0].company.objectives[0].key_results[:2]
    assert [(c.date, c.value, c.confidence) for c in revenue.checkins] == [
        (D(2026, 10, 2), 10, 0.8), (D(2026, 10, 9), 20, None), (D(2026, 10, 16), 20, 0.6), (D(2026, 10, 23), 30, 0.5)]
    assert (revenue.confidence, revenue.previous_confidence, revenue.confidence_trend) == (0.5, 0.6, "falling")
    # a milestone's confidence moves make check-ins too; it was done on the day it was marked done
    assert [(c.date, c.value, c.confidence) for c in launch.checkins] == [
        (D(2026, 10, 30), 0.0, 0.9), (D(2026, 11, 6), 1.0, None), (D(2026, 11, 13), 1.0, 1.0)]
    assert launch.done_on == D(2026, 11, 6) and launch.confidence == 1.0


def test_coaching_counts_checkins_from_git(history_repo):
    scripted(history_repo)
    _, diagnostics = load(history_repo.root, D(2026, 11, 20))  # three weeks after the last commit that moved revenue
    assert [d.message for d in diagnostics.items] == [
        "'test-co' has 1 key result with no check-in for more than 14 days (grow/revenue): "
        "commit this week's 'current': with history from git each change is a check-in"]


def test_written_checkins_win_over_history(history_repo):
    path = f"{CYCLE}/test-co.md"
    history_repo.commit("2026-10-02", {path: company(10)})
    text = company(20).replace("current: 20, unit: k}", "unit: k, checkins: [{date: 2026-10-05, value: 20}]}")
    history_repo.commit("2026-10-09", {path: text})
    site, _ = load(history_repo.root)
    assert checkins(site, "test-co/grow/revenue") == [(D(2026, 10, 5), 20)]


def test_history_follows_a_file_moved_into_a_sub_folder(history_repo):
    history_repo.commit("2026-10-02", {f"{CYCLE}/test-co.md": company(10)})
    (history_repo.root / CYCLE / "company").mkdir()
    history_repo.git("mv", f"{CYCLE}/test-co.md", f"{CYCLE}/company/test-co.md")
    history_repo.git("commit", "-q", "-m", "Move", date="2026-10-05")
    history_repo.commit("2026-10-09", {f"{CYCLE}/company/test-co.md": company(20)})
    site, _ = load(history_repo.root)
    assert checkins(site, "test-co/grow/revenue") == [(D(2026, 10, 2), 10), (D(2026, 10, 9), 20)]


def test_a_site_in_a_sub_folder_of_the_repository(tmp_path):
    write_site(tmp_path / "repo" / "okrs", {}, SITE_TOML + 'history = "git"\n')
    repo = Repo(tmp_path / "repo")
    repo.commit("2026-10-02", {f"okrs/{CYCLE}/test-co.md": company(10), "README.md": "hi\n"})
    repo.commit("2026-10-09", {f"okrs/{CYCLE}/test-co.md": company(20)})
    site, diagnostics = load(repo.root / "okrs")
    assert diagnostics.errors == []
    assert checkins(site, "test-co/grow/revenue") == [(D(2026, 10, 2), 10), (D(2026, 10, 9), 20)]


def test_a_repository_of_the_content_folder_alone(tmp_path):
    root = write_site(tmp_path / "site", {}, SITE_TOML + 'history = "git"\n')
    (root / "content").mkdir()
    repo = Repo(root / "content")
    repo.commit("2026-10-02", {"2026-Q4/test-co.md": company(10)})
    repo.commit("2026-10-09", {"2026-Q4/test-co.md": company(20)})
    site, diagnostics = load(root)
    assert diagnostics.errors == []
    assert checkins(site, "test-co/grow/revenue") == [(D(2026, 10, 2), 10), (D(2026, 10, 9), 20)]


def test_history_is_off_unless_asked_for(history_repo):
    (history_repo.root / "site.toml").write_text(SITE_TOML, encoding="utf-8")
    scripted(history_repo)
    site, _ = load(history_repo.root)
    assert checkins(site, "test-co/grow/revenue") == []
    diagnostics = Diagnostics()
    site = load_site(history_repo.root, BuildOptions(D(2026, 11, 20), history="git"), diagnostics)
    assert len(checkins(site, "test-co/grow/revenue")) == 3


def test_outside_a_repository_it_says_so_once_and_carries_on(make_site, capsys, monkeypatch):
    root = make_site({f"{CYCLE}/test-co.md": company(10)})
    monkeypatch.chdir(root)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(root.parent))
    assert main(["build", "--history", "git", "--date", "2026-11-20", "-q"]) == 0
    err = capsys.readouterr().err
    assert err.count("warning: no history from git: the content folder is not in a git repository") == 1
    assert (root / "public" / "okrs.json").is_file()


def test_without_git_it_says_so_once_and_carries_on(history_repo, monkeypatch):
    scripted(history_repo)
    monkeypatch.setenv("PATH", str(history_repo.root / "no-bin"))
    site, diagnostics = load(history_repo.root, D(2026, 11, 5))
    assert [d.message for d in diagnostics.items] == ["no history from git: git is not installed"]
    assert checkins(site, "test-co/grow/revenue") == []


def test_a_shallow_clone_warns_and_uses_the_history_it_has(history_repo, tmp_path):
    scripted(history_repo)
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{history_repo.root}", str(clone)], check=True)
    site, diagnostics = load(clone, D(2026, 11, 5))
    assert [d.message for d in diagnostics.warnings] == [
        "the git repository is a shallow clone, so check-ins from git start at its oldest commit: "
        "fetch the whole history (with actions/checkout, 'fetch-depth: 0')"]
    assert checkins(site, "test-co/grow/revenue") == [(D(2026, 10, 30), 42)]


def test_a_repository_without_commits_gives_no_checkins(history_repo):
    (history_repo.root / CYCLE).mkdir(parents=True)
    (history_repo.root / CYCLE / "test-co.md").write_text(company(10), encoding="utf-8")
    site, diagnostics = load(history_repo.root)
    assert diagnostics.items == [] and checkins(site, "test-co/grow/revenue") == []


def test_an_unreadable_old_version_is_skipped(history_repo):
    path = f"{CYCLE}/test-co.md"
    history_repo.commit("2026-10-02", {path: company(10)})
    history_repo.commit("2026-10-05", {path: "---\nname: [broken\n---\n"}, "Broken")
    history_repo.commit("2026-10-09", {path: company(20)})
    site, diagnostics = load(history_repo.root)
    assert diagnostics.errors == []
    assert checkins(site, "test-co/grow/revenue") == [(D(2026, 10, 2), 10), (D(2026, 10, 9), 20)]


def test_site_toml_history_must_be_git_or_none(make_site, monkeypatch):
    root = make_site({f"{CYCLE}/test-co.md": company(10)}, SITE_TOML + 'history = "svn"\n')
    monkeypatch.chdir(root)
    _, diagnostics = load(Path("."))
    assert [d.format() for d in diagnostics.errors] == ["site.toml:3: error: history must be \"git\" or \"none\", not 'svn'"]


def test_the_built_site_shows_checkins_from_git(history_repo, tmp_path, monkeypatch):
    scripted(history_repo)
    monkeypatch.chdir(history_repo.root)
    assert main(["build", "-o", str(tmp_path / "out"), "--date", "2026-11-20", "-q"]) == 0
    data = json.loads((tmp_path / "out" / "okrs.json").read_text(encoding="utf-8"))
    kr = data["cycles"][0]["owners"][0]["objectives"][0]["key_results"][0]
    assert kr["checkins"] == [{"date": "2026-10-02", "value": 10, "confidence": None},
                              {"date": "2026-10-09", "value": 30, "confidence": None},
                              {"date": "2026-10-30", "value": 42, "confidence": None}]
    page = parse((tmp_path / "out" / "2026-q4" / "test-co" / "grow" / "index.html").read_text(encoding="utf-8"))
    assert page.one("details", "checkins").one("summary").text() == "3 check-ins from git history"
    assert (tmp_path / "out" / "2026-q4" / "test-co" / "grow" / "revenue.svg").is_file()
    assert "done on 23 Oct 2026" in page.one(id="kr-launch").text()
    assert page.one(id="kr-churn").one("p", "empty").text() == "No check-ins yet."  # editors' advice is okrsite check's
    assert (kr["updated"], kr["stale"]) == ("2026-10-30", True)  # 21 days without a check-in, more than 14


def test_a_commit_alone_updates_the_next_build(history_repo, tmp_path):
    """Committing changes no file, yet gives a check-in: the history is part of what a build reuses."""
    path = f"{CYCLE}/test-co.md"
    history_repo.commit("2026-10-02", {path: company(10)})
    (history_repo.root / path).write_text(company(40), encoding="utf-8")
    builder = Builder(history_repo.root, tmp_path / "out")
    assert builder.build(D(2026, 11, 20)).ok(False)
    data = json.loads((tmp_path / "out" / "okrs.json").read_text(encoding="utf-8"))
    assert data["cycles"][0]["owners"][0]["objectives"][0]["key_results"][0]["checkins"] == [
        {"date": "2026-10-02", "value": 10, "confidence": None}]
    history_repo.git("commit", "-q", "-am", "Check-in", date="2026-10-20")
    assert builder.build(D(2026, 11, 20)).ok(False)
    data = json.loads((tmp_path / "out" / "okrs.json").read_text(encoding="utf-8"))
    assert data["cycles"][0]["owners"][0]["objectives"][0]["key_results"][0]["checkins"] == [
        {"date": "2026-10-02", "value": 10, "confidence": None}, {"date": "2026-10-20", "value": 40, "confidence": None}]
    page = (tmp_path / "out" / "2026-q4" / "test-co" / "grow" / "index.html").read_text(encoding="utf-8")
    assert "2 check-ins from git history" in page


def test_file_versions_are_read_once_and_kept_in_the_disk_cache(history_repo, tmp_path, monkeypatch):
    scripted(history_repo)
    read = []
    original = history._readings
    monkeypatch.setattr(history, "_readings", lambda raw: read.append(raw) or original(raw))
    first = Builder(history_repo.root, tmp_path / "out", BuildOptions(jobs=1, disk_cache=True), again=False)
    assert first.build(D(2026, 11, 20)).ok(False)
    first.save_cache()
    assert len(read) == 7  # a version per commit
    second = Builder(history_repo.root, tmp_path / "out2", BuildOptions(jobs=1, disk_cache=True), again=False)
    report = second.build(D(2026, 11, 20))
    assert report.ok(False) and len(read) == 7
    assert checkins(report.site, "test-co/grow/revenue")[-1] == (D(2026, 10, 30), 42)


def test_git_processes_are_few_whatever_the_size(history_repo, monkeypatch):
    for week in range(5):
        history_repo.commit(f"2026-10-{week * 7 + 1:02d}", {f"{CYCLE}/p{n}.md": person(n, week) for n in range(20)} |
                    {f"{CYCLE}/test-co.md": company(week)})
    calls = []
    real_run = subprocess.run
    monkeypatch.setattr("okrsite.git.subprocess.run", lambda argv, **kwargs: calls.append(argv[3]) or real_run(argv, **kwargs))
    site, diagnostics = load(history_repo.root)
    assert diagnostics.errors == []
    assert calls == ["rev-parse", "-c", "cat-file"]  # rev-parse, log (with -c core.quotePath), cat-file
    assert checkins(site, "p7/own/kr") == [(D(2026, 10, 1 + 7 * w), 7 + w) for w in range(5)]


def person(n: int, week: int) -> str:
    return textwrap.dedent(f"""\
        ---
        name: Person {n}
        kind: person
        parent: test-co
        objectives:
          - id: own
            title: Do well
            aligns_to: test-co/grow
            key_results:
              - {{id: kr, title: Things, start: 0, target: 100, current: {n + week}, unit: things}}
              - {{id: kr2, title: More things, start: 0, target: 10, current: 1, unit: things}}
        ---
        """)
