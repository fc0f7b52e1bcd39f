"""How long from saving an OKR file to the changed page being written, in watch mode.

    python benchmarks/watch_latency.py [--people 1000] [--runs 7] [--pause 2.5]

Runs okrsite's real watch machinery (watchdog, debounce, incremental build) on the
example site and on a generated company, both copied to a tmpfs, saves one
person's file again and again, and times each save until the objective page
written to the output shows the edit. Beside it, the same run measures a floor:
reading that one file, parsing its YAML and Markdown, rendering a trivial Jinja2
template and writing one page, the least any generator must do after a save.
Prints medians and the ratio to the floor.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import jinja2
import yaml
from markdown_it import MarkdownIt

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402
from okrsite.live import Live  # noqa: E402
from okrsite.options import BuildOptions  # noqa: E402

DATE = dt.date(2026, 11, 20)
TIMEOUT = 30.0


def scratch_folder() -> Path:
    """A folder on a tmpfs when there is one: the disk of these machines is noisy."""
    shm = Path("/dev/shm")
    return Path(tempfile.mkdtemp(prefix="okrsite-bench-", dir=shm if shm.is_dir() else None))


def floor(source: Path, out: Path, runs: int) -> list[float]:
    """Read, parse and render one file into one page: the least work after a save."""
    markdown = MarkdownIt("commonmark")
    template = jinja2.Environment(autoescape=True).from_string("<h1>{{ name }}</h1>{{ body|safe }}")
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        text = source.read_text(encoding="utf-8")
        _, front, body = text.split("---", 2)
        data = yaml.load(front, Loader=yaml.CSafeLoader)
        page = template.render(name=data["name"], body=markdown.render(body))
        (out / "floor.html").write_text(page, encoding="utf-8")
        times.append(time.perf_counter() - started)
    return times


def latencies(site: Path, out: Path, person: Path, page: Path, runs: int, pause: float) -> list[float]:
    """Seconds from each save of ``person`` to ``page`` showing it, through okrsite watch."""
    live = Live(site, out, BuildOptions(DATE))
    with live:
        thread = threading.Thread(target=live.run, args=("watching",), daemon=True)
        thread.start()
        if not live.watching.wait(TIMEOUT):
            raise RuntimeError("the watcher did not start")
        original = person.read_text(encoding="utf-8")
        times = []
        try:
            for run in range(runs):
                marker = f"Edited {run} {time.time_ns()}"
                person.write_text(original.replace("title: ", f"title: {marker} ", 1), encoding="utf-8")
                started = time.perf_counter()
                while marker not in _read(page):
                    if time.perf_counter() - started > TIMEOUT:
                        raise RuntimeError(f"{page} never showed the edit")
                    time.sleep(0.002)
                times.append(time.perf_counter() - started)
                time.sleep(pause)  # people save every few seconds at most; okrsite trusts folders older than 2 s
        finally:
            person.write_text(original, encoding="utf-8")
            live.stop.set()
            thread.join(TIMEOUT)
    return times


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return ""


def measure(name: str, site: Path, person_id: str, runs: int, scratch: Path, pause: float) -> dict:
    person = next(site.glob(f"content/2026-Q4/**/{person_id}.md"))
    out = scratch / f"{name}-out"
    page = out / f"2026-q4/{person_id}" / _first_objective(person) / "index.html"
    watch = latencies(site, out, person, page, runs, pause)
    base = floor(person, scratch, runs * 3)
    files = sum(1 for _ in site.glob("content/**/*.md"))
    return {"site": name, "files": files, "median": statistics.median(watch), "min": min(watch),
            "max": max(watch), "floor": statistics.median(base)}


def _first_objective(person: Path) -> str:
    for line in person.read_text(encoding="utf-8").splitlines():
        if line.strip().startswith("- id: "):
            return line.split("- id: ", 1)[1].strip()
    raise ValueError(f"{person} has no objective")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--pause", type=float, default=2.5, help="seconds between saves (default 2.5)")
    args = parser.parse_args()
    scratch = scratch_folder()
    try:
        example = scratch / "example"
        shutil.copytree(HERE.parent / "content", example / "content")
        shutil.copy(HERE.parent / "site.toml", example / "site.toml")
        generated = scratch / "generated"
        generate(generated, args.people, 2)
        rows = [measure("example", example, "oluwaseun-adeyemi", args.runs, scratch, args.pause),
                measure(f"{args.people} people", generated, "person-6", args.runs, scratch, args.pause)]
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"save -> page written, okrsite watch, median of {args.runs} saves (tmpfs)")
    print(f"{'site':<14}{'OKR files':>10}{'median':>10}{'min':>9}{'max':>9}{'floor':>9}{'x floor':>9}")
    for row in rows:
        print(f"{row['site']:<14}{row['files']:>10}{row['median'] * 1000:>8.0f}ms{row['min'] * 1000:>7.0f}ms"
              f"{row['max'] * 1000:>7.0f}ms{row['floor'] * 1000:>7.1f}ms{row['median'] / row['floor']:>9.0f}")


if __name__ == "__main__":
    main()
