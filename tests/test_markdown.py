"""Markdown rendering: CommonMark with tables, no raw HTML, no script URLs, folder links that work from disk."""

import pytest

from okrsite.markdown import folder_link_to_file, render_markdown


def test_renders_commonmark_and_tables():
    html = render_markdown("## Focus\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")
    assert "<h2>Focus</h2>" in html
    assert "<li>one</li>" in html
    assert "<td>1</td>" in html


def test_raw_html_is_text():
    html = render_markdown('<script>alert("x")</script> <b onclick="x">b</b>')
    assert "<script" not in html and "<b " not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:x", "vbscript:x",
                                 "data:text/html;base64,PHNjcmlwdD4=", "data:image/png;base64,AAAA", "file:///etc/passwd"])
def test_script_and_data_urls_are_dropped(url):
    for text in (f"[link]({url})", f"![image]({url})", f"<{url}>"):
        html = render_markdown(text)
        assert "href=" not in html and "src=" not in html, html


def test_safe_links_stay():
    html = render_markdown("[docs](https://example.com/a) [mail](mailto:a@example.com) [team](../team/)")
    assert 'href="https://example.com/a"' in html
    assert 'href="mailto:a@example.com"' in html
    assert 'href="../team/index.html"' in html


@pytest.mark.parametrize("url, expected", [
    ("../team/", "../team/index.html"),
    ("../team/#goals", "../team/index.html#goals"),
    ("a/?q=1", "a/index.html?q=1"),
    ("./", "./index.html"),
    ("notes.html", "notes.html"),
    ("https://example.com/", "https://example.com/"),
    ("/absolute/", "/absolute/"),
    ("#top", "#top"),
    ("", ""),
])
def test_folder_link_to_file(url, expected):
    assert folder_link_to_file(url) == expected


def test_empty_text_renders_nothing():
    assert render_markdown("  \n\n") == ""
