"""Property-based tests (hypothesis): no valid input makes the math produce NaN or infinite figures, the figures
keep their invariants (percentiles ordered, expected ROI between the extremes, P(top-K) hands out exactly K), and
the whole recompute pipeline stores only finite numbers, whatever the portfolio holds within the model's bounds."""

import math
import re

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from portfolio import sampling, scoring
from portfolio.field_rules import MAX_EFFORT, MAX_VALUE
from roadmap import simulation, value_delivered

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --- strategies: inputs exactly as wide as the forms and the models allow ---------------------------------------

impact_values = st.one_of(
    st.floats(min_value=0, max_value=MAX_VALUE, allow_nan=False, allow_infinity=False),
    st.sampled_from([0.0, 1e-300, 5e-324, MAX_VALUE, 1.0]),
)
effort_values = st.one_of(
    st.floats(min_value=0.1, max_value=MAX_EFFORT, allow_nan=False, allow_infinity=False),
    st.sampled_from([0.1, MAX_EFFORT, 1.0]),
)
probabilities = st.one_of(st.floats(min_value=0, max_value=1, allow_nan=False), st.sampled_from([0.0, 1.0, 0.5]))
fractions = st.one_of(st.floats(min_value=0, max_value=0.9, allow_nan=False), st.sampled_from([0.0, 0.9]))


@st.composite
def ranges(draw, values):
    """low <= likely <= high, equal bounds included (a constant)."""
    low, likely, high = sorted(draw(st.lists(values, min_size=3, max_size=3)))
    if draw(st.booleans()) and draw(st.booleans()):
        likely = high = low
    return scoring.Range(low, likely, high)


@st.composite
def portfolios(draw, max_projects=7):
    n = draw(st.integers(min_value=1, max_value=max_projects))
    projects = []
    for key in range(n):
        tag = draw(st.sampled_from([None, "easy", "hard", "impossible"]))
        projects.append(
            scoring.ProjectInput(
                key=key,
                name=f"project {key}",
                status=draw(st.sampled_from(["idea", "discovery", "building", "idea", "shipped", "parked"])),
                impact=draw(ranges(impact_values)),
                effort=draw(st.one_of(st.none(), ranges(effort_values), ranges(effort_values))),
                tag=tag,
                success_probability=draw(probabilities),
            )
        )
    # A random DAG: a link only ever goes from an earlier to a later position of a random permutation.
    order = draw(st.permutations(range(n)))
    pairs = [(order[i], order[j]) for i in range(n) for j in range(i + 1, n)]
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=8)) if pairs else []
    links = [
        scoring.LinkInput(
            producer=p, consumer=c, kind=draw(st.sampled_from(["requires", "benefits"])), fraction=draw(fractions)
        )
        for p, c in chosen
    ]
    scoring_settings = scoring.ScoringSettings(
        cost_per_person_week=draw(st.floats(min_value=0.001, max_value=1e6, allow_nan=False)),
        horizon_years=draw(st.floats(min_value=0.1, max_value=20, allow_nan=False)),
        trials=draw(st.integers(min_value=100, max_value=400)),
        top_k=draw(st.integers(min_value=1, max_value=12)),
    )
    return projects, links, scoring_settings


# --- the ranking ---------------------------------------------------------------------------------------------------


