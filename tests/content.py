"""Small OKR files written as text, for tests: the builders that several test modules share."""

from __future__ import annotations

import textwrap
from pathlib import Path

KRS = ("    key_results:\n"
       "      - {id: a, title: A, start: 0, target: 10, current: 5}\n"
       "      - {id: b, title: B, start: 0, target: 10, current: 5}\n")


def owner(name: str, kind: str, parent: str, objectives: str = "", extra: str = "") -> str:
    """An owner's file: ``objectives`` are items made by :func:`objective`; ``extra`` more front-matter lines."""
    text = f"---\nname: {name}\nkind: {kind}\nparent: {parent}\n{extra}"
    return text + (f"objectives:\n{objectives}" if objectives else "") + "---\n"


def objective(ident: str, aligns_to: str, extra: str = "", key_results: str = KRS) -> str:
    """One item of an owner's ``objectives:``, aligned to ``aligns_to``, with two key results at half way."""
    return f"  - id: {ident}\n    title: Objective {ident}\n    aligns_to: {aligns_to}\n{extra}{key_results}"


def write_files(root: Path, files: dict[str, str | None]) -> None:
    """Write ``files`` (paths relative to ``root``, text dedented); ``None`` deletes a file."""
    for relative, text in files.items():
        path = root / relative
        if text is None:
            path.unlink()
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text), encoding="utf-8")
