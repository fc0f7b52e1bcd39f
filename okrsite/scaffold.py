"""``okrsite new``: a ready repository with a small example company in the current quarter,
a README for the people who edit the OKRs, and GitHub Actions workflows that check pull
requests, publish the site with GitHub Pages and write a weekly digest, all installing the
okrsite that ``okrsite-requirements.txt`` names."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from okrsite import SOURCE, __version__
from okrsite.config import dates_from_name
from okrsite.editors import editor_files

STARTER = Path(__file__).resolve().parent / "starter"  # files of a new site: README, requirement, workflows
REQUIREMENTS = "okrsite-requirements.txt"  # the one line that says which okrsite the workflows install
_RELEASE = re.compile(r"\d+(\.\d+)*((a|b|rc)\d+)?(\.post\d+)?")  # PEP 440 without .dev or +local: a tagged release

SITE_TOML = """\
# okrsite settings. The format is described in okrsite's README.
title = "Example Co. OKRs"
base_url = "https://example.github.io/okrs/"   # where the site will be published
theme = "default"
# history = "git"        # check-ins from every commit that changed a key result's `current`; the
                         # workflows check out the whole history that this needs (fetch-depth: 0)

[status]                 # thresholds for on-track / at-risk / off-track and the final grades
achieved = 0.7
progress = 0.3
on_track = 0.8
at_risk = 0.5

[checks]                 # coaching warnings in `okrsite check`, all on; switch one off with false
stale_days = 14          # a key result with no check-in for longer is stale
strict = false           # true: warnings fail the pull-request check too, not only errors; publishing
                         # (okrsite build) fails on errors only, whatever this says
"""

# public/ and the folders beside it while a build swaps it in (or watch keeps the tree it replaced);
# node_modules: the editor tooling of okrsite/editors.py
GITIGNORE = "/public/\n/.public.okrsite-*/\n/node_modules/\n"


COMPANY = """\
---
name: Example Co.
kind: company
objectives:
  - id: customers
    title: Win customers who love what we make
    key_results:
      - id: active-customers
        title: Active customers
        start: 1000
        target: 1600
        unit: customers
{checkins_customers}
      - id: nps
        title: Net promoter score
        start: 32
        target: 45
        current: {nps}
        unit: points
  - id: efficient
    title: Run a calm, efficient operation
    key_results:
      - id: ship-days
        title: Days from order to delivery
        start: 5
        target: 2
        current: {ship_days}
        unit: days
      - id: teams-on-plan
        title: Departments on plan
        type: rollup
---
We make things people love. This quarter we focus on customers and a calm operation.
"""

SALES = """\
---
name: Sales
kind: department
parent: example-co
lead: sam-lee
objectives:
  - id: new-customers
    title: Bring in our best quarter of new customers
    aligns_to: example-co/customers
    key_results:
      - {{id: deals, title: New customers signed, start: 0, target: 400, current: {deals}, unit: customers}}
      - {{id: demos, title: Product demos given, start: 0, target: 150, current: {demos}, unit: demos}}
    initiatives:
      - "[x] Refresh the demo script"
      - "[ ] Hire a second account executive"
---
Sales finds and welcomes new customers.
"""

OPERATIONS = """\
---
name: Operations
kind: department
parent: example-co
lead: ana-ruiz
objectives:
  - id: faster-delivery
    title: Deliver every order faster
    aligns_to: [example-co/efficient, example-co/efficient/teams-on-plan]
    key_results:
      - {{id: ship-days, title: Days from order to delivery, start: 5, target: 2, current: {ship_days}, unit: days}}
      - {{id: new-carrier, title: Second delivery carrier signed, type: milestone, done: true}}
kpis:
  - {{id: returns, title: Return rate, current: 3.1, target: 4, direction: lower, unit: "%"}}
---
Operations makes, packs and ships.
"""

SHIPPING = """\
---
name: Shipping
kind: team
parent: operations
lead: ana-ruiz
objectives:
  - id: same-day
    title: Ship most orders the day they arrive
    aligns_to: operations/faster-delivery
    key_results:
      - {{id: same-day-share, title: Orders shipped the same day, start: 40, target: 80, current: {same_day}, unit: "%"}}
      - {{id: packing-minutes, title: Minutes to pack an order, start: 12, target: 6, current: {packing}, unit: minutes}}
---
The shipping team packs and sends every order.
"""

PERSON = """\
---
name: {name}
kind: person
parent: {parent}
role: {role}
objectives:
  - id: {objective_id}
    title: {title}
    aligns_to: {aligns_to}
    key_results:
      - {{id: {kr1_id}, title: {kr1_title}, start: {kr1_start}, target: {kr1_target}, current: {kr1_current}, unit: {kr1_unit}}}
      - {{id: {kr2_id}, title: {kr2_title}, type: milestone, done: {kr2_done}}}
