"""Whole numbers from requests and files: a digit string longer than Python's 4,300-digit ``int()`` limit (or any
number no id, version or count of ours reaches) is a field error or ignored, never a 500."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from api.webhooks.signing import signature, verify
from portfolio.csv_import import ImportErrors, import_csv
from portfolio.models import Project, ReuseLink
from portfolio.parsing import MAX_DIGITS, whole_number
from tests.factories import ProjectFactory, ReuseLinkFactory

HUGE = "9" * 4301  # one digit past what int() accepts
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0", 0),
        ("12", 12),
        ("9" * MAX_DIGITS, int("9" * MAX_DIGITS)),
        ("9" * (MAX_DIGITS + 1), None),
        (HUGE, None),
        ("", None),
        ("-1", None),
        (" 12", None),
        ("1_000", None),
        ("\u0661\u0662", None),  # Arabic-Indic digits: int() reads them, a page never sends them
        (None, None),
        (12, None),
    ],
)
def test_whole_number_reads_plain_ascii_digits_only(text, expected):
    assert whole_number(text) == expected


def test_whole_number_keeps_to_its_bounds():
    assert whole_number("0", least=1) is None
    assert whole_number("1", least=1) == 1
    assert whole_number("1001", most=1000) is None
    assert whole_number("1000", most=1000) == 1000


@pytest.mark.django_db
def test_a_staffing_cell_of_5000_digits_is_a_cell_error_not_a_crash(portfolio):
    data = f"name,impact_low,impact_likely,impact_high,staffing\nBig team,1,2,3,{'7' * 5000}\n".encode()

    with pytest.raises(ImportErrors) as info:
        import_csv(portfolio=portfolio, data=data)

    (error,) = info.value.errors
    assert (error.row, error.column) == (2, "staffing")
    assert "is not a whole number of people" in error.message and len(error.message) < 200
    assert not Project.objects.exists()


@pytest.mark.django_db
def test_a_huge_staffing_cell_uploaded_on_the_import_page_is_reported_by_row_and_column(portfolio, pm_client):
    data = f"name,impact_low,impact_likely,impact_high,staffing\nBig team,1,2,3,{'7' * 5000}\n".encode()
    upload = SimpleUploadedFile("plan.csv", data, content_type="text/csv")
    response = pm_client.post(reverse("portfolio:import", args=[portfolio.slug]), {"file": upload})

    assert response.status_code == 200  # the upload page again, with the table of row / column / problem
    assert "is not a whole number of people" in response.content.decode()
    assert not Project.objects.exists()


@pytest.fixture
def linked(portfolio):
    producer = ProjectFactory(portfolio=portfolio, name="Language ID")
    consumer = ProjectFactory(portfolio=portfolio, name="Translation")
    return ReuseLinkFactory(producer=producer, consumer=consumer, fraction=0.2)


@pytest.mark.django_db
def test_link_edit_with_a_huge_from_shows_the_form_and_returns_to_the_consumer(linked, pm_client):
    url = reverse("portfolio:link-edit", args=[linked.consumer.portfolio.slug, linked.pk])

    page = pm_client.get(url, {"from": HUGE})
    assert page.status_code == 200

    data = {"kind": "requires", "fraction": "0.45", "note": "", "version": "1", "from": HUGE}
    saved = pm_client.post(url, data)
    assert saved.status_code == 302
    assert saved["Location"] == reverse("portfolio:project", args=[linked.consumer.portfolio.slug, linked.consumer_id])


@pytest.mark.django_db
def test_link_delete_with_a_huge_from_removes_it_and_returns_to_the_consumer(linked, pm_client):
    url = reverse("portfolio:link-delete", args=[linked.consumer.portfolio.slug, linked.pk])

    response = pm_client.post(url, {"from": HUGE, "version": linked.version})

    assert response.status_code == 302
    assert response["Location"].endswith(f"/{linked.consumer_id}/")
    assert not ReuseLink.objects.exists()


@pytest.mark.django_db
def test_link_delete_with_a_huge_version_is_a_conflict_not_a_crash(linked, pm_client):
    url = reverse("portfolio:link-delete", args=[linked.consumer.portfolio.slug, linked.pk])

    response = pm_client.post(url, {"from": linked.producer_id, "version": HUGE})

    assert response.status_code == 409
    assert ReuseLink.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("query", [{"editing": HUGE}, {"page": HUGE}, {"editing": ["1", HUGE, "x"]}])
@pytest.mark.parametrize("htmx", [False, True])
def test_backlog_ignores_huge_numbers_in_its_query(world, pm_client, query, htmx):
    response = pm_client.get(reverse("portfolio:backlog", args=[world["slug"]]), query, **(HTMX if htmx else {}))

    assert response.status_code == 200
    assert "Machine translation" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("seen", [HUGE, "-1", " 3", "1_0"])
def test_the_status_banner_ignores_an_unreadable_seen_version(portfolio, pm_client, seen):
    response = pm_client.get(reverse("roadmap:status", args=[portfolio.slug]), {"seen": seen})

    assert response.status_code == 200
    assert "HX-Trigger" not in response


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["roadmap:chart", "roadmap:changes"])
def test_a_huge_baseline_id_is_no_baseline_not_a_crash(portfolio, pm_client, page):
    response = pm_client.get(reverse(page, args=[portfolio.slug]), {"baseline": HUGE})

    assert response.status_code in (200, 404)


def test_a_webhook_timestamp_of_4301_digits_does_not_verify():
    body = b"{}"
    assert verify("s", "1000", body, signature("s", 1000, body), now=1000)
    assert not verify("s", HUGE, body, signature("s", 1000, body), now=1000)
