"""Tests of okrsite.load: finding OKR files and splitting them into front matter and body."""

from __future__ import annotations

from pathlib import Path

import pickle

import pytest
import yaml


import okrsite.load
from conftest import COMPANY, CYCLE, load
from okrsite.diagnostics import Diagnostics
from okrsite.load import discover, parse_document





def write_bytes(root: Path, relative: str, data: bytes) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def messages(diagnostics) -> list[str]:
    return [d.format() for d in diagnostics.items]


def parse(text: str | bytes):
    """Parse one document in isolation: (document or None, diagnostics)."""
    diagnostics = Diagnostics()
    raw = text.encode("utf-8") if isinstance(text, str) else text
    doc = parse_document(raw, Path("x/team.md"), "x/team.md", "2026-Q4", diagnostics)
    return doc, diagnostics


def test_yaml_syntax_error_names_file_and_line(check):
    site, diagnostics = check({f"{CYCLE}/team.md": """\
        ---
        name: Team
        kind: team: oops
        parent: test-co
        ---
        """})
    assert site is None
    [error] = diagnostics.errors
    assert error.format().startswith(f"{CYCLE}/team.md:3: error: invalid YAML in front matter: ")


def test_duplicate_yaml_key_is_reported_at_the_second_key(check):
    site, diagnostics = check({f"{CYCLE}/team.md": """\
        ---
        name: Team
        kind: team
        parent: test-co
        name: Other
        ---
        """})
    assert site is None
    assert messages(diagnostics) == [f"{CYCLE}/team.md:5: error: duplicate key 'name': each key may appear once"]


def test_duplicate_key_inside_a_nested_mapping(check):
    site, diagnostics = check({f"{CYCLE}/team.md": """\
        ---
        name: Team
        kind: team
        parent: test-co
        objectives:
          - id: one
            title: One
            title: Two
        ---
        """})
    assert messages(diagnostics) == [f"{CYCLE}/team.md:8: error: duplicate key 'title': each key may appear once"]


def test_front_matter_that_is_a_list(check):
    site, diagnostics = check({f"{CYCLE}/team.md": """\
        ---
        - name: Team
        - kind: team
        ---
        """})
    assert site is None
    [error] = diagnostics.errors
    assert error.format() == (f"{CYCLE}/team.md:2: error: the front matter must be a mapping of keys "
                              "(name:, kind:, ...), not a list")


def test_empty_front_matter(check):
    site, diagnostics = check({f"{CYCLE}/team.md": "---\n---\nBody\n"})
    assert site is None
    assert diagnostics.errors[0].format().endswith("not empty")
    assert diagnostics.errors[0].line == 2


def test_no_front_matter(check):
    site, diagnostics = check({f"{CYCLE}/team.md": "# Team\n\nname: Team\n"})
    assert site is None
    assert messages(diagnostics) == [
        f"{CYCLE}/team.md:1: error: no front matter: the file must start with a line '---', then YAML, then '---'"]


def test_unclosed_front_matter(check):
    site, diagnostics = check({f"{CYCLE}/team.md": "---\nname: Team\nkind: team\nparent: test-co\n"})
    assert site is None
    assert messages(diagnostics) == [
        f"{CYCLE}/team.md:1: error: the front matter is never closed: add a line '---' after the YAML"]


def test_non_utf8_file_names_the_line_of_the_bad_byte(make_site, monkeypatch):
    root = make_site({f"{CYCLE}/test-co.md": COMPANY})
    write_bytes(root, f"{CYCLE}/team.md", b"---\nname: Team\nkind: team\nrole: Caf\xe9 manager\n---\n")
    monkeypatch.chdir(root)
    site, diagnostics = load(root)
    assert site is None
    assert messages(diagnostics) == [f"{CYCLE}/team.md:4: error: the file is not UTF-8 text"]


def test_bom_and_crlf_files_load_with_correct_lines(make_site, monkeypatch):
    root = make_site({})
    company = "\ufeff" + COMPANY.replace("\n", "\r\n")
    write_bytes(root, f"{CYCLE}/test-co.md", company.encode("utf-8"))
    team = "\ufeff---\r\nname: Team\r\nkind: team\r\nparent: test-co\r\nrol: x\r\n---\r\nBody text\r\n"
    write_bytes(root, f"{CYCLE}/team.md", team.encode("utf-8"))
    monkeypatch.chdir(root)
    site, diagnostics = load(root)
    assert site is not None, messages(diagnostics)
    cycle = site.current
    assert cycle.owners["test-co"].name == "Test Co"
    assert cycle.owners["test-co"].objectives[0].key_results[0].current == 50
    assert cycle.owners["team"].name == "Team"
    assert "Body text" in cycle.owners["team"].body_html
    # the line count is not thrown off by the BOM or by CR characters
    assert f"{CYCLE}/team.md:5: warning: unknown key 'rol' in the file (did you mean role?)" in messages(diagnostics)


