"""What-if and "Save as plan" at 2,000 projects (the import's row limit): a scenario sends only what it changes.

Before, the form sent a ``pin_<id>`` and a ``v_<id>`` for every project: over Django's default 1,000-field limit
at 500 projects (a bare 400) and a URL no proxy takes (414) for the shareable GET. Now the changed pins travel
in one ``pins`` field ("12:1,40:-") and only the versions of the projects the scenario changes in ``versions``.
These tests run with Django's default field limit (1,000) to show it is no longer what bounds a scenario.
"""

from urllib.parse import urlencode

import pytest
from django.urls import reverse

from portfolio.models import Change, Project
from tests.factories import ProjectFactory
from tests.roadmap.conftest import _scenario

SIZE = 2000  # IMPORT_MAX_ROWS: the largest portfolio one import builds
GET_URL_LIMIT = 8 * 1024  # what nginx (large_client_header_buffers) and most proxies take in a request line


def _plan(portfolio, settings, size: int) -> dict:
    """``size`` projects to build (the last one parked), each with a provisional effort so every one is scheduled;
    a what-if over them draws few trials (the budget is not what is under test here)."""
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000  # Django's default
    settings.WHATIF_MAX_PROJECT_TRIALS = 100 * size
    settings.WHATIF_RATE_LIMIT = 100
    effort = {"provisional_effort_low": 2, "provisional_effort_likely": 4, "provisional_effort_high": 8}
    Project.objects.bulk_create(
        ProjectFactory.build(portfolio=portfolio, name=f"Project {i:04d}", staffing=1, **effort) for i in range(size)
    )
    projects = list(Project.objects.filter(portfolio=portfolio).order_by("name"))
    parked = projects[-1]
    Project.objects.filter(pk=parked.pk).update(status="parked")
    portfolio.refresh_from_db()
    return {"portfolio": portfolio, "projects": projects, "parked": parked}


@pytest.fixture
def big_plan(portfolio, settings):
    """2,000 projects (``_plan``)."""
    return _plan(portfolio, settings, SIZE)


@pytest.fixture
def small_plan(portfolio, settings):
    """Twelve projects (``_plan``): how compact input is checked does not depend on the size."""
    return _plan(portfolio, settings, 12)


def _url(name: str, plan) -> str:
    return reverse(f"roadmap:{name}", args=[plan["portfolio"].slug])


def _compact(plan, **changes) -> dict:
    """A scenario as the page's script sends it: capacity, the settings' version, the changed pins and drops, and
    the versions of just the projects it changes."""
    portfolio = plan["portfolio"]
    return {
        "capacity": str(portfolio.capacity),
        "settings_version": str(portfolio.version),
        "base_capacity": str(portfolio.capacity),
        **changes,
    }


def test_a_scenario_over_2000_projects_runs_from_a_short_get_url(big_plan, leader_client):
    first, second = big_plan["projects"][0], big_plan["projects"][1]
    query = urlencode(_compact(big_plan, capacity="7", pins=f"{second.pk}:1,{first.pk}:2"))
    assert len(query) < GET_URL_LIMIT

    response = leader_client.get(f"{_url('whatif', big_plan)}?{query}")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Scenario: 7 people" in html
    # the rows show the scenario's pins, and the compact field goes back empty (the rows carry them now)
    assert f'name="pin_{second.pk}" value="1"' in html and f'name="pin_{first.pk}" value="2"' in html
    assert 'name="pins" value=""' in html or 'name="pins" id="whatif-pins"' in html


