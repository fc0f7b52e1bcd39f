"""How numbers, dates and statuses are written for people, in pages and charts alike.

Independent of the process locale, so builds are reproducible anywhere.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from math import copysign
from functools import wraps
from typing import TypeVar

from okrsite.model import trend
from okrsite.written import Written

STATUS_LABELS = {
    "on-track": "On track",
    "at-risk": "At risk",
    "off-track": "Off track",
    "not-started": "Not started",
    "achieved": "Achieved",
    "progress": "Progress made",
    "missed": "Missed",
    "": "No objectives",
}
HEALTH = {True: "healthy", False: "unhealthy", None: "no-verdict"}  # a KPI's verdict, as a word for CSS
HEALTH_LABELS = {"healthy": "Healthy", "unhealthy": "Not healthy", "no-verdict": "No verdict"}
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
CURRENCIES = ("$", "£", "€", "¥")


FORMATTED_KEPT = 100_000  # texts kept by each function of remembered (a company's are a few thousand)
A = TypeVar("A")


def remembered(function: Callable[[A], str]) -> Callable[[A], str]:
    """``function``, a pure one of one value (a number, a day), computed once per process for each value it is given
    (at most :data:`FORMATTED_KEPT` of them kept): pages and charts write the same few thousand numbers and days a
    hundred thousand times. Equal values must be written alike (``1`` and ``1.0`` and ``True``, a float and a
    :class:`Written` one, ``-0.0`` and ``0.0``), as the functions given it do: ``format_score`` writes ``-0.00``."""
    known: dict = {}

    @wraps(function)
    def remember(value: A) -> str:
        try:
            return known[value]
        except KeyError:
            if len(known) >= FORMATTED_KEPT:
                known.clear()
            text = known[value] = function(value)
            return text
        except TypeError:  # unhashable: not a value anyone wrote, let ``function`` say what is wrong with it
            return function(value)
    return remember


def format_number(value: float | None, unit: str = "", places: int | None = None) -> str:
    """``20000`` -> ``'20,000'``; with ``places`` at most that many decimals; from 1e15 on, ``'1e+15'``.

    A number the user wrote (:class:`~okrsite.written.Written`) keeps its decimals whatever
    ``places`` says: ``9.0`` -> ``'9.0'``, ``12.50`` -> ``'12.50'``.

    The unit follows after a space (``'40 %'``, ``'9 days'``) or, for a currency
    sign, goes in front (``'$5'``).

    Written once per process for each number, unit and ``places`` (a check-in's value is written in
    its table, its chart and the chart's labels; a company's pages write a few thousand numbers
    a hundred thousand times). Equal numbers are written alike whatever their type (``1``,
    ``1.0``, ``True``; ``-0.0`` and ``0``), but for a :class:`Written` one, whose places and sign
    count (``-0.0`` as written stays ``-0.0``)."""
    # a Written -0.0 is written "-0.0", and equals 0.0: its sign is part of its key
    return _number_text((value, unit, places, value.places, copysign(1.0, value)) if type(value) is Written
                        else (value, unit, places))


@remembered
def _number_text(key: tuple) -> str:
    """:func:`format_number` of ``(value, unit, places, ...)``."""
    return _format_number(*key[:3])


def _format_number(value: float | None, unit: str, places: int | None) -> str:
    if value is None:
        return "–"
    if abs(value) >= 1e15:
        text = f"{value:.6g}"
    elif isinstance(value, Written):
        text = f"{value:,.{value.places}f}"
    elif places is not None:
        text = f"{value:,.{places}f}".rstrip("0").rstrip(".") if places else f"{value:,.0f}"
    elif isinstance(value, float) and not value.is_integer():
        text = f"{value:,.10g}"
    else:
        text = f"{int(value):,}"
    text = "0" if text == "-0" else text
    if not unit:
        return text
    return f"{unit}{text}" if unit in CURRENCIES else f"{text} {unit}"


def fraction(value: float | None) -> float | None:
    """A computed fraction (progress, score) as okrs.json and the diff give it: rounded to 4 decimals."""
    return None if value is None else round(value, 4)


@remembered
def percent(fraction: float | None) -> str:
    """0.6048 -> '60 %'; None -> '–'."""
    return "–" if fraction is None else f"{round(fraction * 100):d} %"


def format_score(score: float | None) -> str:
    """0.6667 -> '0.67'."""
    return "–" if score is None else f"{score:.2f}"


def headline(item) -> float | None:
    """The number a reader sees first for a cycle, an owner or an objective: its final score once
    its cycle is archived, else its progress so far. Every page, badge and chart follows this rule."""
    return item.score if item.cycle.archived else item.progress


def headline_text(item) -> str:
    """:func:`headline` as written: ``'0.67'`` for a score, ``'53 %'`` for progress."""
    return format_score(item.score) if item.cycle.archived else percent(item.progress)


CONFIDENCE_WORDS = ((0.7, "High"), (0.4, "Medium"), (0.0, "Low"))  # the least confidence for each word
CONFIDENCE_SERIES = 8  # the latest confidences a series shows
TREND_ARROWS = {"rising": "↑", "falling": "↓", "steady": "→"}  # a shape beside the words, for scanning


def confidence_word(confidence: float) -> str:
    """'High' (0.7 and more), 'Medium' (0.4 and more) or 'Low': the one place these bands live."""
    return next(word for least, word in CONFIDENCE_WORDS if confidence >= least)


def format_confidence(confidence: float | None) -> str:
    """0.5 -> '0.5', 0.75 -> '0.75', 1 -> '1.0', None -> '–': at most two decimals, at least one."""
    if confidence is None:
        return "–"
    text = f"{confidence:.2f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def confidence_text(confidence: float | None, previous: float | None = None) -> str:
    """'Medium 0.5', and against the confidence before it 'Medium 0.5, falling from 0.8', 'High 0.8,
    rising from 0.6' or 'High 0.8, steady'; '–' for none."""
    if confidence is None:
        return "–"
    text = f"{confidence_word(confidence)} {format_confidence(confidence)}"
    change = confidence_change(confidence, previous)
    return f"{text}, {change}" if change else text


def confidence_change(confidence: float | None, previous: float | None) -> str:
    """'falling from 0.8', 'rising from 0.6' or 'steady'; '' without both numbers."""
    moved = trend(confidence, previous)
    if moved is None:
        return ""
    return moved if moved == "steady" else f"{moved} from {format_confidence(previous)}"


def confidence_series(confidences: list[float]) -> str:
    """'0.8 → 0.7 → 0.5': the latest :data:`CONFIDENCE_SERIES` of them, oldest first ('… → ' before
    them when there were more)."""
    shown = " → ".join(format_confidence(c) for c in confidences[-CONFIDENCE_SERIES:])
    return f"… → {shown}" if len(confidences) > CONFIDENCE_SERIES else shown


def days_ago(day: dt.date, today: dt.date) -> str:
    """'today', 'yesterday', '12 days ago' (or 'in 3 days' for a date after ``today``)."""
    days = (today - day).days
    if days == 0:
        return "today"
    if days == 1:
        return "yesterday"
    return f"{days} days ago" if days > 1 else f"in {-days} day{'s' if days < -1 else ''}"


@remembered
def short_date(day: dt.date) -> str:
    """'Oct 15'."""
    return f"{MONTHS[day.month - 1]} {day.day}"


@remembered
def long_date(day: dt.date | None) -> str:
    """'15 Oct 2026'."""
    return "–" if day is None else f"{day.day} {MONTHS[day.month - 1]} {day.year}"
