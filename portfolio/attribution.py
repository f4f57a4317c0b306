"""Why each project's expected ROI moved between two input documents: the effect of each group of input changes.

Pure math (NumPy; ``scoring``, ``sampling``, ``input_documents``, ``input_changes``; no Django). DESIGN.md,
"Review baselines and explained changes": for each group g, the baseline's inputs with only g applied are
recomputed with the same seed and trials; the effect of g on a project is E_g[roi] - E_base[roi]. With common
random numbers (every project draws from its own streams) this is exact: a project none of g's changes touch keeps
its samples, so its effect is exactly 0.

Fast on purpose: each project's draws depend only on the seed, its id, its own ranges and probability and the trial
count, so ``SampleCache`` draws them once and a group redraws only what it changes; and only the expected ROI is
computed (no percentiles, P(top-K) or roadmap), by the same operations in the same order as the ranking
(``scoring.rank_from_samples``), so the figures agree with a full recompute. Units: ROI is a ratio.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from . import input_changes, input_documents, scoring
from .sampling import EFFORT_STREAM, IMPACT_STREAM, SUCCESS_STREAM, Range, Samples, pert_draws, project_stream

MAX_GROUPS_ALONE = 50  # groups evaluated one by one; the rest are pooled into one "other changes" group


class SampleCache:
    """Each project's raw draws, drawn once: uniforms by (seed, id, trials), impact and effort by (seed, id, range,
    trials). Arrays are 1-D over trials (impact in value units per year, effort in person-weeks before savings)."""

    def __init__(self) -> None:
        self._uniforms: dict[tuple, np.ndarray] = {}
        self._ranges: dict[tuple, np.ndarray] = {}
        self.base: tuple | None = None  # the first stacked draw: (projects, trials, seed), their inputs, the arrays
        self._inputs: dict[tuple, scoring.ProjectInput] = {}

    def project_inputs(self, inputs: input_documents.PlanInputs) -> list[scoring.ProjectInput]:
        """``inputs.project_inputs()``, each made once per (record, settings)."""
        found = []
        for record in inputs.projects:
            index = (record, inputs.settings)
            made = self._inputs.get(index)
            if made is None:
                made = self._inputs[index] = record.project_input(inputs.settings)
            found.append(made)
        return found

    def uniforms(self, seed: int, key: int, trials: int) -> np.ndarray:
        """The project's success stream: ``trials`` uniforms (it succeeds in trial t when u_t < p)."""
        found = self._uniforms.get((seed, key, trials))
        if found is None:
            found = self._uniforms[(seed, key, trials)] = project_stream(seed, key, SUCCESS_STREAM).random(trials)
        return found

    def draws(self, seed: int, key: int, stream: int, estimate: Range, trials: int) -> np.ndarray:
        """``trials`` PERT draws of the project's impact or effort ``estimate`` from its own ``stream``."""
        index = (seed, key, stream, estimate, trials)
        found = self._ranges.get(index)
        if found is None:
            found = self._ranges[index] = pert_draws(estimate, trials, project_stream(seed, key, stream))
        return found


def _draw_row(cache: SampleCache, seed: int, trials: int, project: scoring.ProjectInput, rows, j: int) -> None:
    """Write one project's draws into row ``j`` of the (success, impact, effort) arrays ``rows``."""
    success, impact, effort = rows
    np.less(cache.uniforms(seed, project.key, trials), project.success_probability, out=success[j])
    impact[j] = cache.draws(seed, project.key, IMPACT_STREAM, project.impact, trials)
    if project.effort is not None:
        effort[j] = cache.draws(seed, project.key, EFFORT_STREAM, project.effort, trials)
    else:
        effort[j] = np.nan


def _raw_rows(projects: Sequence[scoring.ProjectInput], trials: int, seed: int, cache: SampleCache):
    """The projects' draws as (n, trials) arrays (success, impact, effort), fresh copies. The first call's arrays
    are kept: a later call for the same projects, seed and trials copies them and redraws only the rows of projects
    whose probability or ranges differ (a group changes a few projects of a thousand)."""
    signature = (tuple(p.key for p in projects), trials, seed)
    inputs = [(p.success_probability, p.impact, p.effort) for p in projects]
    if cache.base is not None and cache.base[0] == signature:
        _, base_inputs, base_rows = cache.base
        rows = tuple(array.copy() for array in base_rows)
        for j, project in enumerate(projects):
            if inputs[j] != base_inputs[j]:
                _draw_row(cache, seed, trials, project, rows, j)
        return rows
    n = len(projects)
    rows = (np.empty((n, trials), dtype=bool), np.empty((n, trials)), np.empty((n, trials)))
    for j, project in enumerate(projects):
        _draw_row(cache, seed, trials, project, rows, j)
    if cache.base is None:
        cache.base = (signature, inputs, tuple(array.copy() for array in rows))
    return rows


