"""Monte Carlo error where people read the figures: the recompute stores each project's standard error, P(loss) and
tie; the ranking table, backlog, project page, chart tooltips and "Changes since" show ≈, P(loss) and ROIs rounded to
their error; exports, "How scores are computed" carry them (the API: ``tests/api/test_figures.py``)."""

import csv
import io
import re

import pytest
from django.urls import reverse

from portfolio import input_selectors
from portfolio.formatting import roi_within_error
from portfolio.mc_error import tied_with_above
from roadmap.models import ChangesReport, ProjectScore
from roadmap.services.recompute import plan_from_inputs, portfolio_recompute
from tests.factories import AssessmentFactory, ProjectFactory, ProjectScoreFactory, RankingSnapshotFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def uncertain_snapshot(portfolio):
    """Three ranked projects: "Spam filter" +5,562% ±300%, "Toxicity" +5,200% ±200% (tied with it), "Feed ranking"
    +45.67% ±5% (P(loss) 45%, not tied); and a parked one."""
    snapshot = RankingSnapshotFactory(portfolio=portfolio, input_version=1, seed=3, trials=400, top_k=2)
    rows = [
        ("Spam filter", 55.62, 3.0, 0.1, False),
        ("Toxicity", 52.0, 2.0, 0.15, True),
        ("Feed ranking", 0.4567, 0.05, 0.45, False),
    ]
    for rank, (name, roi, se, p_loss, tied) in enumerate(rows, start=1):
        project = ProjectFactory(portfolio=portfolio, name=name)
        AssessmentFactory(project=project, tag="easy")
        ProjectScoreFactory(
            snapshot=snapshot, project=project, rank=rank, expected_roi=roi, roi_se=se, p_loss=p_loss,
            tied_with_above=tied, roi_p10=-1.0, roi_p50=roi * 0.9, roi_p90=roi * 2,
        )  # fmt: skip
    parked = ProjectFactory(portfolio=portfolio, name="Old idea", status="parked")
    ProjectScoreFactory(snapshot=snapshot, project=parked, excluded=True)
    return snapshot


def _ranking_table(html: str) -> str:
    return html[html.index('<table class="ranking">') : html.index("</table>", html.index('<table class="ranking">'))]


def test_the_recompute_stores_each_projects_error_loss_and_tie_as_the_math_gives_them(portfolio):
    for i in range(4):
        project = ProjectFactory(portfolio=portfolio, name=f"Project {i}", impact_low=50, impact_high=300 + i)
        AssessmentFactory(project=project, tag="hard", effort_low=2, effort_likely=5 + i, effort_high=20)
    snapshot = portfolio_recompute(portfolio_id=portfolio.pk)
    _, inputs = input_selectors.plan_inputs_read(portfolio_id=portfolio.pk)
    result, _ = plan_from_inputs(inputs)
    stored = {s.project_id: s for s in snapshot.scores.all()}
    for score in result.scores:
        row = stored[score.key]
        assert (row.roi_se, row.p_loss, row.tied_with_above) == (score.roi_se, score.p_loss, score.tied_with_above)
        assert 0 < row.roi_se and 0 < row.p_loss < 1
    ranked = sorted(stored.values(), key=lambda s: s.rank)
    assert [s.tied_with_above for s in ranked] == tied_with_above(
        [s.expected_roi for s in ranked], [s.roi_se for s in ranked]
    )


def test_the_ranking_table_shows_ties_p_loss_and_rois_to_their_precision(uncertain_snapshot, leader_client):
    html = leader_client.get(reverse("roadmap:chart", args=["trust-safety"])).content.decode()
    table = _ranking_table(html)
    assert "P(loss)</th>" in table and "ROI P10 – P50 – P90" not in table
    assert ">+5,600%</span>" in table and ">+5,200%</span>" in table and ">+46%</span>" in table
    assert "+5,562%" not in table.replace('title="Expected ROI +5,562%', "")  # full figure only in the tooltip
    assert 'title="Expected ROI +5,562% ±300% (standard error over 400 trials); ROI P10 −100%' in table
    assert re.search(r'<span class="tie-mark" title="Statistically tied with #1[^"]*">≈</span>2', table)
    assert table.count("tie-mark") == 1
    assert ">45%</td>" in table and ">10%</td>" in table


def test_the_chart_tooltip_gives_the_rounded_roi_its_error_p_loss_and_percentiles(uncertain_snapshot, leader_client):
    body = leader_client.get(reverse("roadmap:chart-svg", args=["trust-safety"])).content.decode()
    assert "Expected ROI +5,600% ±300% (P10 −100%, P50 +5,006%, P90 +11,124%); P(loss) 10%" in body
    assert "Toxicity — rank 2 (≈ statistically tied with the one above)" in body


