"""Monte Carlo ROI ranking of an ML portfolio: PERT sampling, success draws, reuse credit and P(top-K).

Pure math (stdlib and NumPy only; no Django, no Celery, nothing of ours). Units: impact in value units
per year, effort in person-weeks, cost per person-week in value units, value and cost over the horizon
in value units, ROI as a ratio (0.5 means the project returns its cost plus half). Sample arrays have
shape (trials, projects), one column per project in the caller's order, so every step is vectorized
over trials and projects at once.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from .mc_error import roi_error_and_loss, tied_with_above
from .sampling import Range as Range  # re-exported: callers build inputs from scoring alone
from .sampling import Samples as Samples
from .sampling import draw_columns

# Those imported as themselves are re-exported, like Range: callers build inputs (and read statuses) from scoring.
from .scoring_inputs import DELIVERED_STATUSES as DELIVERED_STATUSES
from .scoring_inputs import IMPOSSIBLE_TAG, PARKED_STATUS
from .scoring_inputs import MAX_SAVING_FRACTION as MAX_SAVING_FRACTION
from .scoring_inputs import TO_BUILD_STATUSES as TO_BUILD_STATUSES
from .scoring_inputs import LinkInput as LinkInput
from .scoring_inputs import ProjectInput as ProjectInput
from .scoring_inputs import ScoringSettings as ScoringSettings

EXCLUDED_DELIVERED = "delivered (shipped or iterating)"
EXCLUDED_PARKED = "parked"
EXCLUDED_NO_EFFORT = "needs an effort estimate (no feasibility assessment or provisional effort range)"

# Trials per block when finding each trial's K-th largest ROI: bounds the partition's scratch memory.
_TOP_K_BLOCK_TRIALS = 256


def draw_samples(projects: Sequence[ProjectInput], links: Sequence[LinkInput], trials: int, seed: int) -> Samples:
    """Draw success, impact (value units per year) and effort (person-weeks) for every project, each from its own
    streams of the portfolio ``seed`` (common random numbers: see ``portfolio.sampling``).

    Effort is then multiplied, per consumer, by (1 - min(0.9, sum of fractions of its links from shipped
    producers)); a project without an effort range gets a NaN effort column.
    """
    keys = tuple(p.key for p in projects)
    if len(set(keys)) != len(keys):
        raise ValueError("project keys must be unique")
    if int(trials) != trials or trials < 1:
        raise ValueError(f"trials must be a positive integer, got {trials!r}")
    samples = draw_columns(
        seed,
        keys,
        [p.success_probability for p in projects],
        [p.impact for p in projects],
        [p.effort for p in projects],
        int(trials),
    )
    columns, factors = _shipped_saving_factors(projects, links)
    if columns:
        samples.effort[:, columns] *= factors
    return samples


def _shipped_saving_factors(
    projects: Sequence[ProjectInput], links: Iterable[LinkInput]
) -> tuple[list[int], np.ndarray]:
    """Consumer columns whose effort shrinks thanks to shipped producers, and each one's effort multiplier."""
    column = {p.key: i for i, p in enumerate(projects)}
    saved: dict[int, float] = {}
    for link in links:
        producer, consumer = column.get(link.producer), column.get(link.consumer)
        if producer is None or consumer is None or producer == consumer:
            continue
        if projects[producer].status in DELIVERED_STATUSES:
            saved[consumer] = saved.get(consumer, 0.0) + link.fraction
    columns = sorted(saved)
    return columns, np.array([1.0 - min(MAX_SAVING_FRACTION, saved[c]) for c in columns])


