"""What an estimate is worth knowing: EVPPI, EVPI and the tornado of each project's inputs.

Pure math (NumPy only; no Django). Every function works on arrays of shape (trials, projects), one column per
project, vectorized over both. Net values are in value units over the horizon.

EVPPI is the regression estimator of Strong, Oakley & Brennan (2014) with bins: group the trials by the input
(success: its two outcomes; impact and effort: ``BINS`` equal-count bins by rank), m_b = mean net value in group
b, EVPPI = sum_b (n_b / n) max(m_b, 0) - max(mean net, 0). EVPI = mean(max(net, 0)) - max(mean net, 0).
"""

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


def _decision_gain(group_sums: np.ndarray, trials: int) -> np.ndarray:
    """sum_b max(sum_b / n, 0) - max(sum over b / n, 0) per column, from per-group sums (groups, columns).

    Written on sums so that a column whose groups all have one sign gives exactly 0 (same terms, same order).
    """
    known = np.maximum(group_sums, 0.0).sum(axis=0) / trials
    current = np.maximum(group_sums.sum(axis=0) / trials, 0.0)
    return np.maximum(known - current, 0.0)


def evppi_binned(net: np.ndarray, x: np.ndarray, bins: int = BINS) -> np.ndarray:
    """EVPPI of a continuous input ``x`` per column: trials sorted by x (stable) in ``bins`` equal-count bins
    (fewer when there are fewer trials). A constant input is worth nothing to learn: 0."""
    trials = net.shape[0]
    bins = min(bins, trials)
    order = np.argsort(x, axis=0, kind="stable")
    ordered = np.take_along_axis(net, order, axis=0)
    starts = (np.arange(bins) * trials) // bins
    gain = _decision_gain(np.add.reduceat(ordered, starts, axis=0), trials)
    gain[x.min(axis=0) == x.max(axis=0)] = 0.0
    return gain


def evppi_success(net: np.ndarray, success: np.ndarray) -> np.ndarray:
    """EVPPI of the success outcome per column: two groups, the trials where it succeeds and where it fails."""
    succeeded = np.where(success, net, 0.0).sum(axis=0)
    failed = np.where(success, 0.0, net).sum(axis=0)
    return _decision_gain(np.vstack([succeeded, failed]), net.shape[0])


def evpi(net: np.ndarray) -> np.ndarray:
    """EVPI per column: mean(max(net_t, 0)) - max(mean net_t, 0), in the units of ``net``."""
    known = np.maximum(net, 0.0).mean(axis=0)
    return np.maximum(known - np.maximum(net.mean(axis=0), 0.0), 0.0)


def evppi_all(net: np.ndarray, impact: np.ndarray, effort: np.ndarray, success: np.ndarray) -> dict[str, np.ndarray]:
    """EVPPI of each input per column: {"impact": ..., "effort": ..., "success": ...}."""
    return {
        "impact": evppi_binned(net, impact),
        "effort": evppi_binned(net, effort),
        "success": evppi_success(net, success),
    }


def _conditional_mean(roi: np.ndarray, where: np.ndarray) -> list[float | None]:
    """Mean of roi over the trials in ``where``, per column (None where no trial is in it)."""
    count = np.count_nonzero(where, axis=0)
    total = np.where(where, roi, 0.0).sum(axis=0)
    return [None if c == 0 else float(t / c) for t, c in zip(total, count, strict=True)]


def tornado(
    impact: np.ndarray, effort: np.ndarray, success: np.ndarray, roi: np.ndarray
) -> list[tuple[TornadoBar, ...]]:
    """Per column, its three tornado bars sorted by swing (largest first; ties keep impact, effort, success)."""
    bars: list[list[TornadoBar]] = [[] for _ in range(roi.shape[1])]
    for name, x in (("impact", impact), ("effort", effort)):
        p10, p90 = np.percentile(x, [10, 90], axis=0)
        low, high = _conditional_mean(roi, x <= p10), _conditional_mean(roi, x >= p90)
        for j in range(roi.shape[1]):
            bars[j].append(TornadoBar(name, low[j], high[j]))
    failed, succeeded = _conditional_mean(roi, ~success), _conditional_mean(roi, success)
    for j in range(roi.shape[1]):
        bars[j].append(TornadoBar("success", failed[j], succeeded[j]))
    return [tuple(sorted(b, key=lambda bar: -bar.swing)) for b in bars]
