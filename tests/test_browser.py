"""The example site in a real browser: headless Chromium driven by Playwright, the site
served on loopback under a sub-path, every page kind checked as a person would use it.

Without Chromium (or Playwright) these tests are skipped with the reason; under CI
(CI=true) a missing browser is a failure. No browser is downloaded: Debian's
/usr/bin/chromium is used, with a fresh profile for every run.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from conftest import EXAMPLE_DATE, REPO, write_site
from okrsite.build import build_site
from okrsite.options import BuildOptions
from pages_server import PREFIX, serving
from test_scorehistory import history_files
from test_sections import copy_example

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
AXE = Path(os.environ.get("OKRSITE_AXE", REPO / ".cache/npm/node_modules/axe-core/axe.min.js"))
PAGES = {
    "home": "index.html",
    "cycle": "2026-q4/index.html",
    "archived cycle": "2026-q3/index.html",
    "owner": "2026-q4/fulfillment/index.html",
    "department": "2026-q4/product/index.html",
    "archived department": "2026-q3/product/index.html",
    "person": "2026-q4/oluwaseun-adeyemi/index.html",
    "person with a growth goal": "2026-q4/mei-chen/index.html",
    "objective": "2026-q4/fulfillment/same-day/index.html",
    "committed objective": "2026-q4/product/gift-range/index.html",
    "graduated key result": "2026-q3/web-store/launch-store/index.html",
    "team with a graduated KPI": "2026-q4/web-store/index.html",
    "tree": "2026-q4/tree/index.html",
    "status": "2026-q4/status/index.html",
    "retrospective": "2026-q3/retro/index.html",
    "people": "2026-q4/people/index.html",
    "kpis": "2026-q4/kpis/index.html",
    "digest": "2026-q4/digest/index.html",
    "cycles": "cycles/index.html",
    "search": "search/index.html",
    "404": "no/such/page/",
}


def _missing(what: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} is missing, and under CI the browser tests must run")
    pytest.skip(f"{what} is not installed: browser tests skipped (CI installs it)")


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("Playwright for Python")
    if CHROMIUM is None:
        _missing("Chromium (Debian's chromium package)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)  # a fresh profile
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def base(out):
    """The example as the session built it (conftest's ``out``), served under the sub-path."""
    with serving(out) as port:
        yield f"http://127.0.0.1:{port}{PREFIX}"


PLAYWRIGHT_VIEWPORT = {"width": 1280, "height": 720}  # what a new browser context has unless told


class Tab:
    """One tab kept for the module: each visit in it is a new document, at the viewport and in the colour
    scheme it asks for, after a blank page. Its renderer process and cache are reused: a new browser context
    for every visit cost four times the CPU. A visit that counts the requests a page makes, clicks (the
    mouse would stay where it clicked and hover the next page), prints or needs a context of its own
    (JavaScript off) opens a new context instead: ``Visit(browser, ...)``."""

    def __init__(self, browser):
        self.browser = browser
        self.open()

    def open(self) -> None:
        self.context = self.browser.new_context()
        self.page = self.context.new_page()

    def replace(self) -> None:
        """After a failed test: a new tab, so that nothing it left behind reaches the next test."""
        self.context.close()
        self.open()


@pytest.fixture(scope="module")
def tab(browser):
    kept = Tab(browser)
    yield kept
    kept.context.close()


class Visit:
    """A page opened in the module's tab (``Visit(tab, ...)``) or in a new browser context
    (``Visit(browser, ...)``), with every request and console error of its document recorded."""

    def __init__(self, where, url: str, viewport: dict | None = None, color_scheme: str = "light", **context):
        self.tab = where if isinstance(where, Tab) else None
        if self.tab:
            assert not context, f"a context option ({context}) needs a new context: Visit(browser, ...)"
            self.context, self.page = None, self.tab.page
            self.page.set_viewport_size(viewport or PLAYWRIGHT_VIEWPORT)
            self.page.emulate_media(color_scheme=color_scheme)
        else:
            self.context = where.new_context(viewport=viewport or PLAYWRIGHT_VIEWPORT, color_scheme=color_scheme,
                                             **context)
            self.page = self.context.new_page()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.listeners = {"request": lambda request: self.requests.append(request.url),
                          "console": lambda message: message.type == "error" and self.errors.append(message.text),
                          "pageerror": lambda error: self.errors.append(str(error))}
        for event, listener in self.listeners.items():
            self.page.on(event, listener)
        try:
            self.response = self.page.goto(url, wait_until="load")
            shown = self.page.evaluate("[innerWidth, matchMedia('(prefers-color-scheme: dark)').matches]")
            assert shown == [(viewport or PLAYWRIGHT_VIEWPORT)["width"], color_scheme == "dark"], shown
        except BaseException:
            self.__exit__(True)
            raise

    def __enter__(self):
        return self

    def __exit__(self, failed, *exc):
        if self.context:
            self.context.close()
            return
        for event, listener in self.listeners.items():
            self.page.remove_listener(event, listener)
        if failed:
            self.tab.replace()
        else:
            self.page.goto("about:blank")


def all_images_loaded(page) -> list[str]:
    """Load lazy images too; the sources of images that did not load."""
    page.evaluate("document.querySelectorAll('img').forEach(i => { i.loading = 'eager'; })")
    page.wait_for_function("Array.from(document.images).every(i => i.complete)", timeout=10_000)
    return page.evaluate("Array.from(document.images).filter(i => !(i.naturalWidth > 0)).map(i => i.src)")


@pytest.mark.parametrize("kind", PAGES)
def test_page_loads_cleanly_and_only_from_loopback(browser, base, kind):
    with Visit(browser, base + PAGES[kind]) as visit:
        assert visit.response.status == (404 if kind == "404" else 200)
        visit.page.wait_for_load_state("networkidle")
        assert all_images_loaded(visit.page) == []
        if kind != "404":
            assert visit.errors == []  # a 404 page logs its own status; nothing else may fail
        outside = [url for url in visit.requests if not url.startswith(base.split(PREFIX)[0] + "/")]
        assert outside == []
        assert visit.page.locator("h1").count() == 1


@pytest.mark.parametrize("kind", PAGES)
def test_nothing_overflows_on_a_phone(tab, base, kind):
    with Visit(tab, base + PAGES[kind], viewport={"width": 375, "height": 800}) as visit:
        overflow = visit.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0


CONTRAST = """
(selector) => {
  const parse = c => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
                               return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const background = el => { for (; el; el = el.parentElement) { const c = parse(getComputedStyle(el).backgroundColor);
                               if (c.length === 3 || (c.length === 4 && c[3] > 0.9)) return c.slice(0, 3); } return [255, 255, 255]; };
  const worst = [];
  for (const el of document.querySelectorAll(selector)) {
    if (!el.textContent.trim() || !el.getClientRects().length) continue;
    const fg = lum(parse(getComputedStyle(el).color)), bg = lum(background(el));
    const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
    if (ratio < 4.5) worst.push(el.tagName + '.' + el.className + ': ' + ratio.toFixed(2));
  }
  return worst;
}
"""
TEXT = "h1, h2, p, a, li, td, th, .pill, .num, .muted, .kind, .committed-tag, summary"


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("kind", PAGES)
def test_text_contrast_is_readable(tab, base, kind, scheme):
    with Visit(tab, base + PAGES[kind], color_scheme=scheme) as visit:
        dark = visit.page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
        assert dark == (scheme == "dark")
        assert visit.page.evaluate(CONTRAST, TEXT) == []


CONFIDENCE_PAGES = ["index.html", "2026-q4/packaging/index.html", "2026-q4/packaging/compostable-mailers/index.html"]
CONFIDENCE_TEXT = ".kr-confidence, .confidence-word, .trend, .confidence-series"


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [1280, 375])
def test_confidence_reads_well_in_dark_mode_and_on_a_phone(tab, base, width, scheme):
    """The confidence beside each key result's progress, the home page's falling list and the series
    of the check-in list: on screen, inside the page's width, readable in either colour scheme."""
    for path in CONFIDENCE_PAGES:
        with Visit(tab, base + path, viewport={"width": width, "height": 900}, color_scheme=scheme) as visit:
            page = visit.page
            assert page.locator(".kr-confidence").count() > 0, path
            assert page.locator(".kr-confidence").first.is_visible(), path
            sides = page.evaluate("""Array.from(document.querySelectorAll('.kr-confidence'))
                                     .map(e => { const r = e.getBoundingClientRect(); return [r.left, r.right]; })""")
            assert all(0 <= left and right <= width for left, right in sides), (path, sides)
            assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0, path
            assert page.evaluate(CONTRAST, CONFIDENCE_TEXT) == [], path
            if page.locator(".checkin-table").count():  # open, every check-in's confidence fits the width
                page.evaluate("document.querySelectorAll('details.checkins').forEach(d => { d.open = true; })")
                assert page.evaluate("""Array.from(document.querySelectorAll('.checkin-table'))
                                        .every(t => t.scrollWidth <= t.clientWidth)"""), path
                assert page.locator(".confidence-cell").first.is_visible(), path
            if AXE.is_file():
                assert serious_violations(page) == [], path


