"""The CSV import service: every row validated, every error named by row and column, all or nothing."""

import csv
import datetime
import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from hypothesis import given
from hypothesis import settings as settings_hypothesis
from hypothesis import strategies as st

from portfolio.csv_import import COLUMNS, ImportErrors, import_csv, unneutralize
from portfolio.models import Change, FeasibilityAssessment, Portfolio, Project, ReuseLink
from roadmap.export import export_csv, neutralize, portfolio_export
from roadmap.services.recompute import portfolio_recompute
from tests.factories import (
    AssessmentFactory,
    PortfolioFactory,
    ProjectFactory,
    ReuseLinkFactory,
    import_through_page,
)

SAMPLE = Path(settings.BASE_DIR) / "docs" / "sample-import.csv"
HEADER = "name,impact_low,impact_likely,impact_high"


def _csv(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def _errors(portfolio, data: bytes) -> list[str]:
    with pytest.raises(ImportErrors) as info:
        import_csv(portfolio=portfolio, data=data)
    return [str(e) for e in info.value.errors]


@pytest.mark.django_db
def test_sample_file_creates_projects_assessments_and_links(portfolio, admin_user):
    result = import_csv(portfolio=portfolio, data=SAMPLE.read_bytes(), user=admin_user)

    assert (result.created, result.updated, result.assessed, result.links_set) == (6, 0, 3, 4)
    spam = Project.objects.get(portfolio=portfolio, name="Spam classifier for posts")
    assert (spam.status, spam.staffing, str(spam.target_date)) == ("building", 3, "2027-06-30")
    assessment = spam.assessments.get(is_current=True)
    assert (assessment.tag, assessment.effort_likely, assessment.assessed_by) == ("hard", 12, admin_user)
    search = Project.objects.get(portfolio=portfolio, name="Search ranking")
    assert search.assessments.get().success_probability_override == 0.4
    translation = Project.objects.get(portfolio=portfolio, name="Comment translation")
    assert translation.provisional_effort_likely == 16
    assert not translation.assessments.exists()
    link = ReuseLink.objects.get(consumer=translation)
    assert (link.producer.name, link.kind, link.fraction) == ("Language identification", "requires", 0.4)
    moderation_links = ReuseLink.objects.filter(consumer__name="Moderation queue prioritisation")
    assert sorted((lk.producer.name, lk.kind, lk.fraction) for lk in moderation_links) == [
        ("Language identification", "benefits", 0.1),
        ("Spam classifier for posts", "benefits", 0.2),
    ]
    assert Change.objects.filter(project=spam, field="created", user=admin_user).exists()
    assert Change.objects.filter(project=spam, field="feasibility.tag", new="hard").exists()
    assert Portfolio.objects.get(pk=portfolio.pk).input_version > portfolio.input_version


@pytest.mark.django_db
def test_importing_the_same_file_again_changes_nothing(portfolio):
    import_csv(portfolio=portfolio, data=SAMPLE.read_bytes())
    version = Portfolio.objects.get(pk=portfolio.pk).input_version

    result = import_csv(portfolio=portfolio, data=SAMPLE.read_bytes())

    assert (result.created, result.updated, result.unchanged, result.assessed, result.links_set) == (0, 0, 6, 0, 0)
    assert FeasibilityAssessment.objects.filter(project__portfolio=portfolio).count() == 3
    assert Portfolio.objects.get(pk=portfolio.pk).input_version == version


@pytest.mark.django_db
def test_existing_project_is_updated_by_name_and_empty_cells_keep_its_values(portfolio):
    project = ProjectFactory(portfolio=portfolio, name="Search ranking", owner="Sam", status="discovery")

    data = _csv("name,owner,status,impact_low,impact_likely,impact_high", "Search ranking,,,50,100,900")

    result = import_csv(portfolio=portfolio, data=data)

    assert result.updated == 1
    project.refresh_from_db()
    assert (project.owner, project.status, project.impact_high, project.version) == ("Sam", "discovery", 900, 2)
    assert Change.objects.filter(project=project, field="impact_high", old="200.0", new="900.0").exists()


@pytest.mark.django_db
def test_new_assessment_is_recorded_only_when_it_differs_and_the_earlier_one_is_kept(portfolio):
    project = ProjectFactory(portfolio=portfolio, name="Spam")
    AssessmentFactory(project=project, tag="easy", effort_low=4, effort_likely=8, effort_high=16)
    header = "name,feasibility,effort_low,effort_likely,effort_high"

    same = import_csv(portfolio=portfolio, data=_csv(header, "Spam,easy,4,8,16"))
    harder = import_csv(portfolio=portfolio, data=_csv(header, "Spam,hard,,,"))

    assert (same.assessed, harder.assessed) == (0, 1)
    assert [(a.tag, a.effort_high, a.is_current) for a in project.assessments.order_by("id")] == [
        ("easy", 16, False),
        ("hard", 16, True),
    ]


@pytest.mark.django_db
def test_a_link_cell_sets_exactly_the_listed_links_of_its_kind(portfolio):
    consumer = ProjectFactory(portfolio=portfolio, name="C")
    a, b, d = (ProjectFactory(portfolio=portfolio, name=n) for n in "ABD")
    ReuseLinkFactory(producer=a, consumer=consumer, kind="requires", fraction=0.3)
    ReuseLinkFactory(producer=b, consumer=consumer, kind="benefits", fraction=0.2)

    result = import_csv(portfolio=portfolio, data=_csv("name,requires", "C,D:0.5"))

    assert (result.links_set, result.links_removed) == (1, 1)
    assert sorted((lk.producer.name, lk.kind, lk.fraction) for lk in consumer.links_in.all()) == [
        ("B", "benefits", 0.2),
        ("D", "requires", 0.5),
    ]
    import_csv(portfolio=portfolio, data=_csv("name,reuses", "C,-"))
    assert [lk.producer.name for lk in consumer.links_in.all()] == ["D"]


@pytest.mark.django_db
def test_every_bad_cell_is_reported_with_row_and_column_and_nothing_is_saved(portfolio):
    data = _csv(
        "name,status,impact_low,impact_likely,impact_high,effort_low,effort_likely,effort_high,feasibility,"
        "success_probability,requires,target_date,staffing,summary",
        "Good one,idea,1,2,3,,,,,,,,,",
        ",idea,1,2,3,,,,,,,,,",
        "Words,unknown,abc,nan,inf,,,,,,,,,",
        "Negative,idea,-5,2,3,1,2,,,,,,,",
        "Order,idea,30,20,10,5,4,3,,,,,,",
        "Huge,idea,1,2,1e12,1,2,1e9,,,,,,",
        "Tagged,idea,1,2,3,1,2,3,medium,1.5,,,,",
        "Probability,idea,1,2,3,1,2,3,easy,1.5,,2025-13-01,0,",
        "Links,idea,1,2,3,,,,,,Nobody;Links;Good one:0.95;Good one:x,31/12/2025,2.5,",
        "Good one,idea,1,2,3,,,,,,,,,",
        "Long,idea,1,2,3,,,,,,,,," + "x" * 4001,
    )

    errors = _errors(portfolio, data)

    expected = [
        "row 3, column name: Every row needs a project name.",
        "row 4, column status: Unknown status “unknown”",
        "row 4, column impact_low: “abc” is not a number",
        "row 4, column impact_likely: “nan” is not a finite number.",
        "row 4, column impact_high: “inf” is not a finite number.",
        "row 5, column effort_high: Give all three of effort_low, effort_likely, effort_high",
        "row 5, column impact_low: Ensure this value is greater than or equal to 0",
        "row 6, column impact_likely: Impact: likely must be at least low (30).",
        "row 6, column effort_high: Provisional effort: high must be at least likely (4).",
        "row 7, column impact_high: Ensure this value is less than or equal to 1000000000",
        "row 7, column effort_high: Ensure this value is less than or equal to 100000",
        "row 8, column feasibility: Unknown feasibility “medium”; use one of easy, hard, impossible.",
        "row 8, column success_probability: Ensure this value is less than or equal to 1",
        "row 9, column target_date: “2025-13-01” is not a date; write it as YYYY-MM-DD.",
        "row 9, column staffing: “0” is not a whole number of people (1 or more).",
        "row 10, column requires: Unknown producer “Nobody”",
        "row 10, column requires: A project cannot reuse its own output.",
        "row 10, column requires: Good one: the fraction of effort saved must be 0 to 0.9",
        "row 10, column requires: Good one: “x” is not a fraction (0 to 0.9).",
        "row 10, column target_date: “31/12/2025” is not a date",
        "row 10, column staffing: “2.5” is not a whole number of people",
        "row 11, column name: “Good one” is also on row 2.",
        "row 12, column summary: At most 4,000 characters (this has 4,001).",
    ]
    missing = [e for e in expected if not any(line.startswith(e) for line in errors)]
    assert not missing, "\n".join(["missing:", *missing, "got:", *errors])
    assert not Project.objects.filter(portfolio=portfolio).exists()


@pytest.mark.django_db
def test_new_project_without_impact_and_assessment_without_effort_are_refused(portfolio):
    errors = _errors(portfolio, _csv("name,feasibility,success_probability", "New,easy,", "Other,,0.5"))

    assert any(e.startswith("row 2, column impact_low: A new project needs its impact range") for e in errors)
    assert any(e.startswith("row 2, column effort_low: An assessment needs an effort range") for e in errors)
    assert any(e.startswith("row 3, column success_probability: A success probability belongs") for e in errors)


@pytest.mark.django_db
def test_link_that_closes_a_cycle_is_refused_with_the_path(portfolio):
    a, b = ProjectFactory(portfolio=portfolio, name="A"), ProjectFactory(portfolio=portfolio, name="B")
    ReuseLinkFactory(producer=a, consumer=b)
    data = _csv(f"{HEADER},reuses", "C,1,2,3,B", "A,,,,C")

    errors = _errors(portfolio, data)

    assert errors == ["row 3, column reuses: This link would close a cycle: C → A → B → C."]
    assert not Project.objects.filter(name="C").exists()
    assert ReuseLink.objects.count() == 1


@pytest.mark.django_db
def test_rows_may_reference_producers_on_later_rows(portfolio):
    result = import_csv(
        portfolio=portfolio, data=_csv(f"{HEADER},requires", "Consumer,1,2,3,Producer", "Producer,1,2,3,")
    )

    assert (result.created, result.links_set) == (2, 1)
    assert ReuseLink.objects.get().producer.name == "Producer"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "file: The file is empty"),
        (b"\xef\xbb\xbf \n\n", "file: The file is empty"),
        (b"name,impact_low,impact_likely,impact_high\n", "file: The file has a header but no project rows."),
        (b"name;impact_low;impact_likely\nA;1;2\n", "row 1: The columns are separated by semicolons, not commas"),
        (b"name\timpact_low\nA\t1\n", "row 1: The columns are separated by tabs"),
        (b"name,colour,size\nA,red,big\n", "row 1: Unknown columns: “colour”"),
        (b"summary,impact_low\nx,1\n", "row 1, column name: The header needs a “name”"),
        (b"name,name\nA,B\n", "row 1, column name: This column appears more than once."),
        (b"name,summary\nA,ok\nB,caf\xe9\n", "row 3: The file is not UTF-8 text"),
        (b"name,summary\nA,one,two\n", "row 2: This row has 3 cells but the header has 2 columns"),
        (b'name,summary\nA,"unterminated\n', "row 2: The CSV cannot be read here"),
    ],
)
@pytest.mark.django_db
def test_a_broken_file_is_refused_with_a_clear_message(portfolio, data, message):
    errors = _errors(portfolio, data)

    assert errors[0].startswith(message), errors


