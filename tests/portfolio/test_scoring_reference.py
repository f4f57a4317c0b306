"""portfolio.scoring against an independent, deliberately naive implementation of DESIGN.md's math.

The reference below loops over trials and projects in plain Python with its own random stream, written
from DESIGN.md ("The numbers") alone. Both are run on random portfolios (reuse links from shipped and
unshipped producers, every tag, unassessed projects, excluded ones) and must agree within Monte Carlo
error computed from the trial counts: expected ROI, ROI percentiles, P(top-K), and the order of projects
whose expected ROI clearly differs.
"""

import math
import random

import pytest

from portfolio import scoring

TRIALS = 3000
TO_BUILD = {"idea", "discovery", "building"}
DELIVERED = {"shipped", "iterating"}


def reference_pert(rng: random.Random, low: float, likely: float, high: float) -> float:
    """A PERT draw as DESIGN.md defines it: Beta(alpha, beta) on [low, high]."""
    if high == low:
        return low
    alpha = 1 + 4 * (likely - low) / (high - low)
    beta = 1 + 4 * (high - likely) / (high - low)
    return low + (high - low) * rng.betavariate(alpha, beta)


def reference_trials(projects, links, *, cost, horizon, trials, seed):
    """ROI per trial of every ranked project, {key: [roi_t]}, by a loop per trial and project."""
    rng = random.Random(seed)
    by_key = {p.key: p for p in projects}
    ranked = [p.key for p in projects if p.status in TO_BUILD and p.effort is not None]
    shipped_saving = {p.key: 0.0 for p in projects}
    for link in links:
        if by_key[link.producer].status in DELIVERED:
            shipped_saving[link.consumer] += link.fraction
    rois = {key: [] for key in ranked}
    for _ in range(trials):
        success, impact, effort = {}, {}, {}
        for p in projects:
            success[p.key] = rng.random() < p.success_probability
            impact[p.key] = reference_pert(rng, p.impact.low, p.impact.likely, p.impact.high)
            if p.effort is not None:
                saving = 1 - min(0.9, shipped_saving[p.key])
                effort[p.key] = reference_pert(rng, p.effort.low, p.effort.likely, p.effort.high) * saving
        for key in ranked:
            value = success[key] * impact[key] * horizon
            for link in links:
                consumer = by_key[link.consumer]
                if (
                    link.producer == key
                    and by_key[key].status not in DELIVERED
                    and consumer.status in TO_BUILD
                    and consumer.key in effort
                ):
                    value += success[key] * link.fraction * effort[consumer.key] * cost
            spent = effort[key] * cost
            rois[key].append((value - spent) / spent)
    return rois


def random_portfolio(seed: int, n: int = 12):
    """n projects of every kind and about n/2 acyclic reuse links (producer key < consumer key)."""
    rng = random.Random(seed)
    projects = []
    for key in range(n):
        status = rng.choice(["idea", "idea", "discovery", "building", "shipped", "iterating", "parked"])
        tag = rng.choice(["easy", "hard", "impossible", None])
        low = rng.uniform(0, 300)
        impact = scoring.Range(low, low + rng.uniform(0, 300), low + rng.uniform(300, 900))
        elow = rng.uniform(1, 10)
        effort = scoring.Range(elow, elow * rng.uniform(1, 2), elow * rng.uniform(2, 4))
        if tag is None and rng.random() < 0.3:
            effort = None
        if rng.random() < 0.1:
            effort = scoring.Range(elow, elow, elow)  # a constant effort is allowed
        p = {"easy": 0.9, "hard": 0.5, "impossible": 0.0, None: 0.5}[tag]
        if tag is not None and rng.random() < 0.2:
            p = round(rng.uniform(0.05, 0.95), 2)  # an EM's override
        projects.append(scoring.ProjectInput(key, f"p{key:02d}", status, impact, effort, tag, p))
    links = []
    for _ in range(n // 2):
        producer, consumer = sorted(rng.sample(range(n), 2))
        if all((link.producer, link.consumer) != (producer, consumer) for link in links):
            kind = rng.choice(["requires", "benefits"])
            links.append(scoring.LinkInput(producer, consumer, kind, round(rng.uniform(0, 0.6), 2)))
    return projects, links


def share(values, predicate) -> float:
    return sum(1 for v in values if predicate(v)) / len(values)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_ranking_agrees_with_an_independent_implementation(seed):
    projects, links = random_portfolio(seed)
    cost, horizon, top_k = 4.0, 1.5, 3
    settings = scoring.ScoringSettings(cost_per_person_week=cost, horizon_years=horizon, trials=TRIALS, top_k=top_k)
    result = scoring.compute_ranking(projects, links, settings, seed)
    reference = reference_trials(projects, links, cost=cost, horizon=horizon, trials=TRIALS, seed=1000 + seed)
    scores = {s.key: s for s in result.scores}

    assert {s.key for s in result.scores if s.rank is not None} == set(reference)
    # Ties (failed projects all score an ROI of -1) are broken at random: P(top-K) is then the expected share.
    tie_break = random.Random(seed)
    top_counts = dict.fromkeys(reference, 0)
    keys = list(reference)
    for t in range(TRIALS):
        for key in sorted(keys, key=lambda k: (reference[k][t], tie_break.random()), reverse=True)[:top_k]:
            top_counts[key] += 1

    for key, rois in reference.items():
        score = scores[key]
        mean = sum(rois) / TRIALS
        sd = math.sqrt(sum((r - mean) ** 2 for r in rois) / (TRIALS - 1))
        tolerance = 4 * sd * math.sqrt(2 / TRIALS) + 1e-9
        assert abs(score.expected_roi - mean) <= tolerance, (key, score.expected_roi, mean, tolerance)
        # Percentiles: the reference's share of trials below scoring's P-q must be about q (atoms allowed).
        for q, value in [(0.1, score.roi_p10), (0.5, score.roi_p50), (0.9, score.roi_p90)]:
            band = 4 * math.sqrt(q * (1 - q) / TRIALS) + 0.01
            assert share(rois, lambda r, v=value: r < v - 1e-9) <= q + band, (key, q)
            assert share(rois, lambda r, v=value: r <= v + 1e-9) >= q - band, (key, q)
        p = top_counts[key] / TRIALS
        assert abs(score.p_top_k - p) <= 4 * math.sqrt(max(p * (1 - p), 1e-4) * 2 / TRIALS) + 0.01, key

    # Order: impossible last; among the rest, clearly different expected ROIs come in the same order.
    ranked = sorted((s for s in result.scores if s.rank is not None), key=lambda s: s.rank)
    for a, b in zip(ranked, ranked[1:], strict=False):
        if (a.tag == "impossible") == (b.tag == "impossible"):
            assert a.expected_roi >= b.expected_roi
        else:
            assert b.tag == "impossible"
    means = {key: sum(rois) / TRIALS for key, rois in reference.items()}
    for a in ranked:
        for b in ranked:
            clearly_better = means[a.key] > means[b.key] + 0.25 * (abs(means[b.key]) + 0.5)
            if a.rank < b.rank or a.tag == "impossible" or b.tag == "impossible":
                continue
            assert not clearly_better, f"{a.name} ranks below {b.name} though its expected ROI is clearly higher"
