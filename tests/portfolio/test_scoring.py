"""The ranking math, checked against hand-worked numbers and analytic expectations.

Monte Carlo tolerances are Z standard errors (sd / sqrt(trials)) of the quantity under test, with the
standard deviation worked out analytically, so a failure means a real bias and not bad luck.
"""

import math
from dataclasses import replace

import numpy as np
import pytest

from portfolio.sampling import pert_sample, pert_shape
from portfolio.scoring import (
    EXCLUDED_DELIVERED,
    EXCLUDED_NO_EFFORT,
    EXCLUDED_PARKED,
    Range,
    compute_ranking,
    draw_samples,
    rank_from_samples,
    reuse_credit,
)
from portfolio.scoring_inputs import (
    DEFAULT_SUCCESS_PROBABILITY,
    LinkInput,
    ProjectInput,
    ScoringSettings,
    success_probability,
)

Z = 5  # standard errors allowed: a false alarm about once in 1.7 million runs per check
TRIALS = 20_000
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


def constant(x: float) -> Range:
    return Range(x, x, x)


TEN_PERSON_WEEKS = constant(10.0)


def project(
    key: int,
    name: str | None = None,
    *,
    status: str = "idea",
    impact: Range | None = None,
    effort: Range | None = TEN_PERSON_WEEKS,
    tag: str | None = "easy",
    p: float | None = None,
) -> ProjectInput:
    """A project with convenient defaults: idea, impact 100/yr, effort 10 person-weeks, easy, p = tag default."""
    if p is None:
        p = DEFAULT_SUCCESS_PROBABILITY[tag or "hard"]
    return ProjectInput(
        key=key,
        name=name or f"project {key}",
        status=status,
        impact=impact or constant(100.0),
        effort=effort,
        tag=tag,
        success_probability=p,
    )


def settings(*, cost: float = 4.0, horizon: float = 1.0, trials: int = 2000, top_k: int = 10) -> ScoringSettings:
    return ScoringSettings(cost_per_person_week=cost, horizon_years=horizon, trials=trials, top_k=top_k)


def rank(projects, links=(), *, seed: int = 7, **kwargs):
    return compute_ranking(projects, links, settings(**kwargs), seed)


def by_key(result):
    return {score.key: score for score in result.scores}


def pert_moments(r: Range) -> tuple[float, float]:
    """Analytic mean and standard deviation of a PERT range (Beta with alpha + beta = 6)."""
    width = r.high - r.low
    if width == 0:
        return r.low, 0.0
    a = 1 + 4 * (r.likely - r.low) / width
    b = 1 + 4 * (r.high - r.likely) / width
    variance = a * b / ((a + b) ** 2 * (a + b + 1)) * width**2
    return r.low + width * a / (a + b), math.sqrt(variance)


# --- Range -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("low", "likely", "high"),
    [(2, 1, 3), (1, 3, 2), (3, 2, 1), (math.nan, 1, 2), (0, 1, math.inf), (-math.inf, 0, 1), ("x", 1, 2)],
)
def test_range_rejects_out_of_order_or_non_finite_bounds(low, likely, high):
    with pytest.raises(ValueError):
        Range(low, likely, high)


@pytest.mark.parametrize(("low", "likely", "high", "mean"), [(0, 0, 0, 0), (1, 2, 9, 3), (0, 5, 10, 5), (6, 6, 12, 7)])
def test_range_mean_is_the_pert_mean(low, likely, high, mean):
    assert Range(low, likely, high).mean == pytest.approx(mean, rel=1e-15)


# --- PERT sampling -----------------------------------------------------------------------------

PERT_RANGES = [
    Range(0, 5, 10),  # symmetric
    Range(1, 2, 10),  # right-skewed
    Range(0, 9, 10),  # left-skewed
    Range(2, 2, 8),  # likely at low
    Range(3, 7, 7),  # likely at high
    Range(1000, 1500, 5000),  # large values
]


