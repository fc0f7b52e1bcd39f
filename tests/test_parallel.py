"""okrsite.parallel: big builds spread over processes give exactly what one process gives."""

from __future__ import annotations

import os
import sys
import threading
import time

import pytest

from conftest import COMPANY, CYCLE, EXAMPLE_DATE, REPO
from okrsite import parallel
from okrsite.assemble import load_site
from okrsite.build import build_site
from okrsite.diagnostics import Diagnostics
from okrsite.options import BuildOptions
from test_build import tree

forking = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked on Linux only")


def pid_and_square(number: int) -> tuple[int, int]:
    return os.getpid(), number * number


def slow_pid_and_square(number: int) -> tuple[int, int]:
    time.sleep(0.002)  # long enough for the worker to start and take its share
    return pid_and_square(number)


def results(chunks) -> dict[int, tuple[int, int]]:
    found = {}
    for chunk in chunks:
        for index, value in chunk:
            assert index not in found
            found[index] = value
    return found


@forking
def test_many_items_are_spread_over_worker_processes():
    items = list(range(parallel.MIN_ITEMS * 2))
    found = results(parallel.run_all(slow_pid_and_square, items, 2))
    assert [found[i][1] for i in items] == [i * i for i in items]
    pids = {pid for pid, _ in found.values()}
    assert os.getpid() in pids and len(pids) == 2  # this process and one worker


@forking
@pytest.mark.parametrize("jobs", [2, 3])
def test_this_process_takes_the_items_from_the_front_and_the_workers_from_the_back(jobs):
    items = list(range(parallel.MIN_ITEMS * 2))
    found = results(parallel.run_all(slow_pid_and_square, items, jobs))
    here = [i for i in items if found[i][0] == os.getpid()]
    assert here and here == items[:len(here)]  # one run from the first item
    assert len(here) < len(items) and {found[i][0] for i in items[len(here):]} - {os.getpid()}


def test_few_items_one_job_or_other_threads_stay_in_this_process():
    few = list(range(parallel.MIN_ITEMS - 1))
    many = list(range(parallel.MIN_ITEMS * 2))
    assert {pid for pid, _ in results(parallel.run_all(pid_and_square, few, 2)).values()} == {os.getpid()}
    assert {pid for pid, _ in results(parallel.run_all(pid_and_square, many, 1)).values()} == {os.getpid()}
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        found = results(parallel.run_all(pid_and_square, many, 2))
    finally:
        stop.set()
        other.join()
    assert {pid for pid, _ in found.values()} == {os.getpid()}
    assert [found[i][1] for i in many] == [i * i for i in many]


def fail_on_seven(number: int) -> int:
    if number == 7:
        raise ValueError("seven")
    return number


@forking
def test_an_error_in_a_worker_is_raised_here():
    with pytest.raises(ValueError, match="seven"):
        results(parallel.run_all(fail_on_seven, list(range(parallel.MIN_ITEMS)), 2))


@pytest.fixture
def always_parallel(monkeypatch):
    monkeypatch.setattr(parallel, "MIN_ITEMS", 1)
    monkeypatch.setattr(parallel, "CHUNK", 3)


@forking
def test_a_parallel_build_is_byte_identical_to_a_serial_one(always_parallel, tmp_path):
    parallel_report = build_site(REPO, tmp_path / "parallel", BuildOptions(EXAMPLE_DATE, strict=True, jobs=2))
    serial_report = build_site(REPO, tmp_path / "serial", BuildOptions(EXAMPLE_DATE, strict=True, jobs=1))
    assert parallel_report.ok(True) and serial_report.ok(True)
    assert (parallel_report.pages, parallel_report.files) == (serial_report.pages, serial_report.files)
    assert tree(tmp_path / "parallel") == tree(tmp_path / "serial")


@forking
def test_a_template_error_in_a_worker_is_reported_at_its_line(always_parallel, example_copy, tmp_path):
    site = example_copy
    templates = site / "themes/default/templates"
    templates.mkdir(parents=True)
    (templates / "objective.html").write_text('{% extends "base.html" %}\n{% block main %}\n{{ objective.nope() }}\n'
                                              '{% endblock %}\n')
    report = build_site(site, tmp_path / "out", BuildOptions(EXAMPLE_DATE, jobs=2))
    assert not report.ok(False) and not (tmp_path / "out").exists()
    assert not list(tmp_path.glob(".out.new-*"))  # nothing half-written is left behind
    [error] = report.diagnostics.errors
    assert error.path.endswith("themes/default/templates/objective.html") and error.line == 3
    assert "template error" in error.message and "nope" in error.message


@forking
def test_templates_are_compiled_before_forking_and_a_broken_unused_one_is_no_error(always_parallel, example_copy,
                                                                                  tmp_path, monkeypatch):
    templates = example_copy / "themes/default/templates"
    templates.mkdir(parents=True)
    (templates / "unused.html").write_text("{% if %}\n")
    (templates / "notes.bin").write_bytes(b"\xff\xfe not a template")
    compiled = []
    original = parallel.run_all

    def run_all(function, items, jobs, prepare=None):
        def counted():
            prepare()
            compiled.append(os.getpid())
        return original(function, items, jobs, prepare=counted if prepare else None)
    monkeypatch.setattr("okrsite.build.run_all", run_all)
    report = build_site(example_copy, tmp_path / "out", BuildOptions(EXAMPLE_DATE, strict=True, jobs=2))
    assert report.ok(True) and compiled == [os.getpid()]
    assert tree(tmp_path / "out") == tree(example_build_folder(tmp_path))


def example_build_folder(tmp_path):
    out = tmp_path / "serial"
    assert build_site(REPO, out, BuildOptions(EXAMPLE_DATE, strict=True, jobs=1)).ok(True)
    return out


@forking
def test_files_with_errors_parsed_in_workers_are_reported(always_parallel, make_site):
    root = make_site({f"{CYCLE}/test-co.md": COMPANY, f"{CYCLE}/broken.md": "---\nname: [unclosed\n---\n"})
    diagnostics = Diagnostics()
    assert load_site(root, BuildOptions(EXAMPLE_DATE, jobs=2), diagnostics) is None
    [error] = diagnostics.errors
    assert error.path.endswith("broken.md") and error.line == 3 and "invalid YAML" in error.message


class Unpicklable(Exception):
    def __init__(self, thing, other):  # the arguments do not match .args: unpickling fails
        super().__init__(f"{thing} and {other}")


def fail_unpicklably_in_a_worker(item: tuple[int, int]) -> int:
    parent, number = item
    if os.getpid() != parent:
        raise Unpicklable("a lock", "a socket")
    time.sleep(0.001)
    return number


@forking
def test_an_error_that_cannot_cross_is_still_raised_here():
    items = [(os.getpid(), number) for number in range(parallel.MIN_ITEMS * 2)]
    with pytest.raises(RuntimeError, match="in a worker process: .*a lock and a socket"):
        results(parallel.run_all(fail_unpicklably_in_a_worker, items, 2))


def test_the_default_is_one_process_per_core_at_most_eight(monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(64)), raising=False)
    assert parallel.available_jobs() == parallel.MAX_DEFAULT_JOBS == 8
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    assert parallel.available_jobs() == 2
