"""The funding decision on the pages: cut line, badges and reasons, funded bubbles, the funding section with its
frontier chart, "What to learn next" with actions and data gaps, the tornado on the project page, the feasibility
queue ordered by information value and the what-if's funding comparison."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from portfolio import services
from roadmap.charts.frontier import axis_ticks, frontier_chart
from roadmap.charts.tornado import tornado_chart
from roadmap.selectors.funding import funding_summary
from roadmap.selectors.snapshots import ranking_tables
from roadmap.services.recompute import portfolio_recompute
from tests.factories import AssessmentFactory, ProjectFactory


@pytest.fixture
def decided(portfolio):
    """Six assessed projects competing for a budget of 1 person x 13 weeks, one with a data gap recorded; two
    ideas without an assessment but with a provisional effort (the feasibility queue)."""
    services.portfolio_update(portfolio=portfolio, data={"capacity": 1})
    for i in range(6):
        project = ProjectFactory(
            portfolio=portfolio,
            name=f"Idea {i}",
            impact_low=10,
            impact_likely=40 + 20 * i,
            impact_high=200,
            output_kpi=f"KPI {i}",
        )
        AssessmentFactory(
            project=project,
            tag="hard",
            effort_low=3 + i,
            effort_likely=5 + i,
            effort_high=12 + i,
            examples_needed=5000,
            examples_available=1200,
            label_agreement_target=0.9,
            label_agreement_current=0.7,
        )
    for name, impact in (("Small bet", 30), ("Big bet", 400)):
        ProjectFactory(
            portfolio=portfolio,
            name=name,
            impact_low=0,
            impact_likely=impact,
            impact_high=2 * impact,
            provisional_effort_low=4,
            provisional_effort_likely=6,
            provisional_effort_high=10,
        )
    snapshot = portfolio_recompute(portfolio_id=portfolio.pk)
    return snapshot


@pytest.mark.django_db
def test_chart_page_shows_the_cut_line_badges_reasons_and_the_funding_section(decided, leader_client):
    html = leader_client.get(reverse("roadmap:chart", args=["trust-safety"])).content.decode()
    rows = decided.scores.filter(rank__isnull=False).order_by("rank")
    table = html[html.index('<table class="ranking">') :]
    assert table.count('class="cut-line"') == 1
    first_out = next(r for r in rows if not r.funded)
    before_cut = table[: table.index('class="cut-line"')]
    assert all(r.name in before_cut for r in rows if r.rank < first_out.rank)
    assert first_out.name not in before_cut
    assert table.count('class="badge funded-badge"') == sum(r.funded for r in rows)
    for row in rows:
        if not row.funded:
            assert row.funding_reason in html
    assert 'id="frontier-chart"' in html and 'class="budget-mark today"' in html
    assert "One more person" in html and "One person fewer" in html
    assert 'id="learn-next"' in html and html.count('class="learn-item"') == len(decided.funding["learn_next"])
    assert 'class="bubble funded"' in html


@pytest.mark.django_db
def test_the_chart_page_shows_the_funded_count_the_funding_summary_counts(decided, leader_client):
    funded = decided.scores.filter(funded=True).count()
    html = leader_client.get(reverse("roadmap:chart", args=["trust-safety"])).content.decode()

    assert 0 < funded < decided.scores.count()
    assert f"Funded: <strong>{funded}</strong> project" in html
    assert ranking_tables(snapshot=decided, limit=1)["funded_count"] == funded
    assert funding_summary(snapshot=decided).funded_count == funded  # counted there, as the How page has it
    assert funding_summary(snapshot=decided, funded_count=funded).funded_count == funded


@pytest.mark.django_db
def test_learn_next_gives_the_action_and_for_success_the_data_gap(decided, leader_client):
    html = leader_client.get(reverse("roadmap:chart", args=["trust-safety"])).content.decode()
    inputs = {pair["input"] for pair in decided.funding["learn_next"]}
    assert inputs, "some estimate is worth firming up in this backlog"
    if "success" in inputs:
        assert "Data gap: labelled examples: 5,000 needed vs 1,200 available (short by 3,800)" in html
        assert "label agreement: 70% now vs 90% target" in html
    if "impact" in inputs:
        assert "Run an experiment or A/B test of the KPI (KPI" in html
    if "effort" in inputs:
        assert "Time-box a spike" in html


@pytest.mark.django_db
def test_frontier_svg_is_valid_and_marks_todays_budget():
    points = [{"budget": b, "mean": b * 2 - 10, "p10": b - 20, "p90": b * 3} for b in (0, 10, 20, 30)]
    chart = frontier_chart(points, budget=13, person_weeks=13)
    assert [m.label for m in chart.marks] == ["today's budget", "+1 person", "−1 person"]
    assert chart.plot_left < chart.marks[0].x < chart.plot_right
    assert axis_ticks(-7, 42)[0] <= -7 and axis_ticks(-7, 42)[-1] >= 42


def test_tornado_puts_the_widest_swing_first_and_draws_each_end():
    bars = [{"input": "impact", "low": -0.5, "high": 2.0}, {"input": "success", "low": -1.0, "high": 0.6}]
    chart = tornado_chart(bars, 0.3)
    assert [r.input for r in chart.rows] == ["impact", "success"]
    impact = chart.rows[0]
    assert impact.low_x < chart.centre_x and impact.high_x == chart.centre_x and impact.high_width > 0
    assert tornado_chart([], 0.0) is None


@pytest.mark.django_db
def test_project_page_shows_the_tornado_and_the_funding_state(decided, leader_client):
    row = decided.scores.filter(rank=1).get()
    html = leader_client.get(reverse("portfolio:project", args=["trust-safety", row.project_id])).content.decode()
    svg = html[html.index('<svg xmlns="http://www.w3.org/2000/svg" version="1.1" class="tornado-chart"') :]
    svg = svg[: svg.index("</svg>") + 6]
    root = ET.fromstring(svg)
    rows = root.findall(".//{http://www.w3.org/2000/svg}g[@class='tornado-row']")
    assert [g.get("data-input") for g in rows] == [bar["input"] for bar in row.tornado]
    assert "P(funded if known)" in html and row.funding_reason in html


@pytest.mark.django_db
def test_feasibility_queue_starts_with_the_most_valuable_assessment(decided, em_client):
    html = em_client.get(reverse("portfolio:feasibility", args=["trust-safety"])).content.decode()
    queued = re.findall(r'<tr id="queue-row-(\d+)"', html)
    values = {s.project_id: s.evpi for s in decided.scores.filter(project_id__in=[int(q) for q in queued])}
    order = [values[int(q)] for q in queued]
    assert order == sorted(order, reverse=True) and len(order) == 2
    assert "Information value" in html


@pytest.mark.django_db
def test_whatif_with_two_more_people_shows_the_cut_line_and_funded_value_moving(decided, pm_client):
    page = pm_client.get(reverse("roadmap:timeline", args=["trust-safety"])).content.decode()
    data = {}
    for tag in re.findall(r"<input[^>]+>", page):  # the what-if form's fields as the page renders them
        name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
        if name and name.group(1) not in ("csrfmiddlewaretoken", "next", "drop", "add"):
            data[name.group(1)] = value.group(1) if value else ""
    data["capacity"] = "3"
    html = pm_client.get(reverse("roadmap:whatif", args=["trust-safety"]), data).content.decode()
    assert 'id="whatif-funding"' in html
    section = html[html.index('id="whatif-funding"') :]
    assert "13.0 person-weeks" in section and "39.0 person-weeks" in section
    assert "funded now" in section
    assert "Cut-line ROI" in section and "Funded value" in section


@pytest.mark.django_db
def test_backlog_sorted_by_rank_draws_the_cut_line_above_the_first_unfunded_project(decided, pm_client):
    url = reverse("portfolio:backlog", args=["trust-safety"])
    html = pm_client.get(url, {"sort": "rank", "dir": "asc"}).content.decode()
    cut = decided.scores.filter(rank=decided.funding["cut_rank"]).get()
    assert html.count('class="cut-line"') == 1
    after = html[html.index('class="cut-line"') :]
    assert after.index(f'id="project-row-{cut.project_id}"') < after.index("</tbody>")
    assert f'id="project-row-{cut.project_id}"' not in html[: html.index('class="cut-line"')]
    by_roi = pm_client.get(url, {"sort": "roi", "dir": "desc"}).content.decode()
    assert 'class="cut-line"' not in by_roi


@pytest.mark.django_db
def test_how_page_explains_each_funding_figure_with_this_portfolios_numbers(decided, leader_client):
    html = leader_client.get(reverse("roadmap:how", args=["trust-safety"])).content.decode()
    section = html[html.index('id="how-funding"') :]
    assert "1 person × 13 weeks" in section and "13.0 person-weeks" in section
    for words in ("Cut-line ROI", "P(funded if known)", "Funded value", "Efficient frontier", "EVPPI", "Tornado"):
        assert words in section
    cut = decided.scores.filter(rank=decided.funding["cut_rank"]).get()
    assert cut.name in section and cut.funding_reason in section


@pytest.mark.django_db
def test_whatif_with_a_longer_window_and_saving_it_as_the_plan(decided, pm_client, portfolio):
    from roadmap import planning
    from roadmap.services import whatif

    comparison = whatif.scenario_compare(
        portfolio_id=portfolio.pk, scenario=planning.Scenario(capacity=1, window_weeks=26)
    )
    assert comparison.saved.funding.budget_person_weeks == 13
    assert comparison.scenario.funding.budget_person_weeks == 26
    portfolio.refresh_from_db()
    whatif.scenario_save(
        portfolio=portfolio,
        scenario=planning.Scenario(capacity=1, window_weeks=26),
        settings_version=portfolio.version,
        base_capacity=1,
        project_versions={},
    )
    portfolio.refresh_from_db()
    assert portfolio.planning_window_weeks == 26


@pytest.mark.django_db
def test_a_whatif_window_out_of_range_is_refused_next_to_the_field(decided, portfolio):
    from roadmap.forms import ScenarioForm

    portfolio.refresh_from_db()
    for window, message in (("0", "greater than or equal to 1"), ("600", "less than or equal to 520")):
        data = {"capacity": "1", "window_weeks": window, "settings_version": portfolio.version, "base_capacity": "1"}
        form = ScenarioForm.for_portfolio(portfolio, data)
        assert not form.is_valid()
        assert message in " ".join(form.errors["window_weeks"])
