"""Export of a portfolio with its latest figures: the document's keys, a CSV that re-imports and cannot run
formulas in a spreadsheet, a constant number of queries, and the download view."""

import csv
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portfolio.csv_import import import_csv
from portfolio.models import Portfolio, Project
from roadmap.export import CSV_COLUMNS, IMPORT_COLUMNS, export_csv, neutralize, portfolio_export
from roadmap.services.recompute import portfolio_recompute
from tests.factories import AssessmentFactory, ProjectFactory, ReuseLinkFactory

IMPORT_HEADER = (
    "name,summary,status,owner,impact_low,impact_likely,impact_high,effort_low,effort_likely,effort_high,"
    "feasibility,success_probability,requires,reuses,target_date,staffing,"
    "actual_effort,actual_start,actual_finish,succeeded,realized_impact,impact_estimated_by,effort_estimated_by"
)
HOSTILE = "<b>\"Fraud\", & 'spam'</b>"


@pytest.fixture
def backlog(portfolio):
    """An assessed producer, a consumer with a provisional effort, a parked idea without effort; ranked."""
    producer = ProjectFactory(portfolio=portfolio, name="Language ID", owner="=cmd|' /C calc'!A0")
    AssessmentFactory(project=producer, tag="easy", success_probability_override=0.8)
    consumer = ProjectFactory(
        portfolio=portfolio,
        name=HOSTILE,
        summary="-2+3 looks like a formula",
        provisional_effort_low=40,
        provisional_effort_likely=60,
        provisional_effort_high=90,
        impact_low=0,
        impact_likely=1,
        impact_high=2,
    )
    ReuseLinkFactory(producer=producer, consumer=consumer, kind="requires", fraction=0.3)
    ProjectFactory(portfolio=portfolio, name="@Parked idea", status="parked")
    portfolio_recompute(portfolio_id=portfolio.pk)
    return portfolio


def _rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_json_document_has_the_settings_the_snapshot_and_every_project(backlog):
    document = portfolio_export(backlog)
    for key in (
        "name",
        "slug",
        "value_unit",
        "cost_per_person_week",
        "horizon_years",
        "trials",
        "top_k",
        "p_easy",
        "p_hard",
        "p_impossible",
        "capacity",
        "roadmap_start",
        "snapshot",
        "projects",
    ):
        assert key in document, key
    assert set(document["snapshot"]) >= {"input_version", "seed", "trials", "computed_at"}
    assert document["snapshot"]["input_version"] == backlog.input_version
    assert [p["name"] for p in document["projects"]] == ["<b>\"Fraud\", & 'spam'</b>", "@Parked idea", "Language ID"]
    json.dumps(document)  # plain JSON types only


def test_each_project_carries_its_inputs_and_figures(backlog):
    projects = {p["name"]: p for p in portfolio_export(backlog)["projects"]}
    producer, consumer, parked = projects["Language ID"], projects[HOSTILE], projects["@Parked idea"]
    for key in (
        "name",
        "status",
        "owner",
        "summary",
        "feasibility",
        "success_probability",
        "impact",
        "effort",
        "effort_source",
        "staffing",
        "target_date",
        "requires",
        "reuses",
        "rank",
        "expected_roi",
        "roi_se",
        "roi_p10",
        "roi_p50",
        "roi_p90",
        "p_loss",
        "p_top_k",
        "expected_value",
        "expected_effort",
        "excluded_reason",
        "needs_feasibility",
    ):
        assert key in producer, key
    assert producer["feasibility"] == "easy" and producer["success_probability"] == 0.8
    assert producer["effort"] == {"low": 4.0, "likely": 8.0, "high": 16.0} and producer["effort_source"] == "assessment"
    assert producer["rank"] == 1 and producer["needs_feasibility"] is False
    assert consumer["effort_source"] == "provisional" and consumer["feasibility"] is None
    assert consumer["success_probability"] == backlog.p_hard and consumer["needs_feasibility"] is True
    assert consumer["requires"] == [{"name": "Language ID", "fraction": 0.3}] and consumer["reuses"] == []
    assert consumer["expected_roi"] < 0  # impact 0..2 for 60 person-weeks
    assert parked["effort"] is None and parked["effort_source"] is None
    assert parked["rank"] is None and parked["excluded_reason"] == "parked"


def test_document_without_a_snapshot_has_null_figures(portfolio):
    ProjectFactory(portfolio=portfolio, name="Fresh idea")
    document = portfolio_export(portfolio)
    assert document["snapshot"] == {
        "input_version": None,
        "seed": None,
        "trials": None,
        "top_k": None,
        "computed_at": None,
        "settings": None,
    }
    (project,) = document["projects"]
    assert project["rank"] is None and project["expected_roi"] is None and project["excluded_reason"] is None


