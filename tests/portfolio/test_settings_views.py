"""Portfolio settings (PM): explained fields, validation next to the field, a refused stale save."""

import datetime
import re

import pytest
from django.urls import reverse

from portfolio import input_documents, input_selectors
from portfolio.models import Portfolio
from tests.factories import PortfolioFactory
from tests.portfolio.test_feasibility_views import form_fields


def _url(portfolio):
    return reverse("portfolio:settings", args=[portfolio.slug])


def _field_errors(response, field: str) -> str:
    match = re.search(rf'<ul class="errorlist" id="id_{field}-errors">(.*?)</ul>', response.content.decode(), re.S)
    return match.group(1) if match else ""


@pytest.mark.django_db
def test_settings_page_shows_every_setting_with_its_explanation(portfolio, pm_client):
    response = pm_client.get(_url(portfolio))

    fields = form_fields(response)
    html = response.content.decode()
    assert response.status_code == 200
    assert fields["name"] == "Trust & Safety ML"
    assert (fields["cost_per_person_week"], fields["trials"], fields["p_easy"], fields["capacity"]) == (
        "4",
        "2000",
        "0.9",
        "10",
    )
    assert fields["version"] == "1" and fields["initial-p_hard"] == "0.5"
    assert "What one person-week costs, in k$" in html
    assert "Chance an easy ML problem succeeds, 0 to 1" in html
    assert "P(top-K) is the share of trials" in html


@pytest.mark.django_db
def test_pm_changes_a_ranking_input_and_the_figures_are_recomputed(portfolio, pm_client):
    data = {**form_fields(pm_client.get(_url(portfolio))), "p_hard": "0.4", "roadmap_start": "2027-01-04"}

    response = pm_client.post(_url(portfolio), data, follow=True)

    assert response.redirect_chain == [(_url(portfolio), 302)]
    assert "Settings of “Trust &amp; Safety ML” saved. The ranking and roadmap are being recomputed." in (
        response.content.decode()
    )
    portfolio.refresh_from_db()
    assert (portfolio.p_hard, portfolio.roadmap_start, portfolio.version) == (0.4, datetime.date(2027, 1, 4), 2)
    assert portfolio.input_version == 2


@pytest.mark.django_db
def test_the_planning_window_is_a_setting_that_changes_the_inputs(portfolio, pm_client):
    fields = form_fields(pm_client.get(_url(portfolio)))
    assert fields["planning_window_weeks"] == "13"

    response = pm_client.post(_url(portfolio), {**fields, "planning_window_weeks": "26"}, follow=True)

    assert "The ranking and roadmap are being recomputed" in response.content.decode()
    portfolio.refresh_from_db()
    assert (portfolio.planning_window_weeks, portfolio.input_version) == (26, 2)
    document = input_documents.to_document(input_selectors.plan_inputs_read(portfolio_id=portfolio.pk)[1])
    assert document["settings"]["planning_window_weeks"] == 26
    assert input_documents.from_document(document).settings.planning_window_weeks == 26


