"""Markdown rendering: CommonMark with tables, no raw HTML, only http(s), mailto and tel links, no remote images
unless their host is named, folder links that work from disk."""

import pytest

from htmlcheck import parse
from okrsite.markdown import _md, folder_link_to_file, render_markdown, show_images_from


def test_renders_commonmark_and_tables():
    html = render_markdown("## Focus\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")
    assert "<h2>Focus</h2>" in html
    assert "<li>one</li>" in html
    assert "<td>1</td>" in html


def test_raw_html_is_text():
    html = render_markdown('<script>alert("x")</script> <b onclick="x">b</b>')
    assert "<script" not in html and "<b " not in html
    assert "&lt;script&gt;" in html


HOSTILE = ["javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:x", "\x01javascript:x", "vbscript:x",
           "data:text/html;base64,PHNjcmlwdD4=", "data:image/png;base64,AAAA", "file:///etc/passwd",
           "blob:https://example.com/uuid", "filesystem:https://example.com/temporary/x", "ms-appinstaller:?source=x",
           "&#106;avascript:alert(1)", "&#x6A;avascript&colon;alert(1)", "java&#9;script:alert(1)",
           "java%09script:alert(1)", "unknown-scheme:x", "x:y"]


@pytest.mark.parametrize("url", HOSTILE + ["<java\tscript:alert(1)>", "<java\nscript:alert(1)>"])
def test_every_scheme_but_http_https_mailto_and_tel_is_dropped(url):
    texts = [f"[link]({url})", f"![image]({url})", f"[link][ref]\n\n[ref]: {url}"]
    if not url.startswith("<"):
        texts.append(f"<{url}>")  # an autolink
    for text in texts:
        html = render_markdown(text)
        assert "href=" not in html and "src=" not in html, (text, html)


def test_safe_links_stay():
    html = render_markdown("[docs](https://example.com/a) [mail](mailto:a@example.com) [team](../team/) "
                           "[call](tel:+441234) [up](HTTP://example.com/) [here](#goals) [q](?page=2) [same](//example.com/x)")
    hrefs = [a.get("href") for a in parse(html).find_all("a")]
    assert hrefs == ["https://example.com/a", "mailto:a@example.com", "../team/index.html", "tel:+441234",
                     "HTTP://example.com/", "#goals", "?page=2", "//example.com/x"]


REMOTE_IMAGES = ["https://tracker.example/p.png", "HTTP://tracker.example/p.png", "//tracker.example/p.png",
                 "///tracker.example/p.png", "https:tracker.example/p.png", "https://intranet.example.com@tracker.example/p.png",
                 "https://intranet.example.com.tracker.example/p.png", "https://tracker.example/?intranet.example.com",
                 "mailto:a@example.com"]


@pytest.mark.parametrize("url", REMOTE_IMAGES)
def test_a_remote_image_is_a_link_showing_its_alt_text(url):
    show_images_from(["intranet.example.com"])  # none of these is really from there
    page = parse(render_markdown(f'![Pixel *one*]({url} "Title")'))
    assert page.find("img") is None
    link = page.one("a")
    assert (link.get("href"), link.text(), link.get("title")) == (url, "Pixel one", "Title")
    assert parse(render_markdown(f"![]({url})")).one("a").text() == url  # no alt text: the address


@pytest.mark.parametrize("url", ["p.png", "../team/chart.svg", "/static/logo.svg", "?v=1", r"\\\\tracker.example/p.png",
                                 r"/\\tracker.example/p.png", r"<\tracker.example/p.png>", "%2F%2Ftracker.example/p.png"])
def test_an_image_from_the_site_stays_an_image(url):
    image = parse(render_markdown(f"![chart]({url})")).one("img")
    assert image.get("alt") == "chart"
    src = image.get("src")
    assert not src.startswith(("//", "/\\", "\\")) and ":" not in src and "\\" not in src, src


def test_images_from_the_named_hosts_are_shown():
    show_images_from(["Intranet.Example.com", "wiki"])
    for url in ("https://intranet.example.com/p.png", "//INTRANET.example.com/p.png", "http://intranet.example.com:8080/p.png",
                "http://wiki/logo.png"):
        assert parse(render_markdown(f"![x]({url})")).one("img").get("src") == url
    for url in ("https://intranet.example.org/p.png", "ftp://intranet.example.com/p.png", "https://wiki.evil.example/p.png"):
        assert parse(render_markdown(f"![x]({url})")).find("img") is None, url
    show_images_from(())
    assert parse(render_markdown("![x](https://intranet.example.com/p.png)")).find("img") is None


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


@pytest.mark.parametrize("text", [
    "Love soap wholesale simple margin retention.", "Grow revenue. Keep churn low!  Then  what? 50% more; at: least",
    "Trailing spaces and a newline.  \n", "A,, b", "Wait...", "1. A list", "    Code", "It's (c) --", "x\ny", "Ünïcode.",
    "a & b < c", "Word.Word", "Done!!!!", "",
])
def test_plain_sentences_are_the_paragraph_markdown_it_makes(text):
    """A line of plain sentences skips markdown-it; anything its rules or typographer would change does not."""
    assert render_markdown(text) == (_md.render(text) if text.strip() else "")


@pytest.mark.parametrize("text", [
    "Calm margin wholesale.\n\n- Retention simple churn\n- Fast retention margin\n",
    "One line\nand the next.\n\nA second paragraph.\n\n\n- An item\n\nAfter the list.\n",
    "- Two lists\n\n- a blank line apart", "A paragraph\n- then a list", "- A list\nthen a line", "Hard  \nbreak",
    "- Item  \n- trailing", "- *Emphasis*", "-  Two spaces", "* Star", "A line\n   \nB line", "  Indented", "- a\n  b",
])
def test_paragraphs_and_lists_of_plain_sentences_are_the_html_markdown_it_makes(text):
    assert render_markdown(text) == _md.render(text)


def test_paragraphs_and_lists_of_plain_sentences_skip_markdown_it(monkeypatch):
    monkeypatch.setattr(_md, "render", None)  # would fail if called
    assert render_markdown("A text.\n\n- One\n- Two\n\nEnd.\n") == "<p>A text.</p>\n<ul>\n<li>One</li>\n<li>Two</li>\n</ul>\n<p>End.</p>\n"
