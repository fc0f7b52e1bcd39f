"""Spread a build's independent pieces of work over the machine's cores.

Parsing files and rendering outputs are independent per item, so a big build
hands them to worker processes. The workers are forked: they start with a copy of
the parent's memory (the site model, compiled templates, caches), so nothing but
the items' indices goes to them and only small results come back.

Forking is used only where it is safe and pays: on Linux, when the process runs no
other thread (a thread's held lock would stay locked in the child forever) and
when there are enough items. Elsewhere the same work runs in this process.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any

MIN_ITEMS = 400  # fewer items than this are done in this process: a pool costs tens of ms
CHUNK = 64  # items per task: small enough to balance the cores, big enough to be cheap

_job: tuple[Callable[[Any], Any], Sequence[Any]] | None = None  # what the forked workers run


def available_jobs() -> int:
    """How many processes a build may use here: the cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def can_fork() -> bool:
    return sys.platform.startswith("linux") and threading.active_count() == 1


def run_all(function: Callable[[Any], Any], items: Sequence[Any], jobs: int) -> Iterator[list[tuple[int, Any]]]:
    """``function(item)`` for every item, yielded in chunks of ``(index, result)`` as they finish.

    With ``jobs`` > 1 and enough items, chunks come from forked workers in any order;
    otherwise from this process in order. An exception in ``function`` is raised
    here; it must be picklable (plain arguments) to cross from a worker.
    """
    jobs = min(jobs, -(-len(items) // CHUNK))
    if jobs < 2 or len(items) < MIN_ITEMS or not can_fork():
        for start in range(0, len(items), CHUNK):
            yield _chunk(function, items, start)
        return
    global _job
    _job = (function, items)
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            yield from pool.imap_unordered(_worker, range(0, len(items), CHUNK))
    finally:
        _job = None


def _chunk(function: Callable[[Any], Any], items: Sequence[Any], start: int) -> list[tuple[int, Any]]:
    return [(index, function(items[index])) for index in range(start, min(start + CHUNK, len(items)))]


def _worker(start: int) -> list[tuple[int, Any]]:
    assert _job is not None, "run in a worker forked by run_all"
    return _chunk(*_job, start)
