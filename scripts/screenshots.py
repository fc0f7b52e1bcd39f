"""Screenshots of the example site's main pages, for the README.

    python scripts/screenshots.py [OUT_DIR]      (default: docs/screenshots)

Builds the example company as of 2026-11-20 into a temporary folder and opens its
pages from disk in Debian's headless Chromium (driven by Playwright; nothing is
downloaded), with a fresh profile.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from okrsite.build import build_site  # noqa: E402
from okrsite.options import BuildOptions  # noqa: E402

DATE = dt.date(2026, 11, 20)
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
SHOTS = [  # file name, page (with an optional #fragment), viewport, colour scheme
    ("home", "index.html", (1280, 1000), "light"),
    ("tree", "2026-q4/tree/index.html", (1280, 1000), "light"),
    ("owner", "2026-q4/fulfillment/index.html", (1280, 1000), "light"),
    ("objective", "2026-q4/fulfillment/same-day/index.html", (1280, 1000), "light"),
    ("home-dark", "index.html", (1280, 800), "dark"),
    ("phone", "2026-q4/oluwaseun-adeyemi/index.html", (390, 844), "light"),
    ("retro", "2026-q3/retro/index.html", (1280, 1000), "light"),
    ("heatmap-phone", "2026-q4/index.html#by-department", (390, 844), "light"),
    ("people", "2026-q4/people/index.html", (1280, 1000), "light"),
    ("kpis", "2026-q4/kpis/index.html", (1280, 1000), "light"),
    ("digest", "2026-q4/digest/index.html", (1280, 1000), "light"),
    ("health", "2026-q4/health/index.html", (1280, 1000), "light"),
    ("department", "2026-q4/marketing/index.html", (1280, 1000), "light"),
    ("objective-dark", "2026-q4/marketing/holiday-campaign/index.html#kr-newsletter", (1280, 900), "dark"),
    ("objective-phone", "2026-q4/marketing/holiday-campaign/index.html#kr-cpa", (390, 844), "light"),
]
SPLIT_SHOTS = [  # the example built with split_above = 0, as a big company's pages are; what is typed in the filter
    ("people-finder", "2026-q4/people/index.html", (1280, 900), "light", "an"),
    ("tree-department", "2026-q4/tree/marketing/index.html", (1280, 1000), "light", ""),
]


def main() -> None:
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "docs/screenshots"
    target.mkdir(parents=True, exist_ok=True)
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        sys.exit("screenshots: Chromium is not installed (apt-get install chromium)")
    with tempfile.TemporaryDirectory() as scratch:
        out, split = Path(scratch) / "public", Path(scratch) / "split"
        build(REPO, out)
        shutil.copytree(REPO / "content", split / "content")
        toml = (REPO / "site.toml").read_text(encoding="utf-8")
        (split / "site.toml").write_text(toml.replace("[cycles.", "split_above = 0\n\n[cycles.", 1), encoding="utf-8")
        build(split, split / "public")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=FLAGS)
            for name, page_path, size, scheme in SHOTS:
                shoot(browser, out, page_path, size, scheme, "", target / f"{name}.png")
            for name, page_path, size, scheme, typed in SPLIT_SHOTS:
                shoot(browser, split / "public", page_path, size, scheme, typed, target / f"{name}.png")
            browser.close()


def build(root: Path, out: Path) -> None:
    if not build_site(root, out, BuildOptions(DATE, strict=True)).ok(True):
        sys.exit(f"screenshots: the example site does not build ({root})")


def shoot(browser, out: Path, page_path: str, size: tuple[int, int], scheme: str, typed: str, png: Path) -> None:
    """A screenshot of the page at ``page_path`` of ``out``, with ``typed`` typed into its filter."""
    width, height = size
    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme, device_scale_factor=1)
    page = context.new_page()
    path, hash_sign, fragment = page_path.partition("#")  # a fragment scrolls to its section
    page.goto((out / path).as_uri() + hash_sign + fragment, wait_until="load")
    if typed:
        page.fill("form.filters input[type=search]", typed)
        page.wait_for_timeout(500)
    page.evaluate("document.querySelectorAll('img').forEach(i => { i.loading = 'eager'; })")
    page.wait_for_function("Array.from(document.images).every(i => i.complete)")
    page.screenshot(path=str(png))
    context.close()
    print(f"wrote {png}")


if __name__ == "__main__":
    main()