def test_save_as_plan_over_2000_projects_sends_only_what_changes_and_checks_those_versions(big_plan, pm_client):
    projects = big_plan["projects"]
    pinned, unpinned, dropped, parked = projects[5], projects[6], projects[7], big_plan["parked"]
    Project.objects.filter(pk=unpinned.pk).update(roadmap_pin=3)
    unpinned.refresh_from_db()
    versions = ",".join(f"{p.pk}:{p.version}" for p in (pinned, unpinned, dropped, parked))
    data = _compact(
        big_plan, pins=f"{pinned.pk}:1,{unpinned.pk}:-", versions=versions, drop=[dropped.pk], add=[parked.pk]
    )

    preview = pm_client.post(_url("whatif", big_plan), data)
    saved = pm_client.post(_url("whatif-save", big_plan), data)

    assert preview.status_code == 200 and "Scenario:" in preview.content.decode()
    assert saved.status_code == 302, saved.content.decode()[:2000]
    status = dict(Project.objects.filter(pk__in=[dropped.pk, parked.pk]).values_list("pk", "status"))
    assert status == {dropped.pk: "parked", parked.pk: "idea"}
    pins = dict(Project.objects.filter(pk__in=[pinned.pk, unpinned.pk]).values_list("pk", "roadmap_pin"))
    assert pins == {pinned.pk: 1, unpinned.pk: None}
    # nothing else was touched: one pin history row per changed pin, the other 1,996 projects as they were
    assert Change.objects.filter(field="roadmap_pin").count() == 2
    assert Project.objects.filter(portfolio=big_plan["portfolio"], version__gt=1).count() == 4


def test_a_changed_project_whose_version_was_not_sent_is_refused_and_nothing_is_saved(small_plan, pm_client):
    pinned, other = small_plan["projects"][5], small_plan["projects"][9]
    data = _compact(small_plan, pins=f"{pinned.pk}:1,{other.pk}:4", versions=f"{pinned.pk}:{pinned.version}")

    response = pm_client.post(_url("whatif-save", small_plan), data)

    assert response.status_code == 409
    assert not Project.objects.filter(roadmap_pin__isnull=False).exists()


def test_a_project_changed_since_the_page_was_loaded_is_refused_with_what_changed(small_plan, pm_client):
    pinned = small_plan["projects"][5]
    data = _compact(small_plan, pins=f"{pinned.pk}:1", versions=f"{pinned.pk}:{pinned.version}")
    Project.objects.filter(pk=pinned.pk).update(roadmap_pin=9, version=pinned.version + 1)

    response = pm_client.post(_url("whatif-save", small_plan), data)

    assert response.status_code == 409
    html = response.content.decode()
    assert "nothing was saved" in html
    assert Project.objects.get(pk=pinned.pk).roadmap_pin == 9


@pytest.mark.parametrize(
    ("pins", "message"),
    [
        ("12", "is not a pin"),
        ("abc:1", "is not a pin"),
        ("9" * 4301 + ":1", "is not a pin"),
        ("999999:1", "not still to be built here"),
    ],
)
def test_unreadable_compact_pins_are_refused_above_the_form(small_plan, pm_client, pins, message):
    response = pm_client.post(_url("whatif", small_plan), _compact(small_plan, pins=pins))

    assert response.status_code == 400
    assert message in response.content.decode()


def test_unreadable_versions_are_refused_above_the_form_and_nothing_is_saved(small_plan, pm_client):
    pinned = small_plan["projects"][5]
    data = _compact(small_plan, pins=f"{pinned.pk}:1", versions=f"{pinned.pk}:one")

    response = pm_client.post(_url("whatif-save", small_plan), data)

    assert response.status_code == 400
    assert "is not a version" in response.content.decode()
    assert Project.objects.get(pk=pinned.pk).roadmap_pin is None


def test_a_pin_out_of_range_sent_compactly_is_refused_next_to_its_row(small_plan, pm_client):
    pinned = small_plan["projects"][5]

    response = pm_client.post(_url("whatif", small_plan), _compact(small_plan, pins=f"{pinned.pk}:0"))

    assert response.status_code == 400
    assert "greater than or equal to 1" in response.content.decode()


def test_without_javascript_the_full_form_of_2000_projects_still_runs_and_saves(big_plan, pm_client, settings):
    """A browser without JavaScript posts every row's pin (one field per project still to be built, all versions
    in one field): within the app's ``DATA_UPLOAD_MAX_NUMBER_FIELDS`` (50,000), as before."""
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 50_000
    pinned = big_plan["projects"][5]
    data = _scenario(pm_client, {"slug": big_plan["portfolio"].slug})
    assert len(data) < SIZE + 20  # one pin per row and a handful of others: no per-project version any more
    data[f"pin_{pinned.pk}"] = "2"

    run = pm_client.post(_url("whatif", big_plan), data)
    saved = pm_client.post(_url("whatif-save", big_plan), data)

    assert run.status_code == 200
    assert saved.status_code == 302
    assert Project.objects.get(pk=pinned.pk).roadmap_pin == 2