def test_front_matter_may_close_with_dots():
    doc, diagnostics = parse("---\nname: Team\n...\nBody\n")
    assert diagnostics.items == []
    assert doc.front == {"name": "Team"}
    assert doc.body == "Body\n"
    assert doc.body_line == 4


def test_document_fields_and_key_lines():
    doc, diagnostics = parse("---\nname: Team\nkind: team\nobjectives:\n  - id: one\n    title: One\n---\nHello\n")
    assert diagnostics.items == []
    assert doc.stem == "team" and doc.cycle_id == "2026-Q4" and doc.display == "x/team.md"
    assert doc.front.line == 2
    assert doc.front.line_of("name") == 2
    assert doc.front.line_of("objectives") == 4
    assert doc.front.line_of("missing") == 2
    objective = doc.front["objectives"][0]
    assert objective.line == 5
    assert objective.line_of("title") == 6
    assert doc.body == "Hello\n"
    assert doc.body_line == 8


def test_discover_sorts_cycles_and_files_and_skips_hidden(tmp_path):
    content = tmp_path / "content"
    for relative in ["2026-Q4/b.md", "2026-Q4/a.md", "2026-Q4/people/c.md", "2026-Q4/.drafts/d.md",
                     "2026-Q4/.e.md", "2026-Q4/notes.txt", "2026-Q3/x.md", ".git/y.md"]:
        (content / relative).parent.mkdir(parents=True, exist_ok=True)
        (content / relative).write_text("x", encoding="utf-8")
    diagnostics = Diagnostics()
    found = discover(content, diagnostics)
    assert diagnostics.items == []
    assert list(found) == ["2026-Q3", "2026-Q4"]
    assert [p.relative_to(content / "2026-Q4").as_posix() for p in found["2026-Q4"]] == \
        ["a.md", "b.md", "people/c.md"]


def test_discover_without_content_folder(tmp_path):
    diagnostics = Diagnostics()
    assert discover(tmp_path / "content", diagnostics) == {}
    assert len(diagnostics.errors) == 1


def test_an_impossible_date_is_an_error_not_a_crash(check):
    """2026-02-30 looks like a YAML date but is none (plain PyYAML raises ValueError)."""
    site, diagnostics = check({f"{CYCLE}/team.md": """\
        ---
        name: Team
        kind: team
        parent: test-co
        objectives:
          - id: one
            title: One
            aligns_to: test-co/grow
            key_results:
              - id: a
                title: A
                start: 0
                target: 10
                checkins:
                  - {date: 2026-02-30, value: 3}
        ---
        """})
    assert site is None
    [error] = diagnostics.errors
    assert error.path == f"{CYCLE}/team.md"
    assert error.line == 15
    assert "'2026-02-30' is not a real date" in error.message


def test_a_date_tag_on_a_mapping_is_an_error_not_a_crash():
    _, diagnostics = parse("---\nname: X\nkind: team\nwhen: !!timestamp {b: 1}\nd: &x 1\ne: *x\n---\n")
    assert messages(diagnostics) == ["x/team.md:4: error: invalid YAML in front matter: expected a scalar node, but found mapping"]


def test_a_number_of_more_digits_than_python_reads_is_an_error_not_a_crash(check):
    digits = "9" * 5000
    _, diagnostics = check({f"{CYCLE}/team.md": f"---\nname: Team\nkind: team\nparent: test-co\nrole: {digits}\n---\n"})
    assert messages(diagnostics) == [f"{CYCLE}/team.md:5: error: invalid YAML in front matter: "
                                     "a number of 5,000 digits is too large"]


def test_folders_nested_deeper_than_python_recurses_are_found(check):
    site, diagnostics = check({})
    folders = [Path(site.config.content_dir, "2026-Q4")]
    try:
        for _ in range(1100):  # one by one: pathlib's mkdir(parents=True) itself recurses
            folders.append(folders[-1] / "d")
            folders[-1].mkdir()
        (folders[-1] / "team.md").write_text("---\nname: Team\nkind: team\nparent: test-co\n---\n", encoding="utf-8")
        site, diagnostics = load(site.config.root)
        assert diagnostics.errors == [] and "team" in site.cycles[0].owners
    finally:  # removed here, as pytest's own clean-up (shutil.rmtree) recurses too
        (folders[-1] / "team.md").unlink(missing_ok=True)
        for folder in reversed(folders[1:]):
            if folder.exists():
                folder.rmdir()


