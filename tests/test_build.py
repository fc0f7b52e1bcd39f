"""The pipeline as a whole: one-off builds and the incremental Builder of watch mode."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import CLEAN, EXAMPLE_DATE, REPO, write_site
from htmlcheck import parse_file
from test_scorehistory import history_files
from okrsite import build, outputfolder, write
from okrsite.build import Builder, build_site
from okrsite.options import BuildOptions

Q4 = "content/2026-Q4"


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def assert_same_as_clean_build(site: Path, out: Path, scratch: Path) -> None:
    clean = scratch / "clean"
    shutil.rmtree(clean, ignore_errors=True)
    report = build_site(site, clean, CLEAN)
    assert report.ok(False), [d.format() for d in report.diagnostics.items]
    expected, actual = tree(clean), tree(out)
    assert sorted(actual) == sorted(expected)
    different = [path for path in expected if actual[path] != expected[path]]
    assert not different, different[:10]


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def test_incremental_builds_are_byte_identical_to_clean_builds(example_copy, tmp_path):
    site, out = example_copy, tmp_path / "out"
    builder = Builder(site, out)
    first = builder.build(EXAMPLE_DATE)
    assert first.ok(False) and first.parsed == len(list((site / "content").rglob("*.md")))
    assert_same_as_clean_build(site, out, tmp_path)

    # change a value: only that file is parsed again, and few pages are written
    fulfillment = site / Q4 / "teams/fulfillment.md"
    edit(fulfillment, "{date: 2026-11-20, value: 64}", "{date: 2026-11-20, value: 71}")
    report = builder.build(EXAMPLE_DATE)
    assert report.ok(False) and report.parsed == 1
    assert 0 < report.pages < 40
    assert report.rendered < first.rendered / 4  # the owner's and objective's pages, the cycle's, not all
    assert_same_as_clean_build(site, out, tmp_path)

    # change confidences: a check-in's (it leaves the home page's falling list) and a milestone's own
    edit(site / Q4 / "teams/packaging.md", "{date: 2026-11-16, value: 32, confidence: 0.3}",
         "{date: 2026-11-16, value: 32, confidence: 0.5}")
    edit(site / Q4 / "departments/manufacturing.md", "        confidence: 0.8\n", "        confidence: 0.2\n")
    assert builder.build(EXAMPLE_DATE).ok(False)
    home = (out / "index.html").read_text(encoding="utf-8")
    assert "falling from 0.7" in home and "falling from 0.4" not in home
    assert "Low 0.2" in (out / "2026-q4/manufacturing/index.html").read_text(encoding="utf-8")
    # change a note of the week: the current cycle's digest says it
    edit(site / Q4 / "suds.md", "note: Black Friday early access", "note: Sold out - Black Friday early access")
    assert builder.build(EXAMPLE_DATE).ok(False)
    digest = parse_file(out / "2026-q4/digest/index.html")
    assert "Nov 20: Sold out - Black Friday early access for Soap Club members" in digest.texts("li")
    # move an old check-in and change another one's value: the weekly progress lines of the owner's page
    edit(fulfillment, "{date: 2026-10-09, value: 36}", "{date: 2026-10-16, value: 36}")
    edit(fulfillment, "{date: 2026-10-23, value: 1.0}", "{date: 2026-10-23, value: 0.9}")
    assert builder.build(EXAMPLE_DATE).ok(False)
    assert_same_as_clean_build(site, out, tmp_path)

    # change names shown on other owners' pages: a team's, a person's
    edit(fulfillment, "name: Fulfillment", "name: Fulfilment & Dispatch")
    edit(site / Q4 / "people/oluwaseun-adeyemi.md", "role: ", "role: Senior ")
    assert builder.build(EXAMPLE_DATE).ok(False)
    directory = (out / "2026-q4/people/index.html").read_text(encoding="utf-8")
    assert "Senior " in directory and "Fulfilment &amp; Dispatch" in directory
    assert_same_as_clean_build(site, out, tmp_path)

    # contributors and dependencies: added, a contributor renamed, a dependency falling off track
    web_store = site / Q4 / "teams/web-store.md"
    edit(web_store, "contributors: [priya-raman]", "contributors: [priya-raman, aiko-tanaka]")
    edit(site / Q4 / "departments/marketing.md", "depends_on: web-store/fast-checkout",
         "depends_on: [web-store/fast-checkout, subscriptions/club-habit]")
    assert builder.build(EXAMPLE_DATE).ok(False)
    assert "Contributes to" in (out / "2026-q4/aiko-tanaka/index.html").read_text(encoding="utf-8")
    assert "Needed by" in (out / "2026-q4/subscriptions/club-habit/index.html").read_text(encoding="utf-8")
    assert_same_as_clean_build(site, out, tmp_path)
    edit(site / Q4 / "people/priya-raman.md", "name: Priya", "name: Dr Priya")
    edit(web_store, "    contributors: [", "    status: off-track\n    contributors: [")
    assert builder.build(EXAMPLE_DATE).ok(False)
    campaign = (out / "2026-q4/marketing/holiday-campaign/index.html").read_text(encoding="utf-8")
    assert "banner-held" in campaign
    assert "Dr Priya" in (out / "2026-q4/web-store/fast-checkout/index.html").read_text(encoding="utf-8")
    assert_same_as_clean_build(site, out, tmp_path)
    # move a team to another department: its people's files are the same, their department (which
    # the filters of the tree, the status page and the people know them by) is not
    edit(fulfillment, "parent: manufacturing", "parent: customer-care")
    assert builder.build(EXAMPLE_DATE).ok(False)
    entry = parse_file(out / "2026-q4/people/index.html").one("a", href="../../2026-q4/oluwaseun-adeyemi/index.html")
    assert entry.closest("li").get("data-dept") == "customer-care"
    assert_same_as_clean_build(site, out, tmp_path)
    edit(fulfillment, "parent: customer-care", "parent: manufacturing")

    # a person's objective: its title, shown on the pages it aligns to, then where it aligns
    person = site / Q4 / "people/oluwaseun-adeyemi.md"
    edit(person, "title: Every parcel contains exactly what was ordered", "title: Every parcel is right")
    assert builder.build(EXAMPLE_DATE).ok(False)
    assert "Every parcel is right" in (out / "2026-q4/fulfillment/same-day/index.html").read_text(encoding="utf-8")
    assert_same_as_clean_build(site, out, tmp_path)
    edit(person, "aligns_to: fulfillment/same-day", "aligns_to: fulfillment/gentle-parcels")
    assert builder.build(EXAMPLE_DATE).ok(False)
    assert "Every parcel is right" in (out / "2026-q4/fulfillment/gentle-parcels/index.html").read_text(encoding="utf-8")
    assert "Every parcel is right" not in (out / "2026-q4/fulfillment/same-day/index.html").read_text(encoding="utf-8")
    assert_same_as_clean_build(site, out, tmp_path)

    # add an owner: a new person in the team, on the team's page and in the directory
    (person.parent / "new-starter.md").write_text(person.read_text(encoding="utf-8").replace(
        "name: Oluwaseun Adeyemi", "name: Nova Starter"), encoding="utf-8")
    assert builder.build(EXAMPLE_DATE).ok(False)
    assert "Nova Starter" in (out / "2026-q4/fulfillment/index.html").read_text(encoding="utf-8")
    assert "Nova Starter" in (out / "2026-q4/people/index.html").read_text(encoding="utf-8")
    assert_same_as_clean_build(site, out, tmp_path)

    # add an objective
    edit(fulfillment, "objectives:\n", "objectives:\n"
         "  - id: calm-peak\n    title: A calm peak week\n    aligns_to: manufacturing/ship-faster\n"
         "    key_results:\n      - {id: overtime, title: Overtime hours, start: 120, target: 40, current: 90, unit: hours}\n"
         "      - {id: rota, title: Peak rota agreed, type: milestone, done: true}\n")
    assert builder.build(EXAMPLE_DATE).ok(False)
    assert (out / "2026-q4/fulfillment/calm-peak/index.html").is_file()
    assert_same_as_clean_build(site, out, tmp_path)

    # rename an owner: the file and every reference to it
    for path in (site / Q4).rglob("*.md"):
        text = path.read_text(encoding="utf-8")
        renamed = re.sub(r"\bfulfillment\b", "dispatch", text)
        if renamed != text:
            path.write_text(renamed, encoding="utf-8")
    fulfillment.rename(fulfillment.with_name("dispatch.md"))
    assert builder.build(EXAMPLE_DATE).ok(False)
    assert not (out / "2026-q4/fulfillment").exists()
    assert (out / "2026-q4/dispatch/index.html").is_file()
    assert_same_as_clean_build(site, out, tmp_path)

    # write a number another way, the same amount: the pages and the chart show it as now written
    edit(site / Q4 / "departments/marketing.md", "target: 20.0\n", "target: 20.00\n", 1)
    assert builder.build(EXAMPLE_DATE).ok(False)
    assert "Target 20.00 EUR" in (out / "2026-q4/marketing/holiday-campaign/cpa.svg").read_text(encoding="utf-8")
    assert_same_as_clean_build(site, out, tmp_path)

    # delete a file: its pages and badges disappear
    (site / Q4 / "people/liam-oconnor.md").unlink()
    assert builder.build(EXAMPLE_DATE).ok(False)
    assert not (out / "2026-q4/liam-oconnor").exists()
    assert not (out / "badges/current/liam-oconnor.svg").exists()
    assert_same_as_clean_build(site, out, tmp_path)

    # edit the archived cycle only: the current one is reused whole
    edit(site / "content/2026-Q3/teams/fulfillment.md", "score: 0.7", "score: 0.4", 1)
    report = builder.build(EXAMPLE_DATE)
    assert report.ok(False) and report.parsed == 1
    assert_same_as_clean_build(site, out, tmp_path)

    # make an objective committed, and one of the archived cycle aspirational again: tags, notes, statuses,
    # the retrospective's count
    edit(site / Q4 / "departments/manufacturing.md", "  - id: capacity\n", "  - id: capacity\n    type: committed\n")
    edit(site / "content/2026-Q3/departments/ecommerce.md", "    type: committed", "    type: aspirational")
    assert builder.build(EXAMPLE_DATE).ok(False)
    assert "Committed" in (out / "2026-q4/manufacturing/capacity/index.html").read_text(encoding="utf-8")
    assert "committed-tag" not in (out / "2026-q3/ecommerce/replatform/index.html").read_text(encoding="utf-8")
    assert_same_as_clean_build(site, out, tmp_path)

    # change the settings: the title on every page, a status band
    edit(site / "site.toml", 'title = "', 'title = "The ')
    edit(site / "site.toml", "on_track = 0.8", "on_track = 0.9")
    assert builder.build(EXAMPLE_DATE).ok(False)
    assert_same_as_clean_build(site, out, tmp_path)

    # break a file: nothing is written; fix it: back in step
    before = tree(out)
    marketing = site / Q4 / "departments/marketing.md"
    edit(marketing, "kind: department", "kind: departmnet")
    broken = builder.build(EXAMPLE_DATE)
    assert not broken.ok(False)
    assert [d.path for d in broken.diagnostics.errors][0].endswith("marketing.md")
    assert tree(out) == before
    edit(marketing, "kind: departmnet", "kind: department")
    assert builder.build(EXAMPLE_DATE).ok(False)
    assert_same_as_clean_build(site, out, tmp_path)


def test_a_rebuild_with_no_change_writes_nothing(example_copy, tmp_path):
    builder = Builder(example_copy, tmp_path / "out")
    assert builder.build(EXAMPLE_DATE).ok(False)
    again = builder.build(EXAMPLE_DATE)
    assert again.ok(False)
    assert (again.parsed, again.files, again.pages) == (0, 0, 0)


def own_copy(site: Path, relative: str) -> Path:
    """The site's own copy of a file of the default theme (``templates/base.html``), to edit."""
    target = site / "themes/default" / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "themes/default" / relative, target)
    return target


