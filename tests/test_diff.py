"""okrsite diff: two revisions of a scripted git repository compared, with exact values."""

from __future__ import annotations

import os

from gitrepo import DATE, by, commit, diff, diff_json, git


def test_every_kind_of_change_with_exact_values(repo, capsys):
    data = diff_json(capsys, "v1", "main")
    assert data["base"]["revision"] == "v1" and data["head"]["revision"] == "main"
    assert data["head"]["commit"] == git(repo, "rev-parse", "main").strip()
    assert data["build_date"] == DATE and data["changed"] is True
    cycles = by(data["cycles"], "id")
    assert [c["id"] for c in data["cycles"]] == ["2027-Q1", "2026-Q4", "2026-Q3"]

    q4 = cycles["2026-Q4"]
    assert q4["change"] == "changed" and q4["state"] == "current"
    # company: grow (0.2 + 0) / 2 = 0.1 and care (0.5 + 1) / 2 = 0.75, then grow (0.45 + 1) / 2 and care (0.5 + 0.5) / 2
    assert q4["changes"] == {"progress": {"before": 0.425, "after": 0.6125}}
    assert [(o["id"], o["name"], o["kind"]) for o in q4["owners_added"]] == [("support", "Support", "team")]
    assert [o["id"] for o in q4["owners_removed"]] == ["ops"]
    assert q4["owners_changed"] == [{"id": "sales", "name": "Sales & Partners", "kind": "department",
                                     "url": "2026-q4/sales/",
                                     "changes": {"name": {"before": "Sales", "after": "Sales & Partners"}}}]
    assert q4["objectives_added"] == [{"ref": "support/answers", "title": "Answer every customer within a day",
                                       "aligns_to": ["test-co/care"], "progress": 0.2, "status": "off-track",
                                       "url": "2026-q4/support/answers/"}]
    assert [o["ref"] for o in q4["objectives_removed"]] == ["ops/speed"]

    changed = by(q4["objectives_changed"], "ref")
    assert set(changed) == {"test-co/grow", "test-co/care", "sales/deals"}
    grow = changed["test-co/grow"]
    assert grow["changes"] == {"status": {"before": "off-track", "after": "on-track"},
                               "progress": {"before": 0.1, "after": 0.725}}
    krs = by(grow["key_results_changed"], "ref")
    assert krs["test-co/grow/revenue"]["changes"] == {
        "current": {"before": 20, "after": 45}, "progress": {"before": 0.2, "after": 0.45},
        "status": {"before": "off-track", "after": "on-track"}}
    assert krs["test-co/grow/revenue"]["checkins_added"] == [{"date": "2026-11-10", "value": 45, "note": "Big order",
                                                          "confidence": None}]
    assert krs["test-co/grow/launch"]["changes"] == {
        "done": {"before": False, "after": True}, "progress": {"before": 0.0, "after": 1.0},
        "status": {"before": "off-track", "after": "on-track"}}
    assert krs["test-co/grow/launch"]["checkins_added"] == []

    care = changed["test-co/care"]
    assert care["changes"] == {"progress": {"before": 0.75, "after": 0.5}}  # on track before and after
    assert [(k["ref"], k["type"], k["progress"]) for k in care["key_results_added"]] == [
        ("test-co/care/csat", "metric", 0.5)]
    assert [k["ref"] for k in care["key_results_removed"]] == ["test-co/care/support"]
    assert care["key_results_changed"] == []

    assert changed["sales/deals"]["changes"] == {
        "title": {"before": "Close deals", "after": "Close more deals"},
        "aligns_to": {"before": ["test-co/grow"], "after": ["test-co/care"]}}


