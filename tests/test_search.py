"""Search: the index written at build time in parts, the no-JavaScript index page, and the theme's script."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from conftest import COMPANY, EXAMPLE_DATE
from htmlcheck import parse_file, resolve
from okrsite import urls
from okrsite.build import Builder, build_site
from okrsite.options import BuildOptions
from okrsite.render import search
from okrsite.theme import default_theme_dir

NODE = shutil.which("node")


def read_call(path) -> tuple[str, object]:
    """The path and the data of a file of the index: ``okrsiteSearch(path, data);``."""
    text = path.read_text(encoding="utf-8")
    assert text.startswith("okrsiteSearch(") and text.endswith(");\n")
    args = json.loads("[" + text[len("okrsiteSearch("):-len(");\n")] + "]")
    assert len(args) == 2
    return args[0], args[1]


def load_index(out) -> tuple[dict, dict[str, dict], list[list]]:
    """The head, the word parts by name and every entry in order, each file checked to name its own path."""
    path, head = read_call(out / urls.SEARCH_INDEX)
    assert path == urls.SEARCH_INDEX
    parts = {}
    for name in head["parts"]:
        path, parts[name] = read_call(out / urls.search_words(name))
        assert path == urls.search_words(name)
    entries = []
    for number, start in enumerate(head["chunks"]):
        assert start == len(entries)
        path, chunk = read_call(out / urls.search_chunk(number))
        assert path == urls.search_chunk(number) and chunk
        entries += chunk
    assert len(entries) == head["entries"]
    written = {p.relative_to(out).as_posix() for p in (out / urls.SEARCH).glob("*.js")}
    assert written == {*map(urls.search_words, parts), *map(urls.search_chunk, range(len(head["chunks"])))}
    return head, parts, entries


def decode(code: str) -> list[tuple[int, int]]:
    """A word's postings as (entry number, flag) pairs (as search.js's ``mark`` reads them)."""
    found, number, value, shift = [], -1, 0, 0
    for char in code:
        digit = search.DIGITS.index(char)
        value += (digit & 31) << (5 * shift)
        if digit >= 32:
            shift += 1
            continue
        number += value // 3 + 1
        found.append((number, value % 3))
        value = shift = 0
    return found


def test_index_has_every_owner_objective_and_key_result(site, out):
    head, _, entries = load_index(out)
    assert head["fields"] == ["kind", "title", "detail", "url"]
    for cycle in site.cycles:
        for owner in cycle.owners.values():
            assert sum(1 for e in entries if e[3].startswith(owner.url)) >= search.entry_count(owner)
            assert any(e[:2] == [owner.kind, owner.name] and e[3] == owner.url for e in entries)
            for objective in owner.objectives:
                assert any(e[:2] == ["objective", objective.title] and e[3] == objective.url for e in entries)
                for kr in objective.key_results:
                    assert any(e[:2] == ["key result", kr.title] and e[3] == objective.url for e in entries)
    assert all((out / e[3] / "index.html").is_file() for e in entries)
    current = [e for e in entries if e[3].startswith(site.current.slug + "/")]
    assert head["current"] == len(current) and entries[: len(current)] == current  # the current cycle comes first
    assert len(entries) == sum(search.entry_count(o) for o in search.ordered_owners(site))


def test_every_word_is_in_its_part_with_the_entries_it_occurs_in(site, out):
    _, parts, _ = load_index(out)
    expected: dict[str, list[tuple[int, int]]] = {}
    number = 0
    for owner in search.ordered_owners(site):
        for entry, more in search.search_entries(owner):
            title = search.words(entry[1])
            flags = {w: 0 for w in search.words(f"{entry[2]} {more}")} | {w: 1 for w in title} | {title[0]: 2}
            for word, flag in flags.items():
                expected.setdefault(word, []).append((number, flag))
            number += 1
    found = {}
    for name, part in parts.items():
        assert all(word.startswith(name) for word in part), name
        found |= {word: decode(code) for word, code in part.items()}
    assert found == expected
    assert [flag for _, flag in found["adeyemi"]].count(1) == 2  # his name's second word, in both cycles
    assert "ines" in found and "inès" not in found  # folded


def test_a_big_part_is_split_by_the_next_letter(make_site, tmp_path, monkeypatch):
    monkeypatch.setattr(search, "PART_SIZE", 20)
    company = COMPANY.replace("Grow the business", "Grow groceries and greenhouses")
    root = make_site({"content/2026-Q4/test-co.md": company})
    assert build_site(root, tmp_path / "out", BuildOptions(EXAMPLE_DATE)).ok(False)
    head, parts, _ = load_index(tmp_path / "out")
    assert {"gre", "gro"} <= set(parts) and "gr" not in parts
    assert set(parts["gro"]) == {"grow", "groceries"} and set(parts["gre"]) == {"greenhouses"}
    if NODE is not None:  # the script loads the split parts
        assert run_script(f"const head = {json.dumps(head)};",
                          '["groc", "gr"].map(w => partsFor(head, w))') == [["gro"], ["gre", "gro"]]


def run_script(setup: str, expression: str):
    """The value of a JavaScript ``expression`` with search.js's functions, after ``setup``, run by Node.js."""
    script = default_theme_dir() / "static/search.js"
    program = f"const {{ match, partsFor, words }} = require({json.dumps(str(script))});\n{setup}\n" \
              f"console.log(JSON.stringify({expression}));"
    return json.loads(subprocess.run([NODE, "-e", program], capture_output=True, text=True, check=True, timeout=60).stdout)