@pytest.mark.parametrize("relative, before, after", [
    ("templates/base.html", "Skip to content", "Skip to the OKRs"),
    ("templates/_chrome.html", ">All cycles<", ">Every cycle<"),  # the top bar, drawn once per cycle and depth
])
def test_a_theme_edit_rebuilds_every_page(example_copy, tmp_path, relative, before, after):
    own = own_copy(example_copy, relative)
    out = tmp_path / "out"
    builder = Builder(example_copy, out)
    first = builder.build(EXAMPLE_DATE)
    edit(own, before, after)
    report = builder.build(EXAMPLE_DATE)
    assert report.ok(False) and report.pages == first.pages
    for page in (out / "index.html", next(out.glob("*/*/*/index.html"))):
        assert after in page.read_text(encoding="utf-8")
    assert_same_as_clean_build(example_copy, out, tmp_path)


def test_a_new_day_updates_the_pace(example_copy, tmp_path):
    out = tmp_path / "out"
    builder = Builder(example_copy, out)
    builder.build(EXAMPLE_DATE)
    later = EXAMPLE_DATE.replace(day=EXAMPLE_DATE.day + 3)
    assert builder.build(later).ok(False)
    clean = tmp_path / "clean"
    build_site(example_copy, clean, BuildOptions(later, jobs=1))
    assert tree(out) == tree(clean)