def test_scores_move_in_an_archived_cycle_and_new_cycles_are_counted(repo, capsys):
    cycles = by(diff_json(capsys, "v1", "main")["cycles"], "id")
    q3 = cycles["2026-Q3"]
    assert q3["state"] == "archived" and q3["change"] == "changed"
    assert q3["changes"] == {"score": {"before": 0.5, "after": 0.8}}
    [summer] = q3["objectives_changed"]
    assert summer["changes"] == {"status": {"before": "progress", "after": "achieved"},
                                 "score": {"before": 0.5, "after": 0.8}}
    q1 = cycles["2027-Q1"]
    assert (q1["change"], q1["state"], q1["owners"], q1["objectives"]) == ("added", "upcoming", 1, 2)
    assert q1["changes"] == {"progress": {"before": None, "after": 0.425}}
    assert q1["objectives_added"] == [] and q1["owners_added"] == []


def test_the_other_way_round_what_was_added_is_removed(repo, capsys):
    cycles = by(diff_json(capsys, "main", "v1")["cycles"], "id")
    assert cycles["2027-Q1"]["change"] == "removed"
    assert cycles["2027-Q1"]["changes"]["progress"] == {"before": 0.425, "after": None}
    q4 = cycles["2026-Q4"]
    assert [o["id"] for o in q4["owners_removed"]] == ["support"]
    assert [o["id"] for o in q4["owners_added"]] == ["ops"]
    assert by(q4["objectives_changed"], "ref")["test-co/grow"]["key_results_changed"][0]["checkins_added"] == []


def test_private_owners_and_objectives_never_reach_the_diff(repo, capsys):
    for fmt in ("text", "markdown", "json"):
        code, out, err = diff(capsys, "v1", "main", "--format", fmt)
        assert code == 0, err
        for word in ("secret", "Secret", "Hush", "quiet", "Quiet"):
            assert word not in out, (fmt, word)


def test_include_private_shows_them(repo, capsys):
    q4 = by(diff_json(capsys, "v1", "main", "--include-private")["cycles"], "id")["2026-Q4"]
    assert [o["ref"] for o in q4["objectives_added"]] == ["sales/quiet", "support/answers"]
    hidden = by(q4["objectives_changed"], "ref")["secret/hidden"]
    assert hidden["key_results_changed"][0]["changes"]["current"] == {"before": 2, "after": 8}


def test_nothing_changed_says_so(repo, capsys):
    data = diff_json(capsys, "main", "main")
    assert data["changed"] is False and data["cycles"] == []
    code, out, _ = diff(capsys, "main")
    assert code == 0
    assert "No OKRs changed (scored as of 15 Nov 2026)." in out.splitlines()


def test_without_head_the_working_tree_is_compared(repo, capsys):
    assert diff_json(capsys, "HEAD")["changed"] is False
    sales = (repo / "content/2026-Q4/sales.md")
    sales.write_text(sales.read_text().replace("current: 5}", "current: 8}"))
    data = diff_json(capsys, "HEAD")
    assert data["head"] == {"revision": None, "commit": None}
    [deals] = data["cycles"][0]["objectives_changed"]
    assert deals["ref"] == "sales/deals"
    assert deals["changes"] == {"progress": {"before": 0.75, "after": 0.9}}
    assert deals["key_results_changed"][0]["changes"]["current"] == {"before": 5, "after": 8}
    code, out, _ = diff(capsys, "HEAD", "--format", "markdown")
    assert out.startswith("## OKR changes: `HEAD` → the working tree\n")


def test_a_changed_type_is_reported_like_a_new_title(repo, capsys):
    sales = repo / "content/2026-Q4/sales.md"
    sales.write_text(sales.read_text().replace("  - id: deals\n", "  - id: deals\n    type: committed\n"))
    [cycle] = diff_json(capsys, "HEAD")["cycles"]
    [deals] = cycle["objectives_changed"]
    assert deals["ref"] == "sales/deals"
    # 0.75 at an expected 0.4945: on track by the committed bar too, so only the type changed
    assert deals["changes"] == {"type": {"before": "aspirational", "after": "committed"}}
    code, out, _ = diff(capsys, "HEAD", "--format", "markdown")
    assert "  - type: aspirational → committed\n" in out