@pytest.mark.django_db
def test_renaming_the_portfolio_does_not_make_the_figures_out_of_date(portfolio, pm_client):
    data = {**form_fields(pm_client.get(_url(portfolio))), "name": "  Integrity ML  ", "description": "Abuse."}

    response = pm_client.post(_url(portfolio), data, follow=True)

    assert "The ranking and roadmap are being recomputed" not in response.content.decode()
    portfolio.refresh_from_db()
    assert (portfolio.name, portfolio.description, portfolio.slug, portfolio.input_version) == (
        "Integrity ML",
        "Abuse.",
        "trust-safety",
        1,
    )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"p_easy": "1.5"}, "p_easy", "less than or equal to 1.0"),
        ({"p_impossible": "-0.1"}, "p_impossible", "greater than or equal to 0.0"),
        ({"cost_per_person_week": "nan"}, "cost_per_person_week", "Enter a number."),
        ({"horizon_years": "inf"}, "horizon_years", "Enter a number."),
        ({"horizon_years": "50"}, "horizon_years", "less than or equal to 20"),
        ({"trials": "5"}, "trials", "greater than or equal to 100"),
        ({"trials": "1e9"}, "trials", "Enter a whole number."),
        ({"top_k": "0"}, "top_k", "greater than or equal to 1"),
        ({"capacity": "2.5"}, "capacity", "Enter a whole number."),
        ({"planning_window_weeks": "0"}, "planning_window_weeks", "greater than or equal to 1"),
        ({"planning_window_weeks": "600"}, "planning_window_weeks", "less than or equal to 520"),
        ({"roadmap_start": "31/12/2026"}, "roadmap_start", "Enter a valid date."),
        ({"roadmap_start": "9999-12-01"}, "roadmap_start", "Start the roadmap before the year 3000."),
        ({"name": ""}, "name", "This field is required."),
        ({"value_unit": "thousands of dollars"}, "value_unit", "at most 12 characters"),
    ],
)
@pytest.mark.django_db
def test_bad_settings_are_refused_next_to_the_field_and_nothing_is_saved(portfolio, pm_client, changes, field, message):
    data = {**form_fields(pm_client.get(_url(portfolio))), **changes}

    response = pm_client.post(_url(portfolio), data)

    assert response.status_code == 200
    assert message in _field_errors(response, field)
    stored = Portfolio.objects.get(pk=portfolio.pk)
    assert (stored.version, stored.input_version, stored.name) == (1, 1, "Trust & Safety ML")


@pytest.mark.django_db
def test_a_name_another_portfolio_has_is_refused(portfolio, pm_client):
    PortfolioFactory(name="Growth ML")
    data = {**form_fields(pm_client.get(_url(portfolio))), "name": "Growth ML"}

    response = pm_client.post(_url(portfolio), data)

    assert "already exists" in _field_errors(response, "name")
    assert Portfolio.objects.get(pk=portfolio.pk).name == "Trust & Safety ML"
    assert '<span class="portfolio-name">Trust &amp; Safety ML</span>' in response.content.decode()


@pytest.mark.django_db
def test_a_save_on_top_of_someone_elses_is_refused_with_what_they_changed(portfolio, pm_client):
    mine = form_fields(pm_client.get(_url(portfolio)))
    theirs = {**form_fields(pm_client.get(_url(portfolio))), "capacity": "12", "p_easy": "0.8"}
    assert pm_client.post(_url(portfolio), theirs).status_code == 302

    refused = pm_client.post(_url(portfolio), {**mine, "trials": "5000"})

    html = refused.content.decode()
    assert refused.status_code == 409
    assert "Someone else saved this meanwhile; your changes were not saved." in html
    changes = re.findall(
        r'<li><span class="conflict-field">(.*?)</span>: <del>(.*?)</del> → <ins>(.*?)</ins></li>', html
    )
    assert sorted(changes) == [("Success probability: easy", "0.9", "0.8"), ("Team capacity (people)", "10", "12")]
    stored = Portfolio.objects.get(pk=portfolio.pk)
    assert (stored.trials, stored.capacity, stored.version) == (2000, 12, 2)
    rebased = form_fields(refused)
    assert (rebased["version"], rebased["capacity"], rebased["trials"]) == ("2", "12", "2000")

    again = pm_client.post(_url(portfolio), {**rebased, "trials": "5000"})

    assert again.status_code == 302
    stored.refresh_from_db()
    assert (stored.trials, stored.capacity, stored.p_easy) == (5000, 12, 0.8)


@pytest.mark.django_db
def test_only_product_managers_may_change_settings(portfolio, em_client, leader_client, outsider_client):
    data = {"name": "Taken over", "version": "1"}

    for client, expected in ((em_client, 403), (leader_client, 403), (outsider_client, 404)):
        assert client.get(_url(portfolio)).status_code == expected
        assert client.post(_url(portfolio), data).status_code == expected
    assert Portfolio.objects.get(pk=portfolio.pk).name == "Trust & Safety ML"
