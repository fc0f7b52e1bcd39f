"""Property-based tests with Hypothesis: random valid sites keep okrsite's invariants, and
random invalid front matter always gives errors and exit 1, never a traceback."""

from __future__ import annotations

import datetime as dt
import json
import re
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import EXAMPLE_DATE, SITE_TOML, write_site
from htmlcheck import is_absolute, links, parse_file, resolve
from okrsite.build import build_site
from okrsite import xmltext
from okrsite.cli import main
from okrsite.render import badges, charts, linechart
from okrsite.render.feeds import render_sitemap as sitemap
from okrsite.options import BuildOptions

CYCLE = "content/2026-Q4"
SLOW = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def key_results(draw) -> list[dict]:
    found = []
    for index in range(draw(st.integers(2, 4))):
        weight = draw(st.sampled_from([1, 1, 2, 0.5]))
        if draw(st.booleans()):
            start, target = draw(st.tuples(st.integers(-1000, 1000), st.integers(-1000, 1000)).filter(lambda t: t[0] != t[1]))
            current = draw(st.floats(-2000, 2000, allow_nan=False, allow_infinity=False))
            found.append({"id": f"k{index}", "title": f"Result {index}", "start": start, "target": target,
                          "current": current, "weight": weight})
        else:
            found.append({"id": f"k{index}", "title": f"Result {index}", "type": "milestone",
                          "done": draw(st.booleans()), "weight": weight})
    return found


@st.composite
def sites(draw) -> dict[str, str]:
    """Random org charts (company, departments, teams, people) with every objective aligned upward."""
    owners = [("co", "company", None)]
    for kind, parents in (("department", ("company",)), ("team", ("company", "department")), ("person", ("department", "team"))):
        for index in range(draw(st.integers(0 if kind != "department" else 1, 4))):
            choices = [o for o in owners if o[1] in parents]
            owners.append((f"{kind[0]}{index}", kind, draw(st.sampled_from(choices))[0]))
    objectives: dict[str, list[str]] = {}
    files = {}
    for owner_id, kind, parent in owners:
        count = draw(st.integers(1 if kind == "company" else 0, 3))
        objectives[owner_id] = [f"o{i}" for i in range(count)]
        items = []
        for objective_id in objectives[owner_id]:
            item = {"id": objective_id, "title": f"{owner_id} objective {objective_id}", "key_results": draw(key_results())}
            upward = [f"{parent}/{o}" for o in objectives.get(parent, [])] if parent else []
            if upward:
                item["aligns_to"] = draw(st.sampled_from(upward))
            items.append(item)
        header = {"name": f"Owner {owner_id}", "kind": kind, **({"parent": parent} if parent else {}), "objectives": items}
        files[f"{CYCLE}/{owner_id}.md"] = "---\n" + json.dumps(header) + "\n---\nAbout " + owner_id + ".\n"
    return files


def build_twice(files: dict[str, str], scratch: Path):
    root = write_site(scratch / "site", files, SITE_TOML)
    first = build_site(root, scratch / "one", BuildOptions(EXAMPLE_DATE))
    assert first.ok(False), [d.format() for d in first.diagnostics.errors]
    assert build_site(root, scratch / "two", BuildOptions(EXAMPLE_DATE)).ok(False)
    return first, scratch / "one", scratch / "two"


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@SLOW
@given(sites())
def test_random_sites_keep_the_invariants(files):
    with tempfile.TemporaryDirectory(prefix="okrsite-prop-") as scratch:
        check_invariants(*build_twice(files, Path(scratch)))


def check_invariants(report, out: Path, again: Path) -> None:
    cycle = report.site.current
    for objective in cycle.objectives:
        krs = objective.key_results
        assert all(0 <= kr.progress <= 1 for kr in krs)
        mean = sum(kr.progress * kr.weight for kr in krs) / sum(kr.weight for kr in krs)
        assert objective.progress == pytest.approx(mean, abs=1e-12)
        assert 0 <= objective.progress <= 1
        assert (out / objective.url / "index.html").is_file()
    for owner in cycle.owners.values():
        assert owner.progress is None or 0 <= owner.progress <= 1
        assert (out / owner.url / "index.html").is_file()
    pages = {p.relative_to(out).as_posix() for p in out.rglob("*.html")}
    owner_pages = {f"{o.url}index.html" for o in cycle.owners.values()}
    objective_pages = {f"{o.url}index.html" for o in cycle.objectives}
    assert len(owner_pages) == len(cycle.owners) and len(objective_pages) == len(cycle.objectives)
    assert owner_pages | objective_pages <= pages
    for page in pages - {"404.html"}:
        for _, _, url in links(parse_file(out / page)):
            if not is_absolute(url) and not url.startswith("#"):
                target = resolve(page, url)
                assert target is not None and (out / target).exists(), (page, url)
    exported = json.loads((out / "okrs.json").read_text())["cycles"][0]["owners"]
    by_ref = {o["ref"]: o for owner in exported for o in owner["objectives"]}
    for objective in cycle.objectives:
        assert by_ref[objective.ref]["progress"] == round(objective.progress, 4)
        assert [k["progress"] for k in by_ref[objective.ref]["key_results"]] == [round(k.progress, 4) for k in objective.key_results]
    assert tree(out) == tree(again)


VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20) | st.dates(),
                      lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
                      max_leaves=8)
KEYS = st.sampled_from(["kind", "parent", "lead", "role", "visibility", "objectives", "kpis", "title", "id", "x"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(front=st.dictionaries(KEYS, VALUES, max_size=6), raw=st.text(max_size=80), as_text=st.booleans())
def test_random_invalid_front_matter_is_an_error_not_a_crash(front, raw, as_text, capsys):
    """No 'name' (or no mapping at all) is always an error."""
    import yaml

    text = "---\n" + (raw.replace("---", "- - -") if as_text else yaml.safe_dump(front, allow_unicode=True)) + "\n---\n"
    with tempfile.TemporaryDirectory(prefix="okrsite-bad-") as scratch:
        root = write_site(Path(scratch) / "site", {f"{CYCLE}/bad.md": text, f"{CYCLE}/co.md": "---\nname: Co\nkind: company\n---\n"})
        code = main(["check", str(root), "--date", "2026-11-20"])
    captured = capsys.readouterr()
    assert code == 1, captured.err
    assert "bad.md" in captured.err and ": error: " in captured.err
    assert "Traceback" not in captured.err + captured.out


# --- every XML and SVG file parses, whatever the text ---

ANY_TEXT = st.text(max_size=30)  # every code point: controls, lone surrogates, U+FFFE, astral ones


def parses(document: str | bytes) -> None:
    ET.fromstring(document.encode("utf-8", "surrogatepass") if isinstance(document, str) else document)


@settings(max_examples=50, deadline=None)
@given(text=ANY_TEXT)
def test_the_xml_and_svg_writers_write_parsable_files_whatever_the_text(text):
    """Defence in depth: even text that the schema would refuse cannot break a file."""
    day = dt.date(2026, 10, 1)
    parses(badges.render_badge(text, text, text))
    parses(linechart.checkin_chart(text, day, dt.date(2026, 12, 31), 0, 10, [(dt.date(2026, 10, 15), 4)], text))
    parses(charts.department_progress_chart(text, [(text, 0.5)]))
    parses(charts.score_history_chart(text, [(text, 0.5)]))
    parses(charts.score_distribution_chart(text, [("0.0–0.1", (1, 0, 0))]))
    parses(sitemap(f"https://example.test/{text}/", [f"{text}/index.html"]))
    parses(f"<feed><title>{xmltext.escape(text)}</title><link href={xmltext.quoteattr(text)}/></feed>")


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=st.sampled_from("ab &<>\"'\n\r\t\x01\ufffeé"), max_size=12) | ANY_TEXT)
def test_xml_text_and_attributes_read_back_as_written(text):
    """What an XML reader gets back from an escaped text or a quoted attribute is the text, clean:
    quotes of either kind, whitespace that attributes would otherwise fold, markup characters."""
    element = ET.fromstring(f"<a title={xmltext.quoteattr(text)}>{xmltext.escape(text)}</a>")
    expected = xmltext.clean(text)
    assert element.get("title") == expected
    assert (element.text or "") == expected.replace("\r\n", "\n").replace("\r", "\n")  # line ends as XML reads them


def yaml_string(text: str) -> str:
    """``text`` as a YAML double-quoted string: printable characters as they are, the others escaped."""
    def one(ch: str) -> str:
        if ch in '"\\':
            return "\\" + ch
        if ch.isprintable() and ch not in "\u2028\u2029\ufeff":
            return ch
        return f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}"
    return '"' + "".join(one(ch) for ch in text) + '"'


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(text=ANY_TEXT)
def test_any_text_in_a_name_title_unit_or_note_is_an_error_or_gives_parsable_xml(text, capsys):
    quoted = yaml_string(text)
    company = (f"---\nname: {quoted}\nkind: company\nobjectives:\n  - id: grow\n    title: {quoted}\n    key_results:\n"
               f"      - {{id: k, title: {quoted}, start: 0, target: 10, unit: {quoted},\n"
               f"         checkins: [{{date: 2026-10-15, value: 4, note: {quoted}}}]}}\n---\n")
    department = f"---\nname: {quoted}\nkind: department\nparent: co\n---\n"
    with tempfile.TemporaryDirectory(prefix="okrsite-text-") as scratch:
        root = write_site(Path(scratch) / "site", {f"{CYCLE}/co.md": company, f"{CYCLE}/dept.md": department})
        out = Path(scratch) / "out"
        code = main(["build", str(root), "-o", str(out), "--date", "2026-11-20", "-q", "-j", "1", "--no-cache"])
        captured = capsys.readouterr()
        assert "Traceback" not in captured.err + captured.out
        if code == 1:
            errors = [line for line in captured.err.splitlines() if ": error: " in line]
            assert errors and all(re.match(r"^\S*content/2026-Q4/(co|dept)\.md:\d+: error: ", e) for e in errors), errors
            assert not out.exists()
        else:
            assert code == 0, captured.err
            written = [p for p in out.rglob("*") if p.suffix in (".xml", ".svg")]
            assert written
            for path in written:
                ET.parse(path)