@pytest.mark.parametrize("scheme, stroke", [("light", "rgb(31, 111, 178)"), ("dark", "rgb(143, 176, 255)")])
def test_the_pace_chart_follows_the_colour_scheme_and_fits_a_phone(tab, base, scheme, stroke):
    with Visit(tab, base + PAGES["department"], color_scheme=scheme, viewport={"width": 375, "height": 800}) as visit:
        svg = visit.page.locator("svg.pace-svg")
        assert svg.evaluate("s => getComputedStyle(s.querySelector('polyline.pace-actual')).stroke") == stroke
        text, ideal = svg.evaluate("""s => [getComputedStyle(s.querySelector('text')).fill,
                                             getComputedStyle(s.querySelector('.pace-ideal')).stroke]""")
        assert text == ideal == visit.page.evaluate("getComputedStyle(document.body).color")  # currentColor
        box = svg.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 375 and box["width"] >= 300
        height = svg.evaluate("s => s.querySelector('text').getBoundingClientRect().height")
        assert height >= 11  # 12 px text drawn at least 11 px high on a 375 px phone
        assert visit.page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_departments_across_cycles_on_a_retrospective_read_well_on_a_phone(tab, tmp_path, scheme):
    """The example has one archived cycle; this site has three cycles, so its retrospective has the table."""
    out = tmp_path / "out"
    assert build_site(write_site(tmp_path / "site", history_files()), out, BuildOptions(EXAMPLE_DATE)).ok(False)
    with serving(out) as port, Visit(tab, f"http://127.0.0.1:{port}{PREFIX}2026-q3/retro/index.html",
                                     color_scheme=scheme, viewport={"width": 375, "height": 800}) as visit:
        table = visit.page.locator("table.score-history")
        assert table.locator("tbody tr").count() == 2 and table.is_visible()
        assert visit.page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        assert visit.page.evaluate(CONTRAST) == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [1280, 375])
