"""The CSV export per cycle and the Atom feed of check-ins."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

import pytest

from conftest import CLEAN, COMPANY, CYCLE, EXAMPLE_DATE, REPO
from okrsite.build import Builder, build_site
from okrsite.render import feeds, site as site_render
from okrsite.render.feeds import CSV_COLUMNS, FEED_ENTRIES
from okrsite.options import BuildOptions

ATOM = "{http://www.w3.org/2005/Atom}"


def csv_rows(path) -> list[dict]:
    data = path.read_bytes()
    assert data.startswith("\ufeff".encode("utf-8"))  # spreadsheets read UTF-8 by this mark
    text = data.decode("utf-8-sig")
    assert "\r\n" in text
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_csv_has_one_row_per_key_result_with_the_numbers(site, out):
    for cycle in site.cycles:
        rows = csv_rows(out / cycle.slug / "okrs.csv")
        assert list(rows[0]) == list(CSV_COLUMNS)
        expected = [(o.owner.id, o.id, kr) for o in cycle.objectives for kr in o.key_results]
        assert [(r["owner"], r["objective"], r["key_result"]) for r in rows] == [(a, b, kr.id) for a, b, kr in expected]
        for row, (_, _, kr) in zip(rows, expected):
            assert row["cycle"] == cycle.id and row["type"] == kr.type and row["status"] == kr.status
            assert float(row["progress"]) == round(kr.progress, 4)
            if kr.type == "metric":
                assert (float(row["start"]), float(row["current"]), float(row["target"])) == (kr.start, kr.current, kr.target)
            if kr.type == "milestone":
                assert row["current"] == ("done" if kr.done else "not done")


def test_csv_gives_the_latest_confidence_or_nothing(out):
    rows = {f"{r['owner']}/{r['objective']}/{r['key_result']}": r for r in csv_rows(out / "2026-q4/okrs.csv")}
    assert list(rows["suds/planet-friendly/plastic-free"])[-1] == "confidence"
    assert rows["suds/planet-friendly/plastic-free"]["confidence"] == "0.5"
    assert rows["packaging/compostable-mailers/second-supplier"]["confidence"] == "0.6"
    assert rows["suds/holiday-online/orders"]["confidence"] == ""


def test_feed_entries_say_the_confidence_and_how_it_moved(out):
    entries = ET.parse(out / "feed.xml").getroot().findall(f"{ATOM}entry")
    summaries = {e.find(f"{ATOM}id").text.rsplit("/", 1)[-1] + " " + e.find(f"{ATOM}title").text:
                 e.find(f"{ATOM}summary").text for e in entries}
    plastic = summaries["2026-11-16 Suds & Co.: Orders shipped completely plastic-free: 71 %"]
    assert "Confidence: Medium 0.5, falling from 0.7. Note: Compostable mailer supplier slipped to December" in plastic
    revenue = summaries["2026-11-20 Suds & Co.: Monthly online revenue: 193,500 EUR"]
    assert "Confidence: High 0.8, steady." in revenue
    orders = summaries["2026-11-20 Suds & Co.: Online orders per month: 6,250 orders"]
    assert "Confidence" not in orders


def test_csv_keeps_accents_and_defuses_formulas(make_site, tmp_path):
    team = """\
    ---
    name: Équipe Ünïcode
    kind: team
    parent: test-co
    objectives:
      - id: sums
        title: "=SUM(A1:A9)"
        aligns_to: test-co/grow
        key_results:
          - {id: a, title: "+cmd|' /C calc'!A0", start: 0, target: 10, current: 5}
          - {id: b, title: "Ça va, \\"quoted\\", comma", start: 0, target: 10}
    ---
    """
    root = make_site({f"{CYCLE}/test-co.md": COMPANY, f"{CYCLE}/team.md": team})
    build_site(root, tmp_path / "out", BuildOptions(EXAMPLE_DATE))
    rows = {r["key_result"]: r for r in csv_rows(tmp_path / "out/2026-q4/okrs.csv") if r["owner"] == "team"}
    assert rows["a"]["owner_name"] == "Équipe Ünïcode"
    assert rows["a"]["objective_title"] == "'=SUM(A1:A9)"
    assert rows["a"]["key_result_title"] == "'+cmd|' /C calc'!A0"
    assert rows["b"]["key_result_title"] == 'Ça va, "quoted", comma'


def test_feed_lists_the_newest_check_ins_first(site, out):
    root = ET.parse(out / "feed.xml").getroot()
    assert root.tag == f"{ATOM}feed"
    entries = root.findall(f"{ATOM}entry")
    total = sum(len(kr.checkins) for c in site.cycles for o in c.objectives for kr in o.key_results)
    assert len(entries) == min(total, FEED_ENTRIES) > 0
    dates = [e.find(f"{ATOM}updated").text for e in entries]
    assert dates == sorted(dates, reverse=True)
    assert root.find(f"{ATOM}updated").text == dates[0]
    base = site.config.base_url
    ids = [e.find(f"{ATOM}id").text for e in entries]
    assert len(set(ids)) == len(ids)
    for entry in entries:
        link = entry.find(f"{ATOM}link").get("href")
        assert link.startswith(base)
        page = link[len(base):].split("#")[0]
        assert (out / page / "index.html").is_file()
        assert entry.find(f"{ATOM}author/{ATOM}name").text in entry.find(f"{ATOM}title").text


def sorted_check_ins(site, count: int) -> list[tuple]:
    """The ``count`` newest check-ins of the whole site by a sort of them all: newest first by date, then by key
    result ref, ties in the order of the cycles, owners, objectives, key results and check-ins."""
    everything = [(checkin.date, kr.ref, owner, o, k, n) for cycle in site.cycles for owner in cycle.owners.values()
                  for o, objective in enumerate(owner.objectives)
                  for k, kr in enumerate(objective.key_results) if kr.type == "metric"
                  for n, checkin in enumerate(kr.checkins)]
    return [(owner, o, k, n) for *_, owner, o, k, n in sorted(everything, key=lambda i: i[:2], reverse=True)[:count]]


@pytest.mark.parametrize("count", [FEED_ENTRIES, 7, 1, 100_000])
def test_the_feed_picks_what_a_sort_of_every_check_in_would(site, monkeypatch, count):
    monkeypatch.setattr(feeds, "FEED_ENTRIES", count)  # 7: fewer than an owner has, whose list is cut too
    picked, everything = feeds.site_newest(site), sorted_check_ins(site, 10**9)
    assert len(everything) > FEED_ENTRIES and picked == everything[:count]
    assert {owner.cycle.id for owner, *_ in picked} == ({"2026-Q4", "2026-Q3"} if count > 1000 else {"2026-Q4"})


def test_the_feed_is_made_again_when_what_it_shows_changes_only(example_copy, tmp_path, monkeypatch):
    made = []
    monkeypatch.setattr(site_render, "render_feed", lambda *args: made.append(args) or feeds.render_feed(*args))
    out, q4 = tmp_path / "out", example_copy / "content/2026-Q4"
    builder = Builder(example_copy, out, CLEAN)  # one process: the calls are counted here
    assert builder.build(EXAMPLE_DATE).ok(False) and len(made) == 1
    shown = {owner.id for owner, *_ in made[0][1]}
    quiet = next(p for p in sorted((q4 / "people").glob("*.md")) if p.stem not in shown)
    quiet.write_text(quiet.read_text(encoding="utf-8").replace("title: ", "title: Quietly ", 1), encoding="utf-8")
    assert builder.build(EXAMPLE_DATE).ok(False) and len(made) == 1  # not in the feed: not made again
    before = (out / "feed.xml").read_bytes()
    loud = q4 / "teams/fulfillment.md"  # its newest check-in is in the feed
    assert "fulfillment" in shown
    loud.write_text(loud.read_text(encoding="utf-8").replace("{date: 2026-11-20, value: 64}",
                                                             "{date: 2026-11-20, value: 71}"), encoding="utf-8")
    assert builder.build(EXAMPLE_DATE).ok(False) and len(made) == 2
    assert build_site(example_copy, tmp_path / "clean", CLEAN).ok(False)
    assert before != (out / "feed.xml").read_bytes() == (tmp_path / "clean/feed.xml").read_bytes()


def test_pages_point_to_the_feed_and_the_csv(out):
    home = (out / "index.html").read_text()
    assert 'type="application/atom+xml"' in home and 'href="feed.xml"' in home
    assert 'href="2026-q4/okrs.csv"' in home


def test_private_owners_are_in_neither(out):
    private = [p for p in (REPO / "content").rglob("*.md") if "\nvisibility: private" in p.read_text(encoding="utf-8")]
    assert private
    exports = [(out / "feed.xml").read_text(encoding="utf-8")] + [p.read_text(encoding="utf-8-sig") for p in out.rglob("okrs.csv")]
    for path in private:
        name = next(line[len("name: "):] for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("name: "))
        assert all(path.stem not in text and name not in text for text in exports), path
