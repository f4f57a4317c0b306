"""The CSV import refuses a bad file whole: every bad cell named by row and column, a broken or oversized file or
one with too many rows refused with a clear message, and nothing saved."""

import io

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from portfolio.csv_import import import_csv
from portfolio.models import Project, ReuseLink
from tests.factories import ProjectFactory, ReuseLinkFactory
from tests.portfolio.conftest import HEADER, _csv, _errors, _import_url, _upload


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