def test_an_owner_moved_in_the_org_chart(repo, capsys):
    support = repo / "content/2026-Q4/support.md"
    support.write_text(support.read_text().replace("parent: test-co", "parent: sales"))
    [cycle] = diff_json(capsys, "HEAD")["cycles"]
    assert [(o["id"], o["changes"]) for o in cycle["owners_changed"]] == [
        ("support", {"parent": {"before": "test-co", "after": "sales"}})]
    code, out, _ = diff(capsys, "HEAD", "--format", "markdown")
    assert "- owner changed: Support (`support`, team)\n  - parent: `test-co` → `sales`\n" in out


def test_a_revision_with_errors_names_the_files(repo, capsys):
    broken = repo / "content/2026-Q4/sales.md"
    broken.write_text(broken.read_text().replace("aligns_to: test-co/care", "aligns_to: test-co/nowhere"))
    commit(repo, "A typo", "2026-11-14T10:00:00+00:00")
    git(repo, "checkout", "-q", "v1")  # the working tree is fine again; the broken commit is main
    code, out, err = diff(capsys, "v1", "main")
    assert code == 1 and out == ""
    lines = err.splitlines()
    assert lines[0].startswith(os.path.join("content", "2026-Q4", "sales.md") + ":8: error: 'aligns_to' names "
                               "'test-co/nowhere'")
    assert lines[-1] == "okrsite: diff failed: the site at main has errors"


def test_confidence_is_reported_before_and_after_like_progress(repo, capsys):
    company = repo / "content/2026-Q4/test-co.md"
    company.write_text(company.read_text().replace(
        "          - {date: 2026-11-10, value: 45, note: Big order}\n",
        "          - {date: 2026-11-10, value: 45, confidence: 0.8, note: Big order}\n"  # the same check-in, now confident
        "          - {date: 2026-11-14, value: 47, confidence: 0.5}\n").replace(
        "{id: nps, title: Net promoter score, start: 30, target: 50, current: 40}",
        "{id: nps, title: Net promoter score, start: 30, target: 50, current: 40, confidence: 0.9}"))
    q4 = by(diff_json(capsys, "main")["cycles"], "id")["2026-Q4"]
    changed = by(q4["objectives_changed"], "ref")
    revenue = by(changed["test-co/grow"]["key_results_changed"], "ref")["test-co/grow/revenue"]
    assert revenue["changes"] == {"current": {"before": 45, "after": 47}, "progress": {"before": 0.45, "after": 0.47},
                                  "confidence": {"before": None, "after": 0.5}}
    assert revenue["checkins_added"] == [{"date": "2026-11-14", "value": 47, "confidence": 0.5}]
    [nps] = changed["test-co/care"]["key_results_changed"]
    assert nps["changes"] == {"confidence": {"before": None, "after": 0.9}} and nps["checkins_added"] == []


def test_contributors_and_dependencies_added_and_removed(repo, capsys):
    from gitrepo import PERSON

    (repo / "content/2026-Q4/ann.md").write_text(PERSON.format(n=3))
    sales = repo / "content/2026-Q4/sales.md"
    sales.write_text(sales.read_text().replace(
        "aligns_to: test-co/care\n",
        "aligns_to: test-co/care\n    contributors: [ann]\n    depends_on: [support/answers, test-co/grow/revenue]\n"))
    added = {"contributors": {"before": [], "after": ["ann"]},
             "depends_on": {"before": [], "after": ["support/answers", "test-co/grow/revenue"]}}
    q4 = by(diff_json(capsys, "HEAD")["cycles"], "id")["2026-Q4"]
    assert by(q4["objectives_changed"], "ref")["sales/deals"]["changes"] == added
    code, out, _ = diff(capsys, "HEAD", "--format", "markdown")
    assert "  - contributors: nobody → `ann`\n" in out
    assert "  - depends on: nothing → `support/answers`, `test-co/grow/revenue`\n" in out
    commit(repo, "Ann helps; sales needs support", "2026-11-14T10:00:00+00:00")
    q4 = by(diff_json(capsys, "HEAD", "HEAD~1")["cycles"], "id")["2026-Q4"]
    removed = {name: {"before": pair["after"], "after": pair["before"]} for name, pair in added.items()}
    assert by(q4["objectives_changed"], "ref")["sales/deals"]["changes"] == removed