def test_words_fold_case_accents_and_scripts_as_the_script_does():
    samples = ["Inès Moreau", "ÉLODIE O'Brien-Smith", "Q4 2026: 3.5× ARR", "Łódź İstanbul Straße", "Ωμέγα ΟΔΟΣ",
               "Юлия Ёлкина", "東京 本社", "हिन्दी टीम", "١٢٣ عربي", "e\u0301t\u00e9", "naïve_café", "a\u2028b"]
    assert search.words("Inès Moreau") == ["ines", "moreau"]
    assert search.words("Q4 2026: 3.5× ARR") == ["q4", "2026", "3", "5", "arr"]
    if NODE is None:
        pytest.skip("Node.js is not installed: the search script's folding is not compared")
    assert run_script("", f"{json.dumps(samples)}.map(words)") == [search.words(s) for s in samples]


def test_the_words_of_two_texts_read_apart_are_those_of_both_read_as_one():
    """An owner's entries read the words of a detail and its more words apart (a key result's detail is its
    objective's, read once): a space between them must part words whatever the letters around it."""
    samples = ["Inès Moreau", "ΟΔΟΣ", "ΟΔΟΣ.", "\u0301abc", "e\u0301", "東京 本社", "हिन्दी", "naïve_café", "a\u2028b", "",
               "None", "3.5×", "İstanbul", "ß"]
    for first in samples:
        for second in samples:
            assert search.words(f"{first} {second}") == search.words(first) + search.words(second), (first, second)


def test_hostile_titles_stay_data_in_every_file(make_site, tmp_path):
    title = 'Launch\u2028now\u2029 </script><script>alert("x")</script> \\ \' end'
    root = make_site({"content/2026-Q4/test-co.md": COMPANY.replace("Grow the business", json.dumps(title))})
    assert build_site(root, tmp_path / "out", BuildOptions(EXAMPLE_DATE)).ok(False)
    out = tmp_path / "out"
    _, _, entries = load_index(out)
    assert ["objective", title] in [e[:2] for e in entries]
    files = [out / urls.SEARCH_INDEX, *sorted((out / urls.SEARCH).glob("*.js"))]
    assert not any(char in f.read_text(encoding="utf-8") for f in files for char in "\u2028\u2029")
    if NODE is not None:  # each file is a script that only calls okrsiteSearch, whatever the titles
        loaded = run_script(f"const files = {{}}; global.okrsiteSearch = (path, data) => {{ files[path] = data; }};"
                            f"{json.dumps([f.read_text(encoding='utf-8') for f in files])}.forEach(eval);", "files")
        assert loaded == dict(read_call(f) for f in files)


def test_private_content_never_enters_the_index(make_site, tmp_path):
    secret = "---\nname: Canary Person Zq7\nkind: person\nparent: test-co\nvisibility: private\n---\nSecret body Zq7.\n"
    hidden = COMPANY.replace("objectives:\n", "objectives:\n  - id: hush\n    title: Hidden plan Zq7\n    visibility: private\n"
                                             "    key_results:\n      - {id: a, title: Secret KR Zq7, start: 0, target: 1}\n"
                                             "      - {id: b, title: Other, start: 0, target: 1}\n", 1)
    root = make_site({"content/2026-Q4/test-co.md": hidden, "content/2026-Q4/canary.md": secret})
    assert build_site(root, tmp_path / "out", BuildOptions(EXAMPLE_DATE)).ok(False)
    out = tmp_path / "out"
    head, parts, entries = load_index(out)
    assert entries and "grow" in parts["gr"]
    for path in [out / urls.SEARCH_INDEX, *(out / urls.SEARCH).iterdir()]:
        text = path.read_text(encoding="utf-8")
        assert "Zq7" not in text and "zq7" not in text and "hush" not in text and "canary" not in text, path
    assert not any(name.startswith("zq") or name.startswith("hi") for name in parts)


