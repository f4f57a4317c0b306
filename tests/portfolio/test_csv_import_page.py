"""The CSV upload page: the columns documented, the sample downloadable, every error listed with its row and column,
only PMs importing, and names with colons, semicolons or control characters read as the service reads them."""

import re

import pytest
from django.urls import reverse

from portfolio.csv_import import COLUMNS, import_csv
from portfolio.models import FeasibilityAssessment, Project
from tests.factories import ProjectFactory, import_through_page
from tests.portfolio.conftest import HEADER, SAMPLE, _csv, _errors, _import_url, _upload


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