def test_kpi_trends_read_well_in_dark_mode_and_on_a_phone(tab, base, width, scheme):
    """Each KPI's trend line is drawn in the theme's colours (the last point green when healthy), inside the
    screen, its verdicts readable; the values are there for screen readers."""
    with Visit(tab, base + PAGES["kpis"], viewport={"width": width, "height": 900}, color_scheme=scheme) as visit:
        page = visit.page
        sparks = page.locator("svg.spark")
        assert sparks.count() == 3
        colours = page.evaluate("""() => {
            const root = getComputedStyle(document.documentElement), probe = document.createElement('span');
            document.body.append(probe);
            const colour = name => { probe.style.color = root.getPropertyValue(name); return getComputedStyle(probe).color; };
            const found = {bar: colour('--bar'), green: colour('--green'), background: getComputedStyle(document.body).backgroundColor};
            probe.remove();
            return found;
        }""")
        for index in range(3):
            spark = sparks.nth(index)
            spark.scroll_into_view_if_needed()
            line, dot = spark.evaluate("""s => [getComputedStyle(s.querySelector('polyline')).stroke,
                                                getComputedStyle(s.querySelector('circle')).fill]""")
            assert line == colours["bar"] and dot == colours["green"]  # every example KPI ends healthy
            assert line != colours["background"]
            box = spark.bounding_box()
            assert box["width"] == 96 and 0 <= box["x"] and box["x"] + box["width"] <= width
        assert page.locator(".kpi-trend .visually-hidden").first.text_content().startswith("Check-ins: ")
        assert page.locator(".verdicts").first.is_visible()
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        assert page.evaluate(CONTRAST, ".verdicts, .kpi-origin") == []
        if AXE.is_file():
            assert serious_violations(page) == []


def test_tree_branches_open_and_close_by_click(browser, base):
    with Visit(browser, base + PAGES["tree"]) as visit:
        branch = visit.page.locator("ul.tree details").first
        inner = branch.locator(":scope > ul a").first
        assert branch.evaluate("d => d.open") and inner.is_visible()
        branch.locator(":scope > summary").click()
        assert not branch.evaluate("d => d.open") and not inner.is_visible()
        branch.locator(":scope > summary").click()
        assert branch.evaluate("d => d.open") and inner.is_visible()
        closed = visit.page.locator("ul.tree details:not([open])").first.element_handle()  # this one, not the next
        hidden = closed.query_selector(":scope > ul a")
        assert not hidden.is_visible()
        closed.query_selector(":scope > summary").click()
        assert closed.evaluate("d => d.open") and hidden.is_visible()
        assert visit.page.url.endswith(PAGES["tree"])


def search_requests(visit) -> list[str]:
    """The files of the search index the page asked for, from the site's root, in order."""
    root = visit.page.url.split(PREFIX)[0] + PREFIX
    return [url[len(root):] for url in visit.requests if url.startswith(root)
            and (url.endswith("/search-index.js") or "/search/" in url and url.endswith(".js"))]


def search_results(visit, query: str) -> list[tuple[str, str]]:
    """Type ``query`` in the top bar's search box: the results' kinds and titles."""
    box = visit.page.get_by_role("searchbox", name="Search owners and objectives")
    box.fill(query)
    visit.page.wait_for_function("q => { const list = document.getElementById('search-results');"
                                 " return list && list.getAttribute('data-query') === q; }", arg=query)
    return [(a.locator(".kind").text_content(), a.locator(".result-title").text_content())
            for a in visit.page.locator(".search-results a").all()]


def test_search_finds_a_person_and_opens_their_page(browser, base):
    with Visit(browser, base + PAGES["cycles"]) as visit:
        box = visit.page.get_by_role("searchbox", name="Search owners and objectives")
        box.fill("Oluwaseun")
        first = visit.page.locator(".search-results a").first
        first.wait_for(state="visible")
        assert "Oluwaseun Adeyemi" in first.inner_text()
        asked = search_requests(visit)
        assert asked[:2] == ["search-index.js", "search/words-6f6c.js"]  # the head, then the part of "ol..."
        assert asked[2:] and all(re.fullmatch(r"search/entries-\d+\.js", path) for path in asked[2:])
        first.click()
        visit.page.wait_for_url("**/2026-q4/oluwaseun-adeyemi/index.html")
        assert visit.page.locator("h1").inner_text() == "Oluwaseun Adeyemi"
        assert visit.errors == []