@pytest.mark.parametrize("r", PERT_RANGES, ids=str)
def test_pert_sample_mean_is_the_pert_mean(r):
    values = pert_sample([r], TRIALS, np.random.default_rng(1))[:, 0]
    expected, sd = pert_moments(r)
    assert expected == pytest.approx(r.mean)
    assert abs(values.mean() - r.mean) <= Z * sd / math.sqrt(TRIALS)


@pytest.mark.parametrize("r", PERT_RANGES, ids=str)
def test_pert_sample_spread_is_the_pert_standard_deviation(r):
    values = pert_sample([r], TRIALS, np.random.default_rng(2))[:, 0]
    _, sd = pert_moments(r)
    # The sample sd of a bounded variable has standard error below width / sqrt(trials).
    assert abs(values.std() - sd) <= Z * (r.high - r.low) / math.sqrt(TRIALS)


def test_pert_samples_lie_within_their_ranges():
    samples = pert_sample(PERT_RANGES, TRIALS, np.random.default_rng(3))
    assert samples.shape == (TRIALS, len(PERT_RANGES))
    assert np.all(samples >= [r.low for r in PERT_RANGES])
    assert np.all(samples <= [r.high for r in PERT_RANGES])


@pytest.mark.parametrize("value", [0.0, 4.5, 1e6])
def test_pert_sample_is_constant_when_low_equals_high(value):
    samples = pert_sample([constant(value), Range(0, 1, 2)], 500, np.random.default_rng(4))
    assert np.all(samples[:, 0] == value)
    assert np.unique(samples[:, 1]).size == 500


def test_pert_sample_of_no_ranges_is_an_empty_column_block():
    assert pert_sample([], 10, np.random.default_rng(5)).shape == (10, 0)


def test_pert_shape_matches_the_formula():
    assert pert_shape(0, 2, 10) == pytest.approx((1.8, 4.2, 3.0))
    assert pert_shape(5, 5, 5) == (1.0, 1.0, 5.0)


@pytest.mark.parametrize("r", PERT_RANGES, ids=str)
def test_pert_sample_draws_the_beta_of_pert_shape(r):
    """Same generator state: the sample is low + width x Beta(alpha, beta) with pert_shape's parameters."""
    alpha, beta, mean = pert_shape(r.low, r.likely, r.high)
    expected = r.low + (r.high - r.low) * np.random.default_rng(6).beta(alpha, beta, size=(50, 1))
    np.testing.assert_array_equal(pert_sample([r], 50, np.random.default_rng(6)), np.minimum(expected, r.high))
    assert mean == r.mean


@pytest.mark.parametrize(
    "tag, override, expected",
    [("easy", None, 0.7), ("impossible", None, 0.05), (None, None, 0.4), ("hard", 0.25, 0.25), ("easy", 0.0, 0.0)],
)
def test_success_probability_is_the_override_else_the_tags_else_the_hard_one(tag, override, expected):
    by_tag = {"easy": 0.7, "hard": 0.4, "impossible": 0.05}
    assert success_probability(tag=tag, override=override, by_tag=by_tag) == expected


# --- Success draws -----------------------------------------------------------------------------


@pytest.mark.parametrize("p", [0.1, 0.5, 0.9, 0.97])
def test_success_rate_matches_the_success_probability(p):
    samples = draw_samples([project(1, p=p)], [], TRIALS, 6)
    assert samples.success.dtype == bool
    assert abs(samples.success.mean() - p) <= Z * math.sqrt(p * (1 - p) / TRIALS)


def test_probability_zero_never_succeeds_and_one_always_does():
    samples = draw_samples([project(1, p=0.0), project(2, p=1.0)], [], TRIALS, 7)
    assert not samples.success[:, 0].any()
    assert samples.success[:, 1].all()


def test_samples_have_one_column_per_project_in_input_order():
    projects = [project(30, impact=constant(1.0)), project(10, impact=constant(2.0)), project(20, effort=None)]
    samples = draw_samples(projects, [], 50, 8)
    assert samples.keys == (30, 10, 20)
    assert samples.success.shape == samples.impact.shape == samples.effort.shape == (50, 3)
    assert np.all(samples.impact[:, 0] == 1.0) and np.all(samples.impact[:, 1] == 2.0)