@FAST
@given(portfolios(), st.integers(min_value=0, max_value=2**32 - 1))
def test_ranking_figures_are_finite_ordered_and_consistent_with_the_draw(portfolio, seed):
    projects, links, scoring_settings = portfolio
    samples = scoring.draw_samples(projects, links, scoring_settings.trials, seed)
    result = scoring.rank_from_samples(samples, projects, links, scoring_settings)

    # roi_t worked out again from the public pieces, independently of the ranking's in-place arithmetic
    credit = scoring.reuse_credit(samples, projects, links, scoring_settings.cost_per_person_week)
    value = samples.success * samples.impact * scoring_settings.horizon_years + credit
    column = {key: i for i, key in enumerate(samples.keys)}
    ranked = [s for s in result.scores if s.rank is not None]
    assert [s.rank for s in ranked] == list(range(1, len(ranked) + 1))
    for score in ranked:
        i = column[score.key]
        roi = value[:, i] / (samples.effort[:, i] * scoring_settings.cost_per_person_week) - 1
        figures = [
            getattr(score, name)
            for name in (
                "expected_value",
                "expected_effort",
                "expected_cost",
                "expected_roi",
                "roi_p10",
                "roi_p50",
                "roi_p90",
                "p_top_k",
                "risk_adjusted_value_per_year",
                "value_p10",
                "value_p90",
                "effort_p10",
                "effort_p90",
            )
        ]
        assert all(math.isfinite(f) for f in figures), score
        assert score.expected_roi >= -1 and score.roi_p10 >= -1
        slack = 1e-9 * max(1.0, float(np.abs(roi).max()))  # same numbers, other order of rounding
        assert score.roi_p10 <= score.roi_p50 <= score.roi_p90
        assert roi.min() - slack <= score.roi_p10 and score.roi_p90 <= roi.max() + slack
        assert roi.min() - slack <= score.expected_roi <= roi.max() + slack
        assert score.expected_roi == pytest.approx(roi.mean(), rel=1e-9, abs=1e-9)
        assert 0 <= score.p_top_k <= 1
        assert 0 < score.effort_p10 <= score.effort_p90 and score.value_p10 <= score.value_p90
    if ranked:
        k = min(scoring_settings.top_k, len(ranked))
        assert sum(s.p_top_k for s in ranked) == pytest.approx(k, rel=1e-9)
        impossible = [s.tag == "impossible" for s in ranked]
        assert impossible == sorted(impossible), "impossible projects come last"
    for score in result.scores:
        if score.rank is None:
            assert score.excluded_reason and score.expected_roi is None


@FAST
@given(ranges(st.floats(min_value=0, max_value=MAX_VALUE, allow_nan=False)), st.integers(1, 300), st.integers(0, 99))
def test_pert_samples_stay_within_the_range_and_are_never_nan(rng_range, trials, seed):
    samples = sampling.pert_sample([rng_range], trials, np.random.default_rng(seed))

    assert samples.shape == (trials, 1)
    assert np.isfinite(samples).all()
    assert (samples >= rng_range.low).all() and (samples <= rng_range.high).all()


@given(st.sampled_from([math.nan, math.inf, -math.inf, "nan", "1e999", None, "ten"]))
def test_the_math_refuses_non_finite_inputs_with_a_clear_error(bad):
    with pytest.raises(ValueError, match="must be"):
        scoring.Range(bad, 1.0, 2.0)
    with pytest.raises(ValueError):
        scoring.LinkInput(producer=1, consumer=2, kind="requires", fraction=bad)


@given(st.floats(allow_nan=False).filter(lambda f: not 0 <= f <= 0.9))
def test_a_reuse_fraction_outside_0_to_0_9_is_refused(fraction):
    with pytest.raises(ValueError):
        scoring.LinkInput(producer=1, consumer=2, kind="benefits", fraction=fraction)


# --- the roadmap schedule ------------------------------------------------------------------------------------------


@st.composite
def schedules(draw):
    m = draw(st.integers(min_value=1, max_value=7))
    order = draw(st.permutations(range(m)))
    items = []
    for position, key in enumerate(order):
        earlier = list(order[:position])
        requires = tuple(draw(st.lists(st.sampled_from(earlier), unique=True, max_size=3))) if earlier else ()
        target = draw(st.one_of(st.none(), st.floats(min_value=-50, max_value=5000, allow_nan=False)))
        items.append(
            simulation.RoadmapItem(
                key=key,
                name=f"p{key}",
                status=draw(st.sampled_from(["idea", "building"])),
                staffing=draw(st.integers(min_value=1, max_value=100)),
                target_week=target,
                requires=requires,
            )
        )
    items = draw(st.permutations(items))  # priority order need not respect requirements: schedule_order fixes it
    trials = draw(st.integers(min_value=1, max_value=60))
    effort = np.array(
        draw(
            st.lists(
                st.lists(st.floats(min_value=0, max_value=MAX_EFFORT, allow_nan=False), min_size=m, max_size=m),
                min_size=trials,
                max_size=trials,
            )
        )
    )
    capacity = draw(st.integers(min_value=1, max_value=1000))
    return items, effort, capacity