def test_a_template_error_is_reported_and_writes_nothing(example_copy, tmp_path):
    templates = example_copy / "themes/default/templates"
    templates.mkdir(parents=True)
    (templates / "tree.html").write_text('{% extends "base.html" %}\n{% block main %}\n{{ cycle.nope }}\n{% endblock %}\n')
    out = tmp_path / "out"
    report = build_site(example_copy, out, BuildOptions(EXAMPLE_DATE))
    assert not report.ok(False) and not out.exists()
    [error] = report.diagnostics.errors
    assert error.path.endswith("themes/default/templates/tree.html") and error.line == 3
    assert "nope" in error.message


@pytest.mark.parametrize("expression, message", [
    ("site.config.title|headline", "template error: AttributeError: 'str' object has no attribute 'cycle'"),
    ("(1 / 0)|string", "template error: ZeroDivisionError: division by zero"),
    ("'%d'|format('x')", "template error: TypeError: %d format: a real number is required, not str"),
])
def test_an_exception_in_a_theme_template_is_an_error_at_its_line(example_copy, tmp_path, capsys, monkeypatch,
                                                                  expression, message):
    """Not only Jinja2's own errors: a filter or method that raises is reported at the template's
    line, with exit 1 and nothing written, never as a traceback."""
    from okrsite.cli import main

    templates = example_copy / "themes/default/templates"
    templates.mkdir(parents=True)
    (templates / "tree.html").write_text('{% extends "base.html" %}\n{% block main %}\n{{ ' + expression + ' }}\n{% endblock %}\n')
    monkeypatch.chdir(example_copy)
    code = main(["build", "-o", str(tmp_path / "out"), "--date", "2026-11-20", "-q", "-j", "1", "--no-cache"])
    captured = capsys.readouterr()
    assert code == 1 and "Traceback" not in captured.err and not (tmp_path / "out").exists()
    assert captured.err.splitlines()[0] == f"themes/default/templates/tree.html:3: error: {message}"


