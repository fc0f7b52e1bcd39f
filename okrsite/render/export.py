"""``okrs.json``: the whole public model for scripts, exactly as section 6 of the contract."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable

from okrsite.model import CheckIn, Cycle, KeyResult, Kpi, Objective, Owner, Site
from okrsite.render.formatting import fraction


def _head(site: Site) -> dict:
    return {
        "title": site.config.title,
        "build_date": site.build_date.isoformat(),
        "current_cycle": site.current.id if site.current else None,
    }


_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False).encode  # a tree of plain values


def _filled(data: dict, key: str, parts: Iterable[bytes], end: bytes = b"") -> bytes:
    """JSON for ``data`` plus a last ``key`` whose list items are already JSON (UTF-8), then ``end``.
    At company scale the parts are megabytes: they are kept encoded and copied once, into the result."""
    text = _dumps({**data, key: []}).encode("utf-8")
    pieces = [text[: -len(b"[]}")] + b"["]
    for index, part in enumerate(parts):
        if index:
            pieces.append(b",")
        pieces.append(part)
    pieces += (b"]}", end)
    return b"".join(pieces)


def render_owner_json(owner: Owner) -> bytes:
    """One owner's entry of okrs.json."""
    return _dumps(_owner(owner)).encode("utf-8")


def render_cycle_json(cycle: Cycle, owner_json: Callable[[Owner], bytes] = render_owner_json) -> bytes:
    """One cycle's entry of okrs.json; ``owner_json`` may supply each owner's part, e.g. from a cache."""
    return _filled(_cycle(cycle), "owners", [owner_json(o) for o in cycle.owners.values()])


def render_json(site: Site, cycle_json: Callable[[Cycle], bytes] = render_cycle_json,
                cycles: list[Cycle] | None = None) -> bytes:
    """okrs.json, of every cycle or of ``cycles`` (a cycle's own okrs.json has the same shape);
    ``cycle_json`` may supply each cycle's part, e.g. from a cache."""
    cycles = site.cycles if cycles is None else cycles
    return _filled(_head(site), "cycles", [cycle_json(c) for c in cycles], b"\n")


def _cycle(cycle: Cycle) -> dict:
    return {
        "id": cycle.id, "title": cycle.title,
        "start": cycle.start.isoformat(), "end": cycle.end.isoformat(),
        "state": cycle.state, "progress": fraction(cycle.progress), "score": fraction(cycle.score),
        "url": cycle.url,
    }


def _owner(owner: Owner) -> dict:
    return {
        "id": owner.id, "name": owner.name, "kind": owner.kind,
        "parent": owner.parent.id if owner.parent else None,
        "lead": owner.lead.id if owner.lead else None,
        "role": owner.role or None,
        "progress": fraction(owner.progress), "score": fraction(owner.score),
        "status": owner.status or None,
        "url": owner.url,
        "objectives": [_objective(o) for o in owner.objectives + owner.growth],
        **({"private": True} if owner.private else {}),
        "kpis": [_kpi(k) for k in owner.kpis],
    }


def _kpi(kpi: Kpi) -> dict:
    origin = kpi.graduated_from_kr  # named only when it is in the site: a private key result stays unnamed
    return {"id": kpi.id, "title": kpi.title, "current": kpi.current, "target": kpi.target,
            "direction": kpi.direction, "unit": kpi.unit, "healthy": kpi.healthy,
            "checkins": [_checkin(c) for c in kpi.checkins],
            "graduated_from": f"{origin.cycle.id}/{origin.ref}" if origin is not None else None}


def _checkin(checkin: CheckIn) -> dict:
    return {"date": checkin.date.isoformat(), "value": checkin.value, **({"note": checkin.note} if checkin.note else {})}


def _objective(objective: Objective) -> dict:
    return {
        "id": objective.id, "ref": objective.ref, "title": objective.title, "type": objective.type,
        "growth": objective.growth,
        "aligns_to": [a.ref for a in objective.parents],
        **_work(objective),
        "progress": fraction(objective.progress), "score": fraction(objective.score),
        "status": objective.status, "url": objective.url,
        "key_results": [_key_result(kr) for kr in objective.key_results],
        "initiatives": [{"text": i.text, "done": i.done} for i in objective.initiatives],
        **({"private": True} if objective.private else {}),
    }


def _key_result(kr: KeyResult) -> dict:
    data = {"id": kr.id, "ref": kr.ref, "title": kr.title, "type": kr.type}
    if kr.type == "metric":
        data.update(start=kr.start, target=kr.target, current=kr.current, unit=kr.unit or None)
    elif kr.type == "milestone":
        data["done"] = kr.done
    else:
        data["aligned"] = [o.ref for o in kr.aligned]
    data.update(_work(kr))
    data.update(weight=kr.weight, progress=fraction(kr.progress), score=fraction(kr.score), status=kr.status,
                updated=kr.updated.isoformat() if kr.updated else None, stale=kr.stale, confidence=kr.confidence,
                checkins=[{**_checkin(c), "confidence": c.confidence} for c in kr.checkins])
    return data


def _work(part: Objective | KeyResult) -> dict:
    """Who contributes (person ids) and what it depends on (refs): lists, empty when none."""
    return {"contributors": [p.id for p in part.contributors], "depends_on": [d.target.ref for d in part.dependencies]}
