"""Publishing: the built site works under a sub-path, as a GitHub Pages project site is served.

The output is served on loopback under /okrs/ by a plain static server that, like
GitHub Pages, answers a missing path with 404.html; every internal link and every
src of every page must load.
"""

from __future__ import annotations

import http.client
import shutil
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest

from conftest import EXAMPLE_DATE, REPO
from okrsite.build import build_site
from pages_server import PREFIX, serving

class _Refs(HTMLParser):
    """Every href and src of a page, and its <base href> if it has one."""

    def __init__(self):
        super().__init__()
        self.refs: list[str] = []
        self.base: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "base":
            self.base = attrs.get("href")
        for name in ("href", "src"):
            if attrs.get(name) and tag != "base":
                self.refs.append(attrs[name])


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    site = tmp_path_factory.mktemp("site")
    shutil.copytree(REPO / "content", site / "content")
    (site / "site.toml").write_text('cname = "okrs.example.com"\n' + (REPO / "site.toml").read_text())
    out = site / "public"
    report = build_site(site, out, EXAMPLE_DATE, strict=True)
    assert report.ok(True), [d.format() for d in report.diagnostics.items]
    with serving(out) as port:
        yield out, port


def fetch(port: int, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def internal(url: str) -> bool:
    parts = urlsplit(url)
    return not parts.scheme and not parts.netloc and not url.startswith("#")


def check_page(port: int, page_url: str, body: bytes, seen: dict[str, int]) -> list[str]:
    """Fetch everything a page refers to; the problems found."""
    refs = _Refs()
    refs.feed(body.decode("utf-8"))
    base = urljoin(page_url, refs.base) if refs.base else page_url
    problems = []
    for ref in refs.refs:
        if not internal(ref):
            continue
        target = urlsplit(urljoin(base, ref)).path
        if target not in seen:
            seen[target] = fetch(port, target)[0]
        if seen[target] != 200:
            problems.append(f"{page_url}: {ref} -> {target} ({seen[target]})")
    return problems


def test_every_link_and_src_of_every_page_loads_under_a_sub_path(served):
    out, port = served
    seen: dict[str, int] = {}
    problems = []
    pages = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html") if p.name != "404.html")
    assert len(pages) > 100
    for page in pages:
        url = PREFIX + page
        status, body = fetch(port, url)
        assert status == 200, url
        problems += check_page(port, url, body, seen)
    assert not problems, "\n".join(problems[:20])
    assert sum(1 for path in seen if path.endswith(".svg")) > 50  # badges and charts were among them
    assert any(path.endswith(".css") for path in seen)


@pytest.mark.parametrize("missing", ["/okrs/nope", "/okrs/2026-q4/nobody/", "/okrs/a/b/c/d/e/index.html", "/elsewhere"])
def test_404_page_works_from_any_depth(served, missing):
    _, port = served
    status, body = fetch(port, missing)
    assert status == 404 and b"Page not found" in body
    problems = check_page(port, missing, body, {})
    assert not problems, problems


def test_folder_urls_work_too(served):
    _, port = served
    for path in ("/okrs/", "/okrs/2026-q4/", "/okrs/cycles/"):
        assert fetch(port, path)[0] == 200, path


def test_pages_files_are_written(served):
    out, _ = served
    assert (out / ".nojekyll").is_file()
    assert (out / "CNAME").read_text() == "okrs.example.com\n"