@FAST
@given(schedules(), st.integers(0, 2**16))
def test_schedule_dates_are_finite_and_respect_requirements(schedule, seed):
    items, effort_by_key, capacity = schedule
    order, left_off = simulation.schedule_order(items, delivered=frozenset())
    assert not left_off  # every producer is on the list and there is no cycle
    by_key = {item.key: item for item in items}
    ordered = [by_key[key] for key in order]
    effort = effort_by_key[:, order]  # columns follow the schedule order

    result = simulation.simulate_schedule(ordered, effort, capacity=capacity)

    assert np.isfinite(result.start).all() and np.isfinite(result.finish).all()
    assert (result.start >= 0).all() and (result.finish >= result.start).all()
    column = {key: i for i, key in enumerate(result.keys)}
    for item in ordered:
        for producer in item.requires:
            assert (result.start[:, column[item.key]] >= result.finish[:, column[producer]]).all()
    for band in simulation.project_bands(result, ordered):
        assert band.start_p10 <= band.start_p50 <= band.start_p90
        assert band.finish_p10 <= band.finish_p50 <= band.finish_p90
        assert band.p_meet_target is None or 0 <= band.p_meet_target <= 1
    rng = np.random.default_rng(seed)
    success = rng.random(result.finish.shape) < 0.5
    impact = rng.uniform(0, MAX_VALUE, result.finish.shape)
    curve = value_delivered.value_curve(result, success, impact, step_weeks=max(1.0, result.finish.max() / 200))
    for earlier, later in zip(curve, curve[1:], strict=False):
        assert earlier.week < later.week
        assert earlier.p50 <= later.p50 * (1 + 1e-12) + 1e-6
    for point in curve:
        assert all(math.isfinite(v) for v in (point.week, point.p10, point.p50, point.p90))
        assert point.p10 <= point.p50 <= point.p90


# --- the whole recompute pipeline, through the database --------------------------------------------------------

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
    from portfolio import selectors
    from roadmap.services.recompute import plan_for

    portfolio = _stored_portfolio(specs, link_specs, capacity)
    portfolio, projects, links, facts = selectors.planning_inputs(portfolio_id=portfolio.pk)

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


# --- the forms and the CSV import, through the views, as a careless user or an attacker would fill them ---------

NASTY = (
    "nan",
    "NaN",
    "-nan",
    "inf",
    "-inf",
    "Infinity",
    "1e308",
    "-1e308",
    "1e309",
    "1.8e308",
    "-0",
    "-0.0",
    "0",
    "-1",
    "1e-320",
    "5e-324",
    "0x10",
    "1_000",
    " 5 ",
    "",
    " ",
    "٣",
    "１２",
    "\x00",
    "1\x002",
    "9" * 400,
    "x" * 5000,
    "<script>alert(1)</script>",
    '=HYPERLINK("http://evil")',
    "0.9",
    "0.90000001",
    "0.91",
    "1.0000001",
    "100000.1",
    "1000000001",
    "2147483648",
    "18446744073709551616",
    "9999-12-31",
    "0001-01-01",
    "2026-02-30",
    "true",
    "None",
    "²",
    "¹⁰",
    "½",
    "//evil.example/",
    "https://evil.example/",
    "javascript:alert(1)",
    "../../etc/passwd",
)
FUZZ = st.one_of(
    st.sampled_from(NASTY),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
)
FORM_EXAMPLES = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _fuzzed(data, valid: dict) -> dict:
    """The valid values with none to four fields (hypothesis choosing which) replaced by fuzz values or dropped."""
    fuzzed = dict(valid)
    for name in data.draw(st.lists(st.sampled_from(sorted(valid)), max_size=4, unique=True), label="fuzzed fields"):
        value = data.draw(st.one_of(FUZZ, st.none()), label=name)
        if value is None:
            del fuzzed[name]
        else:
            fuzzed[name] = value
    return fuzzed


def _as_loaded(instance, fields) -> dict:
    """The hidden ``initial-<field>`` inputs of a versioned form, as the page would render them."""
    return {
        f"initial-{name}": "" if getattr(instance, name) is None else str(getattr(instance, name)) for name in fields
    }


def _everything() -> tuple:
    from portfolio.models import FeasibilityAssessment, Portfolio, Project, ReuseLink

    return tuple(
        list(model.objects.order_by("pk").values()) for model in (Portfolio, Project, FeasibilityAssessment, ReuseLink)
    )


