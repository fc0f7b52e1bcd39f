"""The search index kept from build to build in watch mode: always the index of a clean build."""

from __future__ import annotations

import shutil

from conftest import CLEAN, EXAMPLE_DATE
from test_search import load_index
from okrsite import urls
from okrsite.build import Builder, build_site


def index_files(out) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in [out / urls.SEARCH_INDEX, *(out / urls.SEARCH).glob("*.js")]}


def test_the_index_kept_in_watch_mode_is_the_index_of_a_clean_build(example_copy, tmp_path):
    out, q4 = tmp_path / "out", example_copy / "content/2026-Q4"
    builder = Builder(example_copy, out)

    def assert_as_clean(edits: list[tuple[str, str, str]], new_words: set[str] = set(), gone_words: set[str] = set()):
        for relative, old, new in edits:
            path = q4 / relative if not relative.startswith("content/") else example_copy / relative
            text = path.read_text(encoding="utf-8")
            assert old in text, (old, path)
            path.write_text(text.replace(old, new, 1), encoding="utf-8")
        assert builder.build(EXAMPLE_DATE).ok(False)
        assert build_site(example_copy, tmp_path / "clean", CLEAN).ok(False)
        kept, clean = index_files(out), index_files(tmp_path / "clean")
        assert sorted(kept) == sorted(clean)
        assert [path for path in clean if kept[path] != clean[path]] == []
        _, parts, _ = load_index(out)
        words = {word for part in parts.values() for word in part}
        assert new_words <= words and not gone_words & words
        shutil.rmtree(tmp_path / "clean")

    assert builder.build(EXAMPLE_DATE).ok(False)
    # rename an objective; then add a word to a key result's title, and take one away from the site
    assert_as_clean([("people/oluwaseun-adeyemi.md", "title: Every parcel contains exactly what was ordered",
                      "title: Every parcel right")], gone_words={"contains", "exactly"})
    assert_as_clean([("people/oluwaseun-adeyemi.md", "title: Orders with a picking error",
                      "title: Orders with a picking error Zanzibar")], new_words={"zanzibar"})
    assert_as_clean([("people/oluwaseun-adeyemi.md", " Zanzibar\n", "\n")], gone_words={"zanzibar"})
    # add an objective (every entry after the owner's moves on), then delete a person (and theirs move back)
    assert_as_clean([("teams/fulfillment.md", "objectives:\n", "objectives:\n  - id: calm-peak\n"
                      "    title: A calm peak week\n    key_results:\n"
                      "      - {id: rota, title: Peak rota agreed, type: milestone, done: true}\n")],
                    new_words={"calm", "rota"})
    (q4 / "people/liam-oconnor.md").unlink()
    assert_as_clean([], gone_words={"liam"})
    # in one save, a key result more for the company and one less for a person: the entries between move
    shelf = "".join(f"          - {{date: 2026-{day}, value: {value}}}\n"
                    for day, value in (("10-09", 43), ("10-23", 56), ("11-06", 71), ("11-20", 85)))
    shelf = ("      - id: shelf-labels\n        title: Shelf locations with barcode labels\n        start: 40\n"
             "        target: 100\n        unit: \"%\"\n        checkins:\n" + shelf)
    assert_as_clean([("suds.md", "    key_results:\n", "    key_results:\n"
                      "      - {id: extra, title: Gargoyle count, start: 0, target: 3}\n"),
                     ("people/oluwaseun-adeyemi.md", shelf, "")], new_words={"gargoyle"})
    # a new person, a renamed team (its people's details name it) and an edit of the archived cycle only
    person = q4 / "people/oluwaseun-adeyemi.md"
    (q4 / "people/nova-starter.md").write_text(person.read_text(encoding="utf-8").replace(
        "name: Oluwaseun Adeyemi", "name: Nova Starter"), encoding="utf-8")
    assert_as_clean([("teams/fulfillment.md", "name: Fulfillment", "name: Dispatch Crew")], new_words={"nova", "crew"})
    assert_as_clean([("content/2026-Q3/teams/fulfillment.md", "name: Fulfillment", "name: Fulfillment Quokkas")],
                    new_words={"quokkas"})
