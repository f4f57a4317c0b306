"""The ranking is reproducible from its seed: the same seed gives the same figures, and each project draws from its
own streams of it (common random numbers), so editing one project leaves the others' figures bit for bit."""

from dataclasses import replace

import numpy as np
import pytest

from portfolio.sampling import pert_sample
from portfolio.scoring import Range, compute_ranking, draw_samples, rank_from_samples
from portfolio.scoring_inputs import LinkInput
from tests.portfolio.conftest import constant, project, random_portfolio, rank, settings


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
