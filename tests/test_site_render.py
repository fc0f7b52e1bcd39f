"""The site as a whole: relative links that resolve, nothing loaded from the web,
sitemap, badges and charts at their contract paths, static files, determinism.
"""

from __future__ import annotations

import json
import posixpath
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from okrsite.build import build_site
from okrsite.theme import default_theme_dir
from okrsite.options import BuildOptions
from conftest import COMPANY, EXAMPLE_DATE, REPO, SITE_TOML, write_site
from htmlcheck import is_absolute, links, parse_file, resolve, script_sources, theme_scripts

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="session")
def html_pages(out):
    """{path from the site root: parsed page} for every HTML file of the example."""
    return {p.relative_to(out).as_posix(): parse_file(p) for p in sorted(out.rglob("*.html"))}


def files_under(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def page_of(url: str) -> str:
    return url + "index.html"


# --- HTML: well formed, relative links that resolve ---

def test_every_page_is_well_formed(html_pages):
    assert len(html_pages) > 100
    for path, page in html_pages.items():
        assert not page.problems, f"{path}: {page.problems[:3]}"
        assert page.find("html") is not None and page.find("title").text(), path
        assert len(page.find_all("h1")) == 1, path
        assert len(page.find_all("main")) == 1, path


def link_problems(out: Path, pages: dict) -> tuple[list[str], int]:
    """Links on the pages of ``out`` that are not relative or do not resolve to a file."""
    problems = []
    checked = 0
    for path, page in pages.items():
        if path == "404.html":
            continue
        ids = {e.get("id") for e in page.elements() if e.get("id")}
        for element, attr, url in links(page):
            in_prose = element.is_inside(cls="prose")
            where = f"{path}: <{element.tag} {attr}={url!r}>"
            if url.startswith("#"):
                if url[1:] not in ids:
                    problems.append(f"{where}: no element with that id")
                continue
            if is_absolute(url):
                if not (in_prose and element.tag == "a" and re.match(r"^(https?|mailto):", url)):
                    problems.append(f"{where}: not relative")
                continue
            checked += 1
            target = resolve(path, url)
            if target is None:
                problems.append(f"{where}: climbs out of the site")
            elif in_prose:  # written by a user in Markdown: must at least exist
                if not ((out / target).is_file() or (out / target / "index.html").is_file()):
                    problems.append(f"{where}: nothing at {target}")
            elif target.endswith("/") or (out / target).is_dir():
                problems.append(f"{where}: a folder link must name index.html (pages open from disk too)")
            elif not (out / target).is_file():
                problems.append(f"{where}: {target} does not exist")
    return problems, checked


def test_every_internal_link_is_relative_and_resolves_to_a_file(html_pages, out):
    problems, checked = link_problems(out, html_pages)
    assert not problems, "\n".join(problems[:20])
    assert checked > 2000


EDGE_COMPANY = """\
---
name: Edge Co
kind: company
objectives:
  - id: a
    title: A goal
    key_results:
      - {{id: k, title: K, start: 0, target: 10, current: 5, unit: u, checkins: [{{date: {year}-{month}-15, value: 5}}]}}
      - {{id: j, title: J, type: milestone, done: true}}
---
"""
NOBODY = """\
---
name: Nobody Yet
kind: person
parent: edge-co
---
Still writing my OKRs.
"""


@pytest.fixture(scope="module")
def edge_build(tmp_path_factory):
    """Three cycles (archived, current, upcoming), a person without objectives, no departments."""
    from conftest import write_site
    root = tmp_path_factory.mktemp("edge") / "site"
    files = {}
    for cycle, month in (("2026-Q3", "08"), ("2026-Q4", "11"), ("2027-Q1", "02")):
        files[f"content/{cycle}/edge-co.md"] = EDGE_COMPANY.format(year=cycle[:4], month=month)
        files[f"content/{cycle}/nobody.md"] = NOBODY
    write_site(root, files)
    out = root.parent / "out"
    report = build_site(root, out, BuildOptions(EXAMPLE_DATE, strict=True))
    assert report.ok(True), [d.format() for d in report.diagnostics.items]
    return out


def test_edge_site_links_pills_and_svgs(edge_build):
    out = edge_build
    pages = {p.relative_to(out).as_posix(): parse_file(p) for p in sorted(out.rglob("*.html"))}
    assert "2027-q1/index.html" in pages and "2026-q4/nobody/index.html" in pages
    problems, _ = link_problems(out, pages)
    assert not problems, "\n".join(problems[:20])
    for path, page in pages.items():
        assert not page.problems, (path, page.problems[:3])
        for pill in page.find_all(cls="pill"):
            assert pill.text(), f"{path}: empty pill"
    for svg in out.rglob("*.svg"):
        check_svg_is_inert(svg, svg_root(svg))
    assert not list(out.glob("*/departments.svg")), "no departments, no chart"


def test_edge_site_upcoming_cycle(edge_build):
    import json
    data = json.loads((edge_build / "okrs.json").read_text())
    assert [(c["id"], c["state"]) for c in data["cycles"]] == [
        ("2027-Q1", "upcoming"), ("2026-Q4", "current"), ("2026-Q3", "archived")]
    page = parse_file(edge_build / "2027-q1/index.html").one("main")
    assert "upcoming" in page.text().lower()
    assert "2026-q4/index.html" in [resolve("2027-q1/index.html", a.get("href")) for a in page.find_all("a")]
    cycles = parse_file(edge_build / "cycles/index.html").one("main")
    rows = [tr for tr in cycles.find_all("tr") if tr.find("td") is not None]
    assert [r.find("a").text() for r in rows] == ["Q1 2027", "Q4 2026", "Q3 2026"]


def test_the_404_page_links_from_its_base(html_pages, out, site):
    page = html_pages["404.html"]
    base = page.one("base").get("href")
    prefix = "/" + site.config.base_url.split("://", 1)[1].split("/", 1)[1]
    assert base == prefix
    heads = [e.tag for e in page.find("head").elements()]
    assert heads.index("base") < heads.index("link"), "<base> must come before the first link"
    for element, attr, url in links(page):
        if element.tag == "base" or url.startswith("#"):
            continue
        assert not is_absolute(url), url
        target = posixpath.normpath(url)
        assert (out / target).is_file(), url


def test_no_page_loads_anything_from_the_web(html_pages, out):
    for path, page in html_pages.items():
        for element in page.elements():
            if element.tag in ("script", "link", "img", "iframe", "source", "video", "audio", "embed", "object", "input"):
                for attr in ("src", "href", "data", "srcset", "poster"):
                    value = element.get(attr) or ""
                    assert not re.match(r"^\s*(https?:)?//", value), f"{path}: <{element.tag} {attr}={value}>"
            style = element.get("style") or ""
            assert "url(" not in style or not re.search(r"url\(\s*['\"]?(https?:)?//", style), path
            if element.tag == "style":
                assert not re.search(r"(@import|url\()\s*['\"]?(https?:)?//", element.raw_text()), path
        # the scripts are the theme's own search (and filter), from this site, and nothing is inline
        assert script_sources(page) == theme_scripts(path), path
    for css in out.rglob("*.css"):
        text = css.read_text(encoding="utf-8")
        assert not re.search(r"(@import|url\()\s*['\"]?(https?:)?//", text), css
        assert not re.search(r"@import\s+['\"]?https?:", text), css


def test_every_page_uses_the_stylesheet(html_pages):
    for path, page in html_pages.items():
        if path == "404.html":
            continue
        sheets = [resolve(path, link.get("href")) for link in page.find_all("link") if "stylesheet" in (link.get("rel") or "")]
        assert sheets == ["static/style.css"], path


# --- sitemap, .nojekyll, static files ---

def test_sitemap_lists_every_page_but_404_as_absolute_urls(out, site, html_pages):
    root = ET.fromstring((out / "sitemap.xml").read_bytes())
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    assert root.tag == f"{ns}urlset"
    locs = [loc.text for loc in root.iter(f"{ns}loc")]
    assert len(locs) == len(set(locs))
    base = site.config.base_url
    assert base.startswith("https://") and base.endswith("/")
    for loc in locs:
        assert loc.startswith(base), loc
    expected = set()
    for path in html_pages:
        if path == "404.html":
            continue
        folder = path[: -len("index.html")] if path.endswith("index.html") else path
        expected.add(base + folder)
    shown = set(locs)
    # a folder URL or its index.html are the same page
    normal = {loc[: -len("index.html")] if loc.endswith("/index.html") or loc == base + "index.html" else loc for loc in shown}
    assert normal == expected
    assert not any("404" in loc for loc in locs)


def test_nojekyll_and_static_files(out):
    assert (out / ".nojekyll").is_file()
    theme_static = default_theme_dir() / "static"
    shipped = files_under(theme_static)
    assert "style.css" in shipped
    for name in shipped:
        assert (out / "static" / name).read_bytes() == (theme_static / name).read_bytes(), name


def test_a_site_theme_overrides_static_files_and_templates(make_site, tmp_path):
    root = make_site({
        "content/2026-Q4/test-co.md": COMPANY,
        "themes/default/static/style.css": "body { color: black }\n",
        "themes/default/static/extra/logo.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>\n",
        "themes/default/templates/404.html": "<!doctype html><title>Lost</title><h1>Lost in {{ site.config.title }}</h1>\n",
    })
    out = tmp_path / "out"
    assert build_site(root, out, BuildOptions(EXAMPLE_DATE)).ok(False)
    assert (out / "static/style.css").read_text() == "body { color: black }\n"
    assert (out / "static/extra/logo.svg").is_file()
    assert parse_file(out / "404.html").one("h1").text() == "Lost in Test Co OKRs"
    assert parse_file(out / "index.html").one("h1").text() == "Test Co"


# --- badges ---

def expected_badges(site) -> set[str]:
    found = set()
    for cycle in site.cycles:
        for owner in cycle.owners.values():
            found.add(f"{cycle.slug}/{owner.id}.svg")
            found |= {f"{cycle.slug}/{owner.id}/{o.id}.svg" for o in owner.objectives}
    found |= {f"current/{owner.id}.svg" for owner in site.current.owners.values()}
    return found


def test_badges_are_at_their_contract_paths(out, site):
    assert "2026-q4/suds.svg" in expected_badges(site)
    assert files_under(out / "badges") == expected_badges(site)


def test_the_current_badge_shows_the_current_cycle(out, site):
    current = site.current
    assert current.slug == "2026-q4"
    for owner in current.owners.values():
        assert (out / f"badges/current/{owner.id}.svg").read_bytes() == (out / f"badges/{current.slug}/{owner.id}.svg").read_bytes()


def svg_root(path: Path) -> ET.Element:
    data = path.read_bytes()
    root = ET.fromstring(data)
    assert root.tag == f"{SVG}svg", path
    return root


def check_svg_is_inert(path: Path, root: ET.Element) -> None:
    for element in root.iter():
        assert not element.tag.endswith("}script") and element.tag != "script", f"{path}: <script>"
        assert not element.tag.endswith("foreignObject"), path
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), f"{path}: event handler {name}"
            if name.endswith("href") or name in ("src",):
                assert not re.match(r"^\s*(https?:|//|javascript:|data:)", value), f"{path}: {name}={value}"
    text = path.read_text(encoding="utf-8")
    assert "<script" not in text.lower() and "javascript:" not in text.lower(), path
    assert not re.search(r"(@import|url\()\s*['\"]?(https?:)?//", text), path


