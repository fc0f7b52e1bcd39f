"""Markdown to HTML with markdown-it-py: CommonMark plus tables and strikethrough.

Raw HTML is off and links or images whose URL uses a script or data scheme are
dropped, so nothing an author writes can run in a reader's browser.
"""

from __future__ import annotations

from markdown_it import MarkdownIt

_UNSAFE_SCHEMES = ("javascript:", "vbscript:", "data:", "file:")


def _validate_link(url: str) -> bool:
    cleaned = "".join(ch for ch in url.strip().lower() if ch.isprintable() and not ch.isspace())
    return not cleaned.startswith(_UNSAFE_SCHEMES)


_md = MarkdownIt("commonmark", {"html": False, "typographer": True}).enable(["table", "strikethrough", "replacements", "smartquotes"])
_md.validateLink = _validate_link


def render_markdown(text: str) -> str:
    """HTML for a Markdown text; an empty string for an empty text."""
    return _md.render(text) if text.strip() else ""
