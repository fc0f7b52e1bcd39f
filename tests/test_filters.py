"""The filters of the alignment tree, the status page and the people directory, as the pages
carry them (static/filter.js runs on them; tests/test_browser.py drives it): a form hidden until
the script shows it, and items that say their status and their department."""

from __future__ import annotations

import pytest

from htmlcheck import parse_file, resolve

FILTERED = ["2026-q4/tree/index.html", "2026-q4/status/index.html", "2026-q4/people/index.html",
            "2026-q3/tree/index.html", "2026-q3/status/index.html", "2026-q3/people/index.html"]
DEPARTMENTS = [("", "All departments"), ("suds", "Suds & Co."), ("customer-care", "Customer Care"),
               ("ecommerce", "E-commerce & Growth"), ("manufacturing", "Manufacturing"),
               ("marketing", "Marketing & Brand"), ("people-finance", "People & Finance"),
               ("product", "Product & Formulation")]
STATUSES = {"2026-q4": [("", "Any status"), ("on-track", "On track"), ("at-risk", "At risk"), ("off-track", "Off track")],
            "2026-q3": [("", "Any status"), ("achieved", "Achieved"), ("progress", "Progress made"), ("missed", "Missed")]}
ATTENTION = {"2026-q4": "at-risk off-track", "2026-q3": "missed"}


def department_of(owner) -> str:
    """The id of the owner's nearest department at or above it, else of the company."""
    while owner.kind not in ("department", "company"):
        owner = owner.parent
    return owner.id


def options(select) -> list[tuple[str, str]]:
    return [(o.get("value"), o.text()) for o in select.find_all("option")]


@pytest.mark.parametrize("path", FILTERED)
def test_the_filter_form_is_there_hidden_with_every_control_labelled(out, path):
    page = parse_file(out / path)
    form = page.one("form", cls="filters")
    assert "hidden" in form.attrs and form.get("role") == "search"
    assert form.get("aria-label") == ("Filter the people" if "people" in path else "Filter the objectives")
    cycle = path.split("/")[0]
    assert [i.get("name") for i in form.find_all("input")] == ["q", "attention"]
    assert options(form.one("select", name="status")) == STATUSES[cycle]
    assert options(form.one("select", name="dept")) == DEPARTMENTS
    assert form.one("input", name="attention").get("data-statuses") == ATTENTION[cycle]
    for control in [*form.find_all("input"), *form.find_all("select")]:
        assert control.closest("label") is not None, control
    assert form.one("p", cls="filters-count").get("aria-live") == "polite"
    assert form.one("button").text() == "Clear" and form.one("button").get("type") == "button"
    assert ["defer" in s.attrs for s in page.find_all("script")] == [True, True]


def test_every_tree_item_says_its_status_and_department(site, out):
    path = "2026-q4/tree/index.html"
    cycle = next(c for c in site.cycles if c.id == "2026-Q4")
    by_url = {f"{o.url}index.html": o for o in cycle.objectives}
    items = parse_file(out / path).one("main").find_all("li", **{"data-status": True})
    full = [li for li in items if "data-also" not in li.attrs]
    assert len(full) == len(cycle.objectives) == 43
    assert len(items) - len(full) == sum(len(o.parents) - 1 for o in cycle.objectives if o.parents)
    for li in items:
        objective = by_url[resolve(path, li.child_elements[0].find("a").get("href"))]  # the item's own line
        assert li.get("data-status") == objective.status and li.get("data-dept") == department_of(objective.owner)
    known = {li.child_elements[0].find("a").text(): (li.get("data-status"), li.get("data-dept")) for li in full}
    assert known["Make our web shop the heart of a record holiday season"] == ("on-track", "suds")
    assert known["Never run out of a bestseller in December"] == ("at-risk", "manufacturing")
    assert known["Ship in mailers that go in the compost, not the bin"] == ("at-risk", "product")
    assert known["Give the whole company a product roadmap it believes in"] == ("at-risk", "product")


def test_every_person_says_the_statuses_of_their_objectives_and_their_department(site, out):
    path = "2026-q4/people/index.html"
    cycle = next(c for c in site.cycles if c.id == "2026-Q4")
    entries = parse_file(out / path).one("ul", id="people").find_all("li", data_status=True)
    people = {p.url + "index.html": p for p in cycle.owners.values() if p.kind == "person"}
    assert len(entries) == len(people) == 19  # Elena Petrova's OKRs are private
    for li in entries:
        person = people[resolve(path, li.find("p").find("a").get("href"))]
        statuses = list(dict.fromkeys(o.status for o in person.objectives))
        assert li.get("data-status").split() == statuses and li.get("data-dept") == department_of(person)
    oluwaseun = next(li for li in entries if li.find("p").find("a").text() == "Oluwaseun Adeyemi")
    assert (oluwaseun.get("data-status"), oluwaseun.get("data-dept")) == ("on-track", "manufacturing")


@pytest.mark.parametrize("path", ["2026-q4/status/index.html", "2026-q3/status/index.html"])
def test_every_objective_of_the_status_page_says_its_group(out, path):
    page = parse_file(out / path)
    groups = page.find_all("section", cls="status-group")
    assert groups and all("data-filter-group" in g.attrs for g in groups)
    listed = 0
    for section in groups:
        department = resolve(path, section.one("h2").find("a").get("href")).split("/")[1]
        for cell in section.find_all("div", **{"data-filter-group": True}):
            status = cell.one("h3").one("span", cls="pill").get("class").split("pill-")[1]
            for li in cell.one("ul", cls="status-list").find_all("li"):
                assert (li.get("data-status"), li.get("data-dept")) == (status, department)
                listed += 1
    assert listed == len(page.find_all("li", **{"data-status": True})) > 20


def test_only_pages_that_filter_carry_what_filters_need(out):
    """An objective's page draws its part of the tree without the filter's attributes: bytes for nothing."""
    page = parse_file(out / "2026-q4/suds/holiday-online/index.html")
    assert page.find("form", cls="filters") is None
    assert len(page.find_all("div", cls="node")) == 24  # what aligns below it (23 in full, one short line)
    assert page.find_all("li", **{"data-status": True}) == [] and page.find_all("li", **{"data-dept": True}) == []
