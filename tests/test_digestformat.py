"""The weekly digest written as Markdown (chat, pull requests, job summaries) and as an HTML e-mail body."""

from __future__ import annotations

import datetime as dt

import pytest

from htmlcheck import parse
from okrsite.digest import make_digest
from okrsite.digestformat import render_html, render_markdown
from test_digest import week_site

BASE = "https://okrs.example.com/acme/"


@pytest.fixture
def digest(make_site):
    return make_digest(week_site(make_site))


def test_markdown_says_what_happened_group_by_group(digest):
    lines = render_markdown(digest).splitlines()
    assert lines[0] == "## Weekly digest: Acme OKRs"
    assert lines[2] == ("sprint, 14 Jan to 21 Jan 2026: 4 key results moved, 1 objective got worse, "
                        "2 key results gone stale, 2 achieved.")
    assert [line for line in lines if line.startswith("### ")] == [
        f"### [Company]({BASE}sprint/acme/)", f"### [Marketing]({BASE}sprint/marketing/)", f"### [Ops]({BASE}sprint/ops/)"]
    marketing = lines[lines.index(f"### [Marketing]({BASE}sprint/marketing/)"):lines.index(f"### [Ops]({BASE}sprint/ops/)")]
    assert [line for line in marketing if line.startswith("**")] == [
        "**Moved**", "**Status got worse**", "**Gone stale**", "**Achieved**"]  # no empty confidence section
    for expected in (
        f"- [Revenue]({BASE}sprint/acme/grow/#kr-revenue) · Acme: 40 k → 80 k (40 % → 80 %)",
        "  - 20 Jan: Renewals",
        "  - 16 Jan: Big deal",
        f"- 🟡 [More leads]({BASE}sprint/marketing/leads/) · Marketing: on track → at risk (50 %)",
        f"- [Signups]({BASE}sprint/marketing/leads/#kr-signups) · Marketing: no check-in since 2 Jan 2026 (19 days)",
        f"- [Reach people]({BASE}sprint/ads/reach/) · Ads: every key result reached its target (100 %)",
        f"- [Clicks]({BASE}sprint/ads/reach/#kr-clicks) · Ads: reached its target: 100",
        f"- [Days to ship]({BASE}sprint/ops/ship/#kr-days) · Ops: 9 days → 8 days (20 % → 40 %)",
        "  - 15 Jan: Faster \\*carrier\\* \\<b\\>signed\\</b\\>",  # user text cannot become Markdown
    ):
        assert expected in lines, expected
    assert lines.index("  - 20 Jan: Renewals") < lines.index("  - 16 Jan: Big deal")


def test_markdown_of_a_quiet_week_is_one_friendly_line(make_site):
    digest = make_digest(week_site(make_site, today=dt.date(2025, 12, 31)))
    lines = render_markdown(digest).splitlines()
    assert lines[2] == ("A quiet week in sprint: no key result moved, no objective got worse, nothing went stale "
                        "and nothing was reached (24 Dec to 31 Dec 2025).")
    assert not [line for line in lines if line.startswith(("### ", "- "))]


def test_markdown_counts_what_the_cap_leaves_out(make_site):
    krs = "".join(f"      - {{id: kr{n}, title: KR {n}, start: 0, target: 100, "
                  f"checkins: [{{date: 2026-01-10, value: 0}}, {{date: 2026-01-20, value: {n}}}]}}\n" for n in range(1, 13))
    many = f"---\nname: Many\nkind: team\nparent: acme\nobjectives:\n  - id: lots\n    title: Lots\n    key_results:\n{krs}---\n"
    text = render_markdown(make_digest(week_site(make_site, files={"content/sprint/many.md": many})))
    assert f"- …and 2 more: see [Many]({BASE}sprint/many/)" in text.splitlines()


def test_html_is_a_self_contained_email_body(digest):
    text = render_html(digest)
    document = parse(text)
    assert not document.find_all("script") and not document.find_all("img") and not document.find_all("style")
    assert not document.find_all("link") and "url(" not in text and "@import" not in text
    anchors = document.find_all("a")
    assert anchors and all(a.get("href").startswith(BASE) for a in anchors)  # absolute, under base_url
    for element in document.elements():
        assert set(element.attrs) <= {"style", "href", "lang", "charset", "name", "content"}, element
    assert document.one("h1").text() == "Weekly digest: Acme OKRs"


def test_html_says_what_markdown_says(digest):
    document = parse(render_html(digest))
    groups = {h2.text(): h2.parent for h2 in document.find_all("h2")}
    assert list(groups) == ["Company", "Marketing", "Ops"]
    marketing = groups["Marketing"]
    assert marketing.texts("h3") == ["Moved", "Status got worse", "Gone stale", "Achieved"]
    items = [li.text() for li in marketing.find_all("li")]
    assert "More leads · Marketing on track → at risk (50 %)" in items
    assert "Signups · Marketing no check-in since 2 Jan 2026 (19 days)" in items
    revenue = next(li for li in groups["Company"].find_all("li") if li.text().startswith("Revenue"))
    assert revenue.one("a").get("href") == f"{BASE}sprint/acme/grow/#kr-revenue"
    assert revenue.texts("li") == ["20 Jan: Renewals", "16 Jan: Big deal"]
    ops = groups["Ops"]
    assert "15 Jan: Faster *carrier* <b>signed</b>" in ops.texts("li")  # escaped: shown as written
    assert not ops.find_all("b")


def test_html_of_a_quiet_week(make_site):
    document = parse(render_html(make_digest(week_site(make_site, today=dt.date(2025, 12, 31)))))
    assert document.find_all("p")[0].text().startswith("A quiet week in sprint")
    assert not document.find_all("h2")


def test_html_says_a_fall_in_the_theme_s_colours_as_well_as_in_words(digest):
    from conftest import REPO
    from okrsite.digestformat import STATUS_TEXT_COLOURS

    css = (REPO / "themes/default/static/style.css").read_text(encoding="utf-8")
    light = css[:css.index("prefers-color-scheme")]
    for status, variable in (("at-risk", "--amber"), ("off-track", "--red")):
        assert f"{variable}: {STATUS_TEXT_COLOURS[status]};" in light
    [fall] = parse(render_html(digest)).find_all("strong")
    assert fall.text() == "on track → at risk (50 %)"
    assert fall.get("style") == "color:#8a5300"