def badge_title(path: Path) -> str:
    root = svg_root(path)
    check_svg_is_inert(path, root)
    titles = [t.text for t in root.iter(f"{SVG}title")]
    assert titles and titles[0], f"{path}: no <title>"
    return titles[0]


def test_badges_are_valid_svg_with_a_title_saying_the_number(out, site):
    for cycle in site.cycles:
        for owner in cycle.owners.values():
            shown = f"{owner.score:.2f}" if cycle.state == "archived" else f"{round(owner.progress * 100)} %"
            title = badge_title(out / f"badges/{cycle.slug}/{owner.id}.svg")
            assert cycle.title in title and shown in title, (owner.id, title)
            for objective in owner.objectives:
                shown = f"{objective.score:.2f}" if cycle.state == "archived" else f"{round(objective.progress * 100)} %"
                title = badge_title(out / f"badges/{cycle.slug}/{owner.id}/{objective.id}.svg")
                assert shown in title, (objective.ref, title)


def test_owner_pages_show_their_own_badge(site, html_pages):
    for cycle in site.cycles:
        for owner in cycle.owners.values():
            path = page_of(owner.url)
            srcs = [resolve(path, img.get("src")) for img in html_pages[path].find_all("img")]
            assert f"badges/{cycle.slug}/{owner.id}.svg" in srcs, path


