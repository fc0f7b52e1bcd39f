"""Stage 3b for an edit: take a changed file's new content into the objects already linked.

Watch mode's usual edit changes what an OKR file says (a title, a check-in, a
description) but not how it links: its ids, its place in the org chart, what it
aligns to, who contributes and what it needs. Linking the whole cycle again for
that would reset and relink every owner, and give every object a new identity,
so the renderer could reuse nothing it planned. When the new parse of a file
links exactly like the owner already in the cycle (:func:`link_shape`),
:func:`take_content` copies what the file says into that owner and its
objectives and key results in place; the cycle is then coached and scored again,
and the renderer re-keys only the pages around what changed
(:attr:`okrsite.model.Cycle.changes`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import fields
from functools import cache
from typing import TypeVar

from okrsite.model import KeyResult, Objective, Owner

T = TypeVar("T")  # a finding: anything with the ``path`` of the file it is about


def link_shape(owner: Owner) -> tuple:
    """Everything about ``owner`` that linking reads (see :mod:`okrsite.graph` and
    :mod:`okrsite.links`), and its privacy: two owners of one shape link alike."""
    return (owner.id, owner.name, owner.kind, owner.parent_id, owner.lead_id, owner.private,
            "parent" in owner.key_lines, frozenset(owner.broken_objectives),
            tuple(_objective_shape(o) for o in owner.declared_objectives))


def _objective_shape(objective: Objective) -> tuple:
    return (objective.id, objective.private, objective.growth, tuple(objective.aligns_to),
            tuple(objective.contributor_ids), tuple(objective.depends_on),
            tuple((kr.id, tuple(kr.contributor_ids), tuple(kr.depends_on)) for kr in objective.key_results))


def take_content(linked: Owner, parsed: Owner) -> None:
    """Copy what ``parsed`` (a new parse of ``linked``'s file, of the same :func:`link_shape`) says into
    ``linked``, its objectives and key results, keeping their links; its KPIs are ``parsed``'s (the
    links across cycles are made again by every build)."""
    _copy(linked, parsed, _fields(Owner, ("declared_objectives", "kpis")))
    for old, new in zip(linked.declared_objectives, parsed.declared_objectives):
        _copy(old, new, _fields(Objective, ("owner", "key_results")))
        for old_kr, new_kr in zip(old.key_results, new.key_results):
            _copy(old_kr, new_kr, _fields(KeyResult, ("objective",)))
    linked.kpis = parsed.kpis
    for kpi in linked.kpis:
        kpi.owner = linked


def _copy(target: object, source: object, names: tuple[str, ...]) -> None:
    for name in names:
        setattr(target, name, getattr(source, name))


@cache
def _fields(kind: type, links: tuple[str, ...]) -> tuple[str, ...]:
    """The fields of ``kind`` that a file gives: neither filled by a build nor ``links`` to other objects."""
    return tuple(f.name for f in fields(kind) if not f.metadata.get("per_build") and f.name not in links)


def merged(kept: list[T], fresh: Iterable[T], edited: set[str], order: dict[str, int]) -> list[T]:
    """The findings of a check with those about the ``edited`` files replaced by ``fresh`` ones, in the
    ``order`` of their files (a check reports file by file, each in the order of its cycle's files)."""
    return sorted([f for f in kept if f.path not in edited] + list(fresh), key=lambda f: order.get(f.path, -1))
