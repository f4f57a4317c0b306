"""The calibration page: every role reads it; a PM adopts the observed success rates (a versioned settings change)."""

import re

import pytest
from django.urls import reverse

from portfolio import calibration_selectors
from portfolio.models import Portfolio
from roadmap.charts.pit import pit_chart
from roadmap.services.calibrated import calibrated_compare
from roadmap.services.recompute import portfolio_recompute
from tests.factories import AssessmentFactory, ProjectFactory


def page(client, portfolio):
    return client.get(reverse("roadmap:calibration", args=[portfolio.slug]))


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["pm_client", "em_client", "leader_client"])
def test_every_role_reads_the_calibration_page(request, calibration_history, who):
    response = page(request.getfixturevalue(who), calibration_history["portfolio"])
    assert response.status_code == 200
    html = response.content.decode()
    row = re.search(r'<tr class="" data-estimator="optimist">(.*?)</tr>', html, re.S).group(1)
    assert ">5<" in row and ">0%<" in row and ">1.50<" in row  # n, hit rate (all at or over the high), bias
    assert row.count('class="pit-bar"') == 10
    assert "0 0 0 0 0 0 0 0 0 5" in row  # PIT 1 every time: the last bin
    assert 'data-estimator="all"' in html
    assert 'href="/p/trust-safety/calibration/" aria-current="page"' in html
    # 0 of 1 hard projects succeeded: Wilson 80% interval 0 to z^2 / (1 + z^2) = 62%, which holds the assumed 50%
    assert re.search(r'<tr data-tag="hard">.*?0%–62%.*?consistent', html, re.S)
    assert ("Adopt the observed rates" in html) == (who == "pm_client")


@pytest.mark.django_db
def test_an_assumption_outside_the_interval_is_flagged(leader_client, calibration_history):
    portfolio = calibration_history["portfolio"]
    Portfolio.objects.filter(pk=portfolio.pk).update(p_hard=0.7)
    html = page(leader_client, portfolio).content.decode()
    assert re.search(r'<tr data-tag="hard" class="flagged">.*?assumption outside the interval', html, re.S)
    assert '<tr data-tag="easy">' in html


@pytest.mark.django_db
def test_outsider_gets_404(client, outsider, calibration_history):
    client.force_login(outsider)
    assert page(client, calibration_history["portfolio"]).status_code == 404


@pytest.mark.django_db
def test_page_without_outcomes_says_what_to_do(leader_client, portfolio):
    assert "No resolved estimates yet" in page(leader_client, portfolio).content.decode()


@pytest.mark.django_db
def test_pm_adopts_the_observed_rates(pm_client, calibration_history):
    portfolio = calibration_history["portfolio"]
    url = reverse("roadmap:calibration-adopt", args=[portfolio.slug])
    before = portfolio.input_version
    response = pm_client.post(url, {"p_easy": "1.0", "p_hard": "0.0", "version": portfolio.version})
    assert response.status_code == 302
    portfolio.refresh_from_db()
    assert (portfolio.p_easy, portfolio.p_hard, portfolio.p_impossible) == (1.0, 0.0, 0.0)
    assert portfolio.input_version > before  # an input change: the figures are recomputed


@pytest.mark.django_db
def test_adopting_on_a_stale_page_is_refused_and_saves_nothing(pm_client, calibration_history):
    portfolio = calibration_history["portfolio"]
    Portfolio.objects.filter(pk=portfolio.pk).update(version=portfolio.version + 1, p_easy=0.8)
    url = reverse("roadmap:calibration-adopt", args=[portfolio.slug])
    response = pm_client.post(url, {"p_easy": "1.0", "version": portfolio.version})
    assert response.status_code == 409
    assert Portfolio.objects.get(pk=portfolio.pk).p_easy == 0.8


@pytest.mark.django_db
@pytest.mark.parametrize("bad", [{"p_easy": "1.5"}, {"p_easy": "nan"}, {}])
def test_bad_rates_are_refused(pm_client, calibration_history, bad):
    portfolio = calibration_history["portfolio"]
    url = reverse("roadmap:calibration-adopt", args=[portfolio.slug])
    response = pm_client.post(url, {**bad, "version": portfolio.version})
    assert response.status_code == 400
    assert Portfolio.objects.get(pk=portfolio.pk).p_easy == 0.9


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["em_client", "leader_client"])
def test_only_a_pm_adopts(request, calibration_history, who):
    portfolio = calibration_history["portfolio"]
    url = reverse("roadmap:calibration-adopt", args=[portfolio.slug])
    response = request.getfixturevalue(who).post(url, {"p_easy": "1.0", "version": portfolio.version})
    assert response.status_code == 403
    assert Portfolio.objects.get(pk=portfolio.pk).p_easy == 0.9


