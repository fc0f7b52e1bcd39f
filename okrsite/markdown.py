"""Markdown to HTML with markdown-it-py: CommonMark plus tables and strikethrough.

Raw HTML is off, and links and images keep only URLs of an allowed scheme
(:data:`LINK_SCHEMES`, or none: a relative URL), so nothing an author writes can
run in a reader's browser. An image from another server (an absolute or ``//``
URL) would load from the internet, perhaps a tracking pixel: it becomes a link
showing its alt text, unless its host is one of site.toml's ``[markdown]
image_hosts``, which :func:`show_images_from` sets before files are parsed.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml

LINK_SCHEMES = ("http", "https", "mailto", "tel")  # every other scheme is dropped, as javascript: is
_CONTROL_AND_SPACE = "".join(map(chr, range(0x21)))
_image_hosts: frozenset[str] = frozenset()  # hosts whose images are shown: site.toml's [markdown] image_hosts


def show_images_from(hosts) -> None:
    """Show images whose host is in ``hosts`` (names, any case); others become links."""
    global _image_hosts
    _image_hosts = frozenset(host.lower() for host in hosts)


def settings_key() -> bytes:
    """What rendering depends on besides the text (empty by default): parsed files are kept under it."""
    return "".join(f"{host}\0" for host in sorted(_image_hosts)).encode()


def _as_browsers_read(url: str) -> str:
    """The URL as a browser reads it: spaces and control characters off both ends, tabs and newlines gone."""
    return re.sub(r"[\t\n\r]", "", url.strip(_CONTROL_AND_SPACE))


def scheme(url: str) -> str:
    """A URL's scheme in lower case, ``""`` for a relative URL. Anything before a colon that
    comes before the first ``/``, ``?`` or ``#`` counts, so ``java%09script:`` is a scheme too."""
    head = re.match(r"[^/?#]*", _as_browsers_read(url)).group()
    return head.split(":", 1)[0].lower() if ":" in head else ""


def _validate_link(url: str) -> bool:
    """Called by markdown-it on every link, image and autolink URL, once normalised."""
    return scheme(url) in ("",) + LINK_SCHEMES


def is_remote(url: str) -> bool:
    """Whether a URL leads to another server: it has a scheme, or starts with ``//`` (any host, this
    scheme) or a backslash that browsers read as a slash (markdown-it encodes them, this is a second guard)."""
    return bool(scheme(url)) or _as_browsers_read(url).startswith(("//", "/\\", "\\"))


def _image_shown(url: str) -> bool:
    if not is_remote(url):
        return True
    host = urlsplit(_as_browsers_read(url)).hostname if scheme(url) in ("", "http", "https") else None
    return host is not None and host in _image_hosts


def folder_link_to_file(url: str) -> str:
    """``../team/`` -> ``../team/index.html`` for relative links, so they work from disk too."""
    if not url or url.startswith(("/", "#", "?")) or _SCHEME.match(url):
        return url
    path, rest = re.match(r"([^?#]*)(.*)", url, re.S).groups()
    return (path + "index.html" if path.endswith("/") else path) + rest


def _link_open(self, tokens, idx, options, env):
    token = tokens[idx]
    token.attrSet("href", folder_link_to_file(token.attrGet("href") or ""))
    return self.renderToken(tokens, idx, options, env)


def _image(self, tokens, idx, options, env):
    """An image from an allowed place; else a link to it that shows its alt text (or its URL)."""
    token = tokens[idx]
    src = token.attrGet("src") or ""
    if _image_shown(src):
        return self.image(tokens, idx, options, env)
    text = self.renderInlineAsText(token.children or [], options, env) or src
    title = token.attrGet("title")
    title_attr = f' title="{escapeHtml(title)}"' if title else ""
    return f'<a href="{escapeHtml(src)}"{title_attr} class="remote-image">{escapeHtml(text)}</a>'


_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_md = MarkdownIt("commonmark", {"html": False, "typographer": True}).enable(["table", "strikethrough", "replacements", "smartquotes"])
_md.validateLink = _validate_link
_md.add_render_rule("link_open", _link_open)
_md.add_render_rule("image", _image)


# A line of plain sentences: letters, digits, spaces and lone punctuation that neither Markdown nor
# its typographer changes (no quotes, dashes, parentheses, repeated points or commas)
_PLAIN = re.compile(r"(?!.*,,)[A-Za-z][A-Za-z0-9 ,;:%]*(?:[.!?] +[A-Za-z0-9][A-Za-z0-9 ,;:%]*)*[.!?]?")


def render_markdown(text: str) -> str:
    """HTML for a Markdown text; an empty string for an empty text. A line of plain sentences (most
    objectives' descriptions) is the paragraph markdown-it would make of it, without markdown-it, and
    so are paragraphs of them and lists of them (many owners' texts)."""
    stripped = text.rstrip()
    if _PLAIN.fullmatch(stripped):
        return f"<p>{stripped}</p>\n"
    if not stripped:
        return ""
    html = _plain_blocks(stripped)
    return _md.render(text) if html is None else html


def _plain_blocks(text: str) -> str | None:
    """The HTML markdown-it makes of paragraphs of plain sentences and tight lists of them (``- `` items),
    blank lines apart; ``None`` for any other text."""
    html, paragraph, items, last = [], [], [], ""
    for line in text.split("\n"):
        if not line:
            last = _end_block(html, paragraph, items) or last
        elif line[:2] == "- ":
            if paragraph or (last == "list" and not items) or line[-1] == " " or not _PLAIN.fullmatch(line, 2):
                return None  # a list right under a paragraph, two lists a blank line apart (one loose list)...
            items.append(line[2:])
        else:
            if items or line[-1] == " " or not _PLAIN.fullmatch(line):
                return None  # a paragraph's line right under a list, a hard break...
            paragraph.append(line)
    _end_block(html, paragraph, items)
    return "".join(html)


def _end_block(html: list[str], paragraph: list[str], items: list[str]) -> str:
    """Add the paragraph or list just read to ``html`` and say which it was ("" for none)."""
    if paragraph:
        html.append(f"<p>{chr(10).join(paragraph)}</p>\n")
        paragraph.clear()
        return "paragraph"
    if items:
        html.append("<ul>\n" + "".join(f"<li>{item}</li>\n" for item in items) + "</ul>\n")
        items.clear()
        return "list"
    return ""