@pytest.mark.django_db
def test_a_file_over_the_size_limit_is_refused(portfolio, settings):
    settings.IMPORT_MAX_BYTES = 100

    errors = _errors(portfolio, _csv(HEADER, *[f"Project {i},1,2,3" for i in range(10)]))

    assert errors[0].startswith("file: The file is ") and "the limit is 100 bytes" in errors[0]


@pytest.mark.django_db
def test_utf8_with_bom_any_column_order_and_case_and_trailing_commas_are_accepted(portfolio):
    data = "\ufeffImpact_High,NAME,impact_likely,impact_low,Status,\n300,Café recommandations,200,100,Discovery,\n"

    result = import_csv(portfolio=portfolio, data=data.encode())

    assert result.created == 1
    project = Project.objects.get(portfolio=portfolio)
    assert (project.name, project.status, project.impact_high) == ("Café recommandations", "discovery", 300)


@pytest.mark.django_db
def test_projects_of_other_portfolios_are_neither_matched_nor_linked(portfolio):
    other = ProjectFactory(name="Elsewhere")

    errors = _errors(portfolio, _csv(f"{HEADER},reuses", "Mine,1,2,3,Elsewhere"))
    result = import_csv(portfolio=portfolio, data=_csv(f"{HEADER},reuses", "Elsewhere,1,2,3,", "Mine,1,2,3,Elsewhere"))

    assert errors == [
        "row 2, column reuses: Unknown producer “Elsewhere”: no project or row of this file has that name."
    ]
    assert result.created == 2
    assert ReuseLink.objects.get().producer.portfolio == portfolio
    other.refresh_from_db()
    assert (other.impact_high, other.version) == (200, 1)