def test_search_finds_objectives_and_key_results_current_cycle_first_loading_only_what_it_needs(browser, base):
    with Visit(browser, base + PAGES["objective"]) as visit:
        assert search_requests(visit) == []  # nothing before the reader types
        visit.page.get_by_role("searchbox", name="Search owners and objectives").fill("o")
        visit.page.wait_for_selector(".search-results li.muted")
        assert visit.page.locator(".search-results").inner_text() == "Type one more letter."
        assert search_requests(visit) == ["search-index.js"]  # one letter loads no part
        adeyemi = visit.page.locator(".search-results a")
        lines = search_results(visit, "adeyemi")
        assert lines[0] == ("person", "Oluwaseun Adeyemi")
        links = [adeyemi.nth(i).get_attribute("href") for i in range(adeyemi.count())]
        cycles = [re.search(r"2026-q\d", link).group() for link in links]
        assert cycles == sorted(cycles, reverse=True) and cycles[0] == "2026-q4" and "2026-q3" in cycles
        assert search_results(visit, "ines mor")[0] == ("person", "Inès Moreau")  # accents folded
        assert search_results(visit, "every parcel")[0] == ("objective", "Every parcel contains exactly what was ordered")
        assert search_results(visit, "shelf locat")[0] == ("key result", "Shelf locations with barcode labels")
        asked = search_requests(visit)
        words = [path for path in asked if path.startswith("search/words-")]
        # each part once: "ad", "in", "mo", "ev", "pa", "sh", "lo" (the hex of their UTF-8 bytes)
        assert sorted(words) == sorted(f"search/words-{name.encode().hex()}.js"
                                       for name in ("ad", "in", "mo", "ev", "pa", "sh", "lo"))
        assert len(asked) == len(set(asked)) and asked[0] == "search-index.js"
        chunks = [path for path in asked if path.startswith("search/entries-")]
        assert len(chunks) == len(asked) - 1 - len(words) and len(chunks) <= 8
        assert visit.errors == []


def test_search_works_on_a_site_opened_from_disk(browser, out):
    with Visit(browser, (out / PAGES["person"]).as_uri()) as visit:
        assert search_results(visit, "lucia")[0] == ("person", "Lucía Fernández")
        assert visit.errors == []


COUNT = ".filters-count"
OWN_LINE = "li => (li.querySelector(':scope > .node') || li).querySelector('a').textContent"
SHOWN_ITEMS = "main li[data-status]:not([data-also])"
VISIBLE = "e => e.checkVisibility({visibilityProperty: true})"  # a filtered-out person keeps an empty box


def shown_titles(page) -> list[str]:
    """The titles of the items (tree items and objectives: their own first link) a reader sees."""
    return page.evaluate(f"Array.from(document.querySelectorAll('{SHOWN_ITEMS}')).filter({VISIBLE}).map({OWN_LINE})")


def counted(page, selector: str) -> int:
    return page.evaluate(f"document.querySelectorAll({selector!r}).length")


def test_typing_filters_the_tree_keeping_what_a_match_rolls_up_to(browser, base):
    with Visit(browser, base + PAGES["tree"]) as visit:
        page = visit.page
        assert page.locator(COUNT).inner_text() == "Showing all 43 objectives"
        page.get_by_role("searchbox", name="Filter").fill("compost")
        page.wait_for_function("document.querySelector('.filters-count').textContent.startsWith('Showing 2 ')")
        assert page.locator(COUNT).inner_text() == "Showing 2 of 43 objectives"
        # the matches, deep down, with the objectives they roll up to shown and their branches opened
        assert shown_titles(page) == ["Be the soap brand with the lightest footprint on the shelf",
                                      "Take plastic out of everything we ship",
                                      "Ship in mailers that go in the compost, not the bin",
                                      "Find a compostable mailer we can count on"]
        assert page.get_by_role("link", name="Ship in mailers that go in the compost, not the bin").is_visible()
        assert page.evaluate("Array.from(document.querySelectorAll('ul.tree details')).filter(d => d.open && "
                             "d.checkVisibility()).length") == 3
        assert visit.page.url.endswith(PAGES["tree"] + "?q=compost")
        page.get_by_role("button", name="Clear").click()
        assert page.locator(COUNT).inner_text() == "Showing all 43 objectives"
        assert page.evaluate("Array.from(document.querySelectorAll('main li[data-status]')).every(e => !e.hidden)")
        assert visit.page.url.endswith(PAGES["tree"])
        assert visit.errors == []


