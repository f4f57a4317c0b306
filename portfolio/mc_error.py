"""Monte Carlo error of the ranking: the standard error of each expected ROI, P(loss), and statistical ties.

Pure math (stdlib and NumPy only; no Django, nothing of ours). ROIs are ratios, and so are their standard errors,
sd(roi_t) / sqrt(trials): how far the mean over the trials may be from the mean over infinitely many trials.
Two adjacent ranked projects a and b are tied when |E_a - E_b| < TIE_STANDARD_ERRORS * sqrt(SE_a² + SE_b²): the
difference of two independent means is within two of its standard errors of zero, so another seed could well
swap them. The ranking marks such a project "≈".
"""

import math
from collections.abc import Sequence

import numpy as np

TIE_STANDARD_ERRORS = 2.0  # a difference within 2 SE of zero (about 95% of the time under the normal law)
_BLOCK_TRIALS = 256  # trials per pass: bounds the scratch memory (no temporary as large as the ROI array)


def roi_error_and_loss(roi: np.ndarray, mean: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per column of ``roi`` (trials, projects), given its ``mean`` over trials: the standard error of the mean
    ROI, sd(roi_t) / sqrt(trials) (sd over the trials, divided by trials), and P(loss), the share of trials with
    roi_t < 0.

    Worked in blocks of trials so the scratch arrays stay small (no (trials, n) temporary): the sum of squared
    deviations from the known mean, and the count of losses.
    """
    trials = roi.shape[0]
    squares = np.zeros(roi.shape[1])
    losses = np.zeros(roi.shape[1], dtype=np.int64)
    for start in range(0, trials, _BLOCK_TRIALS):
        deviation = roi[start : start + _BLOCK_TRIALS] - mean
        losses += np.count_nonzero(roi[start : start + _BLOCK_TRIALS] < 0, axis=0)
        squares += np.einsum("ij,ij->j", deviation, deviation)
    return np.sqrt(squares / trials) / np.sqrt(trials), losses / trials


def statistically_tied(roi_a: float | None, se_a: float | None, roi_b: float | None, se_b: float | None) -> bool:
    """Whether two expected ROIs differ by less than 2·sqrt(SE_a² + SE_b²); False when any figure is missing.

    Strictly less, so two exact figures (SE 0, such as impossible projects, all at −100%) are never marked tied:
    they are equal, not uncertain.
    """
    if roi_a is None or se_a is None or roi_b is None or se_b is None:
        return False
    return abs(roi_a - roi_b) < TIE_STANDARD_ERRORS * math.hypot(se_a, se_b)


def tied_with_above(expected_rois: Sequence[float | None], standard_errors: Sequence[float | None]) -> list[bool]:
    """For projects in rank order: whether each is statistically tied with the one ranked just above it.

    The first is never tied with anything above; ``expected_rois`` and ``standard_errors`` are parallel lists.
    """
    if len(expected_rois) != len(standard_errors):
        raise ValueError("expected ROIs and standard errors must be parallel lists")
    tied = [False] * len(expected_rois)
    for i in range(1, len(expected_rois)):
        tied[i] = statistically_tied(expected_rois[i - 1], standard_errors[i - 1], expected_rois[i], standard_errors[i])
    return tied