def test_export_runs_a_constant_number_of_queries(backlog):
    with CaptureQueriesContext(connection) as few:
        portfolio_export(backlog)
    for n in range(6):
        AssessmentFactory(project=ProjectFactory(portfolio=backlog, name=f"More {n}"))
    portfolio_recompute(portfolio_id=backlog.pk)
    with CaptureQueriesContext(connection) as many:
        document = portfolio_export(backlog)
    assert len(document["projects"]) == 9
    assert len(many) == len(few) <= 8  # snapshot, scores, projects, assessments, links, roadmap rows and curve


def test_csv_starts_with_the_import_header_so_it_reimports(backlog):
    text = export_csv(portfolio_export(backlog))
    header = text.splitlines()[0]
    assert header.startswith(IMPORT_HEADER + ",")
    assert list(CSV_COLUMNS[: len(IMPORT_COLUMNS)]) == IMPORT_HEADER.split(",")
    rows = {r["name"]: r for r in _rows(text)}
    producer = rows["Language ID"]
    assert (producer["effort_low"], producer["effort_likely"], producer["effort_high"]) == ("4.0", "8.0", "16.0")
    assert producer["feasibility"] == "easy" and producer["success_probability"] == "0.8"
    assert rows[HOSTILE]["requires"] == "Language ID:0.3" and rows[HOSTILE]["reuses"] == ""
    assert rows[HOSTILE]["feasibility"] == "" and rows[HOSTILE]["effort_source"] == "provisional"


def test_the_csv_reimports_with_no_change_figures_skipped_and_formula_guards_taken_off(backlog):
    version = Portfolio.objects.get(pk=backlog.pk).input_version

    result = import_csv(portfolio=backlog, data=export_csv(portfolio_export(backlog)).encode())

    assert (result.created, result.updated, result.unchanged, result.assessed, result.links_set) == (0, 0, 3, 0, 0)
    assert Project.objects.get(portfolio=backlog, name="Language ID").owner == "=cmd|' /C calc'!A0"
    assert Project.objects.filter(portfolio=backlog, name="@Parked idea").exists()
    assert Portfolio.objects.get(pk=backlog.pk).input_version == version


def test_csv_quotes_a_hostile_name_and_keeps_it_intact(backlog):
    text = export_csv(portfolio_export(backlog))
    assert '"<b>""Fraud"", & \'spam\'</b>"' in text
    assert HOSTILE in {r["name"] for r in _rows(text)}


def test_csv_neutralizes_formulas_but_keeps_negative_numbers(backlog):
    rows = {r["name"].lstrip("'"): r for r in _rows(export_csv(portfolio_export(backlog)))}
    assert rows["Language ID"]["owner"] == "'=cmd|' /C calc'!A0"
    assert rows[HOSTILE]["summary"] == "'-2+3 looks like a formula"
    assert "'@Parked idea" in {r["name"] for r in rows.values()}
    roi = rows[HOSTILE]["expected_roi"]
    assert roi.startswith("-") and float(roi) < 0  # a number, not neutralized
    assert float(rows[HOSTILE]["roi_p10"]) == pytest.approx(float(rows[HOSTILE]["roi_p10"]))


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_every_formula_prefix_is_neutralized(cell):
    assert neutralize(cell) == "'" + cell


@pytest.mark.parametrize("cell", [-1.5, 0, "plain text", "", None])
def test_numbers_and_plain_text_are_left_alone(cell):
    assert neutralize(cell) == cell


@pytest.mark.parametrize("role", ["pm", "em", "leadership"])
def test_every_member_downloads_json_and_csv(backlog, role_clients, role):
    client = role_clients[role]
    response = client.get(reverse("roadmap:export", args=["trust-safety", "json"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"] == 'attachment; filename="trust-safety.json"'
    assert json.loads(response.content)["slug"] == "trust-safety"
    response = client.get(reverse("roadmap:export", args=["trust-safety", "csv"]))
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="trust-safety.csv"'
    assert response.content.decode().startswith(IMPORT_HEADER)


def test_other_formats_and_outsiders_get_404(backlog, pm_client, outsider_client):
    assert pm_client.get(reverse("roadmap:export", args=["trust-safety", "xml"])).status_code == 404
    assert outsider_client.get(reverse("roadmap:export", args=["trust-safety", "csv"])).status_code == 404
