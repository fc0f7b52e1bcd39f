"""okrsite diff: a temporary git repository with scripted commits, compared revision to revision."""

from __future__ import annotations

import json
import os
import subprocess
import textwrap
from pathlib import Path

import pytest

from okrsite.cli import main

DATE = "2026-11-15"  # 45 of the 91 days of 2026-Q4 are behind: expected pace 0.4945

SITE_TOML = 'title = "Test Co OKRs"\nbase_url = "https://example.test/okrs/"\n'

COMPANY = """\
---
name: Test Co
kind: company
objectives:
  - id: grow
    title: Grow the business
    key_results:
      - id: revenue
        title: Revenue
        start: 0
        target: 100
        unit: k
        checkins:
          - {date: 2026-10-15, value: 20}
      - {id: launch, title: Launch the shop, type: milestone, done: false}
  - id: care
    title: Customers love us
    key_results:
      - {id: nps, title: Net promoter score, start: 30, target: 50, current: 40}
      - {id: support, title: Support desk open, type: milestone, done: true}
---
"""

SALES = """\
---
name: Sales
kind: department
parent: test-co
objectives:
  - id: deals
    title: Close deals
    aligns_to: test-co/grow
    key_results:
      - {id: signed, title: Deals signed, start: 0, target: 10, current: 5}
      - {id: demo, title: Demo script ready, type: milestone, done: true}
---
"""

OPS = """\
---
name: Operations
kind: department
parent: test-co
objectives:
  - id: speed
    title: Ship faster
    aligns_to: test-co/grow
    key_results:
      - {id: days, title: Days to ship, start: 5, target: 2, current: 4}
      - {id: carrier, title: Second carrier, type: milestone, done: false}
---
"""

SUPPORT = """\
---
name: Support
kind: team
parent: test-co
objectives:
  - id: answers
    title: Answer every customer within a day
    aligns_to: test-co/care
    key_results:
      - {id: answered, title: Tickets answered in a day, start: 40, target: 90, current: 60, unit: "%"}
      - {id: faq, title: FAQ published, type: milestone, done: false}
---
"""

SECRET = """\
---
name: Secret Lab
kind: department
parent: test-co
visibility: private
objectives:
  - id: hidden
    title: Hush-hush product
    aligns_to: test-co/grow
    key_results:
      - {{id: prototype, title: Prototype parts, start: 0, target: 10, current: {parts}}}
      - {{id: patent, title: Patent filed, type: milestone, done: false}}
---
"""

Q3 = """\
---
name: Test Co
kind: company
objectives:
  - id: summer
    title: A good summer
    score: {score}
    key_results:
      - {{id: visits, title: Shop visits, start: 0, target: 10, current: 5}}
      - {{id: fair, title: Summer fair held, type: milestone, done: true}}
---
"""

BASE = {
    "content/2026-Q3/test-co.md": Q3.format(score=0.5),
    "content/2026-Q4/test-co.md": COMPANY,
    "content/2026-Q4/sales.md": SALES,
    "content/2026-Q4/ops.md": OPS,
    "content/2026-Q4/secret.md": SECRET.format(parts=2),
}


PRIVATE_OBJECTIVE = """\
  - id: quiet
    title: Quiet acquisition
    visibility: private
    aligns_to: test-co/grow
    key_results:
      - {id: talks, title: Talks held, start: 0, target: 4, current: 1}
      - {id: signed, title: Letter signed, type: milestone, done: false}
"""


PERSON = """\
---
name: Person {n}
kind: person
parent: sales
objectives:
  - id: calls
    title: Call customers
    aligns_to: sales/deals
    key_results:
      - {{id: calls, title: Calls made, start: 0, target: 50, current: {n}}}
      - {{id: script, title: Call script written, type: milestone, done: true}}
---
"""


def head_files() -> dict[str, str | None]:
    """The second commit: every kind of change; ``None`` deletes a file."""
    company = (COMPANY
               .replace("          - {date: 2026-10-15, value: 20}\n",
                        "          - {date: 2026-10-15, value: 20}\n"
                        "          - {date: 2026-11-10, value: 45, note: Big order}\n")
               .replace("done: false}", "done: true}")
               .replace("      - {id: support, title: Support desk open, type: milestone, done: true}\n",
                        "      - {id: csat, title: Satisfaction, start: 0, target: 10, current: 5}\n"))
    sales = (SALES.replace("title: Close deals", "title: Close more deals")
             .replace("name: Sales", "name: Sales & Partners")
             .replace("aligns_to: test-co/grow", "aligns_to: test-co/care")
             .removesuffix("---\n") + PRIVATE_OBJECTIVE + "---\n")
    return {
        "content/2026-Q3/test-co.md": Q3.format(score=0.8),
        "content/2026-Q4/test-co.md": company,
        "content/2026-Q4/sales.md": sales,
        "content/2026-Q4/ops.md": None,
        "content/2026-Q4/support.md": SUPPORT,
        "content/2026-Q4/secret.md": SECRET.format(parts=8),
        "content/2027-Q1/test-co.md": COMPANY,
    }


