"""Build-speed benchmark: okrsite on synthetic companies, against two references
measured in the same run on the same number of pages.

    python benchmarks/run.py [--people 100 1000 10000] [--runs 3]

For each company size (2 cycles), on a tmpfs:

- clean: a full `okrsite build --no-cache` into a new folder, in a new process
  (median of --runs); its CPU time (user and system, its workers included), its
  peak memory (the summed proportional set size of the process and its workers,
  sampled every 50 ms) and pages per second;
- rerun: `okrsite build` again in a new process with nothing changed, the build
  cache warm (median of --runs);
- no change: a second build by the Builder that watch mode uses;
- one edit: one person's file edited, rebuilt by that Builder (median of at least 3);
- floor: the least any Python generator must do for the same number of pages,
  timed like okrsite as a whole new process: start Python, import the libraries,
  read every OKR file, parse its YAML (C loader) and Markdown (markdown-it-py),
  render a trivial Jinja2 template and write one page per output page;
- MkDocs: `mkdocs build` of the same number of Markdown pages, once (skipped if
  MkDocs is not installed, `pip install mkdocs`, with --no-mkdocs, or above
  --mkdocs-max-pages: every MkDocs page carries the navigation of all pages, so
  its time grows with the square of the page count and 68,000 pages would take
  hours).

Results are ratios to the floor (of the wall time, and of the CPU time: two
processes hide work in the wall time) and to MkDocs, as well as seconds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402
from okrsite.build import Builder  # noqa: E402

DATE = "2026-11-20"
FLOOR = """
import sys
from pathlib import Path
import jinja2, yaml
from markdown_it import MarkdownIt
site, out, pages = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
markdown = MarkdownIt("commonmark")
template = jinja2.Environment(autoescape=True).from_string("<h1>{{ name }}</h1>{{ body|safe }}")
files = sorted(site.glob("content/**/*.md"))
parsed = []
for path in files:
    _, front, body = path.read_text(encoding="utf-8").split("---", 2)
    parsed.append((yaml.load(front, Loader=yaml.CSafeLoader), markdown.render(body)))
out.mkdir(parents=True, exist_ok=True)
for index in range(pages):
    data, body = parsed[index % len(parsed)]
    (out / f"{index}.html").write_text(template.render(name=data["name"], body=body), encoding="utf-8")
