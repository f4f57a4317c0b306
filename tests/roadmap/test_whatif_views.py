"""What-if scenarios on the roadmap page: a run changes nothing and shows the differences, a PM saves one as the plan
(refused over someone else's change, or without the version of a project it changes), htmx and plain requests."""

import re

import pytest

from portfolio.models import Change, Project
from roadmap.models import RankingSnapshot
from tests.factories import AssessmentFactory, ProjectFactory
from tests.roadmap.conftest import _scenario, _url


@pytest.mark.django_db
def test_a_what_if_run_changes_nothing_and_shows_the_differences(plan, leader_client):
    portfolio_version = Project.objects.get(pk=plan["projects"][0].pk).portfolio.input_version
    data = _scenario(leader_client, plan, capacity="1")
    response = leader_client.post(_url("whatif", plan), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="whatif-diff"' in html and 'id="whatif-quarters"' in html
    assert "Scenario: 1 people (plan: 4)" in html
    assert re.search(r"\+\d+ days", html), "with a team of one, some finish must move later"
    assert Project.objects.get(pk=plan["projects"][0].pk).portfolio.input_version == portfolio_version
    assert RankingSnapshot.objects.count() == 1


@pytest.mark.django_db
def test_an_unchanged_scenario_moves_nothing(plan, em_client):
    response = em_client.post(_url("whatif", plan), _scenario(em_client, plan), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="whatif"')
    assert "0 of 4 projects move" in html


@pytest.mark.django_db
def test_dropping_a_producer_leaves_its_consumer_off_in_the_scenario(plan, leader_client):
    data = _scenario(leader_client, plan)
    data["drop"] = [str(plan["projects"][0].pk)]
    html = leader_client.get(_url("whatif", plan), data).content.decode()
    assert "dropped" in html
    assert "waits for Language identification which is not on the roadmap" in html


@pytest.mark.django_db
def test_a_bad_capacity_gets_a_message_next_to_the_field(plan, pm_client):
    data = _scenario(pm_client, plan, capacity="0")
    response = pm_client.post(_url("whatif", plan), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_capacity-errors"' in html or "greater than or equal to 1" in html
    htmx = pm_client.post(_url("whatif", plan), data, HTTP_HX_REQUEST="true")
    assert htmx.status_code == 200 and "greater than or equal to 1" in htmx.content.decode()


@pytest.mark.django_db
def test_pm_saves_a_scenario_as_the_plan_and_leadership_sees_it(
    plan, pm_client, leader_client, portfolio, django_capture_on_commit_callbacks
):
    data = _scenario(pm_client, plan, capacity="2")
    data["drop"] = [str(plan["projects"][3].pk)]
    data["add"] = [str(plan["parked"].pk)]
    data[f"pin_{plan['projects'][1].pk}"] = "1"
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = pm_client.post(_url("whatif-save", plan), data)
    assert response.status_code == 302 and response["Location"] == _url("timeline", plan)
    assert callbacks, "saving a scenario must enqueue a recompute after commit"
    portfolio.refresh_from_db()
    assert portfolio.capacity == 2
    assert Project.objects.get(pk=plan["projects"][3].pk).status == "parked"
    assert Project.objects.get(pk=plan["parked"].pk).status == "idea"
    assert Project.objects.get(pk=plan["projects"][1].pk).roadmap_pin == 1
    assert Change.objects.filter(field="roadmap_pin", new="1").exists()
    html = leader_client.get(_url("timeline", plan)).content.decode()  # the eager recompute ran on commit
    assert '<strong id="plan-capacity">2</strong>' in html
    assert "pinned to place 1: scheduled #1, its rank is" in html


@pytest.mark.django_db
def test_save_over_someone_elses_change_is_refused_with_what_changed(plan, pm_client, portfolio):
    data = _scenario(pm_client, plan, capacity="7")
    from portfolio import services

    services.portfolio_update(portfolio=portfolio, data={"capacity": 5})
    response = pm_client.post(_url("whatif-save", plan), data)
    assert response.status_code == 409
    html = response.content.decode()
    assert "nothing was saved" in html and "capacity" in html and "<del>4</del>" in html and "<ins>5</ins>" in html
    portfolio.refresh_from_db()
    assert portfolio.capacity == 5
    assert f'name="settings_version" value="{portfolio.version}"' in html  # re-based: saving again applies it
    assert 'value="7"' in html


@pytest.mark.django_db
def test_a_save_without_the_version_of_a_project_it_changes_saves_nothing(plan, pm_client, portfolio):
    data = _scenario(pm_client, plan)
    dropped = plan["projects"][3]
    data["drop"] = [str(dropped.pk)]
    # a hand-made request: which version of the project was this based on?
    data["versions"] = ",".join(e for e in data["versions"].split(",") if not e.startswith(f"{dropped.pk}:"))

    response = pm_client.post(_url("whatif-save", plan), data)

    assert response.status_code == 409
    assert Project.objects.get(pk=dropped.pk).status == dropped.status


@pytest.mark.django_db
def test_a_project_added_after_the_form_was_loaded_does_not_block_the_save(plan, pm_client, portfolio):
    data = _scenario(pm_client, plan, capacity="3")
    AssessmentFactory(project=ProjectFactory(portfolio=portfolio, name="Added meanwhile"), tag="easy")

    response = pm_client.post(_url("whatif-save", plan), data)

    assert response.status_code == 302
    portfolio.refresh_from_db()
    assert portfolio.capacity == 3 and Project.objects.get(name="Added meanwhile").roadmap_pin is None


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["em", "leadership"])
def test_only_a_pm_may_save_a_scenario(plan, role_clients, role, portfolio):
    data = _scenario(role_clients[role], plan, capacity="2")
    assert role_clients[role].post(_url("whatif-save", plan), data).status_code == 403
    portfolio.refresh_from_db()
    assert portfolio.capacity == 4


@pytest.mark.django_db
def test_htmx_save_redirects_the_browser_and_an_htmx_conflict_swaps_in_the_message(plan, pm_client, portfolio):
    from portfolio import services

    data = _scenario(pm_client, plan, capacity="3")
    response = pm_client.post(_url("whatif-save", plan), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response["HX-Redirect"] == _url("timeline", plan)
    portfolio.refresh_from_db()
    assert portfolio.capacity == 3
    stale = _scenario(pm_client, plan, capacity="6")
    services.portfolio_update(portfolio=portfolio, data={"capacity": 8})
    response = pm_client.post(_url("whatif-save", plan), stale, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and html.lstrip().startswith('<section id="whatif"')
    assert 'id="whatif-conflict"' in html and "<ins>8</ins>" in html
    portfolio.refresh_from_db()
    assert portfolio.capacity == 8