def _assert_database_holds_only_valid_data() -> None:
    """Whatever was posted, every stored row passes its model's validation and the reuse links have no cycle."""
    from portfolio.models import FeasibilityAssessment, Portfolio, Project, ReuseLink

    for model in (Portfolio, Project, FeasibilityAssessment, ReuseLink):
        for obj in model.objects.all():
            obj.full_clean()
            for field in obj._meta.concrete_fields:
                value = getattr(obj, field.attname)
                assert not isinstance(value, float) or math.isfinite(value), (obj, field.name)
    edges: dict[int, list[int]] = {}
    for producer, consumer in ReuseLink.objects.values_list("producer_id", "consumer_id"):
        edges.setdefault(producer, []).append(consumer)
    state: dict[int, int] = {}

    def visit(node: int) -> None:
        state[node] = 1
        for nxt in edges.get(node, []):
            assert state.get(nxt) != 1, "a reuse link cycle was saved"
            if nxt not in state:
                visit(nxt)
        state[node] = 2

    for node in list(edges):
        if node not in state:
            visit(node)


def _post_and_check(client, url: str, payload: dict, *, htmx: bool, **extra):
    """POST; never a 500; a refused form (400/409) changes nothing; the database stays valid either way."""
    before = _everything()
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = client.post(url, payload, **headers, **extra)  # a 500 would raise here (the test client re-raises)
    event(f"status {response.status_code}")  # shown by --hypothesis-show-statistics: saves and refusals both occur
    assert response.status_code in (200, 302, 400, 409), (response.status_code, payload)
    refused = response.status_code in (400, 409) or 'class="errorlist' in response.content.decode()
    if refused:
        assert _everything() == before, f"a refused form saved something: {payload}"
    event("refused" if refused else "accepted")
    _assert_database_holds_only_valid_data()
    return response


@pytest.fixture
def fuzz_world(world, pm_client, em_client):
    """The shared ``world`` (a requires b) with a second link, b benefits c, for the link forms to edit."""
    from tests.factories import ReuseLinkFactory

    a, b, c = world["producer"], world["project"], world["spare"]
    link = ReuseLinkFactory(producer=b, consumer=c, kind="benefits", fraction=0.2)
    return {"portfolio": world["portfolio"], "projects": [a, b, c], "link": link, "pm": pm_client, "em": em_client}


def _project_valid(project) -> dict:
    from portfolio.forms.project import PROJECT_FIELDS

    valid = {
        "name": project.name,
        "summary": "Detects spam.",
        "user_problem": "",
        "problem_type": "other",
        "status": "idea",
        "owner": "Pat",
        "output_kpi": "",
        "input_metrics": "",
        "lazy_10x_note": "",
        "target_date": "",
        "staffing": "2",
        "impact_low": "10",
        "impact_likely": "20",
        "impact_high": "30",
        "provisional_effort_low": "",
        "provisional_effort_likely": "",
        "provisional_effort_high": "",
    }
    assert set(valid) == set(PROJECT_FIELDS)
    return valid


@pytest.mark.django_db
@FORM_EXAMPLES
@given(data=st.data(), htmx=st.booleans())
def test_no_project_create_input_gives_a_500_or_saves_bad_data(fuzz_world, data, htmx):
    from django.urls import reverse

    from portfolio.forms.project import CREATE_FIELDS

    valid = {k: v for k, v in _project_valid(fuzz_world["projects"][0]).items() if k in CREATE_FIELDS}
    valid["name"] = data.draw(st.sampled_from(["Fraud score", "Language identification", "Churn model"]))
    url = reverse("portfolio:project-create", args=[fuzz_world["portfolio"].slug])

    _post_and_check(fuzz_world["pm"], url, _fuzzed(data, valid), htmx=htmx)


@pytest.mark.django_db
@FORM_EXAMPLES
@given(data=st.data(), htmx=st.booleans())
def test_no_project_edit_input_gives_a_500_or_saves_bad_data(fuzz_world, data, htmx):
    from django.urls import reverse

    from portfolio.forms.project import PROJECT_FIELDS
    from portfolio.models import Project

    project = Project.objects.get(pk=fuzz_world["projects"][1].pk)
    valid = {**_project_valid(project), "version": str(project.version)}
    payload = {**_fuzzed(data, valid), **_as_loaded(project, PROJECT_FIELDS)}
    url = reverse("portfolio:project-edit", args=[fuzz_world["portfolio"].slug, project.pk])

    _post_and_check(fuzz_world["pm"], url, payload, htmx=htmx)


