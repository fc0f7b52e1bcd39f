"""Small OKR files written as text, for tests: the builders that several test modules share."""

from __future__ import annotations

import textwrap
from pathlib import Path

KRS = ("    key_results:\n"
       "      - {id: a, title: A, start: 0, target: 10, current: 5}\n"
       "      - {id: b, title: B, start: 0, target: 10, current: 5}\n")


def owner(name: str, kind: str, parent: str, objectives: str = "", extra: str = "") -> str:
    """An owner's file: ``objectives`` are items made by :func:`objective`; ``extra`` more front-matter lines."""
    text = f"---\nname: {name}\nkind: {kind}\nparent: {parent}\n{extra}"
    return text + (f"objectives:\n{objectives}" if objectives else "") + "---\n"


def objective(ident: str, aligns_to: str, extra: str = "", key_results: str = KRS) -> str:
    """One item of an owner's ``objectives:``, aligned to ``aligns_to``, with two key results at half way."""
    return f"  - id: {ident}\n    title: Objective {ident}\n    aligns_to: {aligns_to}\n{extra}{key_results}"


def write_files(root: Path, files: dict[str, str | None]) -> None:
    """Write ``files`` (paths relative to ``root``, text dedented); ``None`` deletes a file."""
    for relative, text in files.items():
        path = root / relative
        if text is None:
            path.unlink()
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text), encoding="utf-8")


# --- a week of check-ins, for the weekly digest (okrsite digest, the digest page) ---

WEEK_TOML = """title = "Acme OKRs"
base_url = "https://okrs.example.com/acme/"
current_cycle = "sprint"

[cycles.sprint]
start = 2026-01-01
end = 2026-01-31

[checks]
stale_days = 10
"""
WEEK = {  # built on 21 Jan 2026: the week from 14 Jan, when 13/30 of the cycle had passed, to 21 Jan (20/30)
    "content/sprint/acme.md": """---
name: Acme
kind: company
objectives:
  - id: grow
    title: Grow
    key_results:
      - id: revenue
        title: Revenue
        start: 0
        target: 100
        unit: k
        checkins:
          - {date: 2026-01-05, value: 20, note: Launched}
          - {date: 2026-01-12, value: 40}
          - {date: 2026-01-16, value: 70, note: Big deal}
          - {date: 2026-01-20, value: 80, note: Renewals}
      - {id: launch, title: Launch, type: milestone, done: true}
---
""",
    "content/sprint/marketing.md": """---
name: Marketing
kind: department
parent: acme
objectives:
  - id: leads
    title: More leads
    aligns_to: acme/grow
    key_results:
      - id: signups
        title: Signups
        start: 0
        target: 10
        checkins:
          - {date: 2026-01-02, value: 5}
  - id: hidden
    title: A private plan
    visibility: private
    key_results:
      - id: secret-kr
        title: Secret
        start: 0
        target: 10
        checkins:
          - {date: 2026-01-02, value: 1}
          - {date: 2026-01-19, value: 9}
---
""",
    "content/sprint/ads.md": """---
name: Ads
kind: team
parent: marketing
objectives:
  - id: reach
    title: Reach people
    aligns_to: marketing/leads
    key_results:
      - id: clicks
        title: Clicks
        start: 0
        target: 100
        checkins:
          - {date: 2026-01-10, value: 50}
          - {date: 2026-01-18, value: 100, note: Target hit}
  - id: brand
    title: A known brand
    status: on-track
    key_results:
      - id: mentions
        title: Mentions
        start: 0
        target: 100
        checkins:
          - {date: 2026-01-01, value: 40}
---
""",
    "content/sprint/ops.md": """---
name: Ops
kind: team
parent: acme
objectives:
  - id: ship
    title: Ship faster
    key_results:
      - id: days
        title: Days to ship
        start: 10
        target: 5
        unit: days
        checkins:
          - {date: 2026-01-13, value: 9}
          - {date: 2026-01-15, value: 8, note: "Faster *carrier* <b>signed</b>"}
---
""",
    "content/sprint/kim.md": """---
name: Kim
kind: person
parent: ops
objectives:
  - id: pack
    title: Pack well
    key_results:
      - {id: done-right, title: Packed right, start: 0, target: 4, current: 1, checkins: [{date: 2026-01-20, value: 1}]}
---
""",
    "content/sprint/secret.md": """---
name: Secret team
kind: team
parent: marketing
visibility: private
objectives:
  - id: plot
    title: The plot
    key_results:
      - id: steps
        title: Steps
        start: 0
        target: 10
        checkins:
          - {date: 2026-01-02, value: 1}
          - {date: 2026-01-19, value: 5}
---
""",
}