# The upload page ----------------------------------------------------------------------------------------------


def _import_url(portfolio) -> str:
    return reverse("portfolio:import", args=[portfolio.slug])


def _upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/csv")


@pytest.mark.django_db
def test_import_page_documents_the_columns_and_links_the_sample(portfolio, pm_client):
    response = pm_client.get(_import_url(portfolio))

    html = response.content.decode()
    assert response.status_code == 200
    assert ",".join(COLUMNS) in html
    assert "<code>impact_low, impact_likely, impact_high</code>" in html
    assert f'href="{_import_url(portfolio)}?sample"' in html
    assert 'enctype="multipart/form-data"' in html


@pytest.mark.django_db
def test_sample_file_downloads_from_the_import_page(portfolio, pm_client):
    response = pm_client.get(_import_url(portfolio) + "?sample")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    assert 'attachment; filename="sample-import.csv"' == response["Content-Disposition"]
    assert b"".join(response.streaming_content) == SAMPLE.read_bytes()


@pytest.mark.django_db
def test_an_administrator_imports_the_sample_and_sees_the_counts_on_the_backlog(portfolio, admin_client, admin_user):
    """The sample records assessments: a superuser may (a PM may not, see tests/portfolio/test_import_roles.py)."""
    response = import_through_page(admin_client, portfolio.slug, SAMPLE.read_bytes(), name="sample.csv", follow=True)

    backlog = reverse("portfolio:backlog", args=[portfolio.slug])
    assert response.redirect_chain == [(backlog, 302)]
    assert "Imported “sample.csv”: 6 projects created, 0 updated, 0 unchanged; 3 assessments recorded" in (
        response.content.decode()
    )
    assert Project.objects.filter(portfolio=portfolio).count() == 6
    assert FeasibilityAssessment.objects.filter(assessed_by=admin_user).count() == 3


