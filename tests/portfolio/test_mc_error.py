"""Monte Carlo error of the ranking (``portfolio.mc_error`` and the figures ``portfolio.scoring`` gives from it):
standard errors, P(loss) and statistical ties, against hand-worked numbers."""

import math
from dataclasses import replace

import numpy as np
import pytest

from portfolio.mc_error import roi_error_and_loss, statistically_tied, tied_with_above
from portfolio.scoring import Range, draw_samples, rank_from_samples
from tests.portfolio.conftest import Z, constant, project, rank, settings


def test_standard_error_and_loss_of_a_hand_worked_array():
    # Column 0: ROIs -1, 1, -0.5, 0.5 (mean 0, squared deviations 1 + 1 + 0.25 + 0.25 = 2.5, two losses);
    # column 1: always +200% (no error, no loss).
    roi = np.array([[-1.0, 2.0], [1.0, 2.0], [-0.5, 2.0], [0.5, 2.0]])
    se, loss = roi_error_and_loss(roi, roi.mean(axis=0))
    assert se.tolist() == pytest.approx([math.sqrt(2.5 / 4) / 2, 0.0], abs=1e-15)
    assert loss.tolist() == [0.5, 0.0]


def test_an_roi_of_exactly_zero_is_not_a_loss():
    roi = np.array([[0.0], [-1e-12], [0.0], [3.0]])
    assert roi_error_and_loss(roi, roi.mean(axis=0))[1].tolist() == [0.25]


def test_standard_error_is_the_same_over_many_blocks_of_trials_as_numpy_std():
    roi = np.random.default_rng(3).normal(1.0, 2.0, size=(1_001, 5))  # four blocks of 256 trials, the last short
    se, loss = roi_error_and_loss(roi, roi.mean(axis=0))
    np.testing.assert_allclose(se, roi.std(axis=0) / math.sqrt(1_001), rtol=1e-12)
    np.testing.assert_array_equal(loss, (roi < 0).mean(axis=0))


def test_ranking_gives_each_projects_standard_error_and_share_of_losing_trials():
    # Constant ranges: roi_t is +150% when the project succeeds and -100% when it fails.
    trials = 20_000
    projects = [project(1, p=0.5), project(2, p=0.9, impact=Range(20, 100, 400), effort=Range(2, 10, 30))]
    samples = draw_samples(projects, [], trials, 10)
    scores = {s.key: s for s in rank_from_samples(samples, projects, [], settings(trials=trials)).scores}
    failures = 1 - samples.success[:, 0].mean()
    assert scores[1].p_loss == pytest.approx(failures, abs=1e-12)
    roi = np.where(samples.success[:, 0] == 1, 1.5, -1.0)
    assert scores[1].roi_se == pytest.approx(roi.std() / math.sqrt(trials), rel=1e-9)
    # Analytically sd = 2.5 * sqrt(p (1 - p)) = 1.25; its estimate is within Z of its own standard error.
    assert scores[1].roi_se * math.sqrt(trials) == pytest.approx(1.25, abs=Z * 1.25 / math.sqrt(2 * trials))
    assert 0 < scores[2].p_loss < 1 and scores[2].roi_se > 0


def test_a_certain_project_has_no_error_and_no_loss_and_a_failing_one_always_loses():
    certain, hopeless = rank([project(1, p=1.0), project(2, p=0.0, impact=constant(50.0))]).scores
    assert (certain.roi_se, certain.p_loss) == (0.0, 0.0)
    assert (hopeless.roi_se, hopeless.p_loss) == (0.0, 1.0)


def test_excluded_projects_have_no_error_figures():
    score = rank([project(1, status="parked")]).scores[0]
    assert (score.roi_se, score.p_loss, score.tied_with_above) == (None, None, False)


@pytest.mark.parametrize(
    ("roi_a", "se_a", "roi_b", "se_b", "tied"),
    [
        (1.0, 0.1, 0.75, 0.1, True),  # 0.25 < 2 * sqrt(0.02) = 0.283
        (1.0, 0.1, 0.70, 0.1, False),  # 0.30 > 0.283
        (0.0, 0.3, 1.0, 0.4, False),  # exactly 2 * 0.5: not less, not tied
        (0.0, 0.3, 0.99, 0.4, True),
        (2.0, 0.0, 2.0, 0.0, False),  # exact and equal: no error to tie them
        (-1.0, 0.0, -1.0, 0.2, True),  # 0 < 0.4
        (1.0, None, 1.0, 0.1, False),  # a figure missing (an old snapshot): never tied
    ],
)
def test_two_expected_rois_are_tied_when_within_two_standard_errors_of_their_difference(roi_a, se_a, roi_b, se_b, tied):
    assert statistically_tied(roi_a, se_a, roi_b, se_b) is tied
    assert statistically_tied(roi_b, se_b, roi_a, se_a) is tied


def test_each_ranked_project_is_compared_with_the_one_just_above_it():
    # 3.0 vs 2.9: 0.1 < 2 * 0.0707 = 0.141 (tied); 2.9 vs 2.0 (not); 2.0 vs 1.95 (tied); then no figures.
    rois = [3.0, 2.9, 2.0, 1.95, None]
    ses = [0.05, 0.05, 0.05, 0.01, None]
    assert tied_with_above(rois, ses) == [False, True, False, True, False]
    assert tied_with_above([], []) == []


def test_tie_lists_must_be_parallel():
    with pytest.raises(ValueError, match="parallel"):
        tied_with_above([1.0], [])


def test_the_ranking_marks_a_project_tied_with_the_one_above_by_its_own_figures():
    # Two identical uncertain projects (different streams) tie; a certain one far below does not.
    projects = [
        project(1, p=0.5, impact=Range(50, 100, 200)),
        project(2, p=0.5, impact=Range(50, 100, 200)),
        project(3, p=1.0, impact=constant(10.0)),
    ]
    scores = rank(projects).scores
    assert [s.key for s in scores][2] == 3
    assert [s.tied_with_above for s in scores] == tied_with_above(
        [s.expected_roi for s in scores], [s.roi_se for s in scores]
    )
    assert [s.tied_with_above for s in scores] == [False, True, False]


def test_a_projects_error_and_loss_stay_bit_for_bit_when_other_projects_are_added_or_edited():
    projects = [
        project(k, impact=Range(10 * k, 40 * k, 90 * k), effort=Range(k, 2 * k, 5 * k), tag="hard")
        for k in range(1, 14)
    ]
    more = projects + [project(k, impact=Range(1, 5, 9), tag="hard") for k in range(14, 21)]
    edited = [replace(p, impact=Range(1, 2, 3000)) if p.key == 5 else p for p in projects]
    runs = [{s.key: (s.roi_se, s.p_loss) for s in rank(ps, top_k=3).scores} for ps in (projects, more, edited)]
    for key in (k for k in range(1, 14) if k != 5):
        assert runs[0][key] == runs[1][key] == runs[2][key]
    assert runs[2][5] != runs[0][5]