def test_the_backlog_shows_p_loss_in_place_of_the_roi_p10_and_marks_ties(uncertain_snapshot, pm_client):
    html = pm_client.get(reverse("portfolio:backlog", args=["trust-safety"])).content.decode()
    assert "P(loss) 45%" in html and "P10–P90" not in html
    assert re.search(r'class="tie-mark"[^>]*>≈</span>#2', html) and html.count("tie-mark") == 1
    assert ">+5,600%</span>" in html and "ROI P10 −100%" in html  # the percentiles stay in the tooltip


def test_the_project_page_marks_a_tied_rank(uncertain_snapshot, leader_client):
    project = uncertain_snapshot.scores.get(name="Toxicity").project
    html = leader_client.get(reverse("portfolio:project", args=["trust-safety", project.pk])).content.decode()
    assert re.search(r"Rank <span class=\"tie-mark\"[^>]*>≈</span>#2", html)
    assert ">+5,200%</span>" in html and "±200% standard error" in html and "P(loss)</dt><dd>15%" in html


def test_a_snapshot_from_before_errors_were_stored_shows_plain_figures(portfolio, leader_client):
    snapshot = RankingSnapshotFactory(portfolio=portfolio, input_version=1)
    ProjectScoreFactory(snapshot=snapshot, expected_roi=55.62, roi_se=None, p_loss=None)
    html = leader_client.get(reverse("roadmap:chart", args=["trust-safety"])).content.decode()
    table = _ranking_table(html)
    assert ">+5,562%</span>" in table and "tie-mark" not in table and '<td class="num">–</td>' in table


def test_exports_carry_the_standard_error_and_p_loss(uncertain_snapshot, pm_client):
    document = pm_client.get(reverse("roadmap:export", args=["trust-safety", "json"])).json()
    spam = next(p for p in document["projects"] if p["name"] == "Spam filter")
    assert (spam["roi_se"], spam["p_loss"]) == (3.0, 0.1)
    rows = {
        r["name"]: r for r in csv.DictReader(io.StringIO(pm_client.get("/p/trust-safety/export.csv").content.decode()))
    }
    assert (float(rows["Feed ranking"]["roi_se"]), float(rows["Feed ranking"]["p_loss"])) == (0.05, 0.45)
    assert rows["Old idea"]["roi_se"] == rows["Old idea"]["p_loss"] == ""


def test_the_how_page_explains_the_error_with_this_portfolios_numbers(uncertain_snapshot, leader_client):
    html = leader_client.get(reverse("roadmap:how", args=["trust-safety"])).content.decode()
    assert "SE = sd(roi_t) / √" in html and "2 × √(SE_a² + SE_b²)" in html and "P(loss)" in html
    example = html[html.index('id="error-example"') :]
    # sd = SE x sqrt(400) = 3.0 x 20 = 6,000%; #1 and #2 differ by 362 pts against 2 x sqrt(3² + 2²) = 721 pts.
    assert "standard deviation of\n    6,000%" in example and "<strong>300%</strong>" in example
    assert "shown as\n    <strong>+5,600%</strong>" in example
    assert "differ by +362 pts" in example and "= +721 pts" in example and "tied (≈)" in example
    assert "loses money in 10% of the trials" in example
    assert "Of 3 ranked projects,\n    1 is marked ≈" in example and "0 lose money" in example


def test_the_changes_page_marks_ties_before_and_now(portfolio, review_backlog, review_baseline, pm_user, leader_client):
    from portfolio import services

    services.project_update(project=review_backlog["Churn model"], data={"impact_high": 3000.0}, user=pm_user)
    snapshot = portfolio_recompute(portfolio_id=portfolio.pk)
    url = reverse("roadmap:changes", args=[portfolio.slug])
    leader_client.get(url)
    report = ChangesReport.objects.get()
    assert report.status == ChangesReport.Status.DONE
    stored = {s.project_id: s for s in ProjectScore.objects.filter(snapshot=snapshot)}
    for row in report.result["projects"]:
        now = stored[row["id"]]
        assert (row["after"]["roi_se"], row["after"]["tied_with_above"]) == (now.roi_se, now.tied_with_above)
    # Whatever this draw gives, the page marks exactly the ranks the report says are tied.
    moved = next(r for r in report.result["projects"] if r["change"] == "moved" and r["rank_move"])
    moved["after"]["tied_with_above"], moved["before"]["tied_with_above"] = True, False
    ChangesReport.objects.filter(pk=report.pk).update(result=report.result)
    html = leader_client.get(url).content.decode()
    rank_cell = f'</span>{moved["after"]["rank"]} <span class="rank-move'
    assert f'{moved["before"]["rank"]} → <span class="tie-mark" title="Statistically tied with #' in html
    assert rank_cell in html


def test_roi_within_error_is_what_the_pages_show(uncertain_snapshot, leader_client):
    html = leader_client.get(reverse("roadmap:chart", args=["trust-safety"])).content.decode()
    for score in uncertain_snapshot.scores.filter(rank__isnull=False):
        assert f">{roi_within_error(score.expected_roi, score.roi_se)}</span>" in html
