"""``okrsite new-cycle NEW --from OLD``: start a cycle from the last one.

Every owner file of OLD is copied into ``content/NEW/`` at the same place, so the
org chart stays as it was. Objectives that are not finished carry over: each
metric key result starts where it got to (its ``start`` is the last value), and
check-ins, scores, confidences, statuses and retro notes are cleared. Finished objectives and key results
(progress 100 %) stay behind unless ``keep_finished``; alignments and dependencies
on them are removed and said so. Nothing is written when OLD has errors, an existing cycle
folder is never touched, and the new folder appears whole or not at all.

The front matter is written again from its data, so comments in it are not
carried over; the Markdown body is copied as it is.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from okrsite.assemble import load_site
from okrsite.config import load_config
from okrsite.cycles import dates_from_name
from okrsite.diagnostics import Diagnostics, display_path
from okrsite.load import discover, split_front_matter
from okrsite.model import Cycle
from okrsite.options import BuildOptions
from okrsite.written import Written

KR_CLEARED = ("current", "checkins", "score", "confidence")  # a new cycle, a new judgement
OBJECTIVE_CLEARED = ("score", "status", "retro")


@dataclass
class NewFile:
    """One owner file of the new cycle, and what happened to its objectives."""

    path: Path
    carried: list[str] = field(default_factory=list)
    left: list[str] = field(default_factory=list)  # finished objectives and key results, left behind
    unaligned: list[str] = field(default_factory=list)  # alignments removed: their target stayed behind
    unneeded: list[str] = field(default_factory=list)  # dependencies removed: what they needed stayed behind


def start_cycle(root: Path, new: str, old: str, build_date: dt.date, diagnostics: Diagnostics,
                keep_finished: bool = False) -> list[NewFile] | None:
    """Write ``content/NEW/`` from ``content/OLD/``; ``None`` (nothing written) on errors."""
    config = load_config(root, diagnostics)
    source, target = config.content_dir / old, config.content_dir / new
    if not source.is_dir():
        diagnostics.error(display_path(source), None, f"no cycle '{old}' to start from")
    if target.exists():
        diagnostics.error(display_path(target), None, f"cycle '{new}' exists already: new-cycle never overwrites")
    if not dates_from_name(new) and new not in config.cycles:
        diagnostics.error(display_path(target), None, f"cannot tell the dates of cycle '{new}': name it like 2027-Q1, "
                                                      f"2027-H1 or 2027, or add [cycles.\"{new}\"] to site.toml first")
    if diagnostics.errors:
        return None
    site = load_site(root, BuildOptions(build_date, include_private=True, jobs=1), diagnostics)
    if site is None:
        return None
    cycle = next(c for c in site.cycles if c.id == old)
    finished = set() if keep_finished else {item.ref for o in cycle.objectives for item in (o, *o.key_results)
                                            if item.progress >= 1.0}
    staging = Path(tempfile.mkdtemp(prefix=f".{new}.new-", dir=config.content_dir))  # hidden: never a cycle
    try:
        made = [_copy(path, staging / path.relative_to(source), cycle, finished)
                for path in discover(config.content_dir, Diagnostics())[old]]
        os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    for file in made:
        file.path = target / file.path.relative_to(staging)
    return made


def _copy(path: Path, to: Path, cycle: Cycle, finished: set[str]) -> NewFile:
    front_text, body, _ = split_front_matter(path.read_text(encoding="utf-8-sig").replace("\r\n", "\n"))
    front = yaml.safe_load(front_text) or {}
    made = NewFile(to)
    owner = cycle.owners[path.stem]
    kept = []
    for objective in front.get("objectives") or []:
        ref = f"{owner.id}/{objective['id']}"
        if ref in finished:
            made.left.append(ref)
            continue
        _restart(objective, owner.declared_objectives, finished, made)
        made.carried.append(ref)
        kept.append(objective)
    if "objectives" in front:
        front["objectives"] = kept
    to.parent.mkdir(parents=True, exist_ok=True)
    to.write_text(f"---\n{_dump(front)}---\n{body}", encoding="utf-8")
    return made


def _restart(objective: dict, declared: list, finished: set[str], made: NewFile) -> None:
    """Clear an objective's grades and check-ins; each metric starts from its last value."""
    model = next(o for o in declared if o.id == objective["id"])
    for name in OBJECTIVE_CLEARED:
        objective.pop(name, None)
    key_results = []
    for kr in objective.get("key_results") or []:
        done = next(k for k in model.key_results if k.id == kr["id"])
        if done.ref in finished:  # reached: it stays behind with its objective's other finished work
            made.left.append(done.ref)
            continue
        if kr.get("type", "metric") == "metric" and done.progress < 1.0 and done.current is not None:
            kr["start"] = done.current  # (a reached one kept by --keep-finished keeps its start)
        for name in KR_CLEARED:
            kr.pop(name, None)
        key_results.append(kr)
    if "key_results" in objective:
        objective["key_results"] = key_results
    made.unaligned += _drop_finished(objective, "aligns_to", f"{model.owner.id}/{objective['id']}", finished)
    made.unneeded += _drop_finished(objective, "depends_on", f"{model.owner.id}/{objective['id']}", finished)
    for kr in key_results:
        made.unneeded += _drop_finished(kr, "depends_on", f"{model.owner.id}/{objective['id']}/{kr['id']}", finished)


def _drop_finished(item: dict, key: str, ref: str, finished: set[str]) -> list[str]:
    """Remove from ``item[key]`` the references to finished objectives and key results (they stay
    behind); -> each removed one as "ref -> target"."""
    targets = item.get(key)
    if targets is None:
        return []
    listed = [targets] if isinstance(targets, str) else list(targets)
    kept = [t for t in listed if str(t) not in finished and "/".join(str(t).split("/")[:2]) not in finished]
    if not kept:
        del item[key]
    else:
        item[key] = kept[0] if isinstance(targets, str) else kept
    return [f"{ref} -> {t}" for t in listed if t not in kept]


class _Dumper(yaml.SafeDumper):
    """Block style, keys in their order, text with line breaks as literal blocks."""


def _text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style="|" if "\n" in text else None)


def _written(dumper: yaml.SafeDumper, number: Written) -> yaml.ScalarNode:
    """A number as it was written: a start of ``6.20`` carried over stays ``6.20``."""
    return dumper.represent_scalar("tag:yaml.org,2002:float", repr(number))


_Dumper.add_representer(str, _text)
_Dumper.add_representer(Written, _written)


def _dump(front: dict) -> str:
    return yaml.dump(front, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=1000)