@pytest.mark.django_db
def test_a_bad_upload_lists_every_error_with_row_and_column_and_saves_nothing(portfolio, pm_client):
    data = _csv(f"{HEADER},status", "Fine,1,2,3,idea", "Bad,1,x,3,<i>someday</i>")

    response = pm_client.post(_import_url(portfolio), {"file": _upload("bad.csv", data)})

    html = response.content.decode()
    assert response.status_code == 200
    assert "The file was not imported: 2 problems" in html
    rows = re.findall(r"<tr><td class=\"num\">(\d+)</td><td>(\w+)</td><td>(.*?)</td></tr>", html)
    assert [(r, c) for r, c, _ in rows] == [("3", "status"), ("3", "impact_likely")]
    assert "Unknown status “&lt;i&gt;someday&lt;/i&gt;”" in rows[0][2]  # user text is escaped
    assert "<i>someday" not in html
    assert not Project.objects.filter(portfolio=portfolio).exists()


@pytest.mark.django_db
def test_an_upload_over_the_size_limit_is_refused_next_to_the_file_field(portfolio, pm_client, settings):
    settings.IMPORT_MAX_BYTES = 50

    response = pm_client.post(_import_url(portfolio), {"file": _upload("big.csv", SAMPLE.read_bytes())})

    errors = re.search(r'<ul class="errorlist" id="id_file-errors">(.*?)</ul>', response.content.decode(), re.S)
    assert errors and "the limit is 50" in errors.group(1)
    assert not Project.objects.exists()