def test_builds_are_byte_identical_across_processes_and_hash_seeds(tmp_path):
    import os
    import subprocess
    import sys

    outputs = []
    for seed in ("1", "4242"):
        out = tmp_path / f"out-{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(REPO)}
        subprocess.run([sys.executable, "-m", "okrsite", "build", str(REPO), "-o", str(out), "--date", "2026-11-20", "-q", "--no-cache"],
                       check=True, env=env, timeout=300)
        outputs.append(tree(out))
    assert sorted(outputs[0]) == sorted(outputs[1])
    assert [p for p in outputs[0] if outputs[0][p] != outputs[1][p]] == []


def test_builds_do_not_depend_on_the_order_files_are_listed_in(tmp_path, monkeypatch):
    import contextlib
    import os
    import pathlib

    normal = tmp_path / "normal"
    build_site(REPO, normal, BuildOptions(EXAMPLE_DATE))
    listed_iterdir, listed_rglob, listed_scandir = pathlib.Path.iterdir, pathlib.Path.rglob, os.scandir
    monkeypatch.setattr(pathlib.Path, "iterdir", lambda self: iter(sorted(listed_iterdir(self), reverse=True)))
    monkeypatch.setattr(pathlib.Path, "rglob", lambda self, pattern: iter(sorted(listed_rglob(self, pattern), reverse=True)))

    @contextlib.contextmanager
    def scandir_reversed(path):  # content discovery walks folders with os.scandir
        with listed_scandir(path) as entries:
            yield iter(sorted(entries, key=lambda entry: entry.name, reverse=True))

    monkeypatch.setattr(os, "scandir", scandir_reversed)
    reversed_order = tmp_path / "reversed"
    build_site(REPO, reversed_order, BuildOptions(EXAMPLE_DATE))
    monkeypatch.undo()
    assert tree(normal) == tree(reversed_order)


def test_a_one_off_build_without_the_disk_cache_hashes_nothing(tmp_path, monkeypatch):
    """Nothing would ever compare its files' digests: it keeps no record of them."""
    monkeypatch.setattr(build, "_digest", lambda data: pytest.fail("a file was hashed"))
    assert build_site(REPO, tmp_path / "out", CLEAN).ok(False)


def test_a_big_file_whose_key_changed_is_written_unhashed_a_small_one_if_its_bytes_changed(example_copy, tmp_path,
                                                                                            monkeypatch):
    """An owner's text is neither in okrs.json nor in the CSV, yet their keys cover it: the big okrs.json is
    written again without hashing it (as much work as writing it), the small CSV is hashed and kept."""
    monkeypatch.setattr(build, "BIG_FILE", 100_000)  # between the example's okrs.json and its CSV
    out = tmp_path / "out"
    builder = Builder(example_copy, out)
    assert builder.build(EXAMPLE_DATE).ok(False)
    big, small = out / "okrs.json", out / "2026-q4/okrs.csv"
    assert big.stat().st_size > build.BIG_FILE > small.stat().st_size
    before = {path: (path.stat().st_ino, path.read_bytes()) for path in (big, small)}
    hashed = []
    real = build._digest
    monkeypatch.setattr(build, "_digest", lambda data: hashed.append(len(data)) or real(data))
    edit(example_copy / "content/2026-Q4/teams/fulfillment.md", "Shout-out board", "The shout-out board")
    assert builder.build(EXAMPLE_DATE).ok(False)
    assert big.read_bytes() == before[big][1] and big.stat().st_ino != before[big][0]
    assert small.read_bytes() == before[small][1] and small.stat().st_ino == before[small][0]
    assert hashed and max(hashed) <= build.BIG_FILE
    assert_same_as_clean_build(example_copy, out, tmp_path)
    builder.close()


