"""The CSV import service: every row validated, every error named by row and column, all or nothing."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portfolio.csv_import import COLUMNS, ImportErrors, import_csv
from portfolio.models import Change, FeasibilityAssessment, Portfolio, Project, ReuseLink
from tests.factories import AssessmentFactory, ProjectFactory, ReuseLinkFactory

SAMPLE = Path(settings.BASE_DIR) / "docs" / "sample-import.csv"
HEADER = "name,impact_low,impact_likely,impact_high"


def _csv(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def _errors(portfolio, data: bytes) -> list[str]:
    with pytest.raises(ImportErrors) as info:
        import_csv(portfolio=portfolio, data=data)
    return [str(e) for e in info.value.errors]


@pytest.mark.django_db
def test_sample_file_creates_projects_assessments_and_links(portfolio, pm_user):
    result = import_csv(portfolio=portfolio, data=SAMPLE.read_bytes(), user=pm_user)

    assert (result.created, result.updated, result.assessed, result.links_set) == (6, 0, 3, 4)
    spam = Project.objects.get(portfolio=portfolio, name="Spam classifier for posts")
    assert (spam.status, spam.staffing, str(spam.target_date)) == ("building", 3, "2027-06-30")
    assessment = spam.assessments.get(is_current=True)
    assert (assessment.tag, assessment.effort_likely, assessment.assessed_by) == ("hard", 12, pm_user)
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
    assert Change.objects.filter(project=spam, field="created", user=pm_user).exists()
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
def test_pm_uploads_the_sample_and_sees_the_counts_on_the_backlog(portfolio, pm_client, pm_user):
    response = pm_client.post(_import_url(portfolio), {"file": _upload("sample.csv", SAMPLE.read_bytes())}, follow=True)

    backlog = reverse("portfolio:backlog", args=[portfolio.slug])
    assert response.redirect_chain == [(backlog, 302)]
    assert "Imported “sample.csv”: 6 projects created, 0 updated, 0 unchanged; 3 assessments recorded" in (
        response.content.decode()
    )
    assert Project.objects.filter(portfolio=portfolio).count() == 6
    assert FeasibilityAssessment.objects.filter(assessed_by=pm_user).count() == 3


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
