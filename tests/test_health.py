"""The OKR health page of a cycle (okrsite/render/health.py): the program's figures and what the
coaching checks find on the site, by check and department, read as a champion reads it."""

from __future__ import annotations

import pytest

from content import KRS, objective, owner
from conftest import COMPANY, EXAMPLE_DATE, SITE_TOML
from htmlcheck import by_href, parse_file
from okrsite import urls
from okrsite.build import build_site
from okrsite.options import BuildOptions
from okrsite.render.health import SHOWN

HEALTH = "2026-q4/health/index.html"


def figures(page) -> dict[str, tuple[str, str]]:
    """Each figure's label -> (the share shown, its 'part of whole' line)."""
    return {item.one(cls="health-label").text(): (item.one(cls="health-share").text(),
                                                  item.find_all("span", cls="muted")[0].text().split(" · ")[0])
            for item in page.find_all("li", cls="health-figure")}


def test_the_example_has_a_health_page_per_cycle_with_exact_figures(out, site):
    for cycle in site.cycles:
        assert (out / urls.file_of(urls.cycle_page(cycle, "health"))).is_file()
    page = parse_file(out / HEALTH).one("main")
    assert figures(page) == {
        "Objectives with 2 to 5 key results": ("100 %", "43 of 43"),
        "Metric key results updated in the last 14 days": ("100 %", "87 of 87"),
        "People whose every objective rolls up to the company": ("100 %", "19 of 19"),
        "Key results that read as outputs": ("2 %", "2 of 107"),
        "Key results with a confidence": ("7 %", "7 of 107"),
        "Of those, Low confidence": ("14 %", "1 of 7"),  # packaging's mailers at 0.3
    }
    assert page.find(cls="health-check") is None  # nothing found: every check is listed as clear
    clear = [li.one("strong").text() for li in page.one(cls="health-clear").find_all("li")]
    assert clear == ["Two to five key results", "At most five objectives", "Outcomes, not outputs",
                     "A unit on every metric", "Aligned upward", "Company objectives with support",
                     "Checked in lately", "Dependencies on track"]  # stretch applies to closed cycles only


def test_the_overview_links_to_its_health_page(out):
    overview = parse_file(out / "2026-q4/index.html")
    assert by_href(overview, "2026-q4/index.html", "2026-q4/health/index.html")


def test_an_archived_cycle_is_judged_on_stretch_not_on_check_ins(out):
    page = parse_file(out / "2026-q3/health/index.html").one("main")
    titles = [li.one("strong").text() for li in page.one(cls="health-clear").find_all("li")]
    assert "Goals that stretch" in titles and "Checked in lately" not in titles
    assert figures(page)["Metric key results updated in the last 14 days"][0] == "–"


TEAM_TEXT = owner("Web", "team", "sales", objective("site", "test-co/grow", key_results=(
    "    key_results:\n"
    "      - {id: a, title: Deliver 3 prototypes, start: 0, target: 3, current: 1, unit: prototypes}\n"
    "      - {id: b, title: Raise signups from 10 to 30, start: 10, target: 30, current: 15}\n")))
SALES_TEXT = owner("Sales", "department", "test-co", "".join(
    objective(f"o{n}", "test-co/grow", key_results="    key_results:\n"
              "      - {id: a, title: Revenue, start: 0, target: 10, current: 5}\n"
              "      - {id: b, title: Deals, start: 0, target: 10, current: 5, unit: deals}\n")
    for n in range(SHOWN + 3)) + objective("secret", "test-co/grow", extra="    visibility: private\n",
                                          key_results="    key_results:\n"
                                          "      - {id: a, title: Hidden metric, start: 0, target: 10, current: 5}\n"
                                          "      - {id: b, title: Hidden too, start: 0, target: 1, current: 1}\n"))


@pytest.fixture
def findings_site(make_site, tmp_path):
    def build(site_toml: str = SITE_TOML):
        root = make_site({"content/2026-Q4/test-co.md": COMPANY, "content/2026-Q4/sales.md": SALES_TEXT,
                          "content/2026-Q4/web.md": TEAM_TEXT}, site_toml)
        out = tmp_path / "public"
        assert build_site(root, out, BuildOptions(EXAMPLE_DATE)).ok(False)
        return out
    return build


def section(page, name: str):
    return page.one("section", id=name)


