"""A generated 300-person company, built whole: every page, badge and chart is there and every link resolves.

Not a timing test (benchmarks/ measures speed): it catches mistakes that only show
at scale, in the parallel build among them. The expected counts come from the
generated files, read with plain YAML, not from okrsite's model.
"""

from __future__ import annotations

import html
import json
import re
import sys
from pathlib import Path

import pytest
import yaml

from conftest import EXAMPLE_DATE, REPO
from htmlcheck import is_absolute, resolve
from okrsite.build import build_site
from okrsite.options import BuildOptions

sys.path.insert(0, str(REPO / "benchmarks"))
from generate import generate  # noqa: E402

PEOPLE = 300
LINK = re.compile(r'\s(?:href|src)="([^"]*)"')


@pytest.fixture(scope="module")
def company(tmp_path_factory) -> tuple[Path, Path]:
    site = tmp_path_factory.mktemp("scale") / "site"
    generate(site, PEOPLE, 2)
    out = site.parent / "public"
    report = build_site(site, out, BuildOptions(EXAMPLE_DATE, strict=True, jobs=2))
    assert report.ok(True), [d.format() for d in report.diagnostics.items[:5]]
    return site, out


YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's when PyYAML has it: the same values, faster


def front_matter(path: Path) -> dict:
    return yaml.load(path.read_text(encoding="utf-8").split("---")[1], Loader=YAML_LOADER)


@pytest.fixture(scope="module")
def content(company) -> dict[Path, dict]:
    """Every content file's front matter, read once for the module."""
    site, _ = company
    return {path: front_matter(path) for path in site.glob("content/*/**/*.md")}


def expected_counts(site: Path, content: dict[Path, dict]) -> dict[str, int]:
    """What the site must have, from the content files alone."""
    counts = dict.fromkeys(["owners", "objectives", "charts", "current owners", "departments"], 0)
    for path, data in content.items():
        counts["owners"] += 1
        counts["current owners"] += path.relative_to(site / "content").parts[0] == "2026-Q4"
        counts["departments"] += data["kind"] == "department"
        for objective in data.get("objectives", []):
            counts["objectives"] += 1
            counts["charts"] += sum(1 for kr in objective["key_results"]
                                    if kr.get("type", "metric") == "metric" and kr.get("checkins"))
    return counts


def test_every_page_badge_and_chart_is_there(company, content):
    site, out = company
    expected = expected_counts(site, content)
    assert expected["owners"] == 2 * (1 + 4 + 38 + PEOPLE)  # the generator's shape: 38 teams in 4 departments
    pages = [p for p in out.rglob("*.html")]
    # per cycle: an overview, a tree, a status page, the people, the KPIs, the OKR health, a page per owner
    # and per objective; the archived cycle's retrospective; the current cycle's digest; and home, cycles,
    # search, 404
    assert len(pages) == 2 * 6 + 1 + 1 + expected["owners"] + expected["objectives"] + 4
    badges = list((out / "badges").rglob("*.svg"))
    assert len(badges) == expected["owners"] + expected["objectives"] + expected["current owners"]
    charts = [p for p in out.rglob("*.svg") if p.relative_to(out).parts[0] not in ("badges", "static")]
    # a chart per metric key result with check-ins, a department chart per cycle, the score history,
    # the archived cycle's score distribution
    assert len(charts) == expected["charts"] + 2 + 1 + 1
    data = json.loads((out / "okrs.json").read_text(encoding="utf-8"))
    assert sum(len(o["objectives"]) for c in data["cycles"] for o in c["owners"]) == expected["objectives"]
    assert len(re.findall(r"<loc>", (out / "sitemap.xml").read_text())) == len(pages) - 1  # not 404.html


def test_every_link_and_image_resolves(company):
    _, out = company
    files = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    broken = []
    for page in out.rglob("*.html"):
        path = page.relative_to(out).as_posix()
        if path == "404.html":  # its links are from the site root (<base href>); tested in test_publish
            continue
        for url in LINK.findall(page.read_text(encoding="utf-8")):
            url = html.unescape(url)
            if is_absolute(url) or url.startswith("#"):
                continue
            target = resolve(path, url)
            if target is None or (target.rstrip("/") + "/index.html" if target.endswith("/") or target == ""
                                  else target) not in files:
                broken.append((path, url))
    assert not broken, broken[:10]


def test_every_objective_page_links_up_its_alignment(company):
    site, out = company
    person = front_matter(site / "content/2026-Q4/people/team-1/person-1.md")
    first = person["objectives"][0]
    page = (out / f"2026-q4/person-1/{first['id']}/index.html").read_text(encoding="utf-8")
    team, objective = first["aligns_to"].split("/")
    assert f'href="../../../2026-q4/{team}/{objective}/index.html"' in page


def test_the_feed_carries_the_newest_check_ins_of_the_whole_company(company, content):
    """Thousands of check-ins share each date: the feed must still pick exactly the newest 100 by
    (date, key result), as a full sort of every check-in would."""
    import xml.etree.ElementTree as ET

    from okrsite.render.feeds import FEED_ENTRIES

    site, out = company
    everything = []
    for path, data in content.items():
        cycle = path.relative_to(site / "content").parts[0].lower()
        owner = path.stem
        for objective in data.get("objectives", []):
            for kr in objective["key_results"]:
                for checkin in kr.get("checkins", []):
                    ref = f"{owner}/{objective['id']}/{kr['id']}"
                    url = f"https://example.test/okrs/{cycle}/{owner}/{objective['id']}/#kr-{kr['id']}"
                    everything.append((checkin["date"], ref, f"{url}/{checkin['date'].isoformat()}"))
    expected = [entry_id for _, _, entry_id in sorted(everything, reverse=True)[:FEED_ENTRIES]]
    atom = "{http://www.w3.org/2005/Atom}"
    ids = [e.find(f"{atom}id").text for e in ET.parse(out / "feed.xml").getroot().findall(f"{atom}entry")]
    assert len(everything) > 10 * FEED_ENTRIES
    assert ids == expected
