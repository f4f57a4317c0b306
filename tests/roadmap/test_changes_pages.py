"""The pages of review baselines: marking one, a baseline's chart and roadmap, "Changes since" per role with its
htmx progress partial and its stored report, rank moves at a glance; and the ``baseline`` and ``changes`` commands.
"""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from portfolio import services
from roadmap.models import ChangesReport, ReviewBaseline
from roadmap.services import changes
from roadmap.services.recompute import portfolio_recompute

pytestmark = pytest.mark.django_db

TOLERANCE = 1e-9


def _url(portfolio, name: str, **query) -> str:
    url = reverse(f"roadmap:{name}", args=[portfolio.slug])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _edit_churn(review_backlog, portfolio, pm_user) -> None:
    """The PM raises Churn model's impact far enough to take it from the last rank to the first."""
    services.project_update(project=review_backlog["Churn model"], data={"impact_high": 3000.0}, user=pm_user)
    portfolio_recompute(portfolio_id=portfolio.pk)


def test_a_pm_marks_the_current_figures_as_a_baseline_on_the_chart_page(portfolio, review_backlog, pm_client):
    portfolio_recompute(portfolio_id=portfolio.pk)
    page = pm_client.get(_url(portfolio, "chart")).content.decode()
    assert "Mark these figures as a review baseline" in page
    response = pm_client.post(_url(portfolio, "baseline-create"), {"name": "Q1 planning"})
    assert response.status_code == 302
    baseline = ReviewBaseline.objects.get(portfolio=portfolio)
    assert baseline.name == "Q1 planning" and baseline.created_by.username == "pat-pm"


def test_a_taken_baseline_name_is_refused_next_to_the_field(portfolio, review_baseline, pm_client):
    response = pm_client.post(_url(portfolio, "baseline-create"), {"name": "Q1 planning"})
    assert response.status_code == 400
    assert "already has a baseline with this name" in response.content.decode()


@pytest.mark.parametrize("role", ["em", "leadership"])
def test_only_product_roles_mark_baselines(portfolio, review_backlog, role_clients, role):
    portfolio_recompute(portfolio_id=portfolio.pk)
    assert role_clients[role].post(_url(portfolio, "baseline-create"), {"name": "Mine"}).status_code == 403
    assert "Mark these figures" not in role_clients[role].get(_url(portfolio, "chart")).content.decode()


def test_leadership_open_a_baselines_chart_and_roadmap_as_they_were(
    portfolio, review_backlog, review_baseline, pm_user, leader_client
):
    _edit_churn(review_backlog, portfolio, pm_user)
    for name in ("chart", "timeline"):
        html = leader_client.get(_url(portfolio, name, baseline=review_baseline.pk)).content.decode()
        assert "This page shows the baseline “Q1 planning”" in html and "marked by pat-pm" in html
        assert f"input version {review_baseline.snapshot.input_version}" in html
    current = leader_client.get(_url(portfolio, "chart")).content.decode()
    assert "This page shows the baseline" not in current
    assert leader_client.get(_url(portfolio, "chart", baseline=999999)).status_code == 404


def test_the_chart_and_backlog_show_rank_moves_since_the_latest_baseline(
    portfolio, review_backlog, review_baseline, pm_user, pm_client
):
    _edit_churn(review_backlog, portfolio, pm_user)
    chart = pm_client.get(_url(portfolio, "chart")).content.decode()
    backlog = pm_client.get(reverse("portfolio:backlog", args=[portfolio.slug])).content.decode()
    for html in (chart, backlog):
        assert 'class="rank-move rank-up"' in html and "▲" in html and 'class="rank-move rank-down"' in html


@pytest.mark.parametrize("role", ["owner", "pm", "em", "leadership"])
def test_every_role_reads_the_changes_since_page(
    portfolio, review_backlog, review_baseline, pm_user, role_clients, role
):
    _edit_churn(review_backlog, portfolio, pm_user)
    html = role_clients[role].get(_url(portfolio, "changes")).content.decode()
    assert "Changes since “Q1 planning”" in html
    assert "Churn model: impact 50–100–400 → 50–100–3,000 k$/year by pat-pm on" in html
    assert 'aria-current="page">Changes since</a>' in html


def test_outsiders_get_a_404(portfolio, review_baseline, outsider_client):
    assert outsider_client.get(_url(portfolio, "changes")).status_code == 404
    assert outsider_client.get(_url(portfolio, "chart", baseline=review_baseline.pk)).status_code == 404


def test_while_the_report_runs_the_htmx_partial_shows_progress_and_keeps_polling(
    portfolio, review_backlog, review_baseline, pm_user, leader_client
):
    _edit_churn(review_backlog, portfolio, pm_user)
    ChangesReport.objects.create(
        baseline=review_baseline,
        input_version=portfolio_recompute(portfolio_id=portfolio.pk).input_version,
        status=ChangesReport.Status.RUNNING,
        groups_done=2,
        groups_total=5,
    )
    html = leader_client.get(_url(portfolio, "changes"), headers={"HX-Request": "true"}).content.decode()
    assert html.lstrip().startswith('<section id="changes-report"') and "<html" not in html
    assert "2 of 5 groups of changes evaluated" in html and 'hx-trigger="every 1s"' in html


def test_a_second_visit_reads_the_stored_report(
    portfolio, review_backlog, review_baseline, pm_user, leader_client, django_assert_max_num_queries, monkeypatch
):
    _edit_churn(review_backlog, portfolio, pm_user)
    leader_client.get(_url(portfolio, "changes"))
    assert ChangesReport.objects.get().status == ChangesReport.Status.DONE
    monkeypatch.setattr(changes, "_report", lambda report: pytest.fail("computed again"))
    html = leader_client.get(_url(portfolio, "changes")).content.decode()
    assert "Churn model: impact" in html and ChangesReport.objects.count() == 1


def test_the_changes_command_explains_every_move_in_json(portfolio, review_backlog, review_baseline, pm_user):
    _edit_churn(review_backlog, portfolio, pm_user)
    services.assessment_record(
        project=review_backlog["Spam filter"], tag="easy", effort_low=3, effort_likely=9, effort_high=12
    )
    portfolio_recompute(portfolio_id=portfolio.pk)
    out = StringIO()
    call_command("changes", portfolio=portfolio.name, since="Q1 planning", output_format="json", stdout=out)
    projects = {p["name"]: p for p in json.loads(out.getvalue())["projects"]}
    churn = projects["Churn model"]
    assert set(churn["before"]) == {"rank", "expected_roi", "p_top_k", "finish_p50"}
    assert set(churn["causes"][0]) == {"group", "description", "effect"}
    for project in projects.values():
        total = project["after"]["expected_roi"] - project["before"]["expected_roi"]
        explained = sum(c["effect"] for c in project["causes"]) + project["interaction"]
        assert explained == pytest.approx(total, abs=TOLERANCE)


def test_the_commands_mark_a_baseline_and_print_the_changes_as_text(portfolio, review_backlog, pm_user):
    portfolio_recompute(portfolio_id=portfolio.pk)
    out = StringIO()
    call_command("baseline", portfolio=portfolio.slug, name="Review 1", user="pat-pm", stdout=out)
    assert 'Marked "Review 1"' in out.getvalue()
    _edit_churn(review_backlog, portfolio, pm_user)
    out = StringIO()
    call_command("changes", portfolio=portfolio.slug, since="review 1", stdout=out)
    assert "Churn model: rank" in out.getvalue() and "impact 50–100–400 → 50–100–3,000" in out.getvalue()