def test_findings_by_check_and_department_with_a_link_each(findings_site):
    page = parse_file(findings_site() / HEALTH).one("main")
    assert "Key results with a confidence" not in figures(page)  # nobody gives one here
    outputs = section(page, "outputs")
    assert outputs.one("h2").text() == "Outcomes, not outputs · 1 finding"
    assert outputs.one("h3").text() == "department Sales"  # the team's department
    item = outputs.one("li")
    assert [a.text() for a in by_href(item, HEALTH, "2026-q4/web/site/index.html")] == ["Objective site"]
    assert "'Deliver 3 prototypes'" in item.text()
    # units: the department's 13 objectives and the team's one
    units = section(page, "units")
    assert units.one("h2").text() == f"A unit on every metric · {SHOWN + 3 + 1} findings"
    shown = units.find_all("li")
    assert len(shown) == SHOWN + 1  # ten findings and "and 4 more"
    assert shown[-1].text().startswith("and 4 more")
    assert figures(page)["Objectives with 2 to 5 key results"] == ("100 %", f"{SHOWN + 5} of {SHOWN + 5}")


def test_private_objectives_are_not_on_the_health_page(findings_site):
    text = (findings_site() / HEALTH).read_text(encoding="utf-8")
    assert "secret" not in text and "Hidden" not in text


def test_switched_off_checks_are_named_and_the_page_can_be_left_out(findings_site, tmp_path):
    out = findings_site(SITE_TOML + "[checks]\nunits = false\n")
    page = parse_file(out / HEALTH).one("main")
    assert page.find("section", id="units") is None
    assert "Switched off in site.toml ([checks]): A unit on every metric." in page.text()
    out = findings_site(SITE_TOML + "[checks]\nhealth_page = false\n")
    assert not (out / "2026-q4/health").exists()
    assert not by_href(parse_file(out / "2026-q4/index.html"), "2026-q4/index.html", "2026-q4/health/index.html")


def test_health_page_must_be_true_or_false(check):
    site, diagnostics = check({}, SITE_TOML + "[checks]\nhealth_page = 1\n")
    assert [d.format() for d in diagnostics.items] == [
        "site.toml:4: error: [checks] health_page must be true or false, not 1"]


def test_a_dependency_off_track_is_a_finding_of_the_dependent(make_site, tmp_path):
    needs = objective("site", "test-co/grow", extra="    depends_on: sales/late\n")
    late = objective("late", "test-co/grow", extra="    status: off-track\n")
    root = make_site({"content/2026-Q4/test-co.md": COMPANY,
                      "content/2026-Q4/web.md": owner("Web", "team", "sales", needs),
                      "content/2026-Q4/sales.md": owner("Sales", "department", "test-co", late)})
    out = tmp_path / "public"
    assert build_site(root, out, BuildOptions(EXAMPLE_DATE)).ok(False)
    found = section(parse_file(out / HEALTH).one("main"), "dependencies")
    assert found.one("h2").text() == "Dependencies on track · 1 finding"
    item = found.one("li")
    assert [a.text() for a in by_href(item, HEALTH, "2026-q4/web/site/index.html")] == ["Objective site"]
    assert "'web/site' depends on 'sales/late', which is off-track" in item.text()


def test_a_person_rolls_up_to_the_company_when_every_objective_does_by_its_first_alignment(make_site, tmp_path):
    loose = "  - id: loose\n    title: Loose\n" + KRS  # aligns to nothing: what aligns to it stops there
    people = {"ann": ["web/site"], "bob": ["web/site", "web/site"], "cat": ["web/loose"],
              "eve": ["web/site", "web/loose"]}
    files = {f"content/2026-Q4/{name}.md": owner(name.title(), "person", "web", "".join(
        objective(f"o{n}", up) for n, up in enumerate(ups))) for name, ups in people.items()}
    web = owner("Web", "team", "test-co", objective("site", "test-co/grow") + loose)
    root = make_site({"content/2026-Q4/test-co.md": COMPANY, **files, "content/2026-Q4/web.md": web})
    out = tmp_path / "public"
    assert build_site(root, out, BuildOptions(EXAMPLE_DATE)).ok(False)
    assert figures(parse_file(out / HEALTH).one("main"))["People whose every objective rolls up to the company"] == (
        "50 %", "2 of 4")  # ann and bob, each objective through the team's site