@pytest.mark.django_db
@FORM_EXAMPLES
@given(data=st.data(), htmx=st.booleans())
def test_no_assessment_input_gives_a_500_or_saves_bad_data(fuzz_world, data, htmx):
    from django.urls import reverse

    from portfolio.forms.feasibility import project_snapshot
    from portfolio.models import Project

    project = Project.objects.get(pk=data.draw(st.sampled_from([p.pk for p in fuzz_world["projects"]])))
    valid = {
        "tag": "hard",
        "success_probability_override": "",
        "effort_low": "2",
        "effort_likely": "4",
        "effort_high": "8",
        "examples_needed": "1000",
        "examples_available": "200",
        "label_agreement_target": "0.9",
        "label_agreement_current": "0.7",
        "rationale": "Needs labelled data.",
        "project_version": str(project.version),
        "project_snapshot": project_snapshot(project),
    }
    url = reverse("portfolio:assess", args=[fuzz_world["portfolio"].slug, project.pk])

    _post_and_check(fuzz_world["em"], url, _fuzzed(data, valid), htmx=htmx)


@pytest.mark.django_db
@FORM_EXAMPLES
@given(data=st.data(), htmx=st.booleans())
def test_no_link_input_gives_a_500_or_saves_a_bad_link_or_a_cycle(fuzz_world, data, htmx):
    from django.urls import reverse

    pks = [p.pk for p in fuzz_world["projects"]]
    here = data.draw(st.sampled_from(pks), label="project")
    valid = {"direction": "reuses", "other": str(pks[0]), "kind": "benefits", "fraction": "0.2", "note": ""}
    payload = _fuzzed(data, valid)
    payload["other"] = data.draw(st.one_of(st.sampled_from([str(pk) for pk in pks]), FUZZ), label="other")
    payload["direction"] = data.draw(st.one_of(st.sampled_from(["reuses", "reused_by"]), FUZZ), label="direction")
    url = reverse("portfolio:link-create", args=[fuzz_world["portfolio"].slug, here])

    _post_and_check(fuzz_world["pm"], url, payload, htmx=htmx)


@pytest.mark.django_db
@FORM_EXAMPLES
@given(data=st.data(), htmx=st.booleans())
def test_no_link_edit_input_gives_a_500_or_saves_a_bad_link(fuzz_world, data, htmx):
    from django.urls import reverse

    from portfolio.models import ReuseLink

    link = ReuseLink.objects.get(pk=fuzz_world["link"].pk)
    valid = {"kind": link.kind, "fraction": "0.5", "note": "shared tokenizer", "version": str(link.version)}
    payload = {**_fuzzed(data, valid), **_as_loaded(link, ("kind", "fraction", "note"))}
    url = reverse("portfolio:link-edit", args=[fuzz_world["portfolio"].slug, link.pk])

    _post_and_check(fuzz_world["pm"], url, payload, htmx=htmx)


@pytest.mark.django_db
@FORM_EXAMPLES
@given(data=st.data(), htmx=st.booleans())
def test_no_settings_input_gives_a_500_or_saves_bad_settings(fuzz_world, data, htmx):
    from django.urls import reverse

    from portfolio.models import Portfolio
    from portfolio.services import PORTFOLIO_SETTING_FIELDS

    portfolio = Portfolio.objects.get(pk=fuzz_world["portfolio"].pk)
    valid = {
        "name": portfolio.name,
        "description": "",
        "value_unit": "k$",
        "cost_per_person_week": "4",
        "horizon_years": "1",
        "trials": "2000",
        "top_k": "10",
        "p_easy": "0.9",
        "p_hard": "0.5",
        "p_impossible": "0",
        "capacity": "10",
        "planning_window_weeks": "13",
        "roadmap_start": "2026-01-05",
        "seed": "12345",
        "calibrated_ranges": "",
    }
    assert set(valid) == set(PORTFOLIO_SETTING_FIELDS)
    payload = {**_fuzzed(data, {**valid, "version": str(portfolio.version)}), **_as_loaded(portfolio, valid)}
    url = reverse("portfolio:settings", args=[portfolio.slug])

    _post_and_check(fuzz_world["pm"], url, payload, htmx=htmx)