"""


def timed(command: list[str]) -> tuple[float, int, float]:
    """Seconds, peak memory (KiB: the summed PSS of the process tree) and CPU seconds (user and system,
    with the processes it waited for) of a command in a fresh process."""
    used = _children_cpu()
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    peak = 0
    while process.poll() is None:
        peak = max(peak, sum(_pss(pid) for pid in _tree(process.pid)))
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, command)
    return seconds, peak, _children_cpu() - used


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _tree(pid: int) -> list[int]:
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return [pid]
    return [pid, *(p for child in children for p in _tree(int(child)))]


def _pss(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def scratch_folder() -> Path:
    shm = Path("/dev/shm")
    return Path(tempfile.mkdtemp(prefix="okrsite-bench-", dir=shm if shm.is_dir() else None))


def mkdocs_seconds(scratch: Path, pages: int) -> float | None:
    try:
        import mkdocs  # noqa: F401
    except ImportError:
        return None
    project = scratch / "mkdocs"
    docs = project / "docs"
    docs.mkdir(parents=True)
    (project / "mkdocs.yml").write_text("site_name: Bench\nuse_directory_urls: true\n")
    for index in range(pages):
        (docs / f"page-{index}.md").write_text(f"# Page {index}\n\nSome *Markdown* text with a [link](page-{(index + 1) % pages}.md).\n"
                                               "\n- one\n- two\n")
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(project / "mkdocs.yml")], check=True,
                   capture_output=True)
    return time.perf_counter() - started


def measure(people: int, runs: int, scratch: Path, mkdocs_max_pages: int) -> dict:
    site = scratch / f"site-{people}"
    generate(site, people, 2)
    build = [sys.executable, "-m", "okrsite", "build", str(site), "--date", DATE, "-q"]
    cleans, peaks, cpus = [], [], []
    for run in range(runs):
        out = scratch / f"out-{people}-{run}"
        seconds, peak, cpu = timed([*build, "-o", str(out), "--no-cache"])
        cleans.append(seconds)
        peaks.append(peak)
        cpus.append(cpu)
        shutil.rmtree(out)
    out = scratch / f"out-{people}"
    timed([*build, "-o", str(out)])  # fills the cache
    reruns = [timed([*build, "-o", str(out)])[0] for _ in range(runs)]
    shutil.rmtree(out)
    shutil.rmtree(site / ".okrsite-cache")
    builder = Builder(site, scratch / f"out-{people}-watch")
    date = dt.date.fromisoformat(DATE)
    first = builder.build(date)
    started = time.perf_counter()
    builder.build(date)
    no_change = time.perf_counter() - started
    person = sorted(site.glob("content/2026-Q4/people/**/*.md"))[0]
    original = person.read_text(encoding="utf-8")
    edits = []
    for run in range(max(3, runs)):
        person.write_text(original.replace("title: ", f"title: Edited {run} ", 1), encoding="utf-8")
        started = time.perf_counter()
        builder.build(date)
        edits.append(time.perf_counter() - started)
    person.write_text(original, encoding="utf-8")
    del builder
    floors = [timed([sys.executable, "-c", FLOOR, str(site), str(scratch / f"floor-{people}-{run}"), str(first.pages)])
              for run in range(runs)]
    mkdocs = mkdocs_seconds(scratch / f"m-{people}", first.pages) if first.pages <= mkdocs_max_pages else None
    for leftover in scratch.iterdir():
        if leftover.name != f"site-{people}":
            shutil.rmtree(leftover)
    clean = statistics.median(cleans)
    return {"people": people, "files": sum(1 for _ in site.glob("content/**/*.md")), "pages": first.pages,
            "outputs": first.files, "clean": clean, "cleans": cleans, "peaks_mb": [p / 1024 for p in peaks], "rerun": statistics.median(reruns),
            "no_change": no_change, "edit": statistics.median(edits), "peak_mb": max(peaks) / 1024,
            "pages_per_s": first.pages / clean, "floor": statistics.median(f[0] for f in floors),
            "cpu": statistics.median(cpus), "floor_cpu": statistics.median(f[2] for f in floors), "mkdocs": mkdocs}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-mkdocs", action="store_true", help="leave MkDocs out")
    parser.add_argument("--mkdocs-max-pages", type=int, default=20_000,
                        help="leave MkDocs out above this many pages (default 20,000)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    scratch = scratch_folder()
    rows = []
    try:
        for people in args.people:
            rows.append(measure(people, args.runs, scratch, 0 if args.no_mkdocs else args.mkdocs_max_pages))
            print(f"measured {people} people", file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"okrsite build speed, 2 cycles, {args.runs} runs (medians), tmpfs, {os.cpu_count()} cores")
    print(f"{'people':>7}{'files':>7}{'pages':>7}{'outputs':>9}{'clean':>8}{'peak':>9}{'pages/s':>9}{'rerun':>8}"
          f"{'no change':>11}{'one edit':>10}{'floor':>8}{'x floor':>9}{'cpu':>7}{'cpu x floor':>12}{'MkDocs':>8}{'x MkDocs':>10}")
    for r in rows:
        mk = f"{r['mkdocs']:>7.1f}s{r['clean'] / r['mkdocs']:>10.2f}" if r["mkdocs"] else f"{'-':>8}{'-':>10}"
        print(f"{r['people']:>7}{r['files']:>7}{r['pages']:>7}{r['outputs']:>9}{r['clean']:>7.1f}s{r['peak_mb']:>7.0f}MB"
              f"{r['pages_per_s']:>9.0f}{r['rerun']:>7.2f}s{r['no_change']:>10.2f}s{r['edit']:>9.2f}s"
              f"{r['floor']:>7.1f}s{r['clean'] / r['floor']:>9.1f}{r['cpu']:>6.1f}s{r['cpu'] / r['floor_cpu']:>12.2f}{mk}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