def test_a_stylesheet_edit_rewrites_the_stylesheet_and_the_404_page_only(example_copy, tmp_path):
    stylesheet = own_copy(example_copy, "static/style.css")
    out = tmp_path / "out"
    builder = Builder(example_copy, out)
    builder.build(EXAMPLE_DATE)
    with stylesheet.open("a") as stream:
        stream.write("\n.brand { letter-spacing: .01em; }\n")
    report = builder.build(EXAMPLE_DATE)
    assert report.ok(False) and (report.files, report.pages) == (2, 1)
    assert "letter-spacing: .01em" in (out / "404.html").read_text()
    assert_same_as_clean_build(example_copy, out, tmp_path)


def test_watch_mode_coaches_again_when_the_date_or_the_checks_change(example_copy, tmp_path):
    """A cycle's coaching notes are kept with it between builds; a new build date or [checks] renews them."""
    builder = Builder(example_copy, tmp_path / "out")
    stale = "key result with no check-in for more than 14 days"

    def warnings(date) -> list[str]:
        report = builder.build(date)
        assert report.ok(True)  # stale check-ins are notes: they never fail a build
        return [d.format() for d in report.diagnostics.notes]

    assert warnings(EXAMPLE_DATE) == []
    later = EXAMPLE_DATE.replace(month=12, day=10)
    found = warnings(later)
    assert found and all(stale in w.replace("key results", "key result") for w in found)
    assert warnings(later) == found  # the cached cycle brings its warnings along
    edit(example_copy / "site.toml", "[status]", "[checks]\nstale = false\n\n[status]")
    assert warnings(later) == []
    assert warnings(EXAMPLE_DATE) == []


def heatmap_cells(page: Path) -> list[str]:
    """The heatmap's cells as a reader sees them, row by row."""
    return [td.text() for td in parse_file(page).one("table", cls="heatmap").find_all("td")]


def test_incremental_builds_follow_statuses_and_carried_objectives(example_copy, tmp_path):
    site, out = example_copy, tmp_path / "out"
    builder = Builder(site, out)
    assert builder.build(EXAMPLE_DATE).ok(False)
    before = heatmap_cells(out / "2026-q4/index.html")

    # a status changes: the heatmap of the cycle and of the home page, and the status page
    edit(site / Q4 / "departments/marketing.md", "  - id: holiday-campaign\n", "  - id: holiday-campaign\n    status: off-track\n")
    assert builder.build(EXAMPLE_DATE).ok(False)
    after = heatmap_cells(out / "2026-q4/index.html")
    assert after != before and heatmap_cells(out / "index.html") == after
    assert "marketing-off-track" in (out / "2026-q4/status/index.html").read_text(encoding="utf-8")
    assert_same_as_clean_build(site, out, tmp_path)

    # the next cycle drops an objective the archived one carried: its retrospective follows
    retro = out / "2026-q3/retro/index.html"
    assert "2026-q4/ines-moreau/tester-panel/" in retro.read_text(encoding="utf-8")
    edit(site / Q4 / "people/ines-moreau.md", "  - id: tester-panel\n", "  - id: nose-panel\n")
    assert builder.build(EXAMPLE_DATE).ok(False)
    assert "2026-q4/ines-moreau/tester-panel/" not in retro.read_text(encoding="utf-8")
    assert_same_as_clean_build(site, out, tmp_path)

    # retro notes change in the archived cycle: its retrospective and the objective's page
    edit(site / "content/2026-Q3/suds.md", "next time,", "next time, a note:")
    assert builder.build(EXAMPLE_DATE).ok(False)
    assert "a note:" in retro.read_text(encoding="utf-8")
    assert_same_as_clean_build(site, out, tmp_path)


