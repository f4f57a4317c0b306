"""The CSV's delivery columns: outcomes and estimators imported (a username links to the user, any other label is
kept), errors by row and column with nothing saved, the preview, undo, and the export re-imported unchanged."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from portfolio import csv_import, delivery_selectors
from portfolio.models import Change, Project, ProjectOutcome
from portfolio.sampling import Range
from roadmap.export import export_csv, portfolio_export
from tests.factories import UserFactory, import_through_page

HEADER = (
    "name,status,impact_low,impact_likely,impact_high,effort_low,effort_likely,effort_high,actual_effort,"
    "actual_start,actual_finish,succeeded,realized_impact,impact_estimated_by,effort_estimated_by\n"
)
PAST = HEADER + (
    "Spam filter,shipped,100,200,400,5,10,20,18,2026-01-05,2026-04-01,yes,150,pat-pm,Omar (left the company)\n"
    "Churn model,parked,50,80,120,8,12,30,25,2025-09-01,2026-02-01,0,,,erin-em\n"
    "Ads CTR,iterating,10,20,30,2,3,4,4.5,,,TRUE,,,\n"
)


@pytest.fixture
def people(pm_user, em_user):
    return pm_user, em_user


def _import(portfolio, text: str, user=None):
    return csv_import.import_csv(portfolio=portfolio, data=text.encode(), user=user)


def test_past_projects_load_with_their_outcomes_and_estimators(portfolio, people):
    pm, em = people
    result = _import(portfolio, PAST, user=pm)
    assert (result.created, result.outcomes) == (3, 3)
    spam = Project.objects.get(name="Spam filter")
    assert (spam.impact_estimated_by, spam.effort_estimated_by, spam.effort_estimated_by_label) == (
        pm,
        None,
        "Omar (left the company)",
    )
    assert (spam.outcome.actual_effort, spam.outcome.actual_start, spam.outcome.succeeded) == (
        18.0,
        datetime.date(2026, 1, 5),
        "yes",
    )
    assert spam.outcome.realized_impact == 150.0
    churn, ads = Project.objects.get(name="Churn model"), Project.objects.get(name="Ads CTR")
    assert (churn.outcome.succeeded, churn.effort_estimated_by, churn.estimator("impact")) == ("no", em, "imported")
    assert (ads.outcome.succeeded, ads.estimator("impact"), ads.estimator("effort")) == ("yes", "imported", "imported")
    judged = delivery_selectors.judged_estimates_for(spam)
    assert (judged["effort"].range, judged["effort"].estimator) == (Range(5, 10, 20), "Omar (left the company)")
    assert (judged["impact"].range, judged["impact"].estimator) == (Range(100, 200, 400), "pat-pm")


@pytest.mark.parametrize(
    ("cells", "column", "message"),
    [
        ("18,2026-04-01,2026-01-05,yes,", "actual_finish", "before the start"),
        ("-3,,,yes,", "actual_effort", "greater than or equal to 0"),
        ("18,2999-01-01,,yes,", "actual_start", "in the future"),
        ("18,,,maybe,", "succeeded", "is not yes or no"),
        ("18,,,yes,-5", "realized_impact", "greater than or equal to 0"),
        ("18,05/01/2026,,yes,", "actual_start", "YYYY-MM-DD"),
    ],
)
def test_bad_outcome_cells_are_refused_by_row_and_column_and_nothing_is_saved(portfolio, cells, column, message):
    text = HEADER + f"Spam filter,shipped,1,2,3,,,,{cells},,\n"
    with pytest.raises(csv_import.ImportErrors) as refused:
        _import(portfolio, text)
    assert [(e.row, e.column) for e in refused.value.errors] == [(2, column)]
    assert message in refused.value.errors[0].message
    assert not Project.objects.exists() and not ProjectOutcome.objects.exists()


def test_an_outcome_for_a_project_not_done_is_refused_on_its_first_outcome_cell(portfolio):
    with pytest.raises(csv_import.ImportErrors) as refused:
        _import(portfolio, HEADER + "Spam filter,building,1,2,3,,,,,2026-01-05,,yes,,,\n")
    (error,) = refused.value.errors
    assert (error.row, error.column) == (2, "actual_start") and "set status to shipped" in error.message


def test_the_preview_shows_outcomes_and_estimators_and_undo_takes_them_back(portfolio, people, pm_client):
    pm, _ = people
    _import(portfolio, PAST, user=pm)
    later = HEADER + "Spam filter,,,,,,,,20,,,,170,,Erin\nChurn model,,,,,,,,,,,yes,,,\n"
    upload = pm_client.post(
        reverse("portfolio:import", args=[portfolio.slug]),
        {"file": SimpleUploadedFile("later.csv", later.encode(), content_type="text/csv")},
    )
    preview = upload.content.decode()
    assert "Outcomes recorded (2)" in preview and "Estimators named (1)" in preview
    assert "actual_effort 20" in preview and "realized_impact 170" in preview
    confirm = re.search(r'action="([^"]+/import/\d+/confirm/)"', preview).group(1)
    pm_client.post(confirm)
    spam = Project.objects.get(name="Spam filter")
    assert (spam.outcome.actual_effort, spam.outcome.realized_impact, spam.effort_estimated_by_label) == (
        20.0,
        170.0,
        "Erin",
    )
    page = pm_client.get(reverse("portfolio:import", args=[portfolio.slug])).content.decode()
    pm_client.post(re.search(r'action="([^"]+/import/\d+/undo/)"', page).group(1))
    spam.refresh_from_db()
    assert (spam.outcome.actual_effort, spam.outcome.realized_impact) == (18.0, 150.0)
    assert spam.effort_estimated_by_label == "Omar (left the company)"
    assert ProjectOutcome.objects.get(project__name="Churn model").succeeded == "no"
    assert Change.objects.filter(project=spam, field="outcome.actual_effort", old="20.0", new="18.0").exists()


def test_undo_deletes_an_outcome_the_import_created(portfolio, pm_client):
    import_through_page(pm_client, portfolio.slug, PAST.encode())
    page = pm_client.get(reverse("portfolio:import", args=[portfolio.slug])).content.decode()
    pm_client.post(re.search(r'action="([^"]+/import/\d+/undo/)"', page).group(1))
    assert not Project.objects.exists() and not ProjectOutcome.objects.exists()


def test_the_export_carries_outcomes_and_estimators_and_reimports_unchanged(portfolio, people):
    pm, _ = people
    _import(portfolio, PAST, user=pm)
    document = portfolio_export(portfolio)
    spam = next(p for p in document["projects"] if p["name"] == "Spam filter")
    assert (spam["actual_effort"], spam["actual_start"], spam["succeeded"], spam["impact_estimated_by"]) == (
        18.0,
        "2026-01-05",
        "yes",
        "pat-pm",
    )
    version = Project.objects.values_list("portfolio__input_version", flat=True).first()
    history = Change.objects.count()
    result = _import(portfolio, export_csv(document), user=pm)
    assert (result.unchanged, result.outcomes) == (3, 0)
    assert Change.objects.count() == history
    assert Project.objects.values_list("portfolio__input_version", flat=True).first() == version


def test_an_outcome_dated_today_is_accepted(portfolio):
    today = timezone.localdate().isoformat()
    _import(portfolio, HEADER + f"Spam filter,shipped,1,2,3,,,,1,{today},{today},1,,,\n")
    assert ProjectOutcome.objects.get().actual_finish == timezone.localdate()


def test_an_estimator_named_by_username_links_to_that_user(portfolio):
    erin = UserFactory(username="erin")
    _import(portfolio, HEADER + "Spam filter,idea,1,2,3,4,5,6,,,,,,erin,erin\n")
    project = Project.objects.get()
    assert (project.impact_estimated_by, project.effort_estimated_by) == (erin, erin)
