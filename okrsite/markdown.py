"""Markdown to HTML with markdown-it-py: CommonMark plus tables and strikethrough.

Raw HTML is off and links or images whose URL uses a script or data scheme are
dropped, so nothing an author writes can run in a reader's browser.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt

_UNSAFE_SCHEMES = ("javascript:", "vbscript:", "data:", "file:")


def _validate_link(url: str) -> bool:
    cleaned = "".join(ch for ch in url.strip().lower() if ch.isprintable() and not ch.isspace())
    return not cleaned.startswith(_UNSAFE_SCHEMES)


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


_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_md = MarkdownIt("commonmark", {"html": False, "typographer": True}).enable(["table", "strikethrough", "replacements", "smartquotes"])
_md.validateLink = _validate_link
_md.add_render_rule("link_open", _link_open)


def render_markdown(text: str) -> str:
    """HTML for a Markdown text; an empty string for an empty text."""
    return _md.render(text) if text.strip() else ""
