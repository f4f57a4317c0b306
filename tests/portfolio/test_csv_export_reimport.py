"""An export imported again: through the page or the command line it changes nothing, into an empty portfolio it
recreates the same projects, and the apostrophe the export puts before a formula is taken off exactly."""

import csv
import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from portfolio.csv_import import COLUMNS, import_csv, unneutralize
from portfolio.models import Change, FeasibilityAssessment, Portfolio, Project, ReuseLink
from roadmap.export import export_csv, neutralize, portfolio_export
from roadmap.services.recompute import portfolio_recompute
from tests.factories import AssessmentFactory, PortfolioFactory, ProjectFactory, ReuseLinkFactory, import_through_page
from tests.portfolio.conftest import HEADER, _csv, _errors


@pytest.fixture
def exported_world(portfolio):
    """Assessed and provisional projects, both kinds of link, text a spreadsheet would run as a formula; ranked."""
    producer = ProjectFactory(portfolio=portfolio, name="@Language ID", owner="=cmd|' /C calc'!A0")
    AssessmentFactory(project=producer, tag="easy", success_probability_override=0.8)
    spam = ProjectFactory(portfolio=portfolio, name="=Spam", summary="'quoted, not a formula", owner="'pat")
    AssessmentFactory(project=spam, tag="hard")
    delivery = ProjectFactory(
        portfolio=portfolio,
        name="-1 day delivery",
        summary="+20% recall",
        owner="@pat",
        provisional_effort_low=0.5,
        provisional_effort_likely=1.1,
        provisional_effort_high=7.3,
        impact_low=0.1,
        impact_likely=0.30000000000000004,
        impact_high=2,
        target_date=datetime.date(2027, 3, 31),
        staffing=3,
    )
    ReuseLinkFactory(producer=producer, consumer=delivery, kind="requires", fraction=0.3)
    ReuseLinkFactory(producer=spam, consumer=delivery, kind="benefits", fraction=0.15)
    ReuseLinkFactory(producer=producer, consumer=spam, kind="benefits", fraction=0.2)
    ProjectFactory(portfolio=portfolio, name="+Parked idea", status="parked")
    portfolio_recompute(portfolio_id=portfolio.pk)
    return portfolio


def _state(portfolio) -> dict:
    """Everything an import can change: the projects' fields, assessments, links and the input version."""
    projects = {
        p.name: (
            p.summary,
            p.owner,
            p.status,
            p.impact_low,
            p.impact_likely,
            p.impact_high,
            p.provisional_effort_low,
            p.provisional_effort_likely,
            p.provisional_effort_high,
            p.target_date,
            p.staffing,
            p.version,
        )
        for p in Project.objects.filter(portfolio=portfolio)
    }
    assessments = sorted(
        FeasibilityAssessment.objects.filter(project__portfolio=portfolio).values_list(
            "project__name", "tag", "success_probability_override", "effort_low", "effort_likely", "effort_high"
        )
    )
    links = sorted(
        ReuseLink.objects.filter(producer__portfolio=portfolio).values_list(
            "producer__name", "consumer__name", "kind", "fraction"
        )
    )
    version = Portfolio.objects.get(pk=portfolio.pk).input_version
    return {"projects": projects, "assessments": assessments, "links": links, "input_version": version}


@pytest.mark.django_db
def test_the_downloaded_csv_export_reimports_through_the_page_with_no_change(exported_world, pm_client):
    before = _state(exported_world)
    download = pm_client.get(reverse("roadmap:export", args=[exported_world.slug, "csv"])).content
    rows = {r["name"]: r for r in csv.DictReader(io.StringIO(download.decode()))}
    assert rows["'-1 day delivery"]["rank"] and rows["'-1 day delivery"]["requires"] == "'@Language ID:0.3"
    assert (rows["'-1 day delivery"]["summary"], rows["'-1 day delivery"]["owner"]) == ("'+20% recall", "'@pat")

    response = import_through_page(pm_client, exported_world.slug, download, name="export.csv", follow=True)

    assert response.redirect_chain == [(reverse("portfolio:backlog", args=[exported_world.slug]), 302)]
    assert "0 projects created, 0 updated, 4 unchanged; 0 assessments recorded; 0 reuse links" in (
        response.content.decode()
    )
    assert _state(exported_world) == before


@pytest.mark.django_db
def test_export_portfolio_then_import_projects_on_the_command_line_is_the_identity(exported_world, tmp_path):
    path = tmp_path / "export.csv"
    before = _state(exported_world)

    call_command("export_portfolio", "--portfolio", exported_world.slug, "--format", "csv", "--output", str(path))
    out = io.StringIO()
    call_command("import_projects", str(path), "--portfolio", exported_world.slug, stdout=out)

    assert "0 projects created, 0 updated, 4 unchanged" in out.getvalue()
    assert _state(exported_world) == before