def git(root: Path, *args: str, when: str = "2026-11-01T12:00:00+00:00") -> str:
    env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when,
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    done = subprocess.run(["git", "-C", str(root), *args], env=env, capture_output=True, text=True, check=True)
    return done.stdout


def write(root: Path, files: dict[str, str | None]) -> None:
    for relative, text in files.items():
        path = root / relative
        if text is None:
            path.unlink()
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text), encoding="utf-8")


def commit(repo: Path, message: str, when: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, when=when)


def make_repo(repo: Path, site: str = "") -> Path:
    """A repository with the site in ``repo/site``: base tagged ``v1``, then every change committed."""
    repo.mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.name", "Test")
    git(repo, "config", "user.email", "test@example.test")
    root = repo / site
    write(root, {"site.toml": SITE_TOML, **BASE})
    commit(repo, "First OKRs", "2026-10-01T09:00:00+00:00")
    git(repo, "tag", "v1")
    write(root, head_files())
    commit(repo, "November check-ins", "2026-11-14T09:00:00+00:00")
    return root


@pytest.fixture
def repo(tmp_path, monkeypatch) -> Path:
    root = make_repo(tmp_path / "repo")
    monkeypatch.chdir(root)
    return root


def diff(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["diff", *argv, "--date", DATE])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def diff_json(capsys, *argv: str) -> dict:
    code, out, err = diff(capsys, *argv, "--format", "json")
    assert code == 0, err
    return json.loads(out)


def by(items: list[dict], key: str) -> dict[str, dict]:
    return {item[key]: item for item in items}


# --- what is compared ---

def test_every_kind_of_change_with_exact_values(repo, capsys):
    data = diff_json(capsys, "v1", "main")
    assert data["base"]["revision"] == "v1" and data["head"]["revision"] == "main"
    assert data["head"]["commit"] == git(repo, "rev-parse", "main").strip()
    assert data["build_date"] == DATE and data["changed"] is True
    cycles = by(data["cycles"], "id")
    assert [c["id"] for c in data["cycles"]] == ["2027-Q1", "2026-Q4", "2026-Q3"]

    q4 = cycles["2026-Q4"]
    assert q4["change"] == "changed" and q4["state"] == "current"
    # company: grow (0.2 + 0) / 2 = 0.1 and care (0.5 + 1) / 2 = 0.75, then grow (0.45 + 1) / 2 and care (0.5 + 0.5) / 2
    assert q4["changes"] == {"progress": {"before": 0.425, "after": 0.6125}}
    assert [(o["id"], o["name"], o["kind"]) for o in q4["owners_added"]] == [("support", "Support", "team")]
    assert [o["id"] for o in q4["owners_removed"]] == ["ops"]
    assert q4["owners_changed"] == [{"id": "sales", "name": "Sales & Partners", "kind": "department",
                                     "url": "2026-q4/sales/",
                                     "changes": {"name": {"before": "Sales", "after": "Sales & Partners"}}}]
    assert q4["objectives_added"] == [{"ref": "support/answers", "title": "Answer every customer within a day",
                                       "aligns_to": ["test-co/care"], "progress": 0.2, "status": "off-track",
                                       "url": "2026-q4/support/answers/"}]
    assert [o["ref"] for o in q4["objectives_removed"]] == ["ops/speed"]

    changed = by(q4["objectives_changed"], "ref")
    assert set(changed) == {"test-co/grow", "test-co/care", "sales/deals"}
    grow = changed["test-co/grow"]
    assert grow["changes"] == {"status": {"before": "off-track", "after": "on-track"},
                               "progress": {"before": 0.1, "after": 0.725}}
    krs = by(grow["key_results_changed"], "ref")
    assert krs["test-co/grow/revenue"]["changes"] == {
        "current": {"before": 20, "after": 45}, "progress": {"before": 0.2, "after": 0.45},
        "status": {"before": "off-track", "after": "on-track"}}
    assert krs["test-co/grow/revenue"]["checkins_added"] == [{"date": "2026-11-10", "value": 45, "note": "Big order"}]
    assert krs["test-co/grow/launch"]["changes"] == {
        "done": {"before": False, "after": True}, "progress": {"before": 0.0, "after": 1.0},
        "status": {"before": "off-track", "after": "on-track"}}
    assert krs["test-co/grow/launch"]["checkins_added"] == []

    care = changed["test-co/care"]
    assert care["changes"] == {"progress": {"before": 0.75, "after": 0.5}}  # on track before and after
    assert [(k["ref"], k["type"], k["progress"]) for k in care["key_results_added"]] == [
        ("test-co/care/csat", "metric", 0.5)]
    assert [k["ref"] for k in care["key_results_removed"]] == ["test-co/care/support"]
    assert care["key_results_changed"] == []

    assert changed["sales/deals"]["changes"] == {
        "title": {"before": "Close deals", "after": "Close more deals"},
        "aligns_to": {"before": ["test-co/grow"], "after": ["test-co/care"]}}