@pytest.mark.parametrize("kind, noun", [("tree", "objectives"), ("status", "objectives"), ("people", "people")])
def test_status_department_and_attention_filter_each_page(browser, base, kind, noun):
    with Visit(browser, base + PAGES[kind]) as visit:
        page = visit.page
        everything = counted(page, SHOWN_ITEMS)
        page.get_by_label("Status").select_option("at-risk")
        at_risk = counted(page, "main li[data-status~='at-risk']:not([data-also])")
        assert 0 < at_risk < everything
        assert page.locator(COUNT).inner_text() == f"Showing {at_risk} of {everything} {noun}"
        page.get_by_label("Department").select_option(label="Product & Formulation")
        both = counted(page, "main li[data-status~='at-risk'][data-dept='product']:not([data-also])")
        assert page.locator(COUNT).inner_text() == f"Showing {both} of {everything} {noun}"
        assert page.url.endswith("?status=at-risk&dept=product")
        page.get_by_label("Status").select_option("")
        page.get_by_label("Only what needs attention").check()
        attention = counted(page, "main li:is([data-status~='at-risk'], [data-status~='off-track'])"
                                  "[data-dept='product']:not([data-also])")
        assert page.locator(COUNT).inner_text() == f"Showing {attention} of {everything} {noun}"
        assert page.url.endswith("?dept=product&attention=1")
        shown = page.evaluate(f"Array.from(document.querySelectorAll('{SHOWN_ITEMS}')).filter({VISIBLE})"
                              ".filter(e => e.dataset.dept === 'product' && /at-risk|off-track/.test(e.dataset.status))"
                              ".length")
        assert shown == attention
        if kind == "status":  # the groups with nothing left are hidden, headings and all
            headings = page.evaluate("Array.from(document.querySelectorAll('main h2, main h3')).filter(h => h.checkVisibility())"
                                     ".map(h => h.textContent.trim().split(/\\s+/)[0])")
            assert headings[0] == "department" and all(h != "department" for h in headings[1:])
        assert visit.errors == []


def test_a_shared_link_opens_the_filtered_view_and_escape_clears_the_text(tab, base):
    with Visit(tab, base + PAGES["people"] + "?q=pack&status=on-track&dept=nowhere&utm=x") as visit:
        page = visit.page
        box = page.get_by_role("searchbox", name="Filter")
        assert box.input_value() == "pack" and page.get_by_label("Status").input_value() == "on-track"
        assert page.get_by_label("Department").input_value() == ""  # not one of the cycle's: all
        names = page.evaluate(f"Array.from(document.querySelectorAll('#people > li')).filter({VISIBLE})"
                              ".map(e => e.querySelector('a').textContent)")
        assert names == ["Oluwaseun Adeyemi"]
        assert page.locator(COUNT).inner_text() == "Showing 1 of 19 people"
        assert page.url.endswith("?utm=x&q=pack&status=on-track")  # the page's own parameters stay
        box.focus()
        page.keyboard.press("Escape")
        assert box.input_value() == "" and page.locator(COUNT).inner_text().startswith("Showing ")
        assert page.url.endswith("?utm=x&status=on-track")
        assert visit.errors == []


def test_the_filter_works_from_the_keyboard_alone(tab, base):
    with Visit(tab, base + PAGES["status"]) as visit:
        page = visit.page
        names = []
        for _ in range(30):
            page.keyboard.press("Tab")
            names.append(page.evaluate("document.activeElement.closest('.filters') ? document.activeElement.name : ''"))
            if names[-1] == "q":
                break
        page.keyboard.type("holiday")
        page.keyboard.press("Enter")  # filters at once, stays on the page
        typed = page.locator(COUNT).inner_text()
        assert typed.startswith("Showing ") and " of " in typed and page.url.endswith("?q=holiday")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.name") == "status"
        page.keyboard.press("ArrowDown")
        assert page.get_by_label("Status").input_value() == "on-track"
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.name") == "attention"
        page.keyboard.press("Space")
        assert page.get_by_label("Only what needs attention").is_checked()
        assert page.locator(COUNT).inner_text() == "Showing 0 of 43 objectives"
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")  # Clear
        assert page.locator(COUNT).inner_text() == "Showing all 43 objectives"
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert outline != "none"
        assert visit.errors == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("kind", ["tree", "status", "people"])
def test_the_filter_fits_a_phone_and_reads_well(tab, base, kind, scheme):
    with Visit(tab, base + PAGES[kind], color_scheme=scheme, viewport={"width": 375, "height": 800}) as visit:
        page = visit.page
        page.get_by_role("searchbox", name="Filter").fill("a")
        controls = page.evaluate("Array.from(document.querySelectorAll('.filters input, .filters select, .filters button'))"
                                 ".map(e => { const r = e.getBoundingClientRect(); return [r.left, r.right, r.width]; })")
        assert len(controls) == 5 and all(0 <= left and right <= 375 and width > 10 for left, right, width in controls)
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        assert page.evaluate(CONTRAST, ".filters label, .filters select, .filters input, .filters button, .filters-count") == []
        if AXE.is_file():
            assert serious_violations(page) == []


