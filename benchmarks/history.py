"""What `--history git` adds to a build: a site of N files with C commits of weekly check-ins.

    python benchmarks/history.py --files 1000 --commits 200 --runs 3

Writes a company of FILES owner files (each with two objectives of three metric key
results that have ``current`` and no ``checkins``), commits them, then makes COMMITS
commits that each move ``current`` in a few files, dated through the cycle. Then it
times clean builds (``--no-cache``, new process) without and with ``--history git``,
and a rerun with the cache warm, medians of RUNS. Everything is on a tmpfs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import scratch_folder  # noqa: E402

DATE = "2026-12-20"
CYCLE_START = dt.date(2026, 10, 1)


def owner_file(index: int, values: list[int]) -> str:
    if index == 0:
        head = "name: Company\nkind: company\n"
        aligns = ""
    else:
        head = f"name: Person {index}\nkind: person\nparent: company\n"
        aligns = "    aligns_to: company/o1\n"
    lines = ["---", head.rstrip("\n"), "objectives:"]
    for o in range(2):
        lines += [f"  - id: o{o + 1}", f"    title: Objective {o + 1} of owner {index}", *filter(None, [aligns.rstrip("\n")]),
                  "    key_results:"]
        for k in range(3):
            value = values[o * 3 + k]
            lines.append(f"      - {{id: k{k + 1}, title: Result {k + 1}, start: 0, target: 100, current: {value}, unit: points}}")
    return "\n".join(lines) + "\n---\nNotes.\n"


def make_repository(site: Path, files: int, commits: int) -> None:
    rng = random.Random(7)
    content = site / "content" / "2026-Q4"
    content.mkdir(parents=True)
    (site / "site.toml").write_text('title = "History bench"\n[cycles."2026-Q4"]\nstart = 2026-10-01\nend = 2026-12-31\n')
    values = {index: [0] * 6 for index in range(files)}

    def write(index: int) -> None:
        (content / ("company.md" if index == 0 else f"owner-{index}.md")).write_text(owner_file(index, values[index]))

    for index in range(files):
        write(index)
    git = ["git", "-C", str(site)]
    subprocess.run([*git, "init", "-q"], check=True)
    env = {**os.environ, "GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.test",
           "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@example.test"}

    def commit(day: int, message: str) -> None:
        stamp = f"{CYCLE_START + dt.timedelta(days=day)}T12:00:00+00:00"
        subprocess.run([*git, "add", "-A"], check=True)
        subprocess.run([*git, "commit", "-q", "-m", message], check=True,
                       env={**env, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp})

    commit(0, "Plan the cycle")
    for number in range(commits):
        for index in rng.sample(range(files), 5):
            slot = rng.randrange(6)
            values[index][slot] = min(100, values[index][slot] + rng.randint(1, 20))
            write(index)
        commit(1 + number * 80 // commits, f"Check-in {number}")


def seconds(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # coaching warnings
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--commits", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    scratch = scratch_folder()
    try:
        site = scratch / "site"
        make_repository(site, args.files, args.commits)
        build = [sys.executable, "-m", "okrsite", "build", str(site), "--date", DATE, "-q"]
        results: dict[str, list[float]] = {"without history": [], "with --history git": [], "rerun, cache warm": []}
        for run in range(args.runs):  # interleaved, so both see the same machine
            for name, history in (("without history", "none"), ("with --history git", "git")):
                out = scratch / f"out-{history}-{run}"
                results[name].append(seconds([*build, "-o", str(out), "--no-cache", "--history", history]))
        warm = [*build, "-o", str(scratch / "out-warm"), "--history", "git"]
        seconds(warm)  # fills the cache
        for _ in range(args.runs):
            results["rerun, cache warm"].append(seconds(warm))
        print(f"{args.files} files, {args.commits + 1} commits, medians of {args.runs} runs:")
        medians = {name: statistics.median(values) for name, values in results.items()}
        for name, value in medians.items():
            print(f"  {name:22} {value:6.2f} s")
        print(f"  history adds {medians['with --history git'] - medians['without history']:.2f} s to a clean build "
              f"({medians['with --history git'] / medians['without history']:.2f} x)")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