@pytest.mark.django_db
def test_posting_without_a_file_asks_for_one(portfolio, pm_client):
    response = pm_client.post(_import_url(portfolio), {})

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()


@pytest.mark.django_db
def test_only_product_managers_may_import(portfolio, em_client, leader_client, outsider_client):
    for client, expected in ((em_client, 403), (leader_client, 403), (outsider_client, 404)):
        assert client.get(_import_url(portfolio) + "?sample").status_code == expected
        upload = _upload("sample.csv", SAMPLE.read_bytes())
        assert client.post(_import_url(portfolio), {"file": upload}).status_code == expected
    assert not Project.objects.exists()


@pytest.mark.django_db
def test_producer_names_with_a_colon_are_read_as_names_with_or_without_a_fraction(portfolio):
    producer = ProjectFactory(portfolio=portfolio, name="Search: ranking v2")
    consumer = ProjectFactory(portfolio=portfolio, name="Query autocomplete")

    import_csv(portfolio=portfolio, data=_csv("name,reuses", "Query autocomplete,Search: ranking v2"))
    assert [(lk.producer, lk.fraction) for lk in consumer.links_in.all()] == [(producer, 0.2)]

    import_csv(portfolio=portfolio, data=_csv("name,reuses", "Query autocomplete,Search: ranking v2:0.4"))
    assert [(lk.producer, lk.fraction) for lk in consumer.links_in.all()] == [(producer, 0.4)]


@pytest.mark.django_db
def test_a_non_numeric_fraction_is_still_reported_as_a_bad_fraction(portfolio):
    ProjectFactory(portfolio=portfolio, name="A")
    ProjectFactory(portfolio=portfolio, name="B")

    errors = _errors(portfolio, _csv("name,reuses", "B,A:nan", "A,B:1.5"))

    assert any("row 2, column reuses" in e and "fraction" in e for e in errors), errors
    assert any("row 3, column reuses" in e and "0.9" in e for e in errors), errors


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["Spam; abuse", "Line\nbreak", "Bell\x07"])
def test_a_project_name_with_a_semicolon_or_control_characters_is_refused(portfolio, name):
    data = f'{HEADER}\n"{name}",1,2,3\n'.encode()

    errors = _errors(portfolio, data)

    assert any("column name" in e for e in errors), errors
    assert not Project.objects.filter(portfolio=portfolio).exists()


# Export, then import --------------------------------------------------------------------------------------------


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


# The apostrophe the export puts before a formula ---------------------------------------------------------------


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


# The row limit ---------------------------------------------------------------------------------------------------


ROW_LIMIT_MESSAGE = "file: The file has 4 rows; at most 3 can be imported at once. Split it into several files."


@pytest.mark.django_db
def test_a_file_with_more_rows_than_the_limit_is_refused_before_anything_is_written(portfolio, settings, monkeypatch):
    settings.IMPORT_MAX_ROWS = 3
    monkeypatch.setattr("portfolio.services.project_create", lambda **kwargs: pytest.fail("a row was applied"))

    errors = _errors(portfolio, _csv(HEADER, *[f"Project {i},1,2,3" for i in range(4)]))

    assert errors == [ROW_LIMIT_MESSAGE]
    assert not Project.objects.filter(portfolio=portfolio).exists()


@pytest.mark.django_db
def test_a_file_at_the_row_limit_is_imported_and_blank_lines_do_not_count(portfolio, settings):
    settings.IMPORT_MAX_ROWS = 3

    result = import_csv(portfolio=portfolio, data=_csv(HEADER, "A,1,2,3", "", "B,1,2,3", ",,,", "C,1,2,3"))

    assert result.created == 3


@pytest.mark.django_db
def test_the_row_limit_default_is_2000_and_a_20000_row_file_says_so_with_thousands_separators(portfolio):
    assert settings.IMPORT_MAX_ROWS == 2000

    errors = _errors(portfolio, _csv(HEADER, *[f"Row {i},1,2,3" for i in range(20000)]))

    assert errors == [
        "file: The file has 20,000 rows; at most 2,000 can be imported at once. Split it into several files."
    ]


