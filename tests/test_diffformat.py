"""okrsite diff written as Markdown for pull requests and as text for terminals."""

from __future__ import annotations

from gitrepo import diff, git


def test_markdown_for_a_pull_request(repo, capsys):
    code, out, err = diff(capsys, "v1", "main", "--format", "markdown")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "## OKR changes: `v1` → `main`"
    assert lines[2] == ("1 cycle added, 1 owner added, 1 owner removed, 1 owner changed, 1 objective added, "
                        "1 objective removed, "
                        "4 objectives changed, 1 new check-in (scored as of 15 Nov 2026).")
    headings = [line for line in lines if line.startswith("### ")]
    assert headings == ["### Q1 2027 (`2027-Q1`, upcoming)", "### Q4 2026 (`2026-Q4`, current)",
                        "### Q3 2026 (`2026-Q3`, archived)"]
    for expected in (
        "- cycle added: 1 owner, 2 objectives",
        "- progress: 42 % → 61 %",
        "- owner added: Support (`support`, team)",
        "- owner removed: Operations (`ops`, department)",
        "- owner changed: Sales \\& Partners (`sales`, department)",
        "  - name: Sales → Sales \\& Partners",
        "- objective added: `support/answers` Answer every customer within a day (20 %, 🔴 off track)",
        "- objective removed: `ops/speed` Ship faster",
        "- objective changed: `test-co/grow` Grow the business",
        "  - status: 🔴 off track → 🟢 on track",
        "  - progress: 10 % → 72 %",
        "  - key result `revenue` Revenue",
        "    - current: 20 k → 45 k",
        "    - new check-in: 10 Nov 2026, 45 k (Big order)",
        "    - done: not done → done",
        "  - key result added: `csat` Satisfaction",
        "  - key result removed: `support` Support desk open",
        "  - title: “Close deals” → “Close more deals”",
        "  - aligns to: `test-co/grow` → `test-co/care`",
        "  - status: 🟡 progress made → 🟢 achieved",
        "  - score: 0.50 → 0.80",
    ):
        assert expected in lines, expected


def test_text_for_a_terminal(repo, capsys):
    code, out, _ = diff(capsys, "v1", "main")
    lines = out.splitlines()
    assert lines[0] == "OKR changes: v1 -> main"
    assert "Q4 2026 (2026-Q4, current)" in lines
    assert "  - status: off track -> on track" in lines
    assert "  - aligns to: test-co/grow -> test-co/care" in lines
    assert "`" not in out and "→" not in out


def test_user_text_cannot_become_markdown(repo, capsys):
    sales = repo / "content/2026-Q4/sales.md"
    sales.write_text(sales.read_text().replace("title: Close more deals",
                                               'title: "Close *all* [deals](https://evil.test) | <b>now</b>"'))
    code, out, _ = diff(capsys, "v1", "--format", "markdown")
    assert "“Close deals” → “Close \\*all\\* \\[deals\\](https://evil.test) \\| \\<b\\>now\\</b\\>”" in out


def test_confidence_in_words_and_numbers(repo, capsys):
    company = repo / "content/2026-Q4/test-co.md"
    company.write_text(company.read_text().replace(
        "          - {date: 2026-10-15, value: 20}\n", "          - {date: 2026-10-15, value: 20, confidence: 0.8}\n"))
    git(repo, "commit", "-qam", "Confident")
    company.write_text(company.read_text().replace(
        "          - {date: 2026-11-10, value: 45, note: Big order}\n",
        "          - {date: 2026-11-10, value: 45, note: Big order}\n"
        "          - {date: 2026-11-14, value: 47, confidence: 0.35, note: Supplier trouble}\n"))
    code, out, err = diff(capsys, "HEAD", "--format", "markdown")
    assert code == 0, err
    lines = out.splitlines()
    assert "    - confidence: High 0.8 → Low 0.35" in lines
    assert "    - new check-in: 14 Nov 2026, 47 k, confidence Low 0.35 (Supplier trouble)" in lines
    _, text, _ = diff(capsys, "HEAD")
    assert "    - confidence: High 0.8 -> Low 0.35" in text.splitlines()
