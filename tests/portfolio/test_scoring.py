"""The ranking math, checked against hand-worked numbers and analytic expectations.

Monte Carlo tolerances are Z standard errors (sd / sqrt(trials)) of the quantity under test, with the
standard deviation worked out analytically, so a failure means a real bias and not bad luck.
"""

import math

import numpy as np
import pytest

from portfolio.scoring import (
    EXCLUDED_DELIVERED,
    EXCLUDED_NO_EFFORT,
    EXCLUDED_PARKED,
    Range,
    draw_samples,
    rank_from_samples,
)
from portfolio.scoring_inputs import DEFAULT_SUCCESS_PROBABILITY
from tests.portfolio.conftest import (
    TRIALS,
    Z,
    by_key,
    constant,
    pert_moments,
    project,
    random_portfolio,
    rank,
    settings,
)

FIGURES = (
    "expected_value",
    "expected_effort",
    "expected_cost",
    "expected_roi",
    "roi_p10",
    "roi_p50",
    "roi_p90",
    "value_p10",
    "value_p90",
    "effort_p10",
    "effort_p90",
    "p_top_k",
    "risk_adjusted_value_per_year",
)


# --- ROI ---------------------------------------------------------------------------------------


def test_roi_is_minus_one_when_project_fails():
    # Constant ranges: ROI takes exactly two values, -1 in failed trials and (100 - 40) / 40 otherwise.
    projects = [project(1, p=0.5)]
    samples = draw_samples(projects, [], TRIALS, 10)
    score = rank_from_samples(samples, projects, [], settings(trials=TRIALS)).scores[0]
    successes = samples.success[:, 0].mean()
    assert 0 < successes < 1
    assert score.expected_roi == pytest.approx(successes * 1.5 + (1 - successes) * -1.0, abs=1e-12)
    assert score.roi_p10 == -1.0
    assert score.roi_p90 == 1.5


def test_roi_is_exactly_minus_one_for_a_project_that_never_succeeds():
    score = rank([project(1, p=0.0, impact=Range(10, 50, 300), effort=Range(1, 3, 9))]).scores[0]
    assert score.expected_roi == score.roi_p10 == score.roi_p50 == score.roi_p90 == -1.0
    assert score.expected_value == score.value_p10 == score.value_p90 == 0.0


def test_certain_constant_project_has_the_hand_computed_figures():
    # impact 100 per year over 1 year, effort 10 person-weeks at 4 per person-week: (100 - 40) / 40 = 1.5.
    score = rank([project(1, impact=constant(100.0), effort=constant(10.0), p=1.0)], cost=4.0, horizon=1.0).scores[0]
    assert score.rank == 1 and score.excluded_reason == ""
    assert score.expected_roi == score.roi_p10 == score.roi_p50 == score.roi_p90 == 1.5
    assert score.expected_value == score.value_p10 == score.value_p90 == 100.0
    assert score.expected_effort == score.effort_p10 == score.effort_p90 == 10.0
    assert score.expected_cost == 40.0
    assert score.risk_adjusted_value_per_year == 100.0
    assert score.p_top_k == 1.0


@pytest.mark.parametrize(
    ("impact", "p", "horizon", "effort", "cost"),
    [
        (Range(0, 50, 200), 0.5, 1.0, 10.0, 4.0),
        (Range(100, 150, 400), 0.9, 2.0, 25.0, 4.0),
        (Range(10, 90, 100), 0.2, 3.0, 3.0, 10.0),
        (Range(0, 0, 1000), 1.0, 0.5, 40.0, 2.5),
    ],
)
def test_expected_roi_matches_the_analytic_expectation(impact, p, horizon, effort, cost):
    # With constant effort E: E[roi] = (p * mean(impact) * horizon - E c) / (E c).
    score = rank([project(1, impact=impact, effort=constant(effort), p=p)], cost=cost, horizon=horizon, trials=TRIALS)
    score = score.scores[0]
    budget = effort * cost
    mean, sd = pert_moments(impact)
    expected = (p * impact.mean * horizon - budget) / budget
    sd_roi = math.sqrt(p * (sd**2 + mean**2) - (p * mean) ** 2) * horizon / budget  # sd of success * impact
    assert abs(score.expected_roi - expected) <= Z * sd_roi / math.sqrt(TRIALS)
    sd_value = sd_roi * budget / horizon
    assert abs(score.risk_adjusted_value_per_year - p * impact.mean) <= Z * sd_value / math.sqrt(TRIALS)