@pytest.mark.parametrize("line, message", [
    (r'role: "A\ud800"', "invalid YAML in front matter: found invalid Unicode character escape code"
                          if hasattr(yaml, "CSafeLoader") else "'role' contains a lone surrogate (U+D800) after 'A': remove it"),
    ("kpis: [{id: k, title: K, current: .nan}]", "'current' must be a number, not nan"),
    ("kpis: [{id: k, title: K, target: -.inf}]", "'target' must be a number, not -inf"),
])
def test_a_lone_surrogate_escape_nan_or_inf_is_an_error(check, line, message):
    _, diagnostics = check({f"{CYCLE}/team.md": f"---\nname: Team\nkind: team\nparent: test-co\n{line}\n---\n"})
    assert messages(diagnostics) == [f"{CYCLE}/team.md:5: error: {message}"]


def test_decimals_keep_how_they_were_written():
    doc, diagnostics = parse("---\nname: X\nkind: team\nvalues: [9.0, 12.50, 9, .5, 0.12345678901234567, 1_000.50]\n---\n")
    values = doc.front["values"]
    assert not diagnostics.items
    assert [repr(v) for v in values] == ["9.0", "12.50", "9", "0.5", repr(0.12345678901234567), "1000.50"]
    assert [getattr(v, "places", None) for v in values] == [1, 2, None, 1, None, 2]  # too long to keep: a plain float
    assert values[0] == 9 and values[1] + 1 == 13.5 and type(values[1] + 1) is float
    assert pickle.loads(pickle.dumps(values[1])).places == 2


PLAIN_VALUES = ("yes", "No", "on", "OFF", "null", "~", "true", "1_000", "0x1F", "0o17", "-12", "+3.50", ".inf", "-.INF",
                "1e3", "2026-11-20", "2026-1-5", "2026-11-20 10:30:00", "2026-11-20T10:30:00Z", "12:30",
                "a text", "2026-11-20 but text", "x" * 30, "-0.0", "3.", "1_0.5", "0.1234567890123456", "1.5e3x",
                "true or false, a long text", "2026-11-20 10:30:00.123456789+05:00", "10000000000000000000000000000.5")


@pytest.mark.parametrize("aliased", [False, True])
@pytest.mark.parametrize("quoted", [False, True])
def test_plain_and_quoted_values_read_as_pyyaml_reads_them_every_time(quoted, aliased):
    """Short plain texts have their tags remembered across files, days are read without PyYAML's dispatch,
    and files without aliases are built without PyYAML's constructor: the values stay exactly those
    PyYAML gives, in the first file and in every later one."""
    lines = "\n".join(f"v{i}: " + (f'"{v}"' if quoted else v) for i, v in enumerate(PLAIN_VALUES))
    text = f"---\n{lines}\ndays: [2026-11-20, '2026-11-20', !!str 2026-11-20]\n" + ("again: &d 1\nd: *d\n" * aliased) + "---\n"
    expected = yaml.safe_load(text.split("---")[1])
    for _ in range(2):
        document = parse_document(text.encode(), Path("a.md"), "a.md", "2026-Q4", Diagnostics())
        assert dict(document.front) == expected
        kinds = [float if isinstance(v, float) else type(v) for v in document.front.values()]  # or a Written float
        assert kinds == [type(v) for v in expected.values()]
        assert [repr(v) for v in document.front.values()] == [repr(v) for v in pyyaml_values(text)]


def pyyaml_values(text: str) -> list:
    """The values of ``text``'s front matter as PyYAML's constructor makes them (every node through its
    dispatch, as in a file with aliases), decimals written as they were."""
    loader = okrsite.load._LineLoader(text.split("---")[1])
    loader.aliased = True
    try:
        return list(loader.get_single_data().values())
    finally:
        loader.dispose()


def test_mappings_know_their_lines_with_and_without_aliases_and_merge_keys():
    for extra in ("", "base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n", "inline:\n  <<: {x: 1}\n  y: 2\n"):
        doc, diagnostics = parse(f"---\nname: X\nkind: team\nobjectives:\n  - id: a\n    title: A\n{extra}---\n")
        assert not diagnostics.items
        [objective] = doc.front["objectives"]
        assert (doc.front.line, doc.front.line_of("objectives"), objective.line, objective.line_of("title")) == (2, 4, 5, 6)
        merged = doc.front.get("other") or doc.front.get("inline")
        assert merged is None or (dict(merged), merged.line_of("y")) == ({"x": 1, "y": 2}, merged.line + 1)