@pytest.mark.django_db
@FORM_EXAMPLES
@given(data=st.data(), htmx=st.booleans())
def test_no_pin_input_gives_a_500_or_saves_a_bad_pin(fuzz_world, data, htmx):
    from django.urls import reverse

    from portfolio.models import Project

    project = Project.objects.get(pk=fuzz_world["projects"][2].pk)
    valid = {"position": "1", "version": str(project.version)}
    url = reverse("roadmap:pin", args=[fuzz_world["portfolio"].slug, project.pk])
    payload = _fuzzed(data, valid)
    payload["next"] = data.draw(st.one_of(st.sampled_from(URL_LIKE), FUZZ), label="next")

    response = _post_and_check(fuzz_world["pm"], url, payload, htmx=htmx)

    if response.status_code == 302:  # never an open redirect, whatever ``next`` said
        assert response["Location"].startswith("/")
        assert not response["Location"].startswith(("//", "/\\"))


URL_LIKE = ("", "/", "/p/elsewhere/", "//evil.example/", "https://evil.example/", "/\\evil.example", "http:/x")


@pytest.mark.django_db
def test_a_bare_word_as_next_after_pinning_does_not_break_the_page(fuzz_world):
    from django.urls import reverse

    project = fuzz_world["projects"][2]
    url = reverse("roadmap:pin", args=[fuzz_world["portfolio"].slug, project.pk])

    response = fuzz_world["pm"].post(url, {"position": "1", "version": str(project.version), "next": "nan"})

    assert response.status_code == 302


@st.composite
def csv_files(draw):
    """A CSV as people (and attackers) produce them: odd headers, fuzzed cells, other encodings and delimiters."""
    from portfolio.csv_import import COLUMNS

    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=300))
    columns = draw(st.lists(st.sampled_from([*COLUMNS, "Name", "bogus", ""]), min_size=1, max_size=8))
    if draw(st.booleans()):  # a well-formed header half of the time, so that imports also succeed
        extras = [
            c for c in columns if c in COLUMNS and c not in ("name", "impact_low", "impact_likely", "impact_high")
        ]
        columns = ["name", "impact_low", "impact_likely", "impact_high", *dict.fromkeys(extras)]
    good = {
        "name": "Imported",
        "impact_low": "1",
        "impact_likely": "2",
        "impact_high": "3",
        "status": "idea",
        "effort_low": "1",
        "effort_likely": "2",
        "effort_high": "3",
        "feasibility": "easy",
        "requires": "Language identification",
        "reuses": "Spam filter:0.3",
        "staffing": "2",
    }
    rows = []
    for i in range(draw(st.integers(0, 4))):
        row = []
        for column in columns:
            base = good.get(column, "")
            if column == "name":
                base = draw(st.sampled_from([f"Imported {i}", "Imported 0", "Machine translation", "Spam filter"]))
            row.append(draw(st.one_of(st.just(base), st.just(base), FUZZ)))
        rows.append(row)
    delimiter = draw(st.sampled_from([",", ",", ";", "\t"]))
    quote = '"'
    lines = [delimiter.join(quote + c.replace(quote, quote * 2) + quote for c in line) for line in [columns, *rows]]
    text = "\r\n".join(lines)
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252"]))
    return text.encode(encoding, errors="replace")


@pytest.mark.django_db
@FORM_EXAMPLES
@given(content=csv_files(), htmx=st.booleans())
def test_no_csv_file_gives_a_500_or_saves_half_an_import(fuzz_world, content, htmx):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    url = reverse("portfolio:import", args=[fuzz_world["portfolio"].slug])
    before = _everything()

    response = _post_and_check(
        fuzz_world["pm"], url, {"file": SimpleUploadedFile("projects.csv", content, "text/csv")}, htmx=htmx
    )
    assert _everything() == before  # an upload is only previewed

    confirm = re.search(r'action="([^"]+/import/\d+/confirm/)"', response.content.decode())
    if confirm:  # the preview's confirmation applies it: all, or nothing
        response = _post_and_check(fuzz_world["pm"], confirm.group(1), {}, htmx=htmx)
    if response.status_code != 302:  # refused: all or nothing
        assert _everything() == before


