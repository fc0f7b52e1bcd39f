"""Errors, warnings and notes about a site's content, reported GCC style.

Every stage appends to one :class:`Diagnostics` collector instead of raising, so a
build reports all of its problems at once: ``path:line: error: message``. Errors
fail a build; warnings fail it under ``--strict``; notes (reminders that depend on
the date, not on what the files say) never do.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem found in a file; ``line`` is 1-based, ``None`` when unknown."""

    path: str
    line: int | None
    severity: str  # "error" | "warning" | "note"
    message: str

    def format(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.severity}: {self.message}"

    def format_github(self) -> str:
        """A GitHub Actions workflow command, shown as an annotation on the line."""
        props = f"file={_escape_property(self.path)}"
        if self.line is not None:
            props += f",line={self.line}"
        command = "notice" if self.severity == "note" else self.severity
        return f"::{command} {props}::{_escape_data(self.message)}"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


@dataclass
class Diagnostics:
    """Collects the diagnostics of one build, in the order they were found."""

    items: list[Diagnostic] = field(default_factory=list)
    _seen: set[Diagnostic] = field(default_factory=set, repr=False)

    def add(self, diagnostic: Diagnostic) -> None:
        """Record a diagnostic once, however many ways it was found."""
        if diagnostic not in self._seen:
            self._seen.add(diagnostic)
            self.items.append(diagnostic)

    def extend(self, diagnostics: Iterable[Diagnostic]) -> None:
        """Record each of ``diagnostics``, in order (once each, as :meth:`add`)."""
        for diagnostic in diagnostics:
            self.add(diagnostic)

    def error(self, path: str, line: int | None, message: str) -> None:
        self.add(Diagnostic(path, line, "error", message))

    def warning(self, path: str, line: int | None, message: str) -> None:
        self.add(Diagnostic(path, line, "warning", message))

    def note(self, path: str, line: int | None, message: str) -> None:
        self.add(Diagnostic(path, line, "note", message))

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "warning"]

    @property
    def notes(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "note"]

    def failures(self, strict: bool) -> list[Diagnostic]:
        """What fails a build: its errors, and its warnings too when ``strict``."""
        return [d for d in self.items if d.severity == "error" or (strict and d.severity == "warning")]

    def sorted(self) -> list[Diagnostic]:
        """By file, then line, so the report reads top to bottom."""
        return sorted(self.items, key=lambda d: (d.path, d.line or 0, d.severity, d.message))


def plural(number: int, thing: str) -> str:
    """``plural(1, "error")`` -> ``'1 error'``; ``plural(2, "error")`` -> ``'2 errors'``."""
    return f"{number} {thing}{'' if number == 1 else 's'}"


def display_path(path: Path) -> str:
    """A path as the user would type it: relative to the working folder when inside it; bytes of a
    name that are not UTF-8 are shown like ``\\xff``, so the path can be printed anywhere."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        rel = ".."
    return printable(str(path) if rel.startswith("..") else rel)


def printable(name: str) -> str:
    """A file or folder name with the bytes that are not UTF-8 shown like ``\\xff``, so that it can be printed."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """`` (did you mean X?)`` for the closest candidate, or an empty string."""
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f" (did you mean {close[0]}?)" if close else ""