def test_figures_are_means_and_percentiles_over_the_trials():
    projects = [project(1, impact=Range(0, 40, 300), effort=Range(2, 6, 30), p=0.7)]
    samples = draw_samples(projects, [], 3000, 11)
    score = rank_from_samples(samples, projects, [], settings(cost=4.0, horizon=2.0)).scores[0]
    value = samples.success[:, 0] * samples.impact[:, 0] * 2.0
    effort = samples.effort[:, 0]
    roi = value / (effort * 4.0) - 1
    assert score.expected_value == pytest.approx(value.mean(), rel=1e-12)
    assert score.expected_effort == pytest.approx(effort.mean(), rel=1e-12)
    assert score.expected_cost == pytest.approx(4.0 * effort.mean(), rel=1e-12)
    assert score.expected_roi == pytest.approx(roi.mean(), rel=1e-12)
    assert [score.roi_p10, score.roi_p50, score.roi_p90] == pytest.approx(np.percentile(roi, [10, 50, 90]), rel=1e-12)
    assert [score.value_p10, score.value_p90] == pytest.approx(np.percentile(value, [10, 90]), rel=1e-12)
    assert [score.effort_p10, score.effort_p90] == pytest.approx(np.percentile(effort, [10, 90]), rel=1e-12)
    assert score.risk_adjusted_value_per_year == pytest.approx(value.mean() / 2.0, rel=1e-12)


@pytest.mark.parametrize(
    "projects",
    [
        [project(1, impact=constant(0.0), p=0.0)],
        [project(1, impact=constant(0.0), effort=constant(0.1), p=1.0)],
        [project(1, impact=Range(0, 0, 0), effort=Range(1, 1, 2), p=1.0), project(2, p=0.0, tag="impossible")],
        [project(1, tag=None, p=0.5), project(2, effort=Range(0.5, 0.5, 0.5), impact=Range(0, 1e6, 1e6))],
    ],
)
def test_degenerate_portfolios_give_finite_figures(projects):
    for score in rank(projects, trials=200, top_k=1).scores:
        assert score.rank is not None
        assert all(math.isfinite(getattr(score, name)) for name in FIGURES)


# --- Ranking -----------------------------------------------------------------------------------


def test_projects_are_ranked_by_expected_roi_descending():
    projects = [project(key, impact=constant(impact), p=1.0) for key, impact in [(1, 50.0), (2, 200.0), (3, 100.0)]]
    result = rank(projects)
    assert [(s.key, s.rank) for s in result.scores] == [(2, 1), (3, 2), (1, 3)]
    assert [s.expected_roi for s in result.scores] == [4.0, 1.5, 0.25]


def test_impossible_project_comes_last_even_with_the_highest_roi():
    projects = [
        project(1, "moonshot", impact=constant(10_000.0), tag="impossible", p=1.0),  # EM override of p
        project(2, "modest", impact=constant(50.0), p=1.0),
        project(3, "hopeless", impact=constant(10.0), tag="impossible", p=0.2),
        project(4, "solid", impact=constant(100.0), p=1.0),
    ]
    result = rank(projects)
    assert [s.name for s in result.scores] == ["solid", "modest", "moonshot", "hopeless"]
    assert [s.rank for s in result.scores] == [1, 2, 3, 4]


def test_ties_in_expected_roi_are_ranked_by_name():
    projects = [project(1, "charlie", p=1.0), project(2, "alpha", p=1.0), project(3, "bravo", p=1.0)]
    assert [s.name for s in rank(projects).scores] == ["alpha", "bravo", "charlie"]


def test_excluded_projects_follow_the_ranked_ones_by_name_with_their_reasons():
    projects = [
        project(1, "zeta shipped", status="shipped"),
        project(2, "ranked low", impact=constant(10.0)),
        project(3, "eta parked", status="parked"),
        project(4, "alpha iterating", status="iterating"),
        project(5, "beta unestimated", effort=None, tag=None),
        project(6, "ranked high", impact=constant(1000.0)),
    ]
    result = rank(projects)
    assert [(s.name, s.rank, s.excluded_reason) for s in result.scores] == [
        ("ranked high", 1, ""),
        ("ranked low", 2, ""),
        ("alpha iterating", None, EXCLUDED_DELIVERED),
        ("beta unestimated", None, EXCLUDED_NO_EFFORT),
        ("eta parked", None, EXCLUDED_PARKED),
        ("zeta shipped", None, EXCLUDED_DELIVERED),
    ]
    assert EXCLUDED_DELIVERED == "delivered (shipped or iterating)"
    assert EXCLUDED_NO_EFFORT == "needs an effort estimate (no feasibility assessment or provisional effort range)"
    for score in result.scores[2:]:
        assert all(getattr(score, name) is None for name in FIGURES)
    unestimated = by_key(result)[5]
    assert unestimated.needs_feasibility and unestimated.tag is None and unestimated.success_probability == 0.5