@pytest.mark.parametrize("recent_ns", [outputfolder.RECENT_NS, 0], ids=["folders-read-again", "folders-known-by-time"])
def test_watch_mode_reuses_the_replaced_tree_and_keeps_the_output_whole(example_copy, tmp_path, monkeypatch,
                                                                        recent_ns):
    """The Builder of watch mode keeps the tree each build replaced and brings it up to date for
    the next build: the output must stay what a clean build makes, plus every file someone else
    put there, through edits, removed owners, foreign files coming and going and pages deleted
    by hand; and closing it leaves nothing beside the output. With ``recent_ns`` 0 every folder's
    listing is trusted while its modification time stays, so the foreign files and the deleted
    page must be found by the folders' new times alone."""
    monkeypatch.setattr(outputfolder, "RECENT_NS", recent_ns)
    site, out = example_copy, tmp_path / "watched" / "public"
    builder = Builder(site, out)
    assert builder.build(EXAMPLE_DATE).ok(False)

    def assert_output(foreign: dict[str, bytes]) -> None:
        actual = tree(out)
        for path, data in foreign.items():
            assert actual.pop(path) == data
        clean = tmp_path / "clean"
        shutil.rmtree(clean, ignore_errors=True)
        assert build_site(site, clean, CLEAN).ok(False)
        assert actual == tree(clean)
        assert len(list(out.parent.iterdir())) <= 2, "more than the output and its one spare"

    fulfillment = site / Q4 / "teams/fulfillment.md"
    edit(fulfillment, "{date: 2026-11-20, value: 64}", "{date: 2026-11-20, value: 71}")
    assert builder.build(EXAMPLE_DATE).ok(False)
    assert_output({})

    (out / "notes.txt").write_text("by hand")
    (out / "2026-q4/extra").mkdir()
    (out / "2026-q4/extra/page.html").write_text("<p>mine</p>")
    edit(fulfillment, "{date: 2026-11-20, value: 71}", "{date: 2026-11-20, value: 72}")
    assert builder.build(EXAMPLE_DATE).ok(False)
    foreign = {"notes.txt": b"by hand", "2026-q4/extra/page.html": b"<p>mine</p>"}
    assert_output(foreign)

    (out / "notes.txt").unlink()
    del foreign["notes.txt"]
    (out / "2026-q4/fulfillment/index.html").unlink()  # one of okrsite's own pages, deleted by hand
    (site / Q4 / "people/liam-oconnor.md").unlink()
    assert builder.build(EXAMPLE_DATE).ok(False)
    assert not (out / "2026-q4/liam-oconnor").exists()
    assert_output(foreign)

    edit(fulfillment, "{date: 2026-11-20, value: 72}", "{date: 2026-11-20, value: 64}")
    assert builder.build(EXAMPLE_DATE).ok(False)
    assert_output(foreign)
    spare = builder._spare.folder

    edit(fulfillment, "name: Fulfillment\n", "name: Fulfillment   \n")  # a change that changes no page
    report = builder.build(EXAMPLE_DATE)
    assert report.ok(False) and report.files == 0
    assert builder._spare.folder == spare, "an unused spare was thrown away"
    assert_output(foreign)

    edit(fulfillment, "name: Fulfillment", "name: [broken")  # a failed build discards the spare
    assert not builder.build(EXAMPLE_DATE).ok(False)
    edit(fulfillment, "name: [broken", "name: Fulfillment")
    assert builder.build(EXAMPLE_DATE).ok(False)
    assert_output(foreign)

    builder.close()
    assert [p.name for p in out.parent.iterdir()] == ["public"]


def test_watch_mode_looks_at_every_file_once_its_manifest_was_changed_by_hand(example_copy, tmp_path):
    """A watch build compares only the outputs whose plan changed while the output's manifest is the one it
    wrote; a page taken out of the manifest by hand is someone else's file, even one that no edit touches."""
    site, out = example_copy, tmp_path / "public"
    builder = Builder(site, out)
    assert builder.build(EXAMPLE_DATE).ok(False)
    fulfillment = site / Q4 / "teams/fulfillment.md"
    edit(fulfillment, "{date: 2026-11-20, value: 64}", "{date: 2026-11-20, value: 71}")
    assert builder.build(EXAMPLE_DATE).ok(False)
    manifest = out / ".okrsite-manifest"
    manifest.write_text("".join(f"{line}\n" for line in manifest.read_text().splitlines() if line != "404.html"))
    edit(fulfillment, "{date: 2026-11-20, value: 71}", "{date: 2026-11-20, value: 72}")
    report = builder.build(EXAMPLE_DATE)
    assert [d.format() for d in report.diagnostics.errors] == [
        f"{out / '404.html'}: error: cannot write the site: {out / '404.html'} is in the way: okrsite did not "
        "write it and will not overwrite it"]
    builder.close()


def test_watch_mode_prepares_the_tree_of_the_first_edit_before_it(example_copy, tmp_path, monkeypatch):
    """Made ready after its first build, the watch builder has a copy of the output to update: the
    first edit then links only the files that differ, as later ones do, and the output stays whole."""
    site, out = example_copy, tmp_path / "watched" / "public"
    assert build_site(site, out, BuildOptions(EXAMPLE_DATE)).ok(False)
    (out / "notes.txt").write_text("by hand")
    builder = Builder(site, out)
    assert builder.build(EXAMPLE_DATE).ok(False)  # it replaced the whole tree: the old one is far behind
    builder.prepare()
    files = len(tree(out))
    links = []
    real_link = write._link
    monkeypatch.setattr(write, "_link", lambda source, target: (links.append(target), real_link(source, target)))
    edit(site / Q4 / "teams/fulfillment.md", "{date: 2026-11-20, value: 64}", "{date: 2026-11-20, value: 71}")
    report = builder.build(EXAMPLE_DATE)
    assert report.ok(False) and 0 < report.files < 40
    assert len(links) < 40 < files
    actual = tree(out)
    assert actual.pop("notes.txt") == b"by hand"
    clean = tmp_path / "clean"
    assert build_site(site, clean, BuildOptions(EXAMPLE_DATE)).ok(False)
    assert actual == tree(clean)
    builder.close()
    assert [p.name for p in out.parent.iterdir()] == ["public"]