---
{about}
"""

PEOPLE = {
    "sam-lee": dict(name="Sam Lee", parent="sales", role="Head of Sales", objective_id="enterprise",
                    title="Open the door to bigger customers", aligns_to="sales/new-customers",
                    kr1_id="big-deals", kr1_title="Customers with 50+ seats", kr1_start=2, kr1_target=12, kr1_current=6,
                    kr1_unit="customers", kr2_id="case-study", kr2_title="First enterprise case study published",
                    kr2_done="false", about="Sam leads Sales."),
    "ana-ruiz": dict(name="Ana Ruiz", parent="shipping", role="Head of Operations", objective_id="pack-station",
                     title="Make packing effortless", aligns_to="shipping/same-day",
                     kr1_id="station-minutes", kr1_title="Minutes to pack at the new station", kr1_start=12,
                     kr1_target=6, kr1_current=9, kr1_unit="minutes", kr2_id="station-live",
                     kr2_title="New packing station in use", kr2_done="true", about="Ana runs Operations and Shipping."),
    "kai-moreno": dict(name="Kai Moreno", parent="shipping", role="Shipping Specialist", objective_id="cutoff",
                       title="Ship late orders the same day", aligns_to="shipping/same-day",
                       kr1_id="late-orders", kr1_title="Late orders shipped the same day", kr1_start=10,
                       kr1_target=70, kr1_current=45, kr1_unit="\"%\"", kr2_id="evening-shift",
                       kr2_title="Evening packing shift running", kr2_done="false", about="Kai packs and ships."),
}


def _starter(name: str, **values) -> str:
    """A file of ``okrsite/starter/`` with okrsite's version and ``values`` filled in."""
    text = (STARTER / name).read_text(encoding="utf-8")
    return text.format(**{"version": __version__, "source": SOURCE, **values})


def requirement(version: str = __version__) -> str:
    """The pip requirement that installs this okrsite: its release tag in the source repository,
    which works before okrsite is on PyPI and after; a development version has no tag, so it
    follows the default branch."""
    if _RELEASE.fullmatch(version):
        return f"okrsite @ git+{SOURCE}@v{version}"
    return f"okrsite @ git+{SOURCE}"


def _requirements(version: str = __version__) -> str:
    """okrsite-requirements.txt: the requirement, with the other lines an owner may use instead."""
    note = "" if _RELEASE.fullmatch(version) else (
        f"# okrsite {version}, which made this site, is a development version that no release tag\n"
        "# names: this follows okrsite's default branch. Pin a release (@vX.Y.Z) before relying on it.\n")
    return _starter(REQUIREMENTS, version=version, requirement=requirement(version), pin_note=note)


def current_quarter(today: dt.date) -> str:
    return f"{today.year}-Q{(today.month - 1) // 3 + 1}"


def _checkins(start: dt.date, today: dt.date) -> str:
    """Fortnightly check-ins from the cycle start up to today, as YAML lines."""
    values = [1080, 1170, 1240, 1310, 1380, 1440]
    lines = []
    for index, value in enumerate(values):
        day = start + dt.timedelta(days=14 * (index + 1))
        if day > today:
            break
        lines.append(f"          - {{date: {day.isoformat()}, value: {value}}}")
    return "        checkins:\n" + "\n".join(lines) if lines else "        current: 1000"


def example_files(today: dt.date) -> dict[str, str]:
    """Relative path -> text of every file of a new site."""
    cycle = current_quarter(today)
    start, _ = dates_from_name(cycle)
    numbers = dict(nps=38, ship_days=3.5, deals=180, demos=70, same_day=62, packing=9)
    content = f"content/{cycle}/"
    files = {
        "site.toml": SITE_TOML,
        ".gitignore": GITIGNORE,
        REQUIREMENTS: _requirements(),
        "README.md": _starter("README.md", cycle=cycle),
        ".github/workflows/check.yml": _starter("check.yml"),
        ".github/workflows/pages.yml": _starter("pages.yml"),
        ".github/workflows/digest.yml": _starter("digest.yml"),
        content + "example-co.md": COMPANY.format(checkins_customers=_checkins(start, today), **numbers),
        content + "departments/sales.md": SALES.format(**numbers),
        content + "departments/operations.md": OPERATIONS.format(**numbers),
        content + "teams/shipping.md": SHIPPING.format(**numbers),
    }
    for person, values in PEOPLE.items():
        files[content + f"people/{person}.md"] = PERSON.format(**values)
    files.update(editor_files())  # mistakes underlined as editors type (okrsite/editors.py)
    return files


def create_site(target: Path, today: dt.date | None = None) -> tuple[list[Path], list[Path]]:
    """Write a new site into ``target``: the files written, and those left alone because
    something was already there (an existing file is never overwritten)."""
    written, kept = [], []
    for relative, text in example_files(today or dt.date.today()).items():
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with path.open("x", encoding="utf-8") as file:  # "x": fails on anything already there, links too
                file.write(text)
        except FileExistsError:
            kept.append(path)
        else:
            written.append(path)
    return written, kept
