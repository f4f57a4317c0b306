"""Benchmark of the roadmap simulation against the floor of just drawing its Monte Carlo samples.

For 100 and 1,000 projects x 5,000 trials, a team of 20 people, staffing 1..4 people and 300 `requires`
links (a random DAG: producer ranked above consumer, fixed seed), it prints:

- floor: the time NumPy takes just to draw the samples the simulation consumes, one uniform (trials, m)
  array (success) and two beta (trials, m) arrays (effort, impact);
- simulation: schedule_order + reordering the sample columns to schedule order + simulate_schedule +
  project_bands + value_curve, i.e. everything the recompute does with the samples;
- the ratio (target: at most 5x) and the peak memory of one simulation call, as measured by tracemalloc
  (NumPy reports its array buffers to it; the input samples, allocated before, are not counted).

Times are the best of --repeat runs. Run: .venv/bin/python bench/bench_roadmap.py [--repeat 3] [--trials 5000]
"""

import argparse
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # runnable from any directory without installing

from roadmap.simulation import RoadmapItem, project_bands, schedule_order, simulate_schedule  # noqa: E402
from roadmap.value_delivered import value_curve  # noqa: E402

CAPACITY = 20  # people
LINKS = 300  # requires links
SEED = 20_250_106


def make_items(rng: np.random.Generator, m: int) -> list[RoadmapItem]:
    """m projects in rank order (the first 5% building), staffing 1..4 people, targets on half of them."""
    requires: dict[int, set[int]] = {k: set() for k in range(m)}
    links = 0
    while links < min(LINKS, m * (m - 1) // 2):
        producer, consumer = sorted(rng.choice(m, size=2, replace=False).tolist())
        if producer not in requires[consumer]:
            requires[consumer].add(producer)
            links += 1
    return [
        RoadmapItem(
            key=k,
            name=f"Project {k}",
            status="building" if k < m // 20 else "idea",
            staffing=int(rng.integers(1, 5)),
            target_week=float(rng.uniform(10, 200)) if k % 2 else None,
            requires=tuple(sorted(requires[k])),
        )
        for k in range(m)
    ]


def pert_parameters(rng: np.random.Generator, m: int, low: float, high: float) -> tuple[np.ndarray, ...]:
    """Per-project PERT ranges: (low, span, alpha, beta) vectors of length m."""
    lows = rng.uniform(low, high, m)
    spans = lows * rng.uniform(0.5, 3.0, m)
    likely = rng.uniform(0.1, 0.6, m)  # where the likely value sits within the range
    return lows, spans, 1 + 4 * likely, 1 + 4 * (1 - likely)


def draw(rng: np.random.Generator, trials: int, effort_pert: tuple, impact_pert: tuple) -> tuple[np.ndarray, ...]:
    """The raw draws, nothing else: the floor. Returns uniform, effort beta, impact beta, each (trials, m)."""
    m = effort_pert[0].size
    effort = rng.beta(effort_pert[2], effort_pert[3], (trials, m))
    impact = rng.beta(impact_pert[2], impact_pert[3], (trials, m))
    return rng.random((trials, m)), effort, impact


def simulate(items: list[RoadmapItem], effort: np.ndarray, success: np.ndarray, impact: np.ndarray) -> tuple:
    """Everything the recompute does with the samples (columns in rank order), as a service would call it."""
    order, left_off = schedule_order(items, delivered=frozenset())
    by_key = {item.key: (column, item) for column, item in enumerate(items)}
    columns = np.array([by_key[key][0] for key in order], dtype=np.intp)
    ordered = [by_key[key][1] for key in order]
    # Gather the columns as contiguous rows: simulate_schedule works on (m, trials) rows, so it will not copy.
    result = simulate_schedule(ordered, effort.T[columns].T, capacity=CAPACITY)
    bands = project_bands(result, ordered)
    curve = value_curve(result, success[:, columns], impact[:, columns])
    return result, bands, curve, left_off


def best_time(function, repeat: int) -> float:
    """Best wall time of ``repeat`` calls, in seconds."""
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        function()
        times.append(time.perf_counter() - began)
    return min(times)


def run(m: int, trials: int, repeat: int) -> None:
    rng = np.random.default_rng([SEED, m])
    items = make_items(rng, m)
    effort_pert, impact_pert = pert_parameters(rng, m, 1, 20), pert_parameters(rng, m, 10, 500)
    floor = best_time(lambda: draw(np.random.default_rng([SEED, m, 1]), trials, effort_pert, impact_pert), repeat)

    uniform, effort_beta, impact_beta = draw(np.random.default_rng([SEED, m, 1]), trials, effort_pert, impact_pert)
    success = uniform < rng.uniform(0.3, 0.95, m)
    effort = effort_pert[0] + effort_pert[1] * effort_beta  # person-weeks
    impact = impact_pert[0] + impact_pert[1] * impact_beta  # value units per year
    elapsed = best_time(lambda: simulate(items, effort, success, impact), repeat)

    tracemalloc.start()
    result, bands, curve, _ = simulate(items, effort, success, impact)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(
        f"{m:>8} {trials:>7} {CAPACITY:>8} {LINKS:>6} {floor * 1e3:>10.1f} {elapsed * 1e3:>14.1f} "
        f"{elapsed / floor:>7.2f}x {peak / 2**20:>12.1f}   (last P90 finish {max(b.finish_p90 for b in bands):.0f} "
        f"weeks, {len(curve)} curve points)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure; the best time is kept (default 3)")
    parser.add_argument("--trials", type=int, default=5_000, help="Monte Carlo trials (default 5,000)")
    args = parser.parse_args()
    print(f"NumPy {np.__version__}, best of {args.repeat}; peak = tracemalloc peak of one simulation call")
    print(
        f"{'projects':>8} {'trials':>7} {'capacity':>8} {'links':>6} {'floor ms':>10} {'simulation ms':>14} "
        f"{'ratio':>8} {'peak MiB':>12}"
    )
    for m in (100, 1_000):
        run(m, args.trials, args.repeat)


if __name__ == "__main__":
    main()