ROLLUP_CHAIN = {
    "content/2026-Q4/test-co.md": "---\nname: Test Co\nkind: company\nobjectives:\n  - id: grow\n    title: Grow\n"
                                  "    key_results:\n      - {id: teams, title: Teams, type: rollup}\n---\n",
    "content/2026-Q4/ops.md": "---\nname: Ops\nkind: department\nparent: test-co\nobjectives:\n  - id: run\n"
                              "    title: Run\n    aligns_to: test-co/grow/teams\n"
                              "    key_results:\n      - {id: teams, title: Teams, type: rollup}\n---\n",
    "content/2026-Q4/crew.md": "---\nname: Crew\nkind: team\nparent: ops\nobjectives:\n  - id: ship\n    title: Ship\n"
                               "    aligns_to: ops/run/teams\n    key_results:\n      - id: parcels\n"
                               "        title: Parcels\n        start: 0\n        target: 10\n        checkins:\n"
                               "          - {date: 2026-10-05, value: 2}\n          - {date: 2026-11-10, value: 5}\n"
                               "---\n",
}


def weekly_progress(out: Path, owner: str) -> list[str]:
    table = parse_file(out / f"2026-q4/{owner}/index.html").one("table", cls="pace-weeks")
    return [row.find_all("td")[1].text() for row in table.one("tbody").find_all("tr")]


def test_an_old_checkin_two_rollups_below_redraws_the_companys_line(tmp_path):
    """The company's progress today stays 50 %, and nothing it links to changes; its weekly line does."""
    site, out = write_site(tmp_path / "site", ROLLUP_CHAIN), tmp_path / "out"
    builder = Builder(site, out)
    assert builder.build(EXAMPLE_DATE).ok(False)
    assert weekly_progress(out, "test-co") == ["0 %", "20 %", "20 %", "20 %", "20 %", "20 %", "50 %", "50 %", "50 %"]
    edit(site / "content/2026-Q4/crew.md", "{date: 2026-10-05, value: 2}", "{date: 2026-10-25, value: 2}")
    report = builder.build(EXAMPLE_DATE)
    assert report.ok(False) and report.parsed == 1
    assert weekly_progress(out, "test-co") == ["0 %", "0 %", "0 %", "0 %", "20 %", "20 %", "50 %", "50 %", "50 %"]
    assert_same_as_clean_build(site, out, tmp_path)


DOCK = ("---\nname: Dock\nkind: team\nparent: ops\nobjectives:\n  - id: load\n    title: Load\n"
        "    aligns_to: ops/run/teams\n    depends_on: crew/ship\n    key_results:\n"
        "      - {id: trucks, title: Trucks, start: 0, target: 4, current: 2}\n---\n")


def test_watch_mode_follows_check_ins_into_the_digest_and_health_of_owners_whose_files_did_not_change(tmp_path):
    """Each owner's part of the digest and of the health page is kept while the owner does not change:
    a check-in two rollups below moves the company's and the department's progress of a week ago (not
    today's), and the crew falling off track holds up the dock, whose file says the same."""
    site, out = write_site(tmp_path / "site", {**ROLLUP_CHAIN, "content/2026-Q4/dock.md": DOCK}), tmp_path / "out"
    builder = Builder(site, out)
    assert builder.build(EXAMPLE_DATE).ok(False)
    crew = site / "content/2026-Q4/crew.md"

    def moved() -> list[str]:
        lists = parse_file(out / "2026-q4/digest/index.html").find_all("ul", cls="digest-list")
        return [item.text() for found in lists for item in found.find_all("li")]

    def held_up() -> list[str]:
        checks = parse_file(out / "2026-q4/health/index.html").find_all("section", id="dependencies")
        return [item.text() for check in checks for item in check.find_all("li")]

    assert moved() == [] and held_up() == []
    edit(crew, "{date: 2026-11-10, value: 5}", "{date: 2026-11-15, value: 5}")  # this week's, and still 50 %
    assert builder.build(EXAMPLE_DATE).ok(False)
    assert moved() == ["Teams · Test Co 35 % → 50 %", "Teams · Ops 35 % → 50 %",
                       "Parcels · Crew 2 → 5 (20 % → 50 %)"]
    assert_same_as_clean_build(site, out, tmp_path)

    edit(crew, "{date: 2026-11-15, value: 5}", "{date: 2026-11-15, value: 1}")  # off track
    assert builder.build(EXAMPLE_DATE).ok(False)
    assert moved() == ["Teams · Test Co 35 % → 30 %", "Teams · Ops 35 % → 30 %",
                       "Parcels · Crew 2 → 1 (20 % → 10 %)"]
    assert held_up() == ["Load · Dock'dock/load' depends on 'crew/ship', which is off-track: agree with Crew what "
                         "can still be delivered, and plan around it"]
    assert_same_as_clean_build(site, out, tmp_path)