# --- charts ---

def expected_charts(site) -> set[str]:
    found = {"cycles/scores.svg"}
    for cycle in site.cycles:
        if any(o.kind == "department" for o in cycle.owners.values()):
            found.add(f"{cycle.slug}/departments.svg")
        if cycle.state == "archived":
            found.add(f"{cycle.slug}/retro/scores.svg")
        for objective in cycle.objectives:
            for kr in objective.key_results:
                if kr.type == "metric" and kr.checkins:
                    found.add(f"{objective.url}{kr.id}.svg")
    return found


def test_charts_are_written_where_pages_show_them(out, site, html_pages):
    charts = {p for p in files_under(out) if p.endswith(".svg") and not p.startswith(("badges/", "static/"))}
    expected = expected_charts(site)
    assert {"2026-q4/departments.svg", "2026-q3/departments.svg", "cycles/scores.svg", "2026-q3/retro/scores.svg"} <= expected
    assert len(expected) > 30
    assert charts == expected
    shown = set()
    for path, page in html_pages.items():
        for img in page.find_all("img"):
            target = resolve(path, img.get("src"))
            if target in expected:
                shown.add(target)
                assert img.get("alt"), f"{path}: chart {target} without alt text"
    assert shown == expected


def test_charts_are_valid_inert_svg_with_a_title(out, site):
    for relative in sorted(expected_charts(site)):
        path = out / relative
        root = svg_root(path)
        check_svg_is_inert(path, root)
        assert any((t.text or "").strip() for t in root.iter(f"{SVG}title")), relative