@pytest.mark.django_db
def test_an_empty_or_oversized_csv_is_refused_with_a_message_and_saves_nothing(fuzz_world, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    settings.IMPORT_MAX_BYTES = 1000
    url = reverse("portfolio:import", args=[fuzz_world["portfolio"].slug])
    header = b"name,impact_low,impact_likely,impact_high\n"
    for content in (b"", header + b"Big,1,2,3\n" * 200):
        before = _everything()
        response = fuzz_world["pm"].post(url, {"file": SimpleUploadedFile("p.csv", content, "text/csv")})
        assert response.status_code in (200, 400)
        assert _everything() == before
        assert 'class="errorlist' in response.content.decode() or "error" in response.content.decode().lower()


QUERY_KEYS = (
    "q",
    "sort",
    "dir",
    "status",
    "tag",
    "editing",
    "seen",
    "chart",
    "next",
    "from",
    "cancel",
    "capacity",
    "drop",
    "add",
    "page",
    "fmt",
    "settings_version",
    "base_capacity",
)


@pytest.mark.django_db
@FORM_EXAMPLES
@given(data=st.data(), htmx=st.booleans())
def test_no_query_string_makes_a_page_answer_500(fuzz_world, leader_client, data, htmx):
    """Every page, with any query string, as leadership (read-only) and as the PM: never a 500, never a write."""
    from django.urls import reverse

    slug, pk = fuzz_world["portfolio"].slug, fuzz_world["projects"][1].pk
    url = data.draw(
        st.sampled_from(
            [
                reverse("portfolio:backlog", args=[slug]),
                reverse("portfolio:project", args=[slug, pk]),
                reverse("portfolio:project-edit", args=[slug, pk]),
                reverse("portfolio:project-row", args=[slug, pk]),
                reverse("portfolio:feasibility", args=[slug]),
                reverse("portfolio:import", args=[slug]),
                reverse("portfolio:settings", args=[slug]),
                reverse("roadmap:chart", args=[slug]),
                reverse("roadmap:chart-svg", args=[slug]),
                reverse("roadmap:how", args=[slug]),
                reverse("roadmap:status", args=[slug]),
                reverse("roadmap:timeline", args=[slug]),
                reverse("roadmap:timeline-svg", args=[slug]),
                reverse("roadmap:whatif", args=[slug]),
                reverse("roadmap:pin", args=[slug, pk]),
                reverse("roadmap:export", args=[slug, "csv"]),
                reverse("roadmap:export", args=[slug, "json"]),
            ]
        ),
        label="url",
    )
    query = data.draw(st.lists(st.tuples(st.sampled_from(QUERY_KEYS), FUZZ), max_size=5), label="query")
    client = data.draw(st.sampled_from([fuzz_world["pm"], leader_client]), label="client")
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    before = _everything()

    response = client.get(url, {k: [v for key, v in query if key == k] for k, _ in query}, **headers)

    assert response.status_code in (200, 302, 400, 403, 404), (url, query, response.status_code)
    event(f"status {response.status_code}")
    assert _everything() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, key",
    [
        ("portfolio:backlog", "editing"),
        ("portfolio:backlog", "sort"),
        ("roadmap:status", "seen"),
        ("roadmap:timeline", "chart"),
        ("portfolio:project-row", "cancel"),
    ],
)
@pytest.mark.parametrize("value", ["½", "١٢", "x"])
def test_unicode_digits_in_a_query_string_do_not_break_a_page(fuzz_world, name, key, value):
    from django.urls import reverse

    slug, pk = fuzz_world["portfolio"].slug, fuzz_world["projects"][1].pk
    url = reverse(name, args=[slug, pk] if name == "portfolio:project-row" else [slug])

    response = fuzz_world["pm"].get(url, {key: value})

    assert response.status_code in (200, 302, 400)


@pytest.mark.django_db
def test_a_superscript_digit_in_the_backlog_query_does_not_break_it(fuzz_world):
    from django.urls import reverse

    response = fuzz_world["pm"].get(reverse("portfolio:backlog", args=[fuzz_world["portfolio"].slug]), {"editing": "²"})

    assert response.status_code == 200