def _credit_terms(projects: Sequence[ProjectInput], links: Iterable[LinkInput]) -> list[tuple[int, int, float]]:
    """(producer column, consumer column, fraction) of every link that earns reuse credit.

    The producer is not delivered yet and the consumer is still to be built with an effort range; links
    naming unknown projects, or a project and itself, earn nothing.
    """
    column = {p.key: i for i, p in enumerate(projects)}
    terms = []
    for link in links:
        producer, consumer = column.get(link.producer), column.get(link.consumer)
        if producer is None or consumer is None or producer == consumer:
            continue
        target = projects[consumer]
        if (
            projects[producer].status not in DELIVERED_STATUSES
            and target.status in TO_BUILD_STATUSES
            and target.effort is not None
        ):
            terms.append((producer, consumer, link.fraction))
    return terms


def _add_reuse_credit(
    out: np.ndarray,
    out_column: dict[int, int],
    samples: Samples,
    terms: Iterable[tuple[int, int, float]],
    cost_per_person_week: float,
) -> None:
    """Add each term's success_t(producer) * fraction * consumer effort_t * cost (value units) to ``out``.

    ``out_column`` maps a sample column to its column in ``out``; producers not in it are skipped.
    """
    for producer, consumer, fraction in terms:
        target = out_column.get(producer)
        if target is not None:
            credit = samples.effort[:, consumer] * (fraction * cost_per_person_week)
            credit *= samples.success[:, producer]
            out[:, target] += credit


def reuse_credit(
    samples: Samples, projects: Sequence[ProjectInput], links: Sequence[LinkInput], cost_per_person_week: float
) -> np.ndarray:
    """Reuse credit per trial and project, in value units: array (trials, n) in the samples' column order.

    For each link (counted once) whose producer is not delivered and whose consumer is still to be built
    with an effort range, the producer earns success_t * fraction * consumer effort_t (person-weeks, after
    shipped-producer savings) * cost per person-week.
    """
    _check_samples_match(samples, projects)
    credit = np.zeros(samples.impact.shape)
    every_column = {i: i for i in range(len(projects))}
    _add_reuse_credit(credit, every_column, samples, _credit_terms(projects, links), cost_per_person_week)
    return credit


@dataclass(frozen=True)
class ScoredProject:
    """A project's place in the ranking and its figures; all None (rank too) when it is excluded.

    Value and cost are in value units over the horizon, effort in person-weeks, ROI a ratio; P10/P90
    figures are percentiles over trials (chart whiskers); ``risk_adjusted_value_per_year`` is the mean of
    success_t * impact_t in value units per year (the chart's impact axis). Monte Carlo error: ``roi_se`` is the
    standard error of the expected ROI, sd(roi_t) / sqrt(trials), and ``p_loss`` the share of trials with
    roi_t < 0 (the project loses money); ``tied_with_above`` says the project ranked just above is statistically
    tied with it (``portfolio.ties``).
    """

    key: int
    name: str
    rank: int | None
    excluded_reason: str
    needs_feasibility: bool
    tag: str | None
    success_probability: float
    expected_value: float | None = None
    expected_effort: float | None = None
    expected_cost: float | None = None
    expected_roi: float | None = None
    roi_p10: float | None = None
    roi_p50: float | None = None
    roi_p90: float | None = None
    value_p10: float | None = None
    value_p90: float | None = None
    effort_p10: float | None = None
    effort_p90: float | None = None
    p_top_k: float | None = None
    risk_adjusted_value_per_year: float | None = None
    roi_se: float | None = None
    p_loss: float | None = None
    tied_with_above: bool = False


@dataclass(frozen=True)
class RankingResult:
    """Ranked projects in rank order, then the excluded ones (delivered, parked, no effort) sorted by name."""

    scores: tuple[ScoredProject, ...]
    trials: int
    top_k: int


def exclusion_reason(project: ProjectInput) -> str:
    """Why a project gets no rank, or "" when it is ranked (still to be built and has an effort range)."""
    if project.status in DELIVERED_STATUSES:
        return EXCLUDED_DELIVERED
    if project.status == PARKED_STATUS:
        return EXCLUDED_PARKED
    if project.effort is None:
        return EXCLUDED_NO_EFFORT
    return ""