def test_no_svg_anywhere_has_a_script(out):
    svgs = list(out.rglob("*.svg"))
    assert len(svgs) > 100
    for path in svgs:
        check_svg_is_inert(path, svg_root(path))


# --- determinism ---

def test_two_builds_are_byte_identical(out, tmp_path):
    again = tmp_path / "elsewhere" / "site"
    report = build_site(REPO, again, BuildOptions(EXAMPLE_DATE, strict=True))
    assert report.ok(True)
    first, second = files_under(out), files_under(again)
    assert first == second
    different = [p for p in sorted(first) if (out / p).read_bytes() != (again / p).read_bytes()]
    assert not different, different[:10]


def test_nothing_depends_on_the_output_folder_name(make_site, tmp_path):
    root = make_site({"content/2026-Q4/test-co.md": COMPANY})
    one, two = tmp_path / "a" / "public", tmp_path / "b-longer-name" / "out"
    assert build_site(root, one, BuildOptions(EXAMPLE_DATE)).ok(False)
    assert build_site(root, two, BuildOptions(EXAMPLE_DATE)).ok(False)
    assert files_under(one) == files_under(two)
    for name in files_under(one):
        assert (one / name).read_bytes() == (two / name).read_bytes(), name
        assert b"b-longer-name" not in (two / name).read_bytes()
        assert str(tmp_path).encode() not in (two / name).read_bytes(), name


def test_base_url_without_trailing_slash_still_gives_clean_urls(make_site, tmp_path):
    toml = SITE_TOML.replace('"https://example.test/okrs/"', '"https://example.test/okrs"')
    root = make_site({"content/2026-Q4/test-co.md": COMPANY}, site_toml=toml)
    out = tmp_path / "out"
    assert build_site(root, out, BuildOptions(EXAMPLE_DATE)).ok(False)
    locs = re.findall(r"<loc>([^<]+)</loc>", (out / "sitemap.xml").read_text())
    assert "https://example.test/okrs/2026-q4/test-co/" in locs
    assert all(loc.startswith("https://example.test/okrs/") for loc in locs)
    text = parse_file(out / "2026-q4/test-co/index.html").one("main").text()
    assert "https://example.test/okrs/badges/current/test-co.svg" in text


