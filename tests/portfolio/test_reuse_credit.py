"""Reuse links in the ranking math: the credit an unshipped producer earns, and the effort a shipped producer saves
its consumers, against hand-worked numbers."""

import numpy as np
import pytest

from portfolio.scoring import Range, draw_samples, rank_from_samples, reuse_credit
from portfolio.scoring_inputs import LinkInput
from tests.portfolio.conftest import by_key, constant, project, rank, settings


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
