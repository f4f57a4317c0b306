"""The roadmap page, its SVG downloads, pins and what-if scenarios: each role, htmx and plain requests."""

import datetime
import re

import pytest
from django.urls import reverse

from portfolio import formatting, selectors
from portfolio.models import Change, Project
from roadmap.models import RankingSnapshot
from roadmap.planning import Scenario
from roadmap.services import whatif
from roadmap.services.recompute import portfolio_recompute
from tests.factories import AssessmentFactory, ProjectFactory, ReuseLinkFactory

START = datetime.date(2027, 1, 4)


@pytest.fixture
def plan(portfolio):
    """Four projects (one a consumer of two producers, one with a target), one parked; a computed snapshot."""
    portfolio.roadmap_start = START
    portfolio.capacity = 4
    portfolio.trials = 500
    portfolio.save()
    names = ["Language identification", "Toxicity <signal>", "Safe translation", "Spam filter"]
    projects = [ProjectFactory(portfolio=portfolio, name=n, staffing=2) for n in names]
    projects[2].target_date = datetime.date(2027, 5, 1)
    projects[2].save()
    parked = ProjectFactory(portfolio=portfolio, name="Parked idea", status="parked")
    for project in [*projects, parked]:
        AssessmentFactory(project=project, tag="hard", effort_low=4, effort_likely=8, effort_high=20)
    ReuseLinkFactory(producer=projects[0], consumer=projects[2], kind="requires")
    ReuseLinkFactory(producer=projects[1], consumer=projects[2], kind="requires")
    portfolio.input_version += 1
    portfolio.save()
    snapshot = portfolio_recompute(portfolio_id=portfolio.pk)
    return {"slug": portfolio.slug, "projects": projects, "parked": parked, "snapshot": snapshot}


def _url(name, plan, *args):
    return reverse(f"roadmap:{name}", args=[plan["slug"], *args])


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["pm", "em", "leadership"])
def test_every_member_reads_the_roadmap_with_its_gantt_value_chart_and_table(plan, role_clients, role):
    response = role_clients[role].get(_url("timeline", plan))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="timeline-chart"' in html and 'id="value-curve-chart"' in html and 'id="roadmap-table"' in html
    assert html.count('class="timeline-row"') == 4
    assert html.count('class="links-note"') >= 2  # two requires links, marked at both ends: "waits for #n", "feeds #n"
    assert "marker-end" not in html  # no arrow runs across the chart
    assert "Toxicity &lt;signal&gt;" in html and "Toxicity <signal>" not in html
    assert 'aria-current="page">Roadmap<' in html
    row = plan["snapshot"].schedule.get(project=plan["projects"][2])
    assert formatting.day(row.finish_p50) in html
    assert 'id="whatif-capacity"' in html and 'id="whatif-run"' in html
    assert ('id="whatif-save"' in html) == (role == "pm")
    assert "<script>" not in html and "style=" not in html and " onclick" not in html


@pytest.mark.django_db
def test_outsiders_get_404_and_anonymous_users_are_sent_to_log_in(plan, outsider_client, client):
    for name in ("timeline", "timeline-svg", "whatif"):
        assert outsider_client.get(_url(name, plan)).status_code == 404
        assert client.get(_url(name, plan)).status_code == 302