def test_a_site_without_cycles_has_no_broken_links(make_site, tmp_path):
    """A fresh site with an empty content/ folder: either the build says so, or
    the pages it writes link only to files that exist (the home page included)."""
    root = make_site({})
    (root / "content").mkdir()
    out = tmp_path / "out"
    report = build_site(root, out, BuildOptions(EXAMPLE_DATE))
    if not report.ok(False):
        assert report.diagnostics.items
        return
    pages = {p.relative_to(out).as_posix(): parse_file(p) for p in sorted(out.rglob("*.html"))}
    problems, _ = link_problems(out, pages)
    assert not problems, "\n".join(problems[:10])
    assert (out / "index.html").is_file(), "the site has no home page"


EXTREME = """\
---
name: Huge Co
kind: company
objectives:
  - id: grow
    title: Grow beyond measure
    key_results:
      - {id: span, title: Span, start: -1e308, target: 1e308, current: 0, weight: 1e308, unit: k,
         checkins: [{date: 2026-10-15, value: -1.7e308}, {date: 2026-11-01, value: 0}]}
      - {id: whole, title: Whole, start: -100000000000000000000000000000000000000000, target: 1.7976931348623157e308,
         weight: 1.7976931348623157e308}
kpis:
  - {id: k, title: K, current: -1.7e308, target: 1.7e308}
---
"""


def test_extreme_but_finite_numbers_never_give_nan_or_inf(tmp_path):
    root = write_site(tmp_path / "site", {"content/2026-Q4/huge-co.md": EXTREME})
    out = tmp_path / "public"
    report = build_site(root, out, BuildOptions(EXAMPLE_DATE))
    assert report.diagnostics.errors == []
    [span, whole] = report.site.current.objectives[0].key_results
    assert span.progress == 0.5 and whole.progress == 0.0
    assert report.site.current.objectives[0].progress == pytest.approx(0.5 / (1 + 1.7976931348623157))
    for path in out.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".svg", ".xml", ".json", ".csv", ".js"):
            text = path.read_text(encoding="utf-8-sig")
            assert not re.search(r"\b(nan|inf|NaN|Infinity)\b", text), (path, re.findall(r".{30}\b(?:nan|inf)\b.{10}", text))
        if path.suffix in (".svg", ".xml"):
            ET.parse(path)

    def no_constants(name):
        raise AssertionError(f"okrs.json holds {name}")
    data = json.loads((out / "okrs.json").read_text(encoding="utf-8"), parse_constant=no_constants)
    assert data["cycles"][0]["owners"][0]["objectives"][0]["key_results"][0]["progress"] == 0.5


def test_watch_mode_keeps_the_latest_part_of_each_cycle_only(example_copy, tmp_path):
    from okrsite.build import Builder

    builder = Builder(example_copy, tmp_path / "out")
    person = example_copy / "content/2026-Q4/people/oluwaseun-adeyemi.md"
    for number in range(3):
        person.write_text(person.read_text(encoding="utf-8").replace("title: ", f"title: Edit {number} ", 1),
                          encoding="utf-8")
        assert builder.build(EXAMPLE_DATE).ok(False)
    renderer = builder._renderer
    # a cycle's part of okrs.json is megabytes at company scale: one per cycle, the latest, not one per edit
    assert sorted(name for name in renderer.kept if name.startswith("okrs.json ")) == [
        "okrs.json 2026-Q3", "okrs.json 2026-Q4"]
    assert b"Edit 2 Edit 1 Edit 0 Every parcel" in renderer.kept["okrs.json 2026-Q4"][1]
    assert not [part for part in renderer.parts.values() if isinstance(part, bytes) and part.startswith(b'{"id":"2026-Q')]


def test_a_one_off_build_makes_each_cycles_part_of_okrs_json_once(tmp_path, monkeypatch):
    """The cycle's okrs.json and the site's are joined from the same part: a one-off build makes it once."""
    from okrsite.render import site as plan

    made = []
    real = plan.render_cycle_json
    monkeypatch.setattr(plan, "render_cycle_json", lambda cycle, *args: made.append(cycle.id) or real(cycle, *args))
    report = build_site(REPO, tmp_path / "out", BuildOptions(EXAMPLE_DATE, jobs=1))
    assert report.ok(False) and sorted(made) == sorted(c.id for c in report.site.cycles)
    whole = json.loads((tmp_path / "out/okrs.json").read_bytes())
    for cycle in whole["cycles"]:
        own = json.loads((tmp_path / "out" / cycle["url"] / "okrs.json").read_bytes())
        assert own["cycles"] == [cycle]