@pytest.mark.django_db
def test_an_export_reimported_into_an_empty_portfolio_recreates_the_same_projects_text_and_links(
    exported_world, admin_user
):
    text = export_csv(portfolio_export(exported_world))
    empty = PortfolioFactory(name="Copy", slug="copy")

    result = import_csv(portfolio=empty, data=text.encode(), user=admin_user)

    assert (result.created, result.assessed, result.links_set) == (4, 2, 3)
    copied, original = _state(empty), _state(exported_world)
    assert {name: fields[:-1] for name, fields in copied["projects"].items()} == {
        name: fields[:-1] for name, fields in original["projects"].items()
    }  # versions aside: the copies are new projects
    assert copied["assessments"] == original["assessments"]
    assert copied["links"] == original["links"]
    delivery = Project.objects.get(portfolio=empty, name="-1 day delivery")
    assert Change.objects.filter(project=delivery, field="link.reuses", new__startswith="@Language ID").exists()


@pytest.mark.django_db
def test_an_unknown_column_beside_the_export_figures_is_still_refused(portfolio):
    header = f"{HEADER},rank,expected_roi,colour"

    errors = _errors(portfolio, _csv(header, "A,1,2,3,1,0.5,red"))

    assert errors == [f"row 1: Unknown columns: “colour”. Known columns: {', '.join(COLUMNS)}."]


@pytest.mark.django_db
def test_the_export_figure_columns_are_skipped_whatever_they_hold(portfolio):
    result = import_csv(portfolio=portfolio, data=_csv(f"rank,{HEADER},excluded_reason", "not a rank,A,1,2,3,=x"))

    assert result.created == 1
    assert Project.objects.get(portfolio=portfolio).name == "A"


@pytest.mark.parametrize(
    ("cell", "read"),
    [
        ("'=1+1", "=1+1"),
        ("'+20% recall", "+20% recall"),
        ("'-1 day delivery", "-1 day delivery"),
        ("'@pat", "@pat"),
        ("'\tindented", "\tindented"),
        ("'\rreturn", "\rreturn"),
        ("'quoted", "'quoted"),  # an apostrophe before anything else is part of the text
        ("''=x", "'=x"),  # the export writes a text starting with "'" with one more: "'=x" -> "''=x"
        ("''quoted", "'quoted"),
        ("'", "'"),
        ("a'=b", "a'=b"),
        ("=1+1", "=1+1"),  # written by hand without the guard: taken as it is
    ],
)
def test_unneutralize_takes_off_exactly_the_apostrophe_the_export_puts_before_a_formula(cell, read):
    assert unneutralize(cell) == read


@pytest.mark.parametrize(
    "text", ["=1+1", "+1", "-1 day", "@pat", "\tx", "\rx", "'quoted", "'-draft", "''=x", "'", "plain", ""]
)
def test_neutralize_then_unneutralize_gives_the_text_back(text):
    assert unneutralize(neutralize(text)) == text


@pytest.mark.django_db
def test_names_summaries_owners_and_producers_are_read_without_the_exports_apostrophe(portfolio):
    ProjectFactory(portfolio=portfolio, name="=Producer")
    ProjectFactory(portfolio=portfolio, name="@Other")
    ProjectFactory(portfolio=portfolio, name="'Quoted")
    data = _csv(
        "name,summary,owner,impact_low,impact_likely,impact_high,requires,reuses",
        "'-1 day delivery,'+20% recall,'@pat,1,2,3,'=Producer:0.3;'@Other,'Quoted",
        "'Kept,'kept too,''=kept,1,2,3,,",
    )

    import_csv(portfolio=portfolio, data=data)

    delivery = Project.objects.get(portfolio=portfolio, name="-1 day delivery")
    assert (delivery.summary, delivery.owner) == ("+20% recall", "@pat")
    assert sorted((lk.producer.name, lk.kind, lk.fraction) for lk in delivery.links_in.all()) == [
        ("'Quoted", "benefits", 0.2),
        ("=Producer", "requires", 0.3),
        ("@Other", "requires", 0.2),
    ]
    kept = Project.objects.get(portfolio=portfolio, name="'Kept")
    assert (kept.summary, kept.owner) == ("'kept too", "'=kept")  # one "'" before "'" is the export's guard too


@pytest.mark.django_db
def test_an_existing_project_is_matched_by_its_name_without_the_apostrophe(portfolio):
    project = ProjectFactory(portfolio=portfolio, name="-1 day delivery", owner="@pat")

    result = import_csv(portfolio=portfolio, data=_csv("name,owner", "'-1 day delivery,'@pat"))

    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)
    assert Project.objects.filter(portfolio=portfolio).count() == 1
    project.refresh_from_db()
    assert (project.owner, project.version) == ("@pat", 1)