def test_effort_is_nan_for_a_project_without_an_effort_range():
    samples = draw_samples([project(1, effort=None), project(2)], [], 100, 9)
    assert np.isnan(samples.effort[:, 0]).all()
    assert np.all(samples.effort[:, 1] == 10.0)


def test_draw_samples_rejects_duplicate_project_keys():
    with pytest.raises(ValueError, match="unique"):
        draw_samples([project(1), project(1)], [], 10, 0)


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


# --- Reuse links -------------------------------------------------------------------------------


def test_unshipped_producer_earns_success_times_fraction_times_consumer_effort_times_cost():
    producer = project(1, status="building", p=0.5)
    consumer = project(2, effort=Range(5, 10, 30))
    projects = [producer, consumer, project(3)]
    links = [LinkInput(producer=1, consumer=2, kind="requires", fraction=0.25)]
    samples = draw_samples(projects, links, 1000, 12)
    credit = reuse_credit(samples, projects, links, 4.0)
    expected = samples.success[:, 0] * 0.25 * samples.effort[:, 1] * 4.0
    np.testing.assert_allclose(credit[:, 0], expected, rtol=1e-14)
    assert np.all(credit[:, 1:] == 0.0)
    assert 0 < np.count_nonzero(credit[:, 0]) < 1000  # only the trials in which the producer succeeds


def test_reuse_credit_adds_to_the_producers_value_and_not_the_consumers():
    projects = [project(1, p=0.5), project(2, effort=Range(5, 10, 30), p=0.9)]
    links = [LinkInput(producer=1, consumer=2, kind="benefits", fraction=0.4)]
    samples = draw_samples(projects, links, 2000, 13)
    scores = by_key(rank_from_samples(samples, projects, links, settings(horizon=2.0)))
    base = samples.success * samples.impact * 2.0
    credit = samples.success[:, 0] * 0.4 * samples.effort[:, 1] * 4.0
    assert scores[1].expected_value == pytest.approx((base[:, 0] + credit).mean(), rel=1e-12)
    assert scores[2].expected_value == pytest.approx(base[:, 1].mean(), rel=1e-12)
    assert scores[1].risk_adjusted_value_per_year == pytest.approx(base[:, 0].mean() / 2.0, rel=1e-12)


def test_producer_credit_is_counted_once_per_link_and_summed_over_consumers():
    projects = [project(1, p=1.0), project(2, effort=constant(10.0)), project(3, effort=constant(20.0))]
    links = [LinkInput(1, 2, "requires", 0.5), LinkInput(1, 3, "benefits", 0.25)]
    score = by_key(rank(projects, links, cost=4.0, horizon=1.0))[1]
    # 100 of impact plus 0.5 * 10 * 4 = 20 and 0.25 * 20 * 4 = 20 of credit, on a cost of 40.
    assert score.expected_value == 140.0
    assert score.expected_roi == 2.5


@pytest.mark.parametrize(
    ("fractions", "factor"),
    [([0.3], 0.7), ([0.5, 0.25], 0.25), ([0.5, 0.6], 0.1), ([0.9, 0.9, 0.9], 0.1), ([0.0], 1.0)],
)
def test_shipped_producers_shrink_the_consumers_effort_by_their_fractions_capped_at_ninety_percent(fractions, factor):
    consumer = project(1, effort=Range(5, 10, 30))
    producers = [project(10 + i, status=status) for i, status in enumerate(["shipped", "iterating", "shipped"])]
    links = [LinkInput(10 + i, 1, "requires", fraction) for i, fraction in enumerate(fractions)]
    projects = [consumer, *producers]
    plain = draw_samples(projects, [], 500, 14)
    linked = draw_samples(projects, links, 500, 14)
    np.testing.assert_allclose(linked.effort[:, 0], plain.effort[:, 0] * factor, rtol=1e-14)
    np.testing.assert_array_equal(linked.effort[:, 1:], plain.effort[:, 1:])
    assert np.all(reuse_credit(linked, projects, links, 4.0) == 0.0)  # a shipped producer earns no credit


