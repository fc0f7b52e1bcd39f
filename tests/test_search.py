"""Search: the index written at build time, the no-JavaScript index page, and the theme's script."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from conftest import COMPANY, EXAMPLE_DATE
from htmlcheck import parse_file, resolve
from okrsite.build import build_site
from okrsite.theme import default_theme_dir
from okrsite.options import BuildOptions


def load_index(out) -> dict:
    text = (out / "search-index.js").read_text(encoding="utf-8")
    assert text.startswith("okrsiteSearch(") and text.endswith(");\n")
    return json.loads(text[len("okrsiteSearch("):-len(");\n")])


def test_index_has_every_owner_objective_and_key_result(site, out):
    index = load_index(out)
    assert index["fields"] == ["kind", "title", "detail", "url", "words", "cycle"]
    assert index["current"] == site.current.id
    entries = index["entries"]
    titles = {(e[0], e[1], e[3]) for e in entries}
    for cycle in site.cycles:
        for owner in cycle.owners.values():
            assert (owner.kind, owner.name, owner.url) in titles
            for objective in owner.objectives:
                assert ("objective", objective.title, objective.url) in titles
                for kr in objective.key_results:
                    assert ("key result", kr.title, objective.url) in titles
    assert all((out / e[3] / "index.html").is_file() for e in entries)
    current = [e for e in entries if e[3].startswith(site.current.slug + "/")]
    assert entries[: len(current)] == current  # the current cycle comes first


def test_private_content_never_enters_the_index(make_site, tmp_path):
    secret = "---\nname: Canary Person Zq7\nkind: person\nparent: test-co\nvisibility: private\n---\nSecret body Zq7.\n"
    hidden = COMPANY.replace("objectives:\n", "objectives:\n  - id: hush\n    title: Hidden plan Zq7\n    visibility: private\n"
                                             "    key_results:\n      - {id: a, title: Secret KR Zq7, start: 0, target: 1}\n"
                                             "      - {id: b, title: Other, start: 0, target: 1}\n", 1)
    root = make_site({"content/2026-Q4/test-co.md": hidden, "content/2026-Q4/canary.md": secret})
    assert build_site(root, tmp_path / "out", BuildOptions(EXAMPLE_DATE)).ok(False)
    assert "Zq7" not in (tmp_path / "out/search-index.js").read_text(encoding="utf-8")
    assert "Zq7" not in (tmp_path / "out/search/index.html").read_text(encoding="utf-8")


def test_index_page_lists_every_owner_and_objective(site, out):
    page = parse_file(out / "search/index.html")
    targets = {resolve("search/index.html", a.get("href")) for a in page.find_all("a") if a.get("href")}
    for cycle in site.cycles:
        for owner in cycle.owners.values():
            assert owner.url + "index.html" in targets
            for objective in owner.objectives:
                assert objective.url + "index.html" in targets


def test_every_page_has_a_search_box_that_works_without_javascript(out):
    for path in [p for p in out.rglob("*.html") if p.name != "404.html"]:
        relative = path.relative_to(out).as_posix()
        form = parse_file(path).find("form", cls="search")
        assert form is not None and form.get("role") == "search", relative
        assert resolve(relative, form.get("action")) == "search/index.html", relative
        box = form.find("input", type="search")
        assert box is not None and form.find("label", **{"for": box.get("id")}) is not None, relative


NODE = shutil.which("node")


@pytest.mark.skipif(NODE is None, reason="Node.js is not installed: the search script's matching is not run")
def test_search_script_matching(out):
    script = default_theme_dir() / "static/search.js"
    program = f"""
const {{ match }} = require({json.dumps(str(script))});
const index = {json.dumps(load_index(out))};
const show = (q) => match(index, q, 5).map(e => e[0] + ":" + e[1]);
console.log(JSON.stringify({{
  adeyemi: show("adeyemi"), accents: show("ines moreau"), both: show("oluwaseun pick"),
  none: show("zzzz nothing"), empty: show("   "),
}}));
"""
    result = json.loads(subprocess.run([NODE, "-e", program], capture_output=True, text=True, check=True, timeout=60).stdout)
    assert result["adeyemi"][0] == "person:Oluwaseun Adeyemi"
    assert result["accents"][0] == "person:Inès Moreau"  # "ines" finds "Inès"
    assert result["both"][0] == "person:Oluwaseun Adeyemi"  # both words: the name and "Pick & Pack" in the role
    assert result["none"] == [] and result["empty"] == []
