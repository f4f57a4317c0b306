"""Benchmark compute_ranking against the NumPy floor: the time just to draw the same random numbers.

    python bench/bench_ranking.py [--projects 1000 10000] [--trials 2000] [--repeat 3]

For each portfolio size it builds a synthetic portfolio (fixed seed: a mix of tags and statuses, about
one reuse link per 10 projects, some from shipped producers) and prints the floor (the same samples drawn
vectorized in one call each: one uniform and two beta (trials, n) draws from one generator),
compute_ranking's time (each project drawing from its own three streams, common random numbers, then the
whole ranking with its Monte Carlo error: SE and P(loss) per project, ties; both best of --repeat), their
ratio, and the tracemalloc peak of each, measured in a separate untimed run. The target is a ratio of at most 3.
Needs only NumPy: no Django settings are loaded.
"""

import argparse
import sys
import time
import tracemalloc
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[1]
SEED = 20240601
TARGET_RATIO = 3.0


sys.path.insert(0, str(REPO_ROOT))
from portfolio import scoring, scoring_inputs  # noqa: E402  (pure NumPy: no Django settings needed)


def synthetic_portfolio(n: int, seed: int = SEED):
    """n projects and about n / 10 reuse links, always the same for a given n and seed."""
    rng = np.random.default_rng(seed)
    statuses = rng.choice(
        ["idea", "discovery", "building", "shipped", "iterating", "parked"], n, p=[0.35, 0.2, 0.25, 0.1, 0.05, 0.05]
    )
    tags = rng.choice(["easy", "hard", "impossible", "none"], n, p=[0.4, 0.4, 0.1, 0.1])
    projects = []
    for key in range(n):
        tag = None if tags[key] == "none" else str(tags[key])
        impact_low, effort_low = rng.uniform(0, 200), rng.uniform(0.5, 20)
        impact = scoring.Range(impact_low, impact_low * rng.uniform(1, 3), impact_low * rng.uniform(3, 6))
        effort: scoring.Range | None = scoring.Range(
            effort_low, effort_low * rng.uniform(1, 2), effort_low * rng.uniform(2, 5)
        )
        if tag is None and rng.random() < 0.5:
            effort = None  # neither assessed nor provisionally estimated: left out of the ranking
        by_tag = scoring_inputs.DEFAULT_SUCCESS_PROBABILITY
        p = scoring_inputs.success_probability(tag=tag, override=None, by_tag=by_tag)
        projects.append(scoring.ProjectInput(key, f"project {key:05d}", str(statuses[key]), impact, effort, tag, p))
    shipped = [p.key for p in projects if p.status in scoring_inputs.DELIVERED_STATUSES]
    links = []
    for _ in range(max(1, n // 10)):
        # A third of the links come from shipped producers (effort savings), the rest earn reuse credit.
        producer = int(rng.choice(shipped)) if shipped and rng.random() < 1 / 3 else int(rng.integers(n))
        consumer = int(rng.integers(n))
        if consumer != producer:
            kind = "requires" if rng.random() < 0.5 else "benefits"
            links.append(scoring.LinkInput(producer, consumer, kind, float(rng.uniform(0.05, 0.5))))
    return projects, links


def beta_parameters(ranges) -> tuple[np.ndarray, np.ndarray]:
    """PERT alpha and beta of each range (1, 1 for a constant or a missing one), worked out here, not by scoring."""
    alphas, betas = [], []
    for r in ranges:
        width = 0.0 if r is None else r.high - r.low
        alphas.append(1 + 4 * (r.likely - r.low) / width if width > 0 else 1.0)
        betas.append(1 + 4 * (r.high - r.likely) / width if width > 0 else 1.0)
    return np.array(alphas), np.array(betas)


def draw_floor(trials: int, impact: tuple[np.ndarray, np.ndarray], effort: tuple[np.ndarray, np.ndarray]) -> None:
    """What NumPy needs at least: the success uniforms and the impact and effort beta draws, (trials, n) each."""
    rng = np.random.default_rng(SEED)
    n = impact[0].size
    rng.random((trials, n))
    rng.beta(*impact, size=(trials, n))
    rng.beta(*effort, size=(trials, n))


def best_time(run: Callable[[], object], repeat: int) -> float:
    """Best wall time of ``repeat`` runs, in seconds."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def peak_mib(run: Callable[[], object]) -> float:
    """tracemalloc peak of one run (NumPy reports its buffers to tracemalloc), in MiB."""
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def measure(n: int, trials: int, repeat: int) -> dict[str, float]:
    """Floor and compute_ranking times (s, best of ``repeat``) and tracemalloc peaks (MiB) for n projects."""
    projects, links = synthetic_portfolio(n)
    settings = scoring.ScoringSettings(cost_per_person_week=4.0, horizon_years=1.0, trials=trials, top_k=10)
    impact_parameters = beta_parameters([p.impact for p in projects])
    effort_parameters = beta_parameters([p.effort for p in projects])
    floor = partial(draw_floor, trials, impact_parameters, effort_parameters)

    def ranking() -> object:
        return scoring.compute_ranking(projects, links, settings, SEED)

    return {
        "ranked": sum(1 for p in projects if not scoring.exclusion_reason(p)),
        "links": len(links),
        "floor_s": best_time(floor, repeat),
        "ranking_s": best_time(ranking, repeat),
        "floor_mib": peak_mib(floor),
        "ranking_mib": peak_mib(ranking),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--trials", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"numpy {np.__version__}, python {sys.version.split()[0]}, trials {args.trials}, best of {args.repeat}")
    print("memory: tracemalloc peak of one untimed run (NumPy buffers included), MiB")
    print(
        f"{'projects':>9} {'ranked':>7} {'links':>6} {'floor s':>8} {'ranking s':>10} {'ratio':>6} "
        f"{'floor MiB':>10} {'ranking MiB':>12}  target <= {TARGET_RATIO:g}x"
    )
    all_met = True
    for n in args.projects:
        row = measure(n, args.trials, args.repeat)
        ratio = row["ranking_s"] / row["floor_s"]
        all_met &= ratio <= TARGET_RATIO
        print(
            f"{n:>9} {row['ranked']:>7} {row['links']:>6} {row['floor_s']:>8.3f} {row['ranking_s']:>10.3f} "
            f"{ratio:>5.2f}x {row['floor_mib']:>10.1f} {row['ranking_mib']:>12.1f}  "
            f"{'met' if ratio <= TARGET_RATIO else 'MISSED'}"
        )
    return 0 if all_met else 1


if __name__ == "__main__":
    sys.exit(main())
