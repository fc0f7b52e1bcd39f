"""Whether a key result's title names an output (work to deliver) or an outcome (a change to bring about).

OKR practice asks key results to measure outcomes: "Reduce churn from 5 % to 3 %",
not "Launch 3 retention features". :func:`is_output` reads a title's verb and what
it acts on, numbers or not:

- a title led by an outcome verb ("raise", "reduce", "grow", "retain") is an outcome;
- a title led by an output verb ("deliver", "launch", "hire", "write", "build") is an
  output, unless what it moves is a measure: a value from X to Y ("from 80 % to 95 %",
  "80 % -> 95 %") or a rate, time, score or share ("ship with a change failure rate
  below 5 %");
- a title with no verb first is an outcome ("Net revenue retention 95 % -> 105 %"),
  unless it reports work done ("12 blog posts published", "Onboarding flow launched").

The words are English; anything else is given the benefit of the doubt (an outcome).
"""

from __future__ import annotations

import re
from functools import lru_cache

OUTPUT_VERBS = frozenset({
    "build", "complete", "conduct", "create", "deliver", "deploy", "design", "develop", "document", "draft",
    "finish", "hire", "hold", "host", "implement", "install", "introduce", "launch", "migrate", "organise",
    "organize", "prepare", "produce", "publish", "recruit", "redesign", "release", "run", "send", "ship",
    "submit", "train", "write"})
OUTPUT_PHRASES = ("roll out", "set up", "put in place", "kick off", "sign off")
OUTCOME_VERBS = frozenset({
    "achieve", "acquire", "attain", "boost", "cut", "decrease", "double", "earn", "expand", "generate", "grow",
    "halve", "improve", "increase", "keep", "lift", "lower", "maintain", "maximise", "maximize", "minimise",
    "minimize", "raise", "reach", "reduce", "retain", "save", "shorten", "sign", "sustain", "triple", "win"})
MEASURES = frozenset({
    "accuracy", "adoption", "availability", "churn", "conversion", "cost", "costs", "coverage", "csat", "engagement",
    "frequency",
    "latency", "margin", "nps", "rate", "ratio", "retention", "revenue", "satisfaction", "score", "share", "time",
    "times", "uptime", "yield"})
IRREGULAR = {"build": ("built",), "hold": ("held",), "run": ("ran",), "send": ("sent",), "write": ("written", "wrote"),
             "cut": ("cut",), "keep": ("kept",), "win": ("won",), "set up": ("set up",)}
_MOVES = re.compile(r"\bfrom\b.*\d.*\bto\b.*\d|\d.*(->|→|=>)", re.IGNORECASE)
_WORD = re.compile(r"[a-z][a-z'-]*")


@lru_cache(maxsize=1 << 18)  # coaching and the health page ask of every key result at every build
def is_output(title: str) -> bool:
    """Whether ``title`` names work to deliver rather than a change to bring about."""
    words = _WORD.findall(title.lower())
    if not words:
        return False
    lead = " ".join(words[:2])
    if words[0] in OUTCOME_VERBS:
        return False
    if words[0] in OUTPUT_VERBS or lead in OUTPUT_PHRASES:
        return not _moves_a_measure(title, words)
    return words[-1] in _DONE and not _moves_a_measure(title, words)


def _moves_a_measure(title: str, words: list[str]) -> bool:
    """Whether the title moves a value (from X to Y, X -> Y) or names a rate, time, score or share."""
    return bool(_MOVES.search(title)) or any(word in MEASURES for word in words)


def _past_participles(verb: str) -> set[str]:
    """``launched``, ``shipped``, ``written``: how a title says the work is done."""
    forms = set(IRREGULAR.get(verb, ()))
    if verb.endswith("e"):
        forms.add(verb + "d")
    elif len(verb) <= 4 and re.search(r"[^aeiou][aeiou][bdgmnprt]$", verb):
        forms.add(verb + verb[-1] + "ed")  # ship -> shipped
    else:
        forms.add(verb + "ed")
    return forms


_DONE = frozenset(form for verb in OUTPUT_VERBS for form in _past_participles(verb)) | {"done", "live", "out"}