def test_unassessed_project_is_ranked_and_flagged_as_needing_feasibility():
    score = rank([project(1, tag=None, effort=Range(1, 2, 4))]).scores[0]
    assert score.rank == 1 and score.needs_feasibility and score.tag is None
    assert score.success_probability == DEFAULT_SUCCESS_PROBABILITY["hard"]


def test_ranking_result_records_trials_and_top_k():
    result = rank([project(1)], trials=123, top_k=4)
    assert (result.trials, result.top_k) == (123, 4)


@pytest.mark.parametrize("effort", [Range(0, 1, 2), Range(-1, 0, 1), constant(0.0)])
def test_ranked_project_with_an_effort_that_can_reach_zero_is_rejected(effort):
    with pytest.raises(ValueError, match="effort low must be above 0"):
        rank([project(1, effort=effort)])


def test_zero_effort_is_accepted_for_a_project_that_is_not_ranked():
    result = rank([project(1, status="shipped", effort=constant(0.0)), project(2)])
    assert [s.rank for s in result.scores] == [1, None]


def test_rank_from_samples_rejects_samples_drawn_for_other_projects():
    samples = draw_samples([project(1), project(2)], [], 10, 0)
    with pytest.raises(ValueError, match="other projects"):
        rank_from_samples(samples, [project(2), project(1)], [], settings())


def test_empty_portfolio_has_an_empty_ranking():
    assert rank([]).scores == ()


def test_portfolio_with_nothing_to_rank_lists_every_project_as_excluded():
    result = rank([project(1, "b", status="parked"), project(2, "a", effort=None)], top_k=3)
    assert [(s.name, s.rank) for s in result.scores] == [("a", None), ("b", None)]


# --- P(top-K) ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("n", "top_k"), [(15, 5), (15, 1), (40, 10), (7, 6)])
def test_p_top_k_sums_to_k_over_the_ranked_projects(n, top_k):
    projects = random_portfolio(n, seed=n + top_k)
    projects.append(project(1000, status="shipped"))
    ranked = [s for s in rank(projects, top_k=top_k).scores if s.rank is not None]
    assert sum(s.p_top_k for s in ranked) == pytest.approx(top_k, abs=1e-9)
    assert all(0.0 <= s.p_top_k <= 1.0 for s in ranked)


@pytest.mark.parametrize(("n", "top_k"), [(1, 10), (3, 3), (9, 10)])
def test_p_top_k_is_one_for_every_project_when_no_more_than_k_are_ranked(n, top_k):
    result = rank(random_portfolio(n, seed=1) + [project(99, status="parked")], top_k=top_k)
    assert [s.p_top_k for s in result.scores if s.rank is not None] == [1.0] * n


def test_dominant_project_is_always_in_the_top_k():
    projects = random_portfolio(20, seed=2) + [project(99, impact=constant(1e7), p=1.0)]
    assert by_key(rank(projects, top_k=1))[99].p_top_k == 1.0


def test_ties_at_the_kth_place_are_shared_fairly():
    projects = [project(key, p=0.0, tag="hard") for key in (1, 2, 3)]
    assert [s.p_top_k for s in rank(projects, top_k=1).scores] == pytest.approx([1 / 3] * 3, abs=1e-12)
    projects.append(project(4, p=1.0))
    shares = by_key(rank(projects, top_k=2))
    assert shares[4].p_top_k == 1.0
    assert [shares[key].p_top_k for key in (1, 2, 3)] == pytest.approx([1 / 3] * 3, abs=1e-12)


def test_p_top_one_of_two_uncertain_projects_matches_the_analytic_probability():
    # A: ROI 2 if it succeeds (p = 0.5); B: ROI 1 if it succeeds (p = 0.5); both fail: a shared tie at -1.
    # P(A top) = 0.5 + 0.25 / 2 = 0.625, P(B top) = 0.25 + 0.25 / 2 = 0.375; per-trial scores are 0, 1/2, 1.
    projects = [project(1, impact=constant(120.0), p=0.5), project(2, impact=constant(80.0), p=0.5)]
    scores = by_key(rank(projects, top_k=1, trials=TRIALS))
    sd_a = math.sqrt(0.5 * 1.0 + 0.25 * 0.25 - 0.625**2)
    assert abs(scores[1].p_top_k - 0.625) <= Z * sd_a / math.sqrt(TRIALS)
    assert scores[1].p_top_k + scores[2].p_top_k == pytest.approx(1.0, abs=1e-12)