def test_ranking_uses_the_consumers_effort_after_shipped_producers_savings():
    projects = [project(1, status="shipped"), project(2, effort=constant(10.0), p=1.0)]
    score = by_key(rank(projects, [LinkInput(1, 2, "benefits", 0.5)], cost=4.0))[2]
    assert score.expected_effort == 5.0 and score.expected_cost == 20.0
    assert score.expected_roi == 4.0  # (100 - 20) / 20


def test_credit_for_an_unshipped_producer_uses_the_consumers_effort_after_savings():
    projects = [project(1, status="shipped"), project(2, p=1.0), project(3, effort=constant(10.0))]
    links = [LinkInput(1, 3, "requires", 0.5), LinkInput(2, 3, "benefits", 0.25)]
    # Consumer effort 10 * (1 - 0.5) = 5 person-weeks; producer 2 earns 0.25 * 5 * 4 = 5 on top of 100.
    assert by_key(rank(projects, links, cost=4.0))[2].expected_value == 105.0


@pytest.mark.parametrize(
    "consumer",
    [
        project(2, status="parked"),
        project(2, status="shipped"),
        project(2, status="iterating"),
        project(2, effort=None, tag=None),
    ],
    ids=["parked", "shipped", "iterating", "no effort"],
)
def test_consumer_not_to_be_built_or_without_effort_gives_no_credit(consumer):
    projects = [project(1, p=1.0), consumer]
    links = [LinkInput(1, 2, "requires", 0.5)]
    samples = draw_samples(projects, links, 200, 15)
    assert np.all(reuse_credit(samples, projects, links, 4.0) == 0.0)
    assert by_key(rank(projects, links))[1].expected_value == 100.0


def test_links_naming_unknown_projects_are_ignored():
    projects = [project(1, p=1.0), project(2, status="shipped")]
    links = [LinkInput(1, 99, "requires", 0.5), LinkInput(98, 1, "requires", 0.5), LinkInput(2, 97, "benefits", 0.5)]
    assert rank(projects, links) == rank(projects, [])


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


def random_portfolio(n: int, seed: int) -> list[ProjectInput]:
    rng = np.random.default_rng(seed)
    tags = ["easy", "hard", "impossible", None]
    projects = []
    for key in range(n):
        low = float(rng.uniform(1, 10))
        tag = tags[key % 4]
        effort = Range(low, low * 2, low * 5)
        projects.append(project(key, impact=Range(0, low * 20, low * 80), effort=effort, tag=tag))
    return projects


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


# --- Reproducibility ---------------------------------------------------------------------------


def test_same_seed_gives_identical_results():
    projects = random_portfolio(12, seed=3)
    links = [LinkInput(0, 5, "requires", 0.3), LinkInput(1, 6, "benefits", 0.2)]
    assert rank(projects, links, seed=42) == rank(projects, links, seed=42)


def test_different_seeds_give_different_results():
    projects = random_portfolio(12, seed=3)
    assert rank(projects, seed=1) != rank(projects, seed=2)


def test_rank_from_drawn_samples_equals_compute_ranking():
    projects = random_portfolio(12, seed=4) + [project(50, status="shipped"), project(51, effort=None)]
    links = [LinkInput(50, 3, "requires", 0.4), LinkInput(2, 7, "benefits", 0.3)]
    config = settings(trials=500, top_k=3)
    samples = draw_samples(projects, links, config.trials, 5)
    assert rank_from_samples(samples, projects, links, config) == compute_ranking(projects, links, config, 5)