@pytest.mark.django_db
def test_every_page_says_when_figures_use_calibrated_ranges(leader_client, calibration_history):
    portfolio = calibration_history["portfolio"]
    portfolio_recompute(portfolio_id=portfolio.pk)
    backlog = reverse("portfolio:backlog", args=[portfolio.slug])
    assert "calibrated ranges" not in leader_client.get(backlog).content.decode()
    Portfolio.objects.filter(pk=portfolio.pk).update(calibrated_ranges=True, input_version=portfolio.input_version + 1)
    snapshot = portfolio_recompute(portfolio_id=portfolio.pk)
    assert snapshot.calibrated_ranges
    for name in ("portfolio:backlog", "roadmap:chart", "roadmap:timeline", "roadmap:calibration"):
        html = leader_client.get(reverse(name, args=[portfolio.slug])).content.decode()
        assert "These figures use calibrated ranges" in html, name


def test_pit_chart_bars_scale_to_the_highest_bin():
    chart = pit_chart([0, 0, 0, 0, 0, 0, 0, 0, 0, 5], estimator="em", kind="effort")
    assert [bar.height for bar in chart.bars[:9]] == [0.0] * 9
    assert chart.bars[9].height == chart.bottom - 4  # the full plot height (TOP margin 4 px)
    assert chart.flat_y == pytest.approx(chart.bottom - 0.5 / 5 * (chart.bottom - 4), abs=0.05)
    assert "5 actuals" in chart.caption


@pytest.mark.django_db
def test_what_if_compares_entered_and_calibrated_ranges_side_by_side(leader_client, calibration_history):
    portfolio, em = calibration_history["portfolio"], calibration_history["em"]
    # Two projects to build with the same entered figures; the optimist's effort is 1.5x once calibrated.
    optimist = ProjectFactory(portfolio=portfolio, name="By the optimist", effort_estimated_by=em)
    AssessmentFactory(project=optimist, effort_low=10, effort_likely=20, effort_high=30)
    other = ProjectFactory(portfolio=portfolio, name="By someone else")
    AssessmentFactory(project=other, effort_low=10, effort_likely=20, effort_high=30)
    comparison = calibrated_compare(portfolio_id=portfolio.pk)
    rows = {row.name: row for row in comparison.rows}
    # the optimist's future project, and the six shipped ones (impact by "pm-label", who has 5 resolved estimates)
    assert comparison.corrected == 1 + 6
    assert rows["By the optimist"].calibrated.expected_roi < rows["By the optimist"].entered.expected_roi
    assert rows["By someone else"].calibrated.expected_roi == rows["By someone else"].entered.expected_roi
    assert rows["By the optimist"].calibrated.rank > rows["By someone else"].calibrated.rank
    assert rows["By the optimist"].finish_p50_days is not None
    # Budget 10 people x 13 weeks: both fit either way (40 person-weeks at most once calibrated)
    assert (rows["By the optimist"].entered_funded, rows["By the optimist"].calibrated_funded) == (True, True)
    html = leader_client.get(reverse("roadmap:calibration-compare", args=[portfolio.slug])).content.decode()
    assert "By the optimist" in html and "Calibrated" in html


@pytest.mark.django_db
def test_how_scores_are_computed_works_the_example_with_the_calibrated_ranges(leader_client, calibration_history):
    from portfolio import calibration
    from roadmap.selectors.explanation import worked_example

    portfolio, em = calibration_history["portfolio"], calibration_history["em"]
    pick = ProjectFactory(portfolio=portfolio, name="By the optimist", effort_estimated_by=em)
    AssessmentFactory(project=pick, effort_low=10, effort_likely=20, effort_high=30)
    Portfolio.objects.filter(pk=portfolio.pk).update(calibrated_ranges=True, input_version=portfolio.input_version + 1)
    snapshot = portfolio_recompute(portfolio_id=portfolio.pk)
    example = worked_example(snapshot=snapshot)
    correction = calibration_selectors.range_corrections(portfolio=portfolio)[("effort", "optimist")]
    assert example.effort == pytest.approx(calibration.transform(10, 20, 30, correction))
    html = leader_client.get(reverse("roadmap:how", args=[portfolio.slug])).content.decode()
    assert "Calibrated ranges are on." in html
