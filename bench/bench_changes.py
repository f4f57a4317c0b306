"""Benchmark the causes of "Changes since": 50 groups of input changes on 1,000 projects x 2,000 trials.

    python bench/bench_changes.py [--projects 1000] [--trials 2000] [--groups 50] [--repeat 1]

Builds bench_ranking's synthetic portfolio as a baseline input document, then a "now" document in which
--groups - 5 projects had their impact and effort ranges edited and 5 reuse links were added, removed or changed;
prints the time ``portfolio.attribution.attribute`` takes to evaluate every group alone (the work of the worker's
task, without the database), and for reference the time of one full ranking (``scoring.compute_ranking``: draws,
percentiles, P(top-K)) and of one full plan (ranking and roadmap). Target: the groups in at most 30 s.
Needs only NumPy: no Django settings are loaded.
"""

import argparse
import datetime
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 30.0

sys.path.insert(0, str(REPO_ROOT))
sys.path.insert(0, str(REPO_ROOT / "bench"))
from bench_ranking import synthetic_portfolio  # noqa: E402

from portfolio import attribution, input_documents, scoring  # noqa: E402
from roadmap import planning  # noqa: E402  (pure: no Django settings needed)


def documents(n: int, trials: int, groups: int) -> tuple[dict, dict]:
    """The baseline document and one with ``groups`` groups of changes (projects edited, links changed)."""
    projects, links = synthetic_portfolio(n)
    settings = input_documents.PlanSettings(
        "k$", 4.0, 1.0, trials, 10, 0.9, 0.5, 0.0, 10, datetime.date(2027, 1, 4), 20240601
    )
    records = [
        input_documents.ProjectRecord(p.key, p.name, p.status, p.impact, p.effort, p.tag, None, 2, None, None)
        for p in projects
    ]
    unique = list({(lk.producer, lk.consumer): lk for lk in links}.values())
    base = input_documents.PlanInputs(settings, tuple(records), tuple(unique))
    edited = [(r, r.effort) for r in records if r.effort is not None][: groups - 5]
    changed = {
        r.key: replace(
            r,
            impact=scoring.Range(r.impact.low, r.impact.likely, r.impact.high * 1.5),
            effort=scoring.Range(effort.low, effort.likely * 1.2, effort.high * 1.2),
        )
        for r, effort in edited
    }
    now_links = unique[2:]  # two removed
    now_links[0] = replace(now_links[0], fraction=min(0.9, now_links[0].fraction + 0.1))  # one changed
    now_links += [scoring.LinkInput(0, n - 1, "benefits", 0.2), scoring.LinkInput(1, n - 2, "requires", 0.3)]
    now = replace(base, projects=tuple(changed.get(r.key, r) for r in records), links=tuple(now_links))
    as_stored = [json.loads(json.dumps(input_documents.to_document(x))) for x in (base, now)]
    return as_stored[0], as_stored[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=1000)
    parser.add_argument("--trials", type=int, default=2000)
    parser.add_argument("--groups", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    base, now = documents(args.projects, args.trials, args.groups)
    best = float("inf")
    for _ in range(args.repeat):
        started = time.perf_counter()
        found = attribution.attribute(base, now)
        best = min(best, time.perf_counter() - started)
    inputs = input_documents.from_document(now)
    started = time.perf_counter()
    scoring.compute_ranking(inputs.project_inputs(), inputs.links, inputs.settings.scoring_settings(), 1)
    ranking = time.perf_counter() - started
    started = time.perf_counter()
    planning.compute_plan(
        inputs.project_inputs(),
        inputs.links,
        inputs.settings.scoring_settings(),
        inputs.facts(),
        capacity=10,
        start=inputs.settings.roadmap_start,
        seed=1,
    )
    plan = time.perf_counter() - started
    verdict = "within" if best <= TARGET_SECONDS else "OVER"
    print(f"{args.projects} projects x {args.trials} trials, {len(found.groups)} groups of changes")
    print(
        f"  causes (every group alone, expected ROI only): {best:.2f} s ({verdict} the {TARGET_SECONDS:.0f} s target)"
    )
    print(f"  for reference: one full ranking {ranking:.2f} s, one full plan (ranking + roadmap) {plan:.2f} s")


if __name__ == "__main__":
    main()
