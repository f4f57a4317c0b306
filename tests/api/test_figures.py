"""The latest ranking and roadmap through the API, each with its snapshot's provenance (input version, seed, trials,
when, and the settings it was computed with, not today's)."""

from api.rest.serializers.figures import RANKING_ROW_FIELDS, SCHEDULE_ROW_FIELDS
from portfolio import services
from roadmap.models import ProjectScore, ScheduleRow
from roadmap.services.recompute import portfolio_recompute
from tests.factories import ProjectScoreFactory, RankingSnapshotFactory

from .conftest import api_url

NOT_FIGURES = {"id", "snapshot", "project"}  # the row's own key and links; "project" is served as project_id


def test_every_ranking_figure_is_served():
    """A figure added to ProjectScore (Monte Carlo error, funding...) is one name added to RANKING_ROW_FIELDS."""
    fields = {f.name for f in ProjectScore._meta.concrete_fields} - NOT_FIGURES
    assert fields | {"project_id"} == set(RANKING_ROW_FIELDS)
    fields = {f.name for f in ScheduleRow._meta.concrete_fields} - NOT_FIGURES
    assert fields | {"project_id"} == set(SCHEDULE_ROW_FIELDS)


def test_ranking_and_roadmap_come_with_their_provenance(world, pm_api):
    snapshot = portfolio_recompute(portfolio_id=world["portfolio"].pk)
    services.portfolio_update(portfolio=world["portfolio"], data={"capacity": 3, "cost_per_person_week": 9})
    ranking = pm_api.get(api_url(world["slug"], "ranking/")).json()
    assert ranking["snapshot"]["input_version"] == snapshot.input_version
    assert ranking["snapshot"]["seed"] == world["portfolio"].seed and ranking["snapshot"]["trials"] == 2000
    assert ranking["snapshot"]["settings"]["capacity"] == 10  # what it was computed with, not today's 3
    assert ranking["snapshot"]["settings"]["cost_per_person_week"] == 4.0
    assert ranking["status"]["out_of_date"] is True
    ranked = [r for r in ranking["results"] if r["rank"] is not None]
    assert [r["rank"] for r in ranked] == sorted(r["rank"] for r in ranked)
    assert ranking["count"] == 3 and {r["name"] for r in ranking["results"]} >= {"Language identification"}
    roadmap = pm_api.get(api_url(world["slug"], "roadmap/")).json()
    assert roadmap["snapshot"] == ranking["snapshot"]
    assert roadmap["value_curve"] and set(roadmap["value_curve"][0]) == {"date", "p10", "p50", "p90"}
    row = roadmap["results"][0]
    assert row["position"] == 1 and row["finish_p50"] and row["finish_cdf"][0][0] >= row["start_p10"]


def test_before_the_first_recompute_there_are_no_figures(world, pm_api):
    body = pm_api.get(api_url(world["slug"], "ranking/")).json()
    assert body["snapshot"] is None and body["results"] == [] and body["count"] == 0


def test_the_export_is_the_same_document_as_the_download(world, pm_api, pm_client):
    portfolio_recompute(portfolio_id=world["portfolio"].pk)
    api = pm_api.get(api_url(world["slug"], "export/")).json()
    page = pm_client.get(f"/p/{world['slug']}/export.json").json()
    assert api == page
    csv_api = pm_api.get(api_url(world["slug"], "export.csv"), HTTP_ACCEPT="text/csv")
    assert csv_api.status_code == 200 and csv_api["Content-Type"].startswith("text/csv")
    assert csv_api.content == pm_client.get(f"/p/{world['slug']}/export.csv").content


def test_the_api_serves_the_standard_error_p_loss_and_tie(portfolio, pm_api):
    snapshot = RankingSnapshotFactory(portfolio=portfolio, input_version=1)
    ProjectScoreFactory(snapshot=snapshot, name="Toxicity", rank=2, roi_se=2.0, p_loss=0.15, tied_with_above=True)
    ProjectScoreFactory(snapshot=snapshot, name="Old idea", excluded=True)
    body = pm_api.get(api_url(portfolio.slug, "ranking/")).json()
    rows = {r["name"]: r for r in body["results"]}
    assert (rows["Toxicity"]["roi_se"], rows["Toxicity"]["p_loss"], rows["Toxicity"]["tied_with_above"]) == (
        2.0,
        0.15,
        True,
    )
    assert rows["Old idea"]["roi_se"] is None and rows["Old idea"]["tied_with_above"] is False


def test_the_funding_decision_comes_with_its_provenance(world, pm_api):
    snapshot = portfolio_recompute(portfolio_id=world["portfolio"].pk)
    body = pm_api.get(api_url(world["slug"], "funding/")).json()
    assert body["snapshot"]["input_version"] == snapshot.input_version
    assert body["snapshot"]["settings"]["planning_window_weeks"] == 13
    assert body["budget_person_weeks"] == 10 * 13
    assert body["cut_line_roi"] >= 0 and set(body["funded_value"]) == {"mean", "p10", "p50", "p90"}
    assert len(body["frontier"]) == 21 and body["frontier"][0]["budget"] == 0
    ranked = [r for r in body["results"] if r["rank"] is not None]
    assert ranked and all(r["funded"] is not None and r["funding_reason"] for r in ranked)
    assert all(r["robustness"] in {"core", "borderline", "out"} for r in ranked)
    assert {bar["input"] for bar in ranked[0]["tornado"]} == {"impact", "effort", "success"}
