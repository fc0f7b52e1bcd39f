"""Text that XML can carry.

XML 1.0 allows no C0 control character but tab, newline and carriage return, no
lone surrogate (which UTF-8 cannot even encode) and neither U+FFFE nor U+FFFF. No
OKR text needs them, so :mod:`okrsite.schema` and :mod:`okrsite.config` report them
as errors (:func:`first_invalid`); the writers of XML and SVG files (the feed,
the sitemap, badges and charts) still escape every text with :func:`escape`,
which also drops them, so that no file okrsite writes can fail to parse.
"""

from __future__ import annotations

import re

INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def first_invalid(text: str) -> int | None:
    """Where the first character XML cannot carry is in ``text``, or None."""
    match = INVALID.search(text)
    return None if match is None else match.start()


def describe_invalid(text: str, index: int) -> str:
    """``'a control character (U+0001)'`` for the character at ``index``."""
    code = ord(text[index])
    if 0xDC80 <= code <= 0xDCFF:  # how Python keeps a byte of a file name that is not UTF-8
        return f"a byte that is not UTF-8 (\\x{code - 0xDC00:02x})"
    what = "a lone surrogate" if 0xD800 <= code <= 0xDFFF else "a control character" if code < 0x20 else "a non-character"
    return f"{what} (U+{code:04X})"


def clean(text: str) -> str:
    """``text`` without the characters XML cannot carry."""
    return INVALID.sub("", text)


def escape(text: str) -> str:
    """``text`` for XML element content: ``&``, ``<`` and ``>`` escaped, and clean.

    (What :func:`xml.sax.saxutils.escape` does; importing that module imports urllib's
    HTTP client, ssl and email too, 20 ms of every build's start.)
    """
    return clean(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def quoteattr(text: str) -> str:
    """``text`` as a quoted XML attribute value, clean: in double quotes, or in single quotes when
    it holds a double quote and no single one (as :func:`xml.sax.saxutils.quoteattr` quotes)."""
    value = escape(text).replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    if '"' not in value:
        return f'"{value}"'
    if "'" not in value:
        return f"'{value}'"
    return '"{}"'.format(value.replace('"', "&quot;"))