@pytest.mark.django_db
def test_htmx_refresh_renders_only_the_figures_partial(plan, leader_client):
    response = leader_client.get(_url("timeline", plan), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="timeline-figures"')
    assert 'hx-trigger="figures-updated from:body"' in html
    assert "<html" not in html and 'id="whatif"' not in html


@pytest.mark.django_db
def test_the_page_says_when_no_roadmap_is_computed_yet(portfolio, leader_client):
    html = leader_client.get(reverse("roadmap:timeline", args=[portfolio.slug])).content.decode()
    assert "No figures computed yet" in html
    assert 'id="timeline-chart"' not in html


@pytest.mark.django_db
def test_svg_downloads_are_standalone_svg_files(plan, leader_client):
    response = leader_client.get(_url("timeline-svg", plan))
    assert response["Content-Type"].startswith("image/svg+xml")
    assert "attachment" in response["Content-Disposition"]
    body = response.content.decode()
    assert body.startswith("<?xml") and "<svg" in body and "http://testserver/p/" in body
    value = leader_client.get(_url("timeline-svg", plan) + "?chart=value").content.decode()
    assert 'id="value-curve-chart"' in value and "points=" in value


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
def test_pm_pins_and_clears_a_pin_from_the_project_page(plan, pm_client, django_capture_on_commit_callbacks):
    project = plan["projects"][3]
    url = reverse("roadmap:pin", args=[plan["slug"], project.pk])
    assert pm_client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = pm_client.post(url, {"position": "1", "version": str(project.version)})
    assert response.status_code == 302
    assert response["Location"] == reverse("portfolio:project", args=[plan["slug"], project.pk])
    project.refresh_from_db()
    assert project.roadmap_pin == 1
    html = pm_client.get(_url("timeline", plan)).content.decode()
    first_row = re.search(r'<tr data-project="(\d+)">', html).group(1)
    assert first_row == str(project.pk)
    clear = reverse("roadmap:pin-clear", args=[plan["slug"], project.pk])
    assert pm_client.post(clear, {"version": str(project.version)}).status_code == 302
    project.refresh_from_db()
    assert project.roadmap_pin is None


@pytest.mark.django_db
def test_a_bad_or_stale_pin_is_refused_next_to_the_field(plan, pm_client):
    project = plan["projects"][0]
    url = reverse("roadmap:pin", args=[plan["slug"], project.pk])
    response = pm_client.post(url, {"position": "0", "version": str(project.version)})
    assert response.status_code == 400 and "greater than or equal to 1" in response.content.decode()
    response = pm_client.post(url, {"position": "2", "version": str(project.version - 1 or 99)})
    assert response.status_code == 409
    project.refresh_from_db()
    assert project.roadmap_pin is None


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["em", "leadership"])
def test_only_a_pm_may_pin(plan, role_clients, role):
    project = plan["projects"][0]
    url = reverse("roadmap:pin", args=[plan["slug"], project.pk])
    assert role_clients[role].get(url).status_code == 403
    assert role_clients[role].post(url, {"position": "1", "version": "1"}).status_code == 403
    clear = reverse("roadmap:pin-clear", args=[plan["slug"], project.pk])
    assert role_clients[role].post(clear).status_code == 403


def _clear_form(html: str, plan, project) -> dict:
    """The hidden inputs of the project's "Clear pin" form, as the page renders it."""
    action = _url("pin-clear", plan, project.pk)
    form = re.search(rf'<form[^>]*action="{re.escape(action)}".*?</form>', html, re.S)
    assert form, "the page must have a Clear pin form for the project"
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form.group(0)))


@pytest.mark.django_db
def test_clearing_a_pin_someone_moved_since_is_refused_and_offered_again_on_the_current_version(plan, pm_client):
    from portfolio import services

    project = services.project_pin_set(project=plan["projects"][3], position=2)
    page = reverse("portfolio:project", args=[plan["slug"], project.pk])
    seen = _clear_form(pm_client.get(page).content.decode(), plan, project)
    moved = services.project_pin_set(project=project, position=3, expected_version=project.version)

    refused = pm_client.post(_url("pin-clear", plan, project.pk), seen)

    html = refused.content.decode()
    assert refused.status_code == 409 and "Someone else saved this meanwhile" in html
    assert Project.objects.get(pk=project.pk).roadmap_pin == 3
    offered = _clear_form(html, plan, project)
    assert offered["version"] == str(moved.version)  # clearing again clears the pin now shown

    assert pm_client.post(_url("pin-clear", plan, project.pk), offered).status_code == 302
    assert Project.objects.get(pk=project.pk).roadmap_pin is None


@pytest.mark.django_db
def test_the_roadmaps_clear_pin_is_refused_after_someone_else_changed_the_project(plan, pm_client, pm_user):
    from portfolio import services

    project = services.project_pin_set(project=plan["projects"][1], position=1)
    portfolio_recompute(portfolio_id=project.portfolio_id)
    seen = _clear_form(pm_client.get(_url("timeline", plan)).content.decode(), plan, project)
    services.project_update(project=project, data={"staffing": 3}, user=pm_user, expected_version=project.version)

    refused = pm_client.post(_url("pin-clear", plan, project.pk), seen)

    assert refused.status_code == 409 and Project.objects.get(pk=project.pk).roadmap_pin == 1
    assert seen["next"] == _url("timeline", plan) and seen["version"] == str(project.version)


@pytest.mark.django_db
@pytest.mark.parametrize("version", [None, "", "x", "²", "9" * 5000])
def test_a_clear_pin_without_a_readable_version_clears_nothing(plan, pm_client, version):
    from portfolio import services

    project = services.project_pin_set(project=plan["projects"][0], position=2)
    data = {} if version is None else {"version": version}

    assert pm_client.post(_url("pin-clear", plan, project.pk), data).status_code == 409
    assert Project.objects.get(pk=project.pk).roadmap_pin == 2