def _check_ranked_efforts(projects: Iterable[ProjectInput]) -> None:
    """A ranked project's effort must stay above 0 person-weeks, or its cost (and ROI) is undefined."""
    for project in projects:
        if not exclusion_reason(project) and project.effort is not None and project.effort.low <= 0:
            raise ValueError(f"project {project.name!r}: effort low must be above 0 person-weeks")


def _check_samples_match(samples: Samples, projects: Sequence[ProjectInput]) -> None:
    """The samples' columns must be these projects, in this order."""
    if samples.keys != tuple(p.key for p in projects):
        raise ValueError("samples were drawn for other projects (keys or their order differ)")


def _p_top_k(roi: np.ndarray, top_k: int) -> np.ndarray:
    """Share of trials in which each column's ROI is among the K highest, ties at the K-th shared fairly.

    With thr the K-th largest ROI of a trial, g the count above it and e the count equal to it, a column
    scores 1 above thr, (K - g) / e at thr, 0 below; so every trial hands out exactly K.
    """
    trials, n = roi.shape
    k = min(top_k, n)
    if k == n:
        return np.ones(n)
    threshold = np.empty((trials, 1))
    for start in range(0, trials, _TOP_K_BLOCK_TRIALS):
        block = np.partition(roi[start : start + _TOP_K_BLOCK_TRIALS], n - k, axis=1)
        threshold[start : start + _TOP_K_BLOCK_TRIALS, 0] = block[:, n - k]
    above = roi > threshold
    tied = roi == threshold
    share = (k - np.count_nonzero(above, axis=1)) / np.count_nonzero(tied, axis=1)
    shared = np.sum(np.broadcast_to(share[:, None], roi.shape), axis=0, where=tied)
    return np.asarray((np.count_nonzero(above, axis=0) + shared) / trials, dtype=np.float64)


def _risk_adjusted_value(samples: Samples, columns: np.ndarray) -> np.ndarray:
    """success_t * impact_t per trial for the given columns: array (trials, len(columns)), value units per year."""
    value = np.take(samples.impact, columns, axis=1)
    value *= np.take(samples.success, columns, axis=1)
    return value


def _to_value(
    value: np.ndarray,
    samples: Samples,
    projects: Sequence[ProjectInput],
    links: Sequence[LinkInput],
    settings: ScoringSettings,
    columns: np.ndarray,
) -> None:
    """Turn risk-adjusted value per year into value_t in place: times the horizon, plus reuse credit."""
    value *= settings.horizon_years
    out_column = {int(column): j for j, column in enumerate(columns)}
    _add_reuse_credit(value, out_column, samples, _credit_terms(projects, links), settings.cost_per_person_week)


def value_samples(
    samples: Samples,
    projects: Sequence[ProjectInput],
    links: Sequence[LinkInput],
    settings: ScoringSettings,
    columns: np.ndarray,
) -> np.ndarray:
    """value_t = success_t * impact_t * horizon_years + reuse credit_t for the given sample columns: array
    (trials, len(columns)) in value units over the horizon (the same numbers the ranking averages)."""
    _check_samples_match(samples, projects)
    value = _risk_adjusted_value(samples, columns)
    _to_value(value, samples, projects, links, settings, columns)
    return value