@pytest.mark.parametrize("kind", ["tree", "status", "people"])
def test_without_javascript_every_item_shows_and_no_control(browser, base, kind):
    with Visit(browser, base + PAGES[kind], java_script_enabled=False) as visit:
        page = visit.page
        assert not page.locator("form.filters").is_visible()
        items = page.locator("main li[data-status]")
        assert items.count() > 15
        if kind != "tree":  # the tree's deeper branches start closed, as they always have
            assert page.evaluate("Array.from(document.querySelectorAll('main li[data-status]')).every(e => e.checkVisibility())")
        else:
            assert page.evaluate("Array.from(document.querySelectorAll('ul.tree > li')).every(e => e.checkVisibility())")


SHOWN = "e => e.checkVisibility()"  # false inside a closed <details>, unlike getClientRects
# What has the focus once each Tab key is let go, read in the page as the key's keyup reaches the document (the
# focused element, or the document's body): the same as asking after each press, without a call per press.
RECORD_FOCUS = """() => { window.focusAfterTab = [];
  document.addEventListener('keyup', event => { if (event.key !== 'Tab') return;
    const el = document.activeElement, s = getComputedStyle(el);
    window.focusAfterTab.push([el.tagName, el.getAttribute('href') + '|' + el.textContent.trim(), s.outlineStyle, s.outlineWidth]);
  }, true); }"""


@pytest.mark.parametrize("kind", PAGES)
def test_keyboard_reaches_every_link_with_a_visible_focus(tab, base, kind):
    with Visit(tab, base + PAGES[kind]) as visit:
        page = visit.page
        stops = page.evaluate(f"Array.from(document.querySelectorAll('a[href], summary, input, button')).filter({SHOWN}).length")
        page.evaluate(RECORD_FOCUS)
        for _ in range(stops + 10):
            page.keyboard.press("Tab")
        presses = page.evaluate("window.focusAfterTab")
        assert len(presses) == stops + 10
        reached, unmarked = set(), []
        for focused in presses:
            if focused[0] == "A":
                reached.add(focused[1])
                if focused[2] == "none" or focused[3] == "0px":
                    unmarked.append(focused[1])
        visible = page.evaluate(f"""Array.from(document.querySelectorAll('a[href]')).filter({SHOWN})
                                    .map(a => a.getAttribute('href') + '|' + a.textContent.trim())""")
        assert set(visible) <= reached
        assert unmarked == []


@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize("kind", PAGES)
def test_no_serious_accessibility_violations(tab, base, kind, width):
    if not AXE.is_file():
        _missing(f"axe-core ({AXE})")
    with Visit(tab, base + PAGES[kind], viewport={"width": width, "height": 900}) as visit:
        assert serious_violations(visit.page) == []


