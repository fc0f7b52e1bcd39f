"""Generate a synthetic company for benchmarks and scale tests.

    python benchmarks/generate.py OUT_DIR --people 1000 --cycles 2

N people in teams of about 8, teams in departments of about 10 teams, every
objective aligned upward, 2-4 key results each (metrics with check-ins,
milestones, a rollup on the company), Markdown bodies and descriptions. The
output is deterministic: the same arguments give the same files.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from pathlib import Path

TEAM_SIZE, TEAMS_PER_DEPARTMENT = 8, 10
WORDS = ("customers love fast delivery quality growth margin retention trust soap subscribers shop "
         "reliable calm simple delightful onboarding churn revenue partners wholesale scent").split()


def quarter(index: int) -> tuple[str, dt.date, dt.date]:
    """The index-th quarter counting back from 2026-Q4 (0 is 2026-Q4)."""
    year, q = divmod(2026 * 4 + 3 - index, 4)
    q += 1
    start = dt.date(year, 3 * q - 2, 1)
    end = (dt.date(year + 1, 1, 1) if q == 4 else dt.date(year, 3 * q + 1, 1)) - dt.timedelta(days=1)
    return f"{year}-Q{q}", start, end


def sentence(rng: random.Random, words: int = 6) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:]


def key_results(rng: random.Random, start: dt.date, end: dt.date, archived: bool, count: int) -> list[str]:
    lines = []
    for index in range(count):
        kr_id = f"kr{index + 1}"
        title = sentence(rng, 5)
        if index == count - 1 and rng.random() < 0.3:
            lines += [f"      - id: {kr_id}", f"        title: {title}", "        type: milestone",
                      f"        done: {'true' if rng.random() < 0.5 else 'false'}"]
        else:
            first, target = rng.randint(0, 100), rng.randint(101, 300)
            if rng.random() < 0.25:
                first, target = target, first  # a falling metric
            lines += [f"      - id: {kr_id}", f"        title: {title}", f"        start: {first}",
                      f"        target: {target}", "        unit: points", "        checkins:"]
            value = first
            for week in range(1, 12, 2):
                day = start + dt.timedelta(days=7 * week)
                if day > min(end, dt.date(2026, 11, 20)):
                    break
                value += (target - first) * rng.uniform(0.0, 0.15)
                lines.append(f"          - {{date: {day.isoformat()}, value: {round(value, 1)}}}")
        if archived:
            lines.append(f"        score: {round(rng.uniform(0.3, 1.0), 1)}")
    return lines


def objectives(rng: random.Random, owner: str, parents: list[str], start: dt.date, end: dt.date,
               archived: bool, count: int, rollup: bool = False) -> list[str]:
    lines = ["objectives:"]
    for index in range(count):
        lines += [f"  - id: o{index + 1}", f"    title: {sentence(rng, 7)}"]
        if parents:
            lines.append(f"    aligns_to: {rng.choice(parents)}")
        if rng.random() < 0.3:
            lines.append(f"    description: {sentence(rng, 12)}.")
        lines.append("    key_results:")
        lines += key_results(rng, start, end, archived, rng.randint(2, 4))
        if rollup and index == 0:
            lines += ["      - id: teams", "        title: Departments deliver their goals", "        type: rollup"]
        if rng.random() < 0.3:
            lines += ["    initiatives:", '      - "[x] Kick-off"', '      - "[ ] Review with the team"']
    return lines


def owner_file(rng: random.Random, name: str, kind: str, parent: str | None, body_lines: list[str], role: str = "") -> str:
    head = ["---", f"name: {name}", f"kind: {kind}"]
    if parent:
        head.append(f"parent: {parent}")
    if role:
        head.append(f"role: {role}")
    return "\n".join(head + body_lines + ["---", f"{sentence(rng, 10)}.", "", f"- {sentence(rng, 5)}",
                                          f"- {sentence(rng, 5)}", ""])


def generate(out: Path, people: int, cycles: int, seed: int = 1) -> int:
    """Write site.toml and content/ for the company into ``out``; return the number of files."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    (out / "site.toml").write_text('title = "Synthetic Co. OKRs"\nbase_url = "https://example.test/okrs/"\n'
                                   'current_cycle = "2026-Q4"\n', encoding="utf-8")
    teams = max(1, round(people / TEAM_SIZE))
    departments = max(1, round(teams / TEAMS_PER_DEPARTMENT))
    files = 0
    for cycle_index in range(cycles):
        cycle, start, end = quarter(cycle_index)
        archived = cycle_index > 0
        folder = out / "content" / cycle

        def write(relative: str, text: str) -> None:
            path = folder / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")

        company_refs = [f"company/o{i}" for i in (1, 2, 3)] + ["company/o1/teams"]
        write("company.md", owner_file(rng, "Synthetic Co.", "company", None,
                                       objectives(rng, "company", [], start, end, archived, 3, rollup=True)))
        files += 1
        for d in range(departments):
            dept = f"dept-{d + 1}"
            write(f"departments/{dept}.md", owner_file(rng, f"Department {d + 1}", "department", "company",
                                                       objectives(rng, dept, company_refs, start, end, archived, 2)))
            files += 1
        for t in range(teams):
            team, dept = f"team-{t + 1}", f"dept-{t % departments + 1}"
            write(f"teams/{team}.md", owner_file(rng, f"Team {t + 1}", "team", dept,
                                                 objectives(rng, team, [f"{dept}/o1", f"{dept}/o2"], start, end, archived, 2)))
            files += 1
        for p in range(people):
            person, team = f"person-{p + 1}", f"team-{p % teams + 1}"
            write(f"people/{team}/{person}.md", owner_file(rng, f"Person {p + 1}", "person", team,
                                                            objectives(rng, person, [f"{team}/o1", f"{team}/o2"], start, end, archived, rng.randint(1, 3)),
                                                            role="Engineer"))
            files += 1
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--cycles", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    count = generate(args.out, args.people, args.cycles, args.seed)
    print(f"wrote {count} OKR files into {args.out}")


if __name__ == "__main__":
    main()