def cached_samples(
    projects: Sequence[scoring.ProjectInput],
    links: Sequence[scoring.LinkInput],
    trials: int,
    seed: int,
    cache: SampleCache,
) -> Samples:
    """What ``scoring.draw_samples`` draws (same layout, same values bit for bit), taken from ``cache``."""
    success, impact, effort = _raw_rows(projects, trials, seed, cache)
    samples = Samples(keys=tuple(p.key for p in projects), success=success.T, impact=impact.T, effort=effort.T)
    columns, factors = scoring._shipped_saving_factors(projects, links)
    if columns:
        samples.effort[:, columns] *= factors
    return samples


def expected_rois(inputs: input_documents.PlanInputs, cache: SampleCache) -> dict[int, float]:
    """Expected ROI (mean over trials of roi_t, a ratio) of every ranked project, by id: the ranking's
    ``expected_roi`` computed the same way, without anything else."""
    projects, links = cache.project_inputs(inputs), inputs.links
    settings = inputs.settings
    samples = cached_samples(projects, links, settings.trials, settings.seed, cache)
    columns = np.array([i for i, p in enumerate(projects) if not scoring.exclusion_reason(p)], dtype=np.intp)
    cost = settings.cost_per_person_week
    value = np.take(samples.impact, columns, axis=1)
    value *= np.take(samples.success, columns, axis=1)
    value *= settings.horizon_years
    out_column = {int(column): j for j, column in enumerate(columns)}
    scoring._add_reuse_credit(value, out_column, samples, scoring._credit_terms(projects, links), cost)
    effort = np.take(samples.effort, columns, axis=1)
    roi = np.divide(value, effort, out=value)
    roi /= cost
    roi -= 1.0
    means = roi.mean(axis=0)
    return {projects[int(column)].key: float(means[j]) for j, column in enumerate(columns)}


@dataclass(frozen=True)
class Attribution:
    """The groups evaluated (pooled past ``MAX_GROUPS_ALONE``), the baseline's expected ROIs by project id, and for
    each group (by key) its non-zero effects on expected ROI by project id."""

    groups: tuple[input_changes.ChangeGroup, ...]
    base_roi: dict[int, float]
    effects: dict[str, dict[int, float]]


def attribute(
    base: dict,
    now: dict,
    *,
    most: int = MAX_GROUPS_ALONE,
    priority: Callable[[input_changes.ChangeGroup], float] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Attribution:
    """The effect of every group of changes from document ``base`` to document ``now`` on each project's expected
    ROI: E_g[roi] - E_base[roi], g applied alone to ``base`` (same seed and trials as ``base``, unless g is the
    settings). ``priority`` picks the groups evaluated alone when there are more than ``most``; ``progress(done,
    total)`` is called after each group."""
    groups = input_changes.pool(
        input_changes.groups_between(base, now), most=most, priority=priority or (lambda group: 0.0)
    )
    cache = SampleCache()
    base_inputs, now_inputs = input_documents.from_document(base), input_documents.from_document(now)
    base_roi = expected_rois(base_inputs, cache)
    effects: dict[str, dict[int, float]] = {}
    for done, group in enumerate(groups, start=1):
        applied = expected_rois(input_changes.apply_to_inputs(base_inputs, now_inputs, [group]), cache)
        moved = {key: applied[key] - base_roi[key] for key in applied.keys() & base_roi.keys()}
        effects[group.key] = {key: effect for key, effect in moved.items() if effect != 0.0}
        if progress is not None:
            progress(done, len(groups))
    return Attribution(groups=tuple(groups), base_roi=base_roi, effects=effects)


@dataclass(frozen=True)
class Cause:
    """One group's effect on a project's expected ROI (a ratio; +0.8 = 80 percentage points)."""

    group: str
    description: str
    effect: float


def project_causes(attribution: Attribution, key: int, total: float | None) -> tuple[list[Cause], float | None]:
    """A project's causes, largest effect first, and the interaction: the ``total`` change of its expected ROI
    minus the sum of the effects (None when there is no total: the project is not ranked before and after)."""
    causes = [
        Cause(group.key, group.description, attribution.effects[group.key][key])
        for group in attribution.groups
        if key in attribution.effects.get(group.key, {})
    ]
    causes.sort(key=lambda cause: -abs(cause.effect))
    if total is None:
        return causes, None
    return causes, total - sum(cause.effect for cause in causes)