@pytest.mark.django_db
def test_the_row_limit_is_shown_on_the_page_like_the_other_import_errors(portfolio, pm_client, settings):
    settings.IMPORT_MAX_ROWS = 3
    data = _csv(HEADER, *[f"Project {i},1,2,3" for i in range(4)])

    response = pm_client.post(_import_url(portfolio), {"file": _upload("big.csv", data)})

    html = response.content.decode()
    assert response.status_code == 200
    assert "The file was not imported: 1 problem" in html
    assert "The file has 4 rows; at most 3 can be imported at once. Split it into several files." in html
    assert "at most 3 project rows" in html  # the file field's help says so before the upload
    assert not Project.objects.filter(portfolio=portfolio).exists()


@pytest.mark.django_db
def test_the_row_limit_is_printed_by_the_command_like_the_other_import_errors(portfolio, settings, tmp_path):
    settings.IMPORT_MAX_ROWS = 3
    path = tmp_path / "big.csv"
    path.write_bytes(_csv(HEADER, *[f"Project {i},1,2,3" for i in range(4)]))
    err = io.StringIO()

    with pytest.raises(CommandError, match="1 problem"):
        call_command("import_projects", str(path), "--portfolio", portfolio.slug, stderr=err)

    assert err.getvalue().strip() == ROW_LIMIT_MESSAGE
    assert not Project.objects.filter(portfolio=portfolio).exists()


# Links checked against the whole graph at once -------------------------------------------------------------------


@pytest.mark.django_db
def test_a_link_removed_by_an_earlier_row_does_not_count_as_a_cycle(portfolio):
    a, b = ProjectFactory(portfolio=portfolio, name="A"), ProjectFactory(portfolio=portfolio, name="B")
    ReuseLinkFactory(producer=a, consumer=b, kind="requires")

    result = import_csv(portfolio=portfolio, data=_csv("name,requires", "B,-", "A,B"))

    assert (result.links_removed, result.links_set) == (1, 1)
    assert list(ReuseLink.objects.values_list("producer__name", "consumer__name")) == [("B", "A")]


@pytest.mark.django_db
def test_only_the_links_that_close_a_cycle_in_row_order_are_refused(portfolio):
    data = _csv(f"{HEADER},requires", "A,1,2,3,B", "B,1,2,3,C", "C,1,2,3,A;D", "D,1,2,3,", "E,1,2,3,D;A")

    errors = _errors(portfolio, data)

    assert errors == ["row 4, column requires: This link would close a cycle: A → C → B → A."]
    assert not Project.objects.filter(portfolio=portfolio).exists()


@pytest.mark.django_db
def test_a_long_chain_listed_backwards_is_imported_with_every_link(portfolio):
    rows = [f"Step {i},1,2,3,{f'Step {i + 1}:0.1' if i < 299 else ''}" for i in range(300)]

    result = import_csv(portfolio=portfolio, data=_csv(f"{HEADER},requires", *rows))

    assert (result.created, result.links_set) == (300, 299)
    assert ReuseLink.objects.filter(producer__name="Step 1", consumer__name="Step 0").exists()
    assert Portfolio.objects.get(pk=portfolio.pk).input_version > portfolio.input_version


def test_a_row_naming_a_project_in_another_unicode_form_updates_that_project(portfolio):
    cafe = ProjectFactory(portfolio=portfolio, name="Café filter", summary="old")
    producer = ProjectFactory(portfolio=portfolio, name="Spam filter")

    result = import_csv(
        portfolio=portfolio,
        data=_csv("name,summary,reuses", "Cafe\u0301 filter\u200b,new,Spam filter\u200b:0.3"),
    )

    assert (result.created, result.updated) == (0, 1)
    assert Project.objects.filter(portfolio=portfolio).count() == 2
    cafe.refresh_from_db()
    assert cafe.summary == "new" and ReuseLink.objects.get(consumer=cafe).producer == producer


@settings_hypothesis(max_examples=300, deadline=None)
@given(text=st.text(alphabet=st.sampled_from("'=+-@\t\rab "), max_size=6))
def test_every_text_survives_the_exports_guard_and_the_imports_unguard(text):
    assert unneutralize(neutralize(text)) == text