def _scenario(client, plan, **overrides) -> dict:
    """The what-if form's fields as the page renders them, with ``overrides``."""
    html = client.get(_url("timeline", plan)).content.decode()
    data: dict = {}
    for tag in re.findall(r"<input[^>]+>", html):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or name.group(1) in ("csrfmiddlewaretoken", "next", "drop", "add"):
            continue
        value = re.search(r'value="([^"]*)"', tag)
        data[name.group(1)] = value.group(1) if value else ""
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_the_roadmap_page_runs_the_same_number_of_queries_for_4_or_24_projects(
    plan, leader_client, portfolio, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        leader_client.get(_url("timeline", plan))
    for k in range(20):
        project = ProjectFactory(portfolio=portfolio, name=f"Extra {k}", staffing=1)
        AssessmentFactory(project=project)
    portfolio.input_version += 1
    portfolio.save()
    snapshot = portfolio_recompute(portfolio_id=portfolio.pk)
    assert snapshot.schedule.exclude(position=None).count() == 24
    with django_assert_num_queries(len(few.captured_queries)):
        html = leader_client.get(_url("timeline", plan)).content.decode()
    assert html.count('class="timeline-row"') == 24


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


# --- a what-if's work is bounded (WHATIF_MAX_PROJECT_TRIALS) ---------------------------------------------------


@pytest.mark.parametrize(
    ("projects", "trials", "budget", "expected"),
    [
        (4, 500, 2_000_000, 500),  # below the budget: the portfolio's trials
        (1000, 2000, 2_000_000, 2000),  # exactly at the budget: unchanged
        (1000, 20000, 2_000_000, 2000),  # the default budget is 1,000 projects x 2,000 trials
        (300, 20000, 2_000_000, 6666),  # budget // projects, rounded down
        (20000, 1000, 2_000_000, 200),  # never below 200 trials
        (20000, 150, 2_000_000, 150),  # ... nor above the portfolio's own
        (0, 20000, 2_000_000, 20000),  # an empty portfolio
    ],
)
def test_a_what_if_draws_the_portfolios_trials_up_to_its_budget_then_budget_over_projects(
    projects, trials, budget, expected
):
    assert whatif.whatif_trials(projects=projects, trials=trials, budget=budget) == expected


@pytest.mark.django_db
def test_below_the_budget_a_what_if_gives_the_same_dates_as_before(plan, leader_client, portfolio):
    """4 projects x 500 trials is far below the default budget: the plan side equals the saved snapshot and
    the scenario equals a plan drawn with the portfolio's trials and the same seed, as before the budget."""
    comparison = whatif.scenario_compare(portfolio_id=portfolio.pk, scenario=Scenario(capacity=1))
    assert comparison.trials == comparison.portfolio_trials == 500 and not comparison.reduced
    saved = {
        row.project_id: (row.start_p50, row.finish_p10, row.finish_p50, row.finish_p90)
        for row in plan["snapshot"].schedule.all()
    }
    assert {p.key: (p.start_p50, p.finish_p10, p.finish_p50, p.finish_p90) for p in comparison.saved.projects} == saved
    portfolio.refresh_from_db()
    _, projects, links, facts = selectors.planning_inputs(portfolio_id=portfolio.pk)
    _, full = whatif.plan_for(portfolio, projects, links, facts, seed=plan["snapshot"].seed, capacity=1)
    assert comparison.scenario == full
    html = leader_client.get(_url("whatif", plan), _scenario(leader_client, plan, capacity="1")).content.decode()
    assert 'id="whatif-diff"' in html and 'id="whatif-trials"' not in html


@pytest.mark.django_db
def test_above_the_budget_both_sides_draw_fewer_trials_with_one_seed_and_the_page_says_so(
    plan, leader_client, portfolio, settings, monkeypatch
):
    settings.WHATIF_MAX_PROJECT_TRIALS = 1500  # 5 projects (one parked) x 500 trials = 2,500 project-trials
    calls = []
    original = whatif.plan_for

    def recording_plan_for(*args, **kwargs):
        calls.append((kwargs["seed"], kwargs["trials"]))
        return original(*args, **kwargs)

    monkeypatch.setattr(whatif, "plan_for", recording_plan_for)
    response = leader_client.get(_url("whatif", plan), _scenario(leader_client, plan, capacity="1"))
    assert response.status_code == 200
    assert calls == [(plan["snapshot"].seed, 300), (plan["snapshot"].seed, 300)]  # 1,500 // 5 projects
    html = response.content.decode()
    assert 'id="whatif-trials"' in html
    assert "Computed with 300 of the portfolio's 500 trials" in html and "the saved plan uses all 500" in html
    assert re.search(r"\+\d+ days", html), "with a team of one, some finish must still move later"


@pytest.mark.django_db
def test_saving_a_reduced_what_if_recomputes_the_plan_with_all_its_trials(
    plan, pm_client, portfolio, settings, django_capture_on_commit_callbacks
):
    settings.WHATIF_MAX_PROJECT_TRIALS = 1500
    data = _scenario(pm_client, plan, capacity="2")
    with django_capture_on_commit_callbacks(execute=True):
        response = pm_client.post(_url("whatif-save", plan), data)
    assert response.status_code == 302
    assert RankingSnapshot.objects.filter(portfolio=portfolio).latest("input_version").trials == 500
