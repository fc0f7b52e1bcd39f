"""Spread a build's independent pieces of work over the machine's cores.

Parsing files and rendering outputs are independent per item, so a big build
shares them out between this process and ``jobs - 1`` worker processes. The
workers are forked: they start with a copy of this process's memory (the site
model, compiled templates, caches), so nothing but the items' indices goes to
them and only small results come back. This process works too, rather than
wait, which also saves one copy of the memory.

This process takes the items from the front, the workers from the back, until
they meet, so each works through one run of neighbouring items: a build's
outputs come owner by owner, and each process then fills its caches with its
own part of the company. (Ordering the outputs by kind, the charts at the back,
saved about 5 % more CPU but made the two processes touch, so copy, more of the
memory they share: 125 MiB more at the peak at 10,000 people.)

Forking is used only where it is safe and pays: on Linux, when the process runs no
other thread (a thread's held lock would stay locked in the child forever) and
when there are enough items. Elsewhere the same work runs in this process.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import queue
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any

MIN_ITEMS = 400  # fewer items than this are done in this process: forking costs tens of ms
CHUNK = 64  # items per claim: small enough to balance the cores, big enough to be cheap

Results = list[tuple[int, Any]]
_job: _Job | None = None  # what the forked workers run


MAX_DEFAULT_JOBS = 8  # each process comes to hold its own copy of the model: ask for more with -j


def available_jobs() -> int:
    """How many processes a build uses unless told: the cores this process may run on, at most 8."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return min(cores, MAX_DEFAULT_JOBS)


def can_fork() -> bool:
    return sys.platform.startswith("linux") and threading.active_count() == 1


def run_all(function: Callable[[Any], Any], items: Sequence[Any], jobs: int,
            prepare: Callable[[], None] | None = None) -> Iterator[Results]:
    """``function(item)`` for every item, yielded in chunks of ``(index, result)`` as they finish.

    With ``jobs`` > 1 and enough items, chunks come from this process and forked
    workers, in any order; otherwise from this process in order. An exception in
    ``function`` is raised here; it must be picklable (plain arguments) to cross
    from a worker. ``prepare()``, if given, is called before the workers are forked:
    work that every process would otherwise do for itself (compiling templates).
    """
    jobs = min(jobs, -(-len(items) // CHUNK))
    if jobs < 2 or len(items) < MIN_ITEMS or not can_fork():
        for start in range(0, len(items), CHUNK):
            yield _chunk(function, items, start, min(start + CHUNK, len(items)))
        return
    if prepare is not None:
        prepare()
    global _job
    _job = job = _Job(function, items)
    gc.freeze()  # the workers' collectors leave the inherited objects alone (and their memory shared)
    workers = [job.context.Process(target=_work, daemon=True) for _ in range(jobs - 1)]
    try:
        for worker in workers:
            worker.start()
        while (claimed := job.claim(from_end=False)) is not None:
            chunk = _chunk(function, items, *claimed)
            job.received += len(chunk)
            yield chunk
            while not job.results.empty():
                yield from job.receive(workers)
        while job.finished < len(workers):
            yield from job.receive(workers)
        if job.received != len(items):
            raise RuntimeError(f"the build's workers returned {job.received} results for {len(items)} items")
    finally:
        _job = None
        gc.unfreeze()
        for worker in workers:
            if worker.is_alive():
                worker.terminate()
            worker.join()


class _Job:
    """The work shared by this process and its workers: the next chunk to claim, and a queue of results."""

    def __init__(self, function: Callable[[Any], Any], items: Sequence[Any]):
        self.function, self.items = function, items
        self.context = multiprocessing.get_context("fork")
        self.next = self.context.Value("q", 0)  # the first item nobody has taken
        self.last = self.context.Value("q", len(items), lock=False)  # after the last item nobody has taken
        self.results = self.context.Queue()  # ("ok", results) or ("error", exception); None: a worker is done
        self.finished = 0  # workers that said they are done
        self.received = 0  # results so far, from this process and the workers

    def claim(self, from_end: bool) -> tuple[int, int] | None:
        """The start and stop of the next chunk nobody has taken, or ``None`` when all are taken."""
        with self.next.get_lock():
            start, stop = self.next.value, self.last.value
            if start >= stop:
                return None
            if from_end:
                self.last.value = start = max(start, stop - CHUNK)
            else:
                self.next.value = stop = min(start + CHUNK, stop)
            return start, stop

    def receive(self, workers: list) -> Iterator[Results]:
        """The next message of a worker: its results, or a worker finished (nothing)."""
        while True:
            try:
                message = self.results.get(timeout=1.0)
                break
            except queue.Empty:
                if any(w.exitcode not in (None, 0) for w in workers):
                    raise RuntimeError("a worker process of the build stopped unexpectedly") from None
        if message is None:
            self.finished += 1
            return
        kind, value = message
        if kind == "error":
            raise value
        self.received += len(value)
        yield value


def _work() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the building process's to handle: it stops us
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # and stops us with SIGTERM, whatever serve and watch made of it
    job = _job
    assert job is not None, "run by run_all in a forked worker"
    try:
        while (claimed := job.claim(from_end=True)) is not None:
            job.results.put(("ok", _chunk(job.function, job.items, *claimed)))
    except Exception as exc:  # raised again in the parent, as itself when it can cross
        try:
            pickle.loads(pickle.dumps(exc))
        except Exception:
            exc = RuntimeError(f"in a worker process: {exc!r}")
        job.results.put(("error", exc))
    job.results.put(None)


def _chunk(function: Callable[[Any], Any], items: Sequence[Any], start: int, stop: int) -> Results:
    return [(index, function(items[index])) for index in range(start, stop)]