def test_an_edit_rewrites_the_chunk_of_its_owner_and_the_parts_of_its_words_only(example_copy, tmp_path):
    out = tmp_path / "out"
    builder = Builder(example_copy, out)
    assert builder.build(EXAMPLE_DATE).ok(False)
    before = {p: p.read_bytes() for p in [out / urls.SEARCH_INDEX, *(out / urls.SEARCH).glob("*.js")]}
    person = example_copy / "content/2026-Q4/people/oluwaseun-adeyemi.md"
    person.write_text(person.read_text().replace("Orders with a picking error", "Orders with a Xylophone error"))
    assert builder.build(EXAMPLE_DATE).ok(False)
    after = {p: p.read_bytes() for p in [out / urls.SEARCH_INDEX, *(out / urls.SEARCH).glob("*.js")]}
    changed = sorted(p.relative_to(out).as_posix() for p in before | after if before.get(p) != after.get(p))
    head, _, entries = load_index(out)
    number = next(n for n, e in enumerate(entries) if e[1] == "Orders with a Xylophone error")
    chunk = max(c for c, start in enumerate(head["chunks"]) if start <= number)
    assert changed == sorted([urls.search_chunk(chunk), urls.SEARCH_INDEX, urls.search_words("pi"),
                              urls.search_words("xy")])  # "xy": a new part, in the head's list


def test_builds_of_the_index_are_byte_identical(make_site, tmp_path):
    root = make_site({"content/2026-Q4/test-co.md": COMPANY})
    files = []
    for name in ("one", "two"):
        assert build_site(root, tmp_path / name, BuildOptions(EXAMPLE_DATE)).ok(False)
        files.append({p.relative_to(tmp_path / name): p.read_bytes()
                      for p in [tmp_path / name / urls.SEARCH_INDEX, *(tmp_path / name / urls.SEARCH).iterdir()]})
    assert files[0] == files[1] and len(files[0]) > 3


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



@pytest.mark.skipif(NODE is None, reason="Node.js is not installed: the search script's matching is not run")
def test_search_script_matching(out):
    head, parts, entries = load_index(out)
    setup = f"""
const head = {json.dumps(head)}, all = {json.dumps(parts)}, entries = {json.dumps(entries)};
const show = (q) => {{
  const parts = {{}};  // only the parts the query's words need, as the browser loads them
  words(q).forEach(w => partsFor(head, w).forEach(name => {{ parts[name] = all[name]; }}));
  return match(head, parts, q, 5).map(n => entries[n][0] + ":" + entries[n][1] + ":" + (n < head.current));
}};"""
    result = run_script(setup, """{
  adeyemi: show("adeyemi"), accents: show("ines moreau"), both: show("oluwaseun pick"), prefix: show("oluw ade"),
  objective: show("Every parcel"), kr: show("shelf locations"), none: show("zzzz nothing"), empty: show("   "),
  one: show("o"), needs: partsFor(head, "oluwaseun"), customer: show("customer")}""")
    assert result["adeyemi"][0] == "person:Oluwaseun Adeyemi:true"  # the current cycle first
    assert result["adeyemi"][1:4] == ["objective:Every parcel contains exactly what was ordered:true",
                                      "key result:Orders with a picking error:true",
                                      "key result:Shelf locations with barcode labels:true"]
    assert "person:Oluwaseun Adeyemi:false" in result["adeyemi"]  # and last cycle's after it
    assert result["accents"][0] == "person:Inès Moreau:true"  # "ines" finds "Inès"
    assert result["both"][0] == "person:Oluwaseun Adeyemi:true"  # both words: the name and "Pick & Pack" in the role
    assert result["prefix"][0] == "person:Oluwaseun Adeyemi:true"  # the start of each word is enough
    assert result["objective"][0] == "objective:Every parcel contains exactly what was ordered:true"
    assert result["kr"][0] == "key result:Shelf locations with barcode labels:true"
    assert result["none"] == [] and result["empty"] == [] and result["one"] == []
    assert result["needs"] == ["ol"]
    customer = result["customer"]  # titles starting with the word first, then titles with it, then the rest
    assert customer[0].split(":")[1].lower().startswith("customer") and len(customer) == 5