def test_scores_move_in_an_archived_cycle_and_new_cycles_are_counted(repo, capsys):
    cycles = by(diff_json(capsys, "v1", "main")["cycles"], "id")
    q3 = cycles["2026-Q3"]
    assert q3["state"] == "archived" and q3["change"] == "changed"
    assert q3["changes"] == {"score": {"before": 0.5, "after": 0.8}}
    [summer] = q3["objectives_changed"]
    assert summer["changes"] == {"status": {"before": "progress", "after": "achieved"},
                                 "score": {"before": 0.5, "after": 0.8}}
    q1 = cycles["2027-Q1"]
    assert (q1["change"], q1["state"], q1["owners"], q1["objectives"]) == ("added", "upcoming", 1, 2)
    assert q1["changes"] == {"progress": {"before": None, "after": 0.425}}
    assert q1["objectives_added"] == [] and q1["owners_added"] == []


def test_the_other_way_round_what_was_added_is_removed(repo, capsys):
    cycles = by(diff_json(capsys, "main", "v1")["cycles"], "id")
    assert cycles["2027-Q1"]["change"] == "removed"
    assert cycles["2027-Q1"]["changes"]["progress"] == {"before": 0.425, "after": None}
    q4 = cycles["2026-Q4"]
    assert [o["id"] for o in q4["owners_removed"]] == ["support"]
    assert [o["id"] for o in q4["owners_added"]] == ["ops"]
    assert by(q4["objectives_changed"], "ref")["test-co/grow"]["key_results_changed"][0]["checkins_added"] == []


def test_private_owners_and_objectives_never_reach_the_diff(repo, capsys):
    for fmt in ("text", "markdown", "json"):
        code, out, err = diff(capsys, "v1", "main", "--format", fmt)
        assert code == 0, err
        for word in ("secret", "Secret", "Hush", "quiet", "Quiet"):
            assert word not in out, (fmt, word)


def test_include_private_shows_them(repo, capsys):
    q4 = by(diff_json(capsys, "v1", "main", "--include-private")["cycles"], "id")["2026-Q4"]
    assert [o["ref"] for o in q4["objectives_added"]] == ["sales/quiet", "support/answers"]
    hidden = by(q4["objectives_changed"], "ref")["secret/hidden"]
    assert hidden["key_results_changed"][0]["changes"]["current"] == {"before": 2, "after": 8}


def test_nothing_changed_says_so(repo, capsys):
    data = diff_json(capsys, "main", "main")
    assert data["changed"] is False and data["cycles"] == []
    code, out, _ = diff(capsys, "main")
    assert code == 0
    assert "No OKRs changed (scored as of 15 Nov 2026)." in out.splitlines()


# --- HEAD and the site's folder ---

def test_without_head_the_working_tree_is_compared(repo, capsys):
    assert diff_json(capsys, "HEAD")["changed"] is False
    sales = (repo / "content/2026-Q4/sales.md")
    sales.write_text(sales.read_text().replace("current: 5}", "current: 8}"))
    data = diff_json(capsys, "HEAD")
    assert data["head"] == {"revision": None, "commit": None}
    [deals] = data["cycles"][0]["objectives_changed"]
    assert deals["ref"] == "sales/deals"
    assert deals["changes"] == {"progress": {"before": 0.75, "after": 0.9}}
    assert deals["key_results_changed"][0]["changes"]["current"] == {"before": 5, "after": 8}
    code, out, _ = diff(capsys, "HEAD", "--format", "markdown")
    assert out.startswith("## OKR changes: `HEAD` → the working tree\n")


def test_an_owner_moved_in_the_org_chart(repo, capsys):
    support = repo / "content/2026-Q4/support.md"
    support.write_text(support.read_text().replace("parent: test-co", "parent: sales"))
    [cycle] = diff_json(capsys, "HEAD")["cycles"]
    assert [(o["id"], o["changes"]) for o in cycle["owners_changed"]] == [
        ("support", {"parent": {"before": "test-co", "after": "sales"}})]
    code, out, _ = diff(capsys, "HEAD", "--format", "markdown")
    assert "- owner changed: Support (`support`, team)\n  - parent: `test-co` → `sales`\n" in out


