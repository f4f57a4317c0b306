"""Reads of the planning inputs: a portfolio's projects, links and settings as the math takes them (ranges in
force, effective probabilities, roadmap facts), read consistently by a fixed number of queries whatever the size;
the caller checks the portfolio's input version before and after."""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass

from . import calibration, estimates, input_documents, scoring
from .models import FeasibilityAssessment, Portfolio, Project, ProjectOutcome, ProjectProgress, ReuseLink


@dataclass(frozen=True)
class PlanFacts:
    """What the roadmap needs of a project beyond the ranking inputs: people, target date, PM's pin, and the day
    a building project's remaining effort counts from (``estimates.effort_in_force``)."""

    staffing: int
    target_date: datetime.date | None
    pin: int | None
    effort_from: datetime.date | None = None


def scoring_inputs(*, portfolio_id: int) -> tuple[Portfolio, list[scoring.ProjectInput], list[scoring.LinkInput]]:
    """Everything the math needs, read consistently: the caller checks the portfolio's input version
    before and after (every input change bumps it in the same transaction)."""
    portfolio, projects, links, _ = planning_inputs(portfolio_id=portfolio_id)
    return portfolio, projects, links


def planning_inputs(
    *, portfolio_id: int, calibrated: bool | None = None
) -> tuple[Portfolio, list[scoring.ProjectInput], list[scoring.LinkInput], dict[int, PlanFacts]]:
    """The ranking inputs plus each project's roadmap facts (keyed by project id), in one read of three
    queries; the caller checks the input version before and after, as for ``scoring_inputs``.

    ``calibrated`` (None: the portfolio's ``calibrated_ranges`` setting): correct each range by its estimator's
    track record (``calibration_selectors.range_corrections``, a few queries more) before the math sees it."""
    portfolio = Portfolio.objects.get(pk=portfolio_id)
    corrections = {}
    if portfolio.calibrated_ranges if calibrated is None else calibrated:
        from .calibration_selectors import range_corrections  # reads outcomes; they are read only when needed

        corrections = range_corrections(portfolio=portfolio)
    projects, facts = [], {}
    rows = Project.objects.filter(portfolio_id=portfolio_id).select_related("progress")
    if corrections:  # who estimated each range, read in the same query
        rows = rows.select_related("impact_estimated_by", "effort_estimated_by")
    # Read by portfolio, not prefetched: a prefetch sends every project id back in an IN list of 10,000 values.
    assessments = {
        a.project_id: a
        for a in FeasibilityAssessment.objects.filter(project__portfolio_id=portfolio_id, is_current=True)
    }
    for project in rows:
        assessment = assessments.get(project.pk)
        effort = estimates.effort_in_force(project, assessment)
        projects.append(_project_input(portfolio, project, assessment, effort, corrections))
        since = effort.since if effort is not None else None
        facts[project.pk] = PlanFacts(project.staffing, project.target_date, project.roadmap_pin, since)
    links = [
        scoring.LinkInput(producer=p, consumer=c, kind=k, fraction=f)
        for p, c, k, f in ReuseLink.objects.filter(producer__portfolio_id=portfolio_id).values_list(
            "producer_id", "consumer_id", "kind", "fraction"
        )
    ]
    return portfolio, projects, links, facts


def plan_inputs_read(*, portfolio_id: int) -> tuple[Portfolio, input_documents.PlanInputs]:
    """The portfolio and its complete planning inputs (the input document's content): ``planning_inputs`` plus
    each current assessment's probability override, the effort spent and the outcomes, three queries more; the
    caller checks the input version."""
    portfolio, projects, links, facts = planning_inputs(portfolio_id=portfolio_id)
    spent = dict(
        ProjectProgress.objects.filter(project__portfolio_id=portfolio_id).values_list("project_id", "effort_spent")
    )
    outcomes = {
        o.project_id: input_documents.OutcomeFacts(
            o.actual_effort, o.actual_start, o.actual_finish, o.succeeded, o.realized_impact
        )
        for o in ProjectOutcome.objects.filter(project__portfolio_id=portfolio_id)
    }
    overrides = dict(
        FeasibilityAssessment.objects.filter(project__portfolio_id=portfolio_id, is_current=True).values_list(
            "project_id", "success_probability_override"
        )
    )
    records = tuple(
        input_documents.ProjectRecord(
            key=p.key,
            name=p.name,
            status=p.status,
            impact=p.impact,
            effort=p.effort,
            tag=p.tag,
            probability_override=overrides.get(p.key),
            staffing=facts[p.key].staffing,
            target_date=facts[p.key].target_date,
            pin=facts[p.key].pin,
            effort_from=facts[p.key].effort_from,
            effort_spent=spent.get(p.key) if facts[p.key].effort_from else None,
            outcome=outcomes.get(p.key),
        )
        for p in projects
    )
    return portfolio, input_documents.PlanInputs(plan_settings(portfolio), records, tuple(links))


def plan_settings(portfolio: Portfolio) -> input_documents.PlanSettings:
    """The portfolio's settings as an input document holds them."""
    return input_documents.PlanSettings(
        value_unit=portfolio.value_unit,
        cost_per_person_week=portfolio.cost_per_person_week,
        horizon_years=portfolio.horizon_years,
        trials=portfolio.trials,
        top_k=portfolio.top_k,
        p_easy=portfolio.p_easy,
        p_hard=portfolio.p_hard,
        p_impossible=portfolio.p_impossible,
        capacity=portfolio.capacity,
        roadmap_start=portfolio.roadmap_start,
        seed=portfolio.seed,
        planning_window_weeks=portfolio.planning_window_weeks,
        calibrated_ranges=portfolio.calibrated_ranges,
    )


def _project_input(
    portfolio: Portfolio,
    project: Project,
    assessment: FeasibilityAssessment | None,
    effort: estimates.EffortInForce | None,
    corrections: Mapping[tuple[str, str], calibration.Correction],
) -> scoring.ProjectInput:
    """A project as the math sees it: its effort range in force and its effective success probability; each range
    corrected by its estimator's ``corrections`` when they have one (calibrated ranges)."""
    impact = scoring.Range(project.impact_low, project.impact_likely, project.impact_high)
    effort_range = effort.range if effort is not None else None
    if corrections:
        impact = calibration.corrected(impact, corrections.get(("impact", project.estimator("impact"))))
        if effort_range is not None:
            effort_range = calibration.corrected(effort_range, corrections.get(("effort", project.estimator("effort"))))
    return scoring.ProjectInput(
        key=project.pk,
        name=project.name,
        status=project.status,
        impact=impact,
        effort=effort_range,
        tag=assessment.tag if assessment is not None else None,
        success_probability=estimates.success_probability(portfolio, assessment),
    )


def scoring_settings(portfolio: Portfolio) -> scoring.ScoringSettings:
    """The portfolio's settings as the math takes them."""
    return scoring.ScoringSettings(
        cost_per_person_week=portfolio.cost_per_person_week,
        horizon_years=portfolio.horizon_years,
        trials=portfolio.trials,
        top_k=portfolio.top_k,
    )
