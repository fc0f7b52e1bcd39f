"""Temporary git repositories with scripted commits, for the tests of okrsite diff and of history from git."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from content import write_files as write
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


def git(root: Path, *args: str, when: str = "2026-11-01T12:00:00+00:00", committed: str | None = None) -> str:
    """Run git in ``root``, authored ``when`` (and committed then too, unless ``committed`` says otherwise)."""
    env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": committed or when,
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    done = subprocess.run(["git", "-C", str(root), *args], env=env, capture_output=True, text=True, check=True)
    return done.stdout


def commit(repo: Path, message: str, when: str, committed: str | None = None) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, when=when, committed=committed)


def init(repo: Path) -> Path:
    """An empty repository in ``repo`` (made if missing), with a committer of its own."""
    repo.mkdir(parents=True, exist_ok=True)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.name", "Test")
    git(repo, "config", "user.email", "test@example.test")
    return repo


def make_repo(repo: Path, site: str = "") -> Path:
    """A repository with the site in ``repo/site``: base tagged ``v1``, then every change committed."""
    init(repo)
    root = repo / site
    write(root, {"site.toml": SITE_TOML, **BASE})
    commit(repo, "First OKRs", "2026-10-01T09:00:00+00:00")
    git(repo, "tag", "v1")
    write(root, head_files())
    commit(repo, "November check-ins", "2026-11-14T09:00:00+00:00")
    return root


def diff(capsys, *argv: str) -> tuple[int, str, str]:
    """``okrsite diff ARGV`` scored at DATE: (exit code, stdout, stderr)."""
    code = main(["diff", *argv, "--date", DATE])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def diff_json(capsys, *argv: str) -> dict:
    """``okrsite diff ARGV --format json``, which must succeed, parsed."""
    code, out, err = diff(capsys, *argv, "--format", "json")
    assert code == 0, err
    return json.loads(out)


def by(items: list[dict], key: str) -> dict[str, dict]:
    """A JSON list of objects by one of their keys."""
    return {item[key]: item for item in items}
