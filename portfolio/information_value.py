"""What an estimate is worth knowing: EVPPI, EVPI and the tornado of each project's inputs.

Pure math (NumPy only; no Django). Arrays hold one row per project and one column per trial, (projects,
trials), so every per-project pass reads contiguous memory; every function is vectorized over projects. Net
values are in value units over the horizon, ROI a ratio.

EVPPI is the regression estimator of Strong, Oakley & Brennan (2014) with bins: group the trials by the input
(success: its two outcomes; impact and effort: ``BINS`` equal-count bins by rank), m_b = mean net value in group
b, EVPPI = sum_b (n_b / n) max(m_b, 0) - max(mean net, 0). EVPI = mean(max(net, 0)) - max(mean net, 0).
Tornado: E[roi | X <= its P10] and E[roi | X >= its P90] (success: E[roi | fails] and E[roi | succeeds]).
"""

import math
from dataclasses import dataclass

import numpy as np

BINS = 20
INPUTS = ("impact", "effort", "success")


@dataclass(frozen=True)
class TornadoBar:
    """E[roi] with one input at its low end (X <= its P10; success: fails) and its high end (X >= its P90;
    success: succeeds); None when no trial falls there. ``swing`` = |high - low| (0 when one is None)."""

    input: str
    low: float | None
    high: float | None

    @property
    def swing(self) -> float:
        return 0.0 if self.low is None or self.high is None else abs(self.high - self.low)


@dataclass(frozen=True)
class Information:
    """Per project (in row order): EVPI, EVPPI {input: value units} and the tornado bars sorted by swing."""

    evpi: list[float]
    evppi: list[dict[str, float]]
    tornado: list[tuple[TornadoBar, ...]]


def _decision_gain(group_sums: np.ndarray, trials: int) -> np.ndarray:
    """sum_b max(sum_b / n, 0) - max(sum over b / n, 0) per row, from per-group sums (projects, groups).

    Written on sums so that a row whose groups all have one sign gives exactly 0 (same terms, same order).
    """
    known = np.maximum(group_sums, 0.0).sum(axis=1) / trials
    current = np.maximum(group_sums.sum(axis=1) / trials, 0.0)
    return np.maximum(known - current, 0.0)


def bin_starts(trials: int, bins: int = BINS) -> np.ndarray:
    """First rank of each of ``bins`` equal-count bins of ``trials`` (fewer bins when there are fewer trials)."""
    bins = min(bins, trials)
    return (np.arange(bins) * trials) // bins


def tail_sizes(trials: int) -> tuple[int, int]:
    """How many of the lowest trials are <= the P10 and where (by rank) the trials >= the P90 start, for
    distinct values and NumPy's linear percentile (P10 at rank 0.1 (n - 1), P90 at rank 0.9 (n - 1))."""
    return math.floor(0.1 * (trials - 1)) + 1, math.ceil(0.9 * (trials - 1))


def continuous_input(net: np.ndarray, roi: np.ndarray | None, x: np.ndarray) -> tuple[np.ndarray, ...]:
    """EVPPI of a continuous input ``x`` per row (trials by rank of x in equal-count bins), and with ``roi`` its
    tornado ends: E[roi | x <= P10] and E[roi | x >= P90]. One sort of x serves both. A constant input is worth
    nothing to learn (EVPPI 0) and both its ends are E[roi]."""
    trials = x.shape[1]
    order = np.argsort(x, axis=1)
    constant = x.min(axis=1) == x.max(axis=1)
    starts = bin_starts(trials)
    gain = _decision_gain(np.add.reduceat(np.take_along_axis(net, order, axis=1), starts, axis=1), trials)
    gain[constant] = 0.0
    if roi is None:
        return (gain,)
    low_count, high_start = tail_sizes(trials)  # only the tails of roi are needed: gather just those
    low = np.take_along_axis(roi, order[:, :low_count], axis=1).mean(axis=1)
    high = np.take_along_axis(roi, order[:, high_start:], axis=1).mean(axis=1)
    mean = roi.mean(axis=1)
    low[constant], high[constant] = mean[constant], mean[constant]
    return gain, low, high


def evppi_binned(net: np.ndarray, x: np.ndarray) -> np.ndarray:
    """EVPPI of a continuous input ``x`` per row (see ``continuous_input``)."""
    return continuous_input(net, None, x)[0]


def evppi_success(net: np.ndarray, success: np.ndarray) -> np.ndarray:
    """EVPPI of the success outcome per row: two groups, the trials where it succeeds and where it fails."""
    succeeded = np.where(success, net, 0.0).sum(axis=1)
    failed = np.where(success, 0.0, net).sum(axis=1)
    return _decision_gain(np.column_stack([succeeded, failed]), net.shape[1])


def evpi(net: np.ndarray) -> np.ndarray:
    """EVPI per row: mean(max(net_t, 0)) - max(mean net_t, 0), in the units of ``net``."""
    known = np.maximum(net, 0.0).mean(axis=1)
    return np.maximum(known - np.maximum(net.mean(axis=1), 0.0), 0.0)


def _success_ends(roi: np.ndarray, success: np.ndarray) -> tuple[list[float | None], list[float | None]]:
    """E[roi | fails] and E[roi | succeeds] per row (None where no trial falls there)."""
    wins = np.count_nonzero(success, axis=1)
    total = roi.sum(axis=1)
    won = np.where(success, roi, 0.0).sum(axis=1)
    trials = roi.shape[1]
    failed = [None if w == trials else float((t - s) / (trials - w)) for t, s, w in zip(total, won, wins, strict=True)]
    succeeded = [None if w == 0 else float(s / w) for s, w in zip(won, wins, strict=True)]
    return failed, succeeded


def analyse(
    net: np.ndarray, roi: np.ndarray, impact: np.ndarray, effort: np.ndarray, success: np.ndarray
) -> Information:
    """EVPI, EVPPI of impact, effort and success, and the tornado of every row (project)."""
    impact_gain, impact_low, impact_high = continuous_input(net, roi, impact)
    effort_gain, effort_low, effort_high = continuous_input(net, roi, effort)
    success_gain = evppi_success(net, success)
    failed, succeeded = _success_ends(roi, success)
    whole = evpi(net)
    evppi, tornado = [], []
    for j in range(net.shape[0]):
        evppi.append(
            {"impact": float(impact_gain[j]), "effort": float(effort_gain[j]), "success": float(success_gain[j])}
        )
        bars = (
            TornadoBar("impact", float(impact_low[j]), float(impact_high[j])),
            TornadoBar("effort", float(effort_low[j]), float(effort_high[j])),
            TornadoBar("success", failed[j], succeeded[j]),
        )
        tornado.append(tuple(sorted(bars, key=lambda bar: -bar.swing)))
    return Information(evpi=[float(v) for v in whole], evppi=evppi, tornado=tornado)