def serious_violations(page) -> list[str]:
    """What axe-core finds serious or critical on ``page``."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def test_an_owner_page_prints_as_a_brief_without_navigation(browser, base, tmp_path):
    with Visit(browser, base + PAGES["owner"]) as visit:
        page = visit.page
        page.emulate_media(media="print")
        for chrome in (".topbar", ".footer", "form.search", ".breadcrumb", ".badge-box"):
            assert not page.locator(chrome).first.is_visible(), chrome
        assert page.locator("h1").is_visible()
        assert page.locator(".objective").first.is_visible()
        pdf = tmp_path / "brief.pdf"
        page.pdf(path=str(pdf), format="A4")
        assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 10_000


CHARTED = {"objective": "2026-q4/marketing/holiday-campaign/index.html", "home": "index.html",
           "retrospective": "2026-q3/retro/index.html", "cycles": "cycles/index.html"}
CHART_CORNERS = """async () => {
  const corners = [];
  for (const img of document.querySelectorAll('.chart img')) {
    img.loading = 'eager'; await img.decode();
    const canvas = document.createElement('canvas'); canvas.width = canvas.height = 8;
    const context = canvas.getContext('2d'); context.drawImage(img, 0, 0, img.naturalWidth, img.naturalHeight);
    corners.push(Array.from(context.getImageData(3, 3, 1, 1).data.slice(0, 3)));
  }
  return corners;
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("kind", CHARTED)
def test_charts_follow_the_colour_scheme(tab, base, kind, scheme):
    """A chart in an <img> draws itself on the card's colour in either scheme: no white block in dark mode."""
    with Visit(tab, base + CHARTED[kind], color_scheme=scheme) as visit:
        card = visit.page.evaluate("getComputedStyle(document.querySelector('.chart')).backgroundColor")
        corners = visit.page.evaluate(CHART_CORNERS)
        assert corners, "no chart on the page"
        expected = [255, 255, 255] if scheme == "light" else [0x17, 0x1c, 0x23]
        assert corners == [expected] * len(corners)
        assert card == f"rgb({expected[0]}, {expected[1]}, {expected[2]})"


@pytest.mark.parametrize("kind", CHARTED)
def test_charts_fit_a_phone_whole(tab, base, kind):
    """At 375 px every chart is drawn whole inside the screen: nothing to scroll sideways, nothing cut off."""
    with Visit(tab, base + CHARTED[kind], viewport={"width": 375, "height": 800}) as visit:
        page = visit.page
        assert all_images_loaded(page) == []
        boxes = page.evaluate("""Array.from(document.querySelectorAll('.chart img')).map(img => {
            const box = img.getBoundingClientRect(), figure = img.closest('.chart');
            return [box.left, box.right, box.width / box.height, img.naturalWidth / img.naturalHeight,
                    figure.scrollWidth - figure.clientWidth]; })""")
        assert boxes
        for left, right, shown_ratio, drawn_ratio, hidden in boxes:
            assert 0 <= left and right <= 375 and hidden <= 0
            assert shown_ratio == pytest.approx(drawn_ratio, rel=0.02)  # scaled whole, not cropped
        assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_an_objective_with_three_key_results_is_short(tab, base):
    """The holiday campaign (three charted key results) was 3,213 px tall at 1280 px: each chart now sits beside
    its key result's numbers."""
    with Visit(tab, base + CHARTED["objective"], viewport={"width": 1280, "height": 900}) as visit:
        page = visit.page
        all_images_loaded(page)
        assert page.evaluate("document.documentElement.scrollHeight") < 2300
        rows = page.evaluate("""Array.from(document.querySelectorAll('.kr-card')).map(card => {
            const chart = card.querySelector('.chart').getBoundingClientRect(), title = card.querySelector('h3').getBoundingClientRect();
            return [chart.left > title.right, chart.top - title.top]; })""")
        assert len(rows) == 3 and all(beside and abs(offset) < 40 for beside, offset in rows)


@pytest.mark.parametrize("width", [1280, 1024, 768, 375])
@pytest.mark.parametrize("kind", ["home", "archived cycle", "retrospective"])
def test_status_tiles_leave_no_holes(tab, base, kind, width):
    """Every line of status tiles is filled from edge to edge, whatever the width."""
    with Visit(tab, base + PAGES[kind], viewport={"width": width, "height": 900}) as visit:
        lines = visit.page.evaluate("""() => {
            const list = document.querySelector('.counts'), edge = list.getBoundingClientRect(), lines = {};
            for (const tile of list.children) { const box = tile.getBoundingClientRect();
                (lines[Math.round(box.top)] = lines[Math.round(box.top)] || []).push(
                    [box.left - edge.left, edge.right - box.right, tile.scrollWidth - tile.clientWidth]); }
            return Object.values(lines); }""")
        assert lines
        for tiles in lines:
            assert abs(tiles[0][0]) < 1 and abs(tiles[-1][1]) < 1, (width, lines)
            assert all(spill <= 0 for _, _, spill in tiles), (width, lines)  # each word fits its tile


@pytest.mark.parametrize("page_path", ["2026-q4/tree/index.html", "2026-q3/tree/index.html"])
def test_tree_bars_line_up_whatever_the_status_word(tab, base, page_path):
    with Visit(tab, base + page_path, viewport={"width": 1280, "height": 900}) as visit:
        visit.page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
        bars = visit.page.evaluate("""Array.from(document.querySelectorAll('.node-measure .bar')).map(bar => {
            const box = bar.getBoundingClientRect(); return [Math.round(box.left), Math.round(box.width)]; })""")
        words = visit.page.evaluate("new Set(Array.from(document.querySelectorAll('.node-measure .pill')).map(p => p.textContent)).size")
        assert len(bars) > 10 and len(set(map(tuple, bars))) == 1, set(map(tuple, bars))
        assert words > 1 or page_path.startswith("2026-q4")  # the archived tree mixes 'Achieved' and 'Progress made'


def test_home_puts_find_your_team_near_the_top(tab, base):
    with Visit(tab, base + PAGES["home"], viewport={"width": 1280, "height": 900}) as visit:
        page = visit.page
        headings = page.evaluate("Array.from(document.querySelectorAll('main h2:not(.visually-hidden)')).map(h => h.textContent)")
        assert headings[0] == "Find your team or yourself"
        assert page.locator("#find-box").is_visible()
        page.fill("#find-box", "lucia")
        page.wait_for_selector(".find .search-results a")
        assert "Lucía Fernández" in page.locator(".find .search-results").inner_text()


# --- a split cycle (render/sections.py): the example built with split_above = 0 ---

SPLIT_PAGES = {
    "split tree": "2026-q4/tree/index.html",
    "department tree": "2026-q4/tree/marketing/index.html",
    "split status": "2026-q4/status/index.html",
    "department status": "2026-q4/status/marketing/index.html",
    "split people": "2026-q4/people/index.html",
    "department people": "2026-q4/people/marketing/index.html",
}
FOUND = "ul.finder-results > li"


@pytest.fixture(scope="module")
def split_base(tmp_path_factory):
    root = copy_example(tmp_path_factory.mktemp("split-browser"), 0)
    assert build_site(root, root / "public", BuildOptions(EXAMPLE_DATE, strict=True)).ok(True)
    with serving(root / "public") as port:
        yield f"http://127.0.0.1:{port}{PREFIX}"


def found_names(page) -> list[str]:
    return page.evaluate(f"Array.from(document.querySelectorAll('{FOUND}')).filter({VISIBLE})"
                         ".map(li => li.querySelector('a').textContent)")


def test_the_split_people_directory_finds_anyone_as_you_type_and_loads_people_js_once(browser, split_base):
    with Visit(browser, split_base + SPLIT_PAGES["split people"]) as visit:
        page = visit.page
        assert page.locator("table.sections").is_visible()
        assert not any(url.endswith("people.js") for url in visit.requests)  # loaded on first use only
        box = page.get_by_role("searchbox", name="Find")
        box.fill("fat")
        page.wait_for_selector(FOUND)
        assert found_names(page) == ["Fatima El-Amrani"]
        assert page.locator(COUNT).inner_text() == "Showing 1 of 19 people"
        assert not page.locator("table.sections").is_visible()
        assert page.url.endswith("?q=fat")
        box.fill("content social")  # a team's name finds its people
        page.wait_for_function("document.querySelector('.filters-count').textContent.startsWith('Showing 1 ')")
        assert found_names(page) == ["Fatima El-Amrani"]
        box.fill("marketing")  # and a title
        page.wait_for_function("document.querySelector('.filters-count').textContent.startsWith('Showing 2 ')")
        assert found_names(page) == ["Diego Álvarez", "Lucía Fernández"]
        assert sum(url.endswith("people.js") for url in visit.requests) == 1
        page.get_by_role("link", name="Lucía Fernández").click()
        page.wait_for_load_state()
        assert page.url.endswith("/2026-q4/lucia-fernandez/index.html")
        assert visit.errors == []


def test_the_finder_filters_by_department_and_status_and_escape_brings_the_departments_back(browser, split_base):
    with Visit(browser, split_base + SPLIT_PAGES["split people"] + "?dept=product&attention=1") as visit:
        page = visit.page
        page.wait_for_selector(FOUND)
        names = found_names(page)
        assert names and page.locator(COUNT).inner_text() == f"Showing {len(names)} of 19 people"
        pills = page.evaluate(f"Array.from(document.querySelectorAll('{FOUND}')).map(li => "
                              "Array.from(li.querySelectorAll('.pill')).map(p => p.textContent))")
        assert all(any(p in ("At risk", "Off track") for p in person) for person in pills)
        departments = page.evaluate(f"Array.from(document.querySelectorAll('{FOUND}')).map(li => li.textContent)")
        assert all("Product & Formulation" in text for text in departments)
        page.get_by_role("button", name="Clear").click()
        assert page.locator("table.sections").is_visible() and found_names(page) == []
        box = page.get_by_role("searchbox", name="Find")
        box.fill("amara")
        page.wait_for_selector(FOUND)
        box.press("Escape")
        assert page.locator("table.sections").is_visible() and found_names(page) == []
        assert visit.errors == []


def test_without_javascript_the_split_directory_shows_its_departments(browser, split_base):
    with Visit(browser, split_base + SPLIT_PAGES["split people"], java_script_enabled=False) as visit:
        page = visit.page
        assert not page.locator("form.filters").is_visible()
        assert page.locator("table.sections a").count() == 6
        assert "Without JavaScript" in page.locator("main").inner_text()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("kind", SPLIT_PAGES)
def test_split_pages_fit_a_phone_read_well_and_pass_axe(browser, split_base, kind, scheme):
    with Visit(browser, split_base + SPLIT_PAGES[kind], color_scheme=scheme,
               viewport={"width": 375, "height": 800}) as visit:
        page = visit.page
        if page.locator("form.filters").count():
            page.locator("form.filters input[type=search]").fill("a")
            page.wait_for_timeout(300)
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        assert page.evaluate(CONTRAST, "main p, main a, main td, main th, .filters-count") == []
        if AXE.is_file():
            assert serious_violations(page) == []
        elif os.environ.get("CI") == "true":
            _missing(f"axe-core ({AXE})")
        assert visit.errors == []


@pytest.mark.parametrize("name", ["tree", "status"])
def test_a_link_to_a_split_page_filtered_by_department_opens_the_department_page(browser, split_base, name):
    with Visit(browser, split_base + f"2026-q4/{name}/index.html?dept=marketing&status=on-track") as visit:
        page = visit.page
        page.wait_for_url(f"**/2026-q4/{name}/marketing/index.html?status=on-track")
        page.wait_for_selector(".filters-count:not(:empty)")
        assert page.get_by_label("Status").input_value() == "on-track"
        assert page.locator(COUNT).inner_text().startswith("Showing ")
        assert visit.errors == []


@pytest.mark.parametrize("width", [1280, 375])
def test_the_top_bar_search_results_open_inside_the_window(browser, base, width):
    with Visit(browser, base + PAGES["tree"], viewport={"width": width, "height": 800}) as visit:
        page = visit.page
        page.fill(".topbar input[type=search]", "holiday")
        page.wait_for_selector(".topbar .search-results a")
        left, right = page.evaluate("(() => { const r = document.querySelector('.topbar .search-results')"
                                    ".getBoundingClientRect(); return [r.left, r.right]; })()")
        assert 0 <= left and right <= width
        assert visit.errors == []
