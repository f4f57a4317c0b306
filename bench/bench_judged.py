"""Benchmark the judged estimate: replaying each project's history to find the range in force when it entered
building (``portfolio.judging.judged_estimates``, the pure part of ``delivery_selectors.delivery_records_in``).

    python bench/bench_judged.py [--projects 1000] [--edits 40] [--repeat 3]

Builds --projects synthetic histories, each with --edits estimate changes (impact, provisional and assessed effort,
estimator credits) around a move to building and an outcome, and prints the time to judge them all (best of
--repeat) and the time per project. Needs only the standard library: no Django settings are loaded.
"""

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from portfolio import judging  # noqa: E402

FIELDS = (*judging.IMPACT_FIELDS, *judging.ASSESSED_FIELDS, *judging.PROVISIONAL_FIELDS)


def history(rng: random.Random, edits: int, start_id: int) -> list[judging.HistoryRow]:
    """A created row, ``edits`` estimate changes with a move to building half-way, then an outcome."""
    rows, next_id = [judging.HistoryRow(start_id, "created", "", "P")], start_id + 1
    values: dict[str, str] = {}
    for n in range(edits):
        if n == edits // 2:
            rows.append(judging.HistoryRow(next_id, "status", "idea", "building"))
            next_id += 1
        field = rng.choice(FIELDS)
        new = str(round(rng.uniform(1, 100), 1))
        rows.append(judging.HistoryRow(next_id, field, values.get(field, ""), new))
        values[field], next_id = new, next_id + 1
    rows.append(judging.HistoryRow(next_id, "outcome.actual_effort", "", "42.0"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=1000)
    parser.add_argument("--edits", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rng = random.Random(7)
    histories = [history(rng, args.edits, i * 1000) for i in range(args.projects)]
    now = {f: "50.0" for f in FIELDS}
    best = float("inf")
    for _ in range(args.repeat):
        began = time.perf_counter()
        judged = [judging.judged_estimates(rows, now=now, status_now="shipped") for rows in histories]
        best = min(best, time.perf_counter() - began)
    found = sum(j[kind] is not None for j in judged for kind in j)
    print(
        f"{args.projects} projects x {args.edits} edits: {best * 1000:.1f} ms to judge all "
        f"({best / args.projects * 1e6:.0f} µs a project); {found} judged estimates found"
    )


if __name__ == "__main__":
    main()
