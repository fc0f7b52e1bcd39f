"""How long the filters of the long pages take in a browser, and how heavy the pages are.

    python benchmarks/filters.py OUT [CYCLE]      (OUT: a built site, e.g. of generate.py --people 10000)

Opens in headless Chromium (Debian's, driven by Playwright) the cycle's alignment tree,
status page and people directory, and, when the cycle is split by department
(render/sections.py), the biggest department's tree, status and people pages; on each,
types a sequence of words into the filter and times each keystroke's filtering
(``performance.now()`` around the filter's work) and up to the next frame drawn.
Prints each page's size, its items, the medians and the maximum. On the split people
directory the first keystroke also loads ``people.js``: its time is shown apart.
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
WORDS = ["p", "pe", "per", "pers", "perso", "person", "person 9", "person 93", "person 935", "",
         "o", "ob", "obj", "obje", "objective", ""]
MEASURE = """async (text) => {
  const form = document.querySelector('form.filters'), box = form.elements.q;
  box.value = text;
  const t0 = performance.now();
  form.dispatchEvent(new Event('submit', {cancelable: true}));
  const t1 = performance.now();
  await new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
  const t2 = performance.now();
  return [t1 - t0, t2 - t0, document.querySelector('.filters-count').textContent];
}"""
FIRST = """async (text) => {
  const form = document.querySelector('form.filters'), box = form.elements.q, count = document.querySelector('.filters-count');
  const before = count.textContent, t0 = performance.now();
  box.value = text;
  form.dispatchEvent(new Event('submit', {cancelable: true}));
  while (count.textContent === before) await new Promise(r => setTimeout(r, 5));
  await new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
  return [performance.now() - t0, count.textContent];
}"""


def pages(out: Path, cycle: str) -> list[str]:
    found = [f"{cycle}/{name}/index.html" for name in ("tree", "status", "people")]
    for name in ("tree", "status", "people"):
        parts = [p for p in (out / cycle / name).glob("*/index.html")]
        if parts:
            biggest = max(parts, key=lambda p: p.stat().st_size)
            found.append(str(biggest.relative_to(out)))
    return found


def measure(browser, path: Path) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(path.as_uri(), wait_until="load", timeout=300_000)
    size = path.stat().st_size
    items = page.evaluate("document.querySelectorAll('main [data-status]').length")
    if not page.evaluate("Boolean(document.querySelector('form.filters'))"):
        print(f"{path.parent.name:>16}: {size / 1e6:.2f} MB, no filter")
        return page.close()
    first = page.evaluate(FIRST, "a")
    runs = [page.evaluate(MEASURE, word) for word in WORDS]
    filtering = [r[0] for r in runs]
    print(f"{'/'.join(path.parts[-3:-1]):>24}: {size / 1e6:.2f} MB, {items} items; first use {first[0]:.0f} ms "
          f"({first[1]}); per keystroke: filter median {statistics.median(filtering):.1f} ms, "
          f"max {max(filtering):.1f} ms; to the next frame median {statistics.median(r[1] for r in runs):.0f} ms")
    page.close()


def main() -> None:
    out = Path(sys.argv[1])
    cycle = sys.argv[2] if len(sys.argv) > 2 else next(p.name for p in sorted(out.iterdir(), reverse=True)
                                                        if (p / "people").is_dir())
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        for relative in pages(out, cycle):
            measure(browser, out / relative)
        browser.close()


if __name__ == "__main__":
    main()