def _ranked_figures(
    samples: Samples,
    projects: Sequence[ProjectInput],
    links: Sequence[LinkInput],
    settings: ScoringSettings,
    columns: np.ndarray,
) -> dict[str, np.ndarray]:
    """Per ranked column (in ``columns`` order), every figure of ScoredProject as an array over projects."""
    cost = settings.cost_per_person_week
    value = _risk_adjusted_value(samples, columns)
    figures = {"risk_adjusted_value_per_year": value.mean(axis=0)}
    _to_value(value, samples, projects, links, settings, columns)
    figures["expected_value"] = value.mean(axis=0)
    figures["value_p10"], figures["value_p90"] = np.percentile(value, [10, 90], axis=0)
    effort = np.take(samples.effort, columns, axis=1)
    figures["expected_effort"] = effort.mean(axis=0)
    figures["expected_cost"] = figures["expected_effort"] * cost
    # roi_t = (value_t - cost_t) / cost_t = value_t / effort_t / cost - 1, computed in place in ``value``.
    roi = np.divide(value, effort, out=value)
    roi /= cost
    roi -= 1.0
    figures["effort_p10"], figures["effort_p90"] = np.percentile(effort, [10, 90], axis=0, overwrite_input=True)
    del effort
    figures["expected_roi"] = roi.mean(axis=0)
    figures["roi_se"], figures["p_loss"] = roi_error_and_loss(roi, figures["expected_roi"])
    figures["p_top_k"] = _p_top_k(roi, settings.top_k)
    percentiles = np.percentile(roi, [10, 50, 90], axis=0, overwrite_input=True)
    figures["roi_p10"], figures["roi_p50"], figures["roi_p90"] = percentiles
    return figures


def _excluded_score(project: ProjectInput) -> ScoredProject:
    """The project's score without figures: final for an excluded project, the base of a ranked one."""
    return ScoredProject(
        key=project.key,
        name=project.name,
        rank=None,
        excluded_reason=exclusion_reason(project),
        needs_feasibility=project.tag is None,
        tag=project.tag,
        success_probability=project.success_probability,
    )


def rank_from_samples(
    samples: Samples, projects: Sequence[ProjectInput], links: Sequence[LinkInput], settings: ScoringSettings
) -> RankingResult:
    """Rank the projects from an existing draw (``compute_ranking`` is ``draw_samples`` followed by this).

    Ranked projects (still to be built, with an effort range) come by expected ROI descending, impossible
    ones after all others, ties by name; excluded ones follow, sorted by name, with no figures.
    """
    _check_samples_match(samples, projects)
    _check_ranked_efforts(projects)
    columns = np.array([i for i, p in enumerate(projects) if not exclusion_reason(p)], dtype=np.intp)
    figures = _ranked_figures(samples, projects, links, settings, columns)

    def order(j: int) -> tuple[bool, float, str, int]:
        project = projects[columns[j]]
        return (project.tag == IMPOSSIBLE_TAG, -figures["expected_roi"][j], project.name, project.key)

    ranked = []
    for rank, j in enumerate(sorted(range(len(columns)), key=order), start=1):
        base = _excluded_score(projects[columns[j]])
        # Any: the figures are keyed by ScoredProject field names, which replace() checks when it runs.
        numbers: dict[str, Any] = {name: float(values[j]) for name, values in figures.items()}
        ranked.append(replace(base, rank=rank, excluded_reason="", **numbers))
    ties = tied_with_above([s.expected_roi for s in ranked], [s.roi_se for s in ranked])
    ranked = [replace(score, tied_with_above=tied) if tied else score for score, tied in zip(ranked, ties, strict=True)]
    excluded = sorted((p for p in projects if exclusion_reason(p)), key=lambda p: (p.name, p.key))
    scores = tuple(ranked) + tuple(_excluded_score(p) for p in excluded)
    return RankingResult(scores=scores, trials=samples.success.shape[0], top_k=settings.top_k)


def compute_ranking(
    projects: Sequence[ProjectInput], links: Sequence[LinkInput], settings: ScoringSettings, seed: int
) -> RankingResult:
    """Draw ``settings.trials`` trials from the projects' own streams of ``seed`` and rank the portfolio by expected
    ROI (see the module doc). The same seed and inputs always give the same result, and a project whose own
    inputs did not change keeps its samples whatever happens to the others.
    """
    projects, links = tuple(projects), tuple(links)
    _check_ranked_efforts(projects)  # fail before the expensive draw
    samples = draw_samples(projects, links, settings.trials, seed)
    return rank_from_samples(samples, projects, links, settings)