def test_an_old_cycles_department_score_reaches_the_pages_of_later_cycles(tmp_path):
    site, out = write_site(tmp_path / "site", history_files()), tmp_path / "out"
    builder = Builder(site, out)
    assert builder.build(EXAMPLE_DATE).ok(False)
    write_site(site, {"content/2026-Q2/ops.md": history_files(q2_ops=0.25)["content/2026-Q2/ops.md"]})
    report = builder.build(EXAMPLE_DATE)
    assert report.ok(False) and report.parsed == 1
    for page in ("2026-q4/ops/index.html", "2026-q3/ops/index.html", "2026-q3/retro/index.html"):
        assert "0.25" in (out / page).read_text(encoding="utf-8"), page
    assert_same_as_clean_build(site, out, tmp_path)


def test_incremental_builds_follow_kpi_check_ins_graduations_and_growth_goals(example_copy, tmp_path):
    site, out = example_copy, tmp_path / "out"
    builder = Builder(site, out)
    assert builder.build(EXAMPLE_DATE).ok(False)
    web_store, q3_web_store = site / Q4 / "teams/web-store.md", site / "content/2026-Q3/teams/web-store.md"
    kpis, q3_objective = out / "2026-q4/kpis/index.html", out / "2026-q3/web-store/launch-store/index.html"

    # a KPI's check-in: its trend and verdicts on the owner's page and the KPI page
    edit(web_store, "{date: 2026-11-16, value: 3}", "{date: 2026-11-16, value: 8}")
    assert builder.build(EXAMPLE_DATE).ok(False)
    assert "8 bugs on 16 Nov 2026" in kpis.read_text(encoding="utf-8")
    assert_same_as_clean_build(site, out, tmp_path)

    # the earlier cycle only: the later cycle is reused, but its pages show the key result's new title
    edit(q3_web_store, "title: Open checkout bugs", "title: Checkout bugs still open")
    report = builder.build(EXAMPLE_DATE)
    assert report.ok(False) and report.parsed == 1
    assert "Graduated from Checkout bugs still open" in parse_file(kpis).text()
    assert_same_as_clean_build(site, out, tmp_path)

    # the later cycle only: the KPI's title and the key result it graduated from, on the earlier cycle's pages
    edit(web_store, "title: Open checkout bugs", "title: Checkout bugs open")
    edit(web_store, "launch-store/checkout-bugs", "launch-store/mobile-checkout")
    report = builder.build(EXAMPLE_DATE)
    assert report.ok(False) and report.parsed == 1
    card = parse_file(q3_objective).one(id="kr-mobile-checkout")
    assert card.one("p", cls="kr-graduated").text() == "Graduated into a KPI Checkout bugs open (Web Store, Q4 2026)"
    assert parse_file(q3_objective).one(id="kr-checkout-bugs").find("p", cls="kr-graduated") is None
    assert_same_as_clean_build(site, out, tmp_path)

    # no longer graduated: both sides lose their links
    edit(web_store, "    graduated_from: 2026-Q3/web-store/launch-store/mobile-checkout\n", "")
    assert builder.build(EXAMPLE_DATE).ok(False)
    assert "Graduated into" not in q3_objective.read_text(encoding="utf-8")
    assert_same_as_clean_build(site, out, tmp_path)

    # a growth goal's key result, then the goal made an objective like the others, and a growth goal again
    mei = site / Q4 / "people/mei-chen.md"
    edit(mei, "{date: 2026-11-10, value: 14}", "{date: 2026-11-10, value: 20}")
    assert builder.build(EXAMPLE_DATE).ok(False)
    assert_same_as_clean_build(site, out, tmp_path)
    growth, aligned = "it\n    growth: true\n", "it\n    aligns_to: formulation-lab/winter-scents\n"
    edit(mei, growth, aligned)
    assert builder.build(EXAMPLE_DATE).ok(False)
    assert (out / "2026-q4/mei-chen/lead-the-lab/index.html").is_file()
    assert_same_as_clean_build(site, out, tmp_path)
    edit(mei, aligned, growth)
    assert builder.build(EXAMPLE_DATE).ok(False)
    assert not (out / "2026-q4/mei-chen/lead-the-lab").exists()
    assert_same_as_clean_build(site, out, tmp_path)
