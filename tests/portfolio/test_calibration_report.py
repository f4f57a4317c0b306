"""The calibration of a portfolio read from its outcomes: the command's JSON, and calibrated ranges for the math."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from portfolio import calibration, input_selectors
from portfolio.calibration import JudgedEstimate
from tests.factories import FIFTY_PERCENT_OVER, AssessmentFactory, ProjectFactory, UserFactory

OVER = FIFTY_PERCENT_OVER


def run_json(portfolio) -> dict:
    out = StringIO()
    call_command("calibration", portfolio=portfolio.name, output_format="json", stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.django_db
def test_command_prints_the_document_of_the_math(calibration_history):
    expected_estimates = [JudgedEstimate("effort", "optimist", lo, mid, hi, act) for lo, mid, hi, act in OVER]
    expected_estimates.append(JudgedEstimate("effort", "imported", 5, 10, 15, 10))
    expected_estimates += [JudgedEstimate("impact", "pm-label", 50, 100, 200, 60.0) for _ in OVER]
    outcomes = [calibration.TagOutcome("easy", True)] * 5 + [calibration.TagOutcome("hard", False)]
    expected = calibration.calibration_document(
        expected_estimates, outcomes, {"easy": 0.9, "hard": 0.5, "impossible": 0.0}
    )
    document = run_json(calibration_history["portfolio"])
    assert document == expected
    rows = {(r["kind"], r["estimator"]): r for r in document["estimators"]}
    assert set(rows) == {
        ("effort", "optimist"),
        ("effort", "imported"),
        ("effort", "all"),
        ("impact", "pm-label"),
        ("impact", "all"),
    }
    assert rows[("effort", "optimist")]["bias"] == pytest.approx(1.5)
    assert rows[("effort", "optimist")]["stretch"] is not None
    assert rows[("effort", "imported")]["stretch"] is None
    assert [t["tag"] for t in document["tags"]] == ["easy", "hard"]


@pytest.mark.django_db
def test_command_refuses_an_unknown_portfolio(db):
    with pytest.raises(CommandError, match="No portfolio"):
        call_command("calibration", portfolio="nope", output_format="json", stdout=StringIO())


@pytest.mark.django_db
def test_calibrated_ranges_transform_an_estimators_future_ranges(calibration_history):
    portfolio, em = calibration_history["portfolio"], calibration_history["em"]
    future = ProjectFactory(portfolio=portfolio, status="idea", effort_estimated_by=em)
    AssessmentFactory(project=future, effort_low=10, effort_likely=20, effort_high=30)
    stranger = ProjectFactory(portfolio=portfolio, status="idea")
    AssessmentFactory(project=stranger, effort_low=10, effort_likely=20, effort_high=30)

    def efforts(**kwargs):
        _, projects, _, _ = input_selectors.planning_inputs(portfolio_id=portfolio.pk, **kwargs)
        return {p.key: p.effort for p in projects}

    assert efforts()[future.pk] == calibration.Range(10, 20, 30)  # off by default
    correction = calibration.corrections(
        [JudgedEstimate("effort", "optimist", lo, mid, hi, act) for lo, mid, hi, act in OVER]
    )[("effort", "optimist")]
    corrected = efforts(calibrated=True)
    assert corrected[future.pk] == calibration.Range(*calibration.transform(10, 20, 30, correction))
    assert corrected[future.pk].likely == pytest.approx(30)  # bias 1.5
    assert corrected[stranger.pk] == calibration.Range(10, 20, 30)  # "imported" has 1 estimate: left as entered
    portfolio.calibrated_ranges = True
    portfolio.save()
    assert efforts() == corrected


@pytest.mark.django_db
def test_assessment_form_shows_the_reference_class_and_the_ems_own_bias(client, calibration_history):
    from django.urls import reverse

    from tests.factories import MembershipFactory

    portfolio, em = calibration_history["portfolio"], calibration_history["em"]
    MembershipFactory(user=em, portfolio=portfolio, role="em")
    ProjectFactory(portfolio=portfolio, name="Vision thing", problem_type="vision", status="shipped")
    new = ProjectFactory(portfolio=portfolio, name="Next classifier")
    client.force_login(em)
    html = client.get(reverse("portfolio:assess", args=[portfolio.slug, new.pk])).content.decode()
    section = html[html.index('id="reference-class"') :]
    assert section.count('<tr><th scope="row">') == 6  # the six resolved projects of type "other"
    assert "Vision thing" not in section
    assert "bias <strong>1.50</strong> over 5 resolved estimates" in section
    # Once assessed "easy", only easy past projects are its reference class.
    AssessmentFactory(project=new, tag="easy")
    html = client.get(reverse("portfolio:assess", args=[portfolio.slug, new.pk])).content.decode()
    assert html[html.index('id="reference-class"') :].count('<tr><th scope="row">') == 5


@pytest.mark.django_db
def test_calibration_judges_the_range_in_force_when_the_project_entered_building(portfolio):
    from portfolio import delivery, services

    pm, em, late_em = UserFactory(username="pia"), UserFactory(username="emil"), UserFactory(username="edda")
    project = services.project_create(
        portfolio=portfolio, user=pm, name="Churn model", impact_low=10, impact_likely=20, impact_high=40
    )
    services.assessment_record(project=project, user=em, tag="hard", effort_low=5, effort_likely=10, effort_high=20)
    project.refresh_from_db()
    services.project_update(project=project, data={"status": "building"}, user=pm)
    services.assessment_record(
        project=project, user=late_em, tag="hard", effort_low=50, effort_likely=60, effort_high=70
    )
    project.refresh_from_db()
    services.project_update(project=project, data={"status": "shipped"}, user=pm)
    delivery.outcome_record(project=project, data={"actual_effort": 30.0, "succeeded": "no", "realized_impact": 0})
    rows = {(r["kind"], r["estimator"]): r for r in run_json(portfolio)["estimators"]}
    assert set(rows) == {("effort", "emil"), ("effort", "all"), ("impact", "pia"), ("impact", "all")}
    # 30 person-weeks against 5-10-20 (mean 10.833): above the high, PIT 1; bias 30 / 10.833
    assert rows[("effort", "emil")]["pit_histogram"] == [0] * 9 + [1]
    assert rows[("effort", "emil")]["bias"] == pytest.approx(30 / ((5 + 40 + 20) / 6))
    assert rows[("impact", "pia")]["bias"] == 0.0


@pytest.mark.django_db
def test_calibration_reads_a_fixed_number_of_queries_whatever_the_history(calibration_history):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from portfolio import calibration_selectors
    from tests.factories import shipped_project

    portfolio = calibration_history["portfolio"]

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as report:
            calibration_selectors.calibration_report(portfolio=portfolio)
        with CaptureQueriesContext(connection) as inputs:
            input_selectors.planning_inputs(portfolio_id=portfolio.pk, calibrated=True)
        return len(report), len(inputs)

    before = queries()
    for _ in range(6):
        shipped_project(portfolio, (1, 2, 3), 4, estimator=UserFactory())
    assert queries() == before
