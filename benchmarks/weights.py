"""How heavy a built site's pages are: the biggest HTML pages and the files pages load.

    python benchmarks/weights.py OUT [--top 10]

Lists the biggest pages of the site at OUT (e.g. a build of ``generate.py --people 10000``),
how many are over 1 MB, and the biggest scripts that pages load as a reader uses them
(the people finder's ``people.js``, the search index's parts). Issue 21's target: no HTML
page over 1 MB at 10,000 people, and the first search load under 1 MB.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

MB = 1_000_000


def sizes(out: Path, suffix: str) -> list[tuple[int, str]]:
    found = []
    for folder, _, files in os.walk(out):
        for name in files:
            if name.endswith(suffix):
                path = Path(folder, name)
                found.append((path.stat().st_size, str(path.relative_to(out))))
    return sorted(found, reverse=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--top", type=int, default=10)
    args = parser.parse_args()
    pages = sizes(args.out, ".html")
    print(f"{len(pages):,} pages, {sum(1 for size, _ in pages if size > MB)} over 1 MB; the biggest:")
    for size, path in pages[:args.top]:
        print(f"  {size / MB:6.2f} MB  {path}")
    scripts = [(size, path) for size, path in sizes(args.out, ".js") if not path.startswith("static/")]
    print("the biggest scripts pages load:")
    for size, path in scripts[:args.top]:
        print(f"  {size / MB:6.2f} MB  {path}")


if __name__ == "__main__":
    main()