def test_a_site_in_a_sub_folder_of_the_repository(tmp_path, capsys, monkeypatch):
    root = make_repo(tmp_path / "repo", site="okrs")
    (tmp_path / "repo/README.md").write_text("Not part of the site.")
    monkeypatch.chdir(tmp_path / "repo")
    data = diff_json(capsys, "v1", "-C", "okrs")
    q4 = by(data["cycles"], "id")["2026-Q4"]
    assert [o["id"] for o in q4["owners_added"]] == ["support"]
    monkeypatch.chdir(root / "content")
    assert by(diff_json(capsys, "v1", "main", "-C", "..")["cycles"], "id")["2026-Q4"] == q4


# --- formats ---

def test_markdown_for_a_pull_request(repo, capsys):
    code, out, err = diff(capsys, "v1", "main", "--format", "markdown")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "## OKR changes: `v1` → `main`"
    assert lines[2] == ("1 cycle added, 1 owner added, 1 owner removed, 1 owner changed, 1 objective added, "
                        "1 objective removed, "
                        "4 objectives changed, 1 new check-in (scored as of 15 Nov 2026).")
    headings = [line for line in lines if line.startswith("### ")]
    assert headings == ["### Q1 2027 (`2027-Q1`, upcoming)", "### Q4 2026 (`2026-Q4`, current)",
                        "### Q3 2026 (`2026-Q3`, archived)"]
    for expected in (
        "- cycle added: 1 owner, 2 objectives",
        "- progress: 42 % → 61 %",
        "- owner added: Support (`support`, team)",
        "- owner removed: Operations (`ops`, department)",
        "- owner changed: Sales \\& Partners (`sales`, department)",
        "  - name: Sales → Sales \\& Partners",
        "- objective added: `support/answers` Answer every customer within a day (20 %, 🔴 off track)",
        "- objective removed: `ops/speed` Ship faster",
        "- objective changed: `test-co/grow` Grow the business",
        "  - status: 🔴 off track → 🟢 on track",
        "  - progress: 10 % → 72 %",
        "  - key result `revenue` Revenue",
        "    - current: 20 k → 45 k",
        "    - new check-in: 10 Nov 2026, 45 k (Big order)",
        "    - done: not done → done",
        "  - key result added: `csat` Satisfaction",
        "  - key result removed: `support` Support desk open",
        "  - title: “Close deals” → “Close more deals”",
        "  - aligns to: `test-co/grow` → `test-co/care`",
        "  - status: 🟡 progress made → 🟢 achieved",
        "  - score: 0.50 → 0.80",
    ):
        assert expected in lines, expected


def test_text_for_a_terminal(repo, capsys):
    code, out, _ = diff(capsys, "v1", "main")
    lines = out.splitlines()
    assert lines[0] == "OKR changes: v1 -> main"
    assert "Q4 2026 (2026-Q4, current)" in lines
    assert "  - status: off track -> on track" in lines
    assert "  - aligns to: test-co/grow -> test-co/care" in lines
    assert "`" not in out and "→" not in out


def test_user_text_cannot_become_markdown(repo, capsys):
    sales = repo / "content/2026-Q4/sales.md"
    sales.write_text(sales.read_text().replace("title: Close more deals",
                                               'title: "Close *all* [deals](https://evil.test) | <b>now</b>"'))
    code, out, _ = diff(capsys, "v1", "--format", "markdown")
    assert "“Close deals” → “Close \\*all\\* \\[deals\\](https://evil.test) \\| \\<b\\>now\\</b\\>”" in out


# --- problems ---

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


def test_a_revision_with_errors_names_the_files(repo, capsys):
    broken = repo / "content/2026-Q4/sales.md"
    broken.write_text(broken.read_text().replace("aligns_to: test-co/care", "aligns_to: test-co/nowhere"))
    commit(repo, "A typo", "2026-11-14T10:00:00+00:00")
    git(repo, "checkout", "-q", "v1")  # the working tree is fine again; the broken commit is main
    code, out, err = diff(capsys, "v1", "main")
    assert code == 1 and out == ""
    lines = err.splitlines()
    assert lines[0].startswith(os.path.join("content", "2026-Q4", "sales.md") + ":8: error: 'aligns_to' names "
                               "'test-co/nowhere'")
    assert lines[-1] == "okrsite: diff failed: the site at main has errors"


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


# --- reading a revision ---

def test_a_revision_takes_three_git_processes_however_many_files(repo, capsys, monkeypatch):
    write(repo, {f"content/2026-Q4/person-{n}.md": PERSON.format(n=n) for n in range(30)})
    commit(repo, "Thirty people", "2026-11-14T11:00:00+00:00")
    calls = []
    real_run = subprocess.run
    monkeypatch.setattr("okrsite.gitrevision.subprocess.run",
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
