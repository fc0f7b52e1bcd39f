"""No script from content: hostile titles, names and Markdown come out as text in every output,
and no page loads an image from another server."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

from conftest import EXAMPLE_DATE
from htmlcheck import links, parse_file, script_sources, theme_scripts
from okrsite.build import build_site
from okrsite.markdown import is_remote, scheme
from okrsite.options import BuildOptions
from test_search import load_index

EVIL = '<script>alert("x")</script> \' " {{ 7*7 }} {% raw %} &amp;'
YAML_EVIL = json.dumps(EVIL)  # a YAML double-quoted string

COMPANY = f"""\
---
name: {YAML_EVIL}
kind: company
objectives:
  - id: grow
    title: {YAML_EVIL}
    description: "<img src=x onerror=alert(1)> [click](javascript:alert(1)) ![i](data:image/png;base64,AAAA)"
    key_results:
      - id: revenue
        title: {YAML_EVIL}
        start: 0
        target: 100
        unit: {YAML_EVIL}
        checkins:
          - {{date: 2026-10-15, value: 40, note: {YAML_EVIL}}}
      - {{id: launch, title: Launch, type: milestone, done: true}}
kpis:
  - {{id: k, title: {YAML_EVIL}, current: 1, target: 2, unit: {YAML_EVIL}}}
---
<script>alert(1)</script> <iframe src="https://evil.example"></iframe>
[a link](javascript:alert(2)) [vb](vbscript:msgbox) ![img](data:text/html;base64,PHNjcmlwdD4=)
[b](blob:https://evil.example/1) [f](filesystem:https://evil.example/t/x) [m](ms-appinstaller:?source=https://evil.example/x)
[t](<java\tscript:alert(3)>) [e](java&#9;script:alert(4)) [u](JAVASCRIPT:alert(5)) <blob:https://evil.example/2>
![pixel](https://tracker.example/p.png) ![pixel2](//tracker.example/p.png) ![pixel3](HTTPS://tracker.example/p.png)
![pixel4](///tracker.example/p.png) ![pixel5](\\\\\\\\tracker.example/p.png)
{{{{ 7*7 }}}}
"""
DEPARTMENT = f"""\
---
name: {YAML_EVIL}
kind: department
parent: evil-co
role: {YAML_EVIL}
objectives:
  - id: help
    title: Help out
    aligns_to: evil-co/grow
    key_results:
      - {{id: a, title: A, start: 0, target: 1}}
      - {{id: b, title: B, start: 0, target: 1}}
---
"""


def build(make_site, tmp_path):
    root = make_site({"content/2026-Q4/evil-co.md": COMPANY, "content/2026-Q4/dept.md": DEPARTMENT},
                     f'title = {json.dumps(EVIL)}\nbase_url = "https://example.test/okrs/"\n')
    out = tmp_path / "out"
    report = build_site(root, out, BuildOptions(EXAMPLE_DATE))
    assert report.ok(False), [d.format() for d in report.diagnostics.items]
    return out


def test_pages_show_hostile_text_as_text_and_run_nothing(make_site, tmp_path):
    out = build(make_site, tmp_path)
    pages = list(out.rglob("*.html"))
    assert len(pages) > 8
    for path in pages:
        page = parse_file(path)
        assert script_sources(page) == theme_scripts(path), path
        for element in page.find_all():
            for name, value in element.attrs.items():
                assert not name.lower().startswith("on"), (path, element.tag, name)
                assert not (value or "").strip().lower().startswith(("javascript:", "vbscript:", "data:")), (path, name)
        for element, name, value in links(page):
            assert scheme(value) in ("", "http", "https", "mailto", "tel"), (path, element.tag, value)
            if element.tag == "img":
                assert not is_remote(value), (path, value)
        assert page.find("iframe") is None and page.find("img", src="x") is None, path
    objective = parse_file(out / "2026-q4/evil-co/grow/index.html")
    assert objective.one("h1").text() == EVIL
    company = parse_file(out / "2026-q4/evil-co/index.html")
    assert company.one("h1").text() == EVIL
    assert "{{ 7*7 }}" in company.text() and "49" not in company.one("h1").text()  # templates never run content
    pixels = {a.text(): a.get("href") for a in company.find_all("a", cls="remote-image")}
    assert pixels == {"pixel": "https://tracker.example/p.png", "pixel2": "//tracker.example/p.png",
                      "pixel3": "HTTPS://tracker.example/p.png", "pixel4": "///tracker.example/p.png"}
    assert company.find("img", alt="pixel5").get("src") == "%5C%5Ctracker.example/p.png"  # a path of the site


def test_every_other_output_keeps_the_text_exactly(make_site, tmp_path):
    out = build(make_site, tmp_path)
    data = json.loads((out / "okrs.json").read_text())
    assert data["title"] == EVIL
    owner = next(o for o in data["cycles"][0]["owners"] if o["id"] == "evil-co")
    assert owner["name"] == EVIL and owner["objectives"][0]["title"] == EVIL
    assert owner["objectives"][0]["key_results"][0]["checkins"][0]["note"] == EVIL
    for svg in out.rglob("*.svg"):
        root = ET.parse(svg).getroot()  # well-formed whatever the text
        assert not [e for e in root.iter() if e.tag.endswith("script")], svg
    chart = ET.parse(out / "2026-q4/evil-co/grow/revenue.svg").getroot()
    assert any(EVIL in (e.text or "") for e in chart.iter()), "the chart's title shows the text as it is"
    feed = ET.parse(out / "feed.xml").getroot()
    assert any(EVIL in (e.text or "") for e in feed.iter())
    rows = list(csv.DictReader(io.StringIO((out / "2026-q4/okrs.csv").read_text(encoding="utf-8-sig"), newline="")))
    assert {r["owner_name"] for r in rows if r["owner"] == "evil-co"} == {EVIL}
    _, _, entries = load_index(out)
    assert any(entry[1] == EVIL for entry in entries)
