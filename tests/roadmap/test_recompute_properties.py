"""Property-based tests (hypothesis) of the whole recompute pipeline, through the database: it stores only finite
numbers, whatever the portfolio holds within the model's bounds."""

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portfolio import input_selectors, scoring
from portfolio.field_rules import MAX_EFFORT
from tests.conftest import effort_values, fractions, impact_values, probabilities, ranges

SCORE_FIGURES = (
    "success_probability",
    "expected_value",
    "expected_effort",
    "expected_cost",
    "expected_roi",
    "roi_p10",
    "roi_p50",
    "roi_p90",
    "p_top_k",
    "risk_adjusted_value_per_year",
)


def _assert_snapshot_is_finite(snapshot) -> None:
    from roadmap.models import ProjectScore, ScheduleRow, ValueCurvePoint

    for row in ProjectScore.objects.filter(snapshot=snapshot).values(*SCORE_FIGURES):
        assert all(v is None or math.isfinite(v) for v in row.values()), row
    for row in ScheduleRow.objects.filter(snapshot=snapshot).values("p_meet_target"):
        assert row["p_meet_target"] is None or 0 <= row["p_meet_target"] <= 1
    for row in ValueCurvePoint.objects.filter(snapshot=snapshot).values("p10", "p50", "p90"):
        assert all(math.isfinite(v) for v in row.values()) and row["p10"] <= row["p50"] <= row["p90"]


@st.composite
def stored_projects(draw):
    impact = draw(ranges(impact_values))
    assessed = draw(st.booleans())
    return {
        "status": draw(st.sampled_from(["idea", "discovery", "building", "shipped", "iterating", "parked"])),
        "staffing": draw(st.integers(min_value=1, max_value=100)),
        "impact": impact,
        "effort": draw(ranges(effort_values)),  # up to the model's bound: a serial roadmap may pass year 9999
        "assessed": assessed,
        "tag": draw(st.sampled_from(["easy", "hard", "impossible"])),
        "override": draw(st.one_of(st.none(), probabilities)),
    }


def _stored_portfolio(specs, link_specs, capacity):
    """A portfolio in the database built from the drawn specs (links only earlier -> later: never a cycle)."""
    from tests.factories import AssessmentFactory, PortfolioFactory, ProjectFactory, ReuseLinkFactory

    portfolio = PortfolioFactory(capacity=capacity, trials=100)
    projects = []
    for spec in specs:
        impact, effort = spec["impact"], spec["effort"]
        project = ProjectFactory(
            portfolio=portfolio,
            status=spec["status"],
            staffing=spec["staffing"],
            impact_low=impact.low,
            impact_likely=impact.likely,
            impact_high=impact.high,
        )
        if spec["assessed"]:
            AssessmentFactory(
                project=project,
                tag=spec["tag"],
                success_probability_override=spec["override"],
                effort_low=effort.low,
                effort_likely=effort.likely,
                effort_high=effort.high,
            )
        projects.append(project)
    linked = set()
    for producer, consumer, fraction, requires in link_specs:
        if producer < consumer < len(projects) and (producer, consumer) not in linked:
            linked.add((producer, consumer))
            kind = "requires" if requires else "benefits"
            ReuseLinkFactory(producer=projects[producer], consumer=projects[consumer], fraction=fraction, kind=kind)
    return portfolio


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    st.lists(stored_projects(), min_size=1, max_size=5),
    st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4), fractions, st.booleans()), max_size=5),
    st.integers(min_value=1, max_value=50),
    st.integers(min_value=0, max_value=2**32 - 1),
)
def test_the_planning_pipeline_computes_only_finite_figures_for_any_portfolio(specs, link_specs, capacity, seed):
    from roadmap.services.recompute import plan_for

    portfolio = _stored_portfolio(specs, link_specs, capacity)
    portfolio, projects, links, facts = input_selectors.planning_inputs(portfolio_id=portfolio.pk)

    result, plan = plan_for(portfolio, projects, links, facts, seed=seed)

    for score in result.scores:
        figures = [getattr(score, name) for name in SCORE_FIGURES]
        assert all(v is None or math.isfinite(v) for v in figures), score
    for planned in plan.projects:
        assert planned.p_meet_target is None or 0 <= planned.p_meet_target <= 1
    for point in plan.value_curve:
        assert all(math.isfinite(v) for v in (point.p10, point.p50, point.p90))
        assert point.p10 <= point.p50 <= point.p90


@pytest.mark.django_db
def test_a_recompute_stores_a_finite_snapshot(portfolio):
    from roadmap.services.recompute import portfolio_recompute

    specs = [
        {
            "status": "idea",
            "staffing": 2,
            "impact": scoring.Range(10, 50, 90),
            "effort": scoring.Range(4, 8, 20),
            "assessed": True,
            "tag": tag,
            "override": None,
        }
        for tag in ("easy", "hard", "impossible")
    ]
    stored = _stored_portfolio(specs, [(0, 1, 0.5, True), (1, 2, 0.9, False)], 3)

    snapshot = portfolio_recompute(portfolio_id=stored.pk)

    assert snapshot is not None and snapshot.scores.count() == 3
    _assert_snapshot_is_finite(snapshot)


@pytest.mark.django_db
def test_a_roadmap_shorter_than_a_day_still_gets_a_snapshot():
    from roadmap.services.recompute import portfolio_recompute

    spec = {
        "status": "idea",
        "staffing": 4,
        "impact": scoring.Range(0, 0, 0),
        "effort": scoring.Range(0.25, 0.25, 0.25),
        "assessed": True,
        "tag": "easy",
        "override": None,
    }
    stored = _stored_portfolio([spec], [], 4)  # 0.25 person-weeks by 4 people: done in under half a day

    snapshot = portfolio_recompute(portfolio_id=stored.pk)

    assert snapshot is not None
    _assert_snapshot_is_finite(snapshot)


@pytest.mark.django_db
def test_the_recompute_survives_efforts_at_the_model_bounds():
    from roadmap.services.recompute import portfolio_recompute
    from tests.factories import AssessmentFactory, PortfolioFactory, ProjectFactory

    portfolio = PortfolioFactory(capacity=1, trials=100)
    for _ in range(10):
        project = ProjectFactory(portfolio=portfolio, staffing=1, impact_low=1, impact_likely=2, impact_high=3)
        AssessmentFactory(project=project, effort_low=MAX_EFFORT, effort_likely=MAX_EFFORT, effort_high=MAX_EFFORT)

    _assert_snapshot_is_finite(portfolio_recompute(portfolio_id=portfolio.pk))
