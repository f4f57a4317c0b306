"""Benchmark the funding step against the ranking math in the same run.

    python bench/bench_funding.py [--projects 1000 10000] [--trials 2000] [--repeat 3]

For each portfolio size (bench_ranking's synthetic portfolio: a mix of tags and statuses, about one reuse link
per 10 projects, half of them 'requires') it times, best of --repeat, the ranking math (``draw_samples`` then
``rank_from_samples``) and the funding step on the same draw (``funding.compute_funding``: the deterministic
funded set at 24 budgets, P(funded if known) with the per-trial greedy vectorized over trials, funded value,
frontier, EVPPI, EVPI and tornado), and prints their ratio. Targets: at most 1x at 1,000 projects x 2,000 trials,
at most 2x at 10,000. Needs only NumPy: no Django settings are loaded.
"""

import argparse
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))
sys.path.insert(0, str(REPO_ROOT / "bench"))

from bench_ranking import synthetic_portfolio  # noqa: E402  (as bench_changes imports it: one module name)

from portfolio import funding, scoring  # noqa: E402  (pure NumPy: no Django settings needed)

TARGETS = {1000: 1.0, 10000: 2.0}
SEED = 20240601
CAPACITY, WINDOW = 10, 13


def measure(n: int, trials: int, repeat: int) -> tuple[float, float, int]:
    """Best ranking time, best funding time (seconds) and how many projects the budget funds."""
    projects, links = synthetic_portfolio(n)
    settings = scoring.ScoringSettings(cost_per_person_week=4.0, horizon_years=1.0, trials=trials, top_k=10)
    ranking_time = funding_time = float("inf")
    funded = 0
    for _ in range(repeat):
        started = time.perf_counter()
        samples = scoring.draw_samples(projects, links, trials, SEED)
        ranking = scoring.rank_from_samples(samples, projects, links, settings)
        ranking_time = min(ranking_time, time.perf_counter() - started)
        started = time.perf_counter()
        # a budget that funds a good share of the backlog: the greedy has to work through the whole order
        result = funding.compute_funding(
            samples, ranking, projects, links, settings, capacity=max(CAPACITY, n // 4), window_weeks=WINDOW
        )
        funding_time = min(funding_time, time.perf_counter() - started)
        funded = sum(p.funded for p in result.projects)
        del samples, ranking, result
    return ranking_time, funding_time, funded


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--trials", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"{'projects':>9} {'trials':>7} {'ranking s':>10} {'funding s':>10} {'ratio':>6} {'target':>7} {'funded':>7}")
    for n in args.projects:
        ranking_time, funding_time, funded = measure(n, args.trials, args.repeat)
        target = TARGETS.get(n)
        ratio = funding_time / ranking_time
        verdict = "" if target is None else ("ok" if ratio <= target else "OVER")
        shown = f"{target:.0f}x" if target else "-"
        print(
            f"{n:>9,} {args.trials:>7,} {ranking_time:>10.3f} {funding_time:>10.3f} {ratio:>5.2f}x {shown:>7} "
            f"{funded:>7,} {verdict}"
        )


if __name__ == "__main__":
    main()