def test_each_project_draws_from_its_own_three_streams_of_the_seed():
    """DESIGN.md, "Common random numbers": default_rng([seed, key, k]), k = 0 success, 1 impact, 2 effort."""
    projects = [project(7, impact=Range(0, 1, 5), effort=Range(1, 2, 6), p=0.5), project(9, effort=None)]
    samples = draw_samples(projects, [], 300, 16)
    for column, (key, p, impact) in enumerate([(7, 0.5, Range(0, 1, 5)), (9, 0.9, constant(100.0))]):
        uniforms = np.random.default_rng([16, key, 0]).random(300)
        np.testing.assert_array_equal(samples.success[:, column], uniforms < p)
        impact_draws = pert_sample([impact], 300, np.random.default_rng([16, key, 1]))[:, 0]
        np.testing.assert_array_equal(samples.impact[:, column], impact_draws)
    effort_draws = pert_sample([Range(1, 2, 6)], 300, np.random.default_rng([16, 7, 2]))[:, 0]
    np.testing.assert_array_equal(samples.effort[:, 0], effort_draws)
    assert np.isnan(samples.effort[:, 1]).all()


def test_a_projects_draws_do_not_depend_on_the_other_projects():
    alone = draw_samples([project(3)], [], 400, 99)
    crowd = [project(1, impact=Range(5, 50, 500)), project(3), project(8, effort=Range(1, 1, 1), p=0.1)]
    together = draw_samples(crowd, [], 400, 99)
    for name in ("success", "impact", "effort"):
        np.testing.assert_array_equal(getattr(together, name)[:, 1], getattr(alone, name)[:, 0])


def test_more_trials_keep_the_first_draws():
    few, many = draw_samples([project(4)], [], 300, 5), draw_samples([project(4)], [], 3000, 5)
    for name in ("success", "impact", "effort"):
        np.testing.assert_array_equal(getattr(many, name)[:300], getattr(few, name))


def test_editing_one_project_leaves_every_unlinked_projects_figures_bit_for_bit():
    projects = [project(k, impact=Range(10 * k, 40 * k, 90 * k), effort=Range(k, 2 * k, 5 * k)) for k in range(1, 9)]
    links = [LinkInput(producer=1, consumer=2, kind="benefits", fraction=0.3)]
    before = compute_ranking(projects, links, settings(top_k=3), 11)
    edited = [replace(p, impact=Range(1, 2, 3000)) if p.key == 5 else p for p in projects]
    after = compute_ranking(edited, links, settings(top_k=3), 11)
    own = ("expected_value", "expected_effort", "expected_cost", "expected_roi", "roi_p10", "roi_p50", "roi_p90")
    old, new = ({s.key: s for s in r.scores} for r in (before, after))
    for key in (1, 2, 3, 4, 6, 7, 8):
        assert {f: getattr(new[key], f) for f in own} == {f: getattr(old[key], f) for f in own}
    assert new[5].expected_value != old[5].expected_value


@pytest.mark.parametrize("seed", [-1, 2**63, 1.5, "7", True])
def test_a_seed_must_be_a_non_negative_64_bit_integer(seed):
    with pytest.raises(ValueError, match="seed"):
        draw_samples([project(1)], [], 10, seed)


def test_project_keys_must_be_non_negative_integers_to_seed_their_streams():
    with pytest.raises(ValueError, match="non-negative"):
        draw_samples([project(-1)], [], 10, 1)


# --- Input validation --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes",
    [{"status": "done"}, {"tag": "trivial"}, {"success_probability": 1.5}, {"success_probability": math.nan}],
)
def test_project_input_rejects_invalid_fields(changes):
    fields = dict(key=1, name="x", status="idea", impact=constant(1.0), effort=None, tag=None, success_probability=0.5)
    with pytest.raises(ValueError):
        ProjectInput(**{**fields, **changes})


@pytest.mark.parametrize(("kind", "fraction"), [("requires", 0.95), ("benefits", -0.1), ("needs", 0.2)])
def test_link_input_rejects_invalid_kind_or_fraction(kind, fraction):
    with pytest.raises(ValueError):
        LinkInput(1, 2, kind, fraction)


@pytest.mark.parametrize("changes", [{"cost": 0.0}, {"cost": math.inf}, {"horizon": -1.0}, {"trials": 0}, {"top_k": 0}])
def test_scoring_settings_reject_values_that_make_figures_undefined(changes):
    with pytest.raises(ValueError):
        settings(**changes)
