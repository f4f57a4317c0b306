"""The figures' status banner: it keeps polling, says when figures are stale or broken, and tells the page
(``figures-updated``) only when a snapshot newer than the one it shows has landed."""

import json

import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from portfolio.models import Portfolio
from roadmap.models import RecomputeState
from tests.factories import RankingSnapshotFactory


def _status(client, seen=None, **headers):
    url = reverse("roadmap:status", args=["trust-safety"])
    return client.get(url, {"seen": seen} if seen is not None else {}, **headers)


def _triggered(response) -> set[str]:
    header = response.headers.get("HX-Trigger")
    return set(json.loads(header)) if header else set()


@pytest.fixture
def snapshot_v3(portfolio):
    Portfolio.objects.filter(pk=portfolio.pk).update(input_version=3)
    return RankingSnapshotFactory(portfolio=portfolio, input_version=3, seed=7, trials=2000, top_k=10)


def test_a_newer_snapshot_than_the_page_shows_triggers_figures_updated(snapshot_v3, leader_client):
    response = _status(leader_client, seen=2, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert _triggered(response) == {"figures-updated"}
    assert "?seen=3" in response.content.decode()  # the next poll asks about the new version


def test_no_event_when_the_page_already_shows_the_latest_snapshot(snapshot_v3, em_client):
    response = _status(em_client, seen=3, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert _triggered(response) == set()


@pytest.mark.parametrize("seen", [None, "", "abc", "2.5"])
def test_no_event_without_a_whole_seen_version(snapshot_v3, pm_client, seen):
    response = _status(pm_client, seen=seen)
    assert response.status_code == 200
    assert _triggered(response) == set()


def test_no_event_while_no_snapshot_exists(portfolio, pm_client):
    response = _status(pm_client, seen=0, HTTP_HX_REQUEST="true")
    assert _triggered(response) == set()
    assert "No figures computed yet" in response.content.decode()


def test_banner_keeps_polling(snapshot_v3, leader_client):
    html = _status(leader_client, seen=3, HTTP_HX_REQUEST="true").content.decode().strip()
    assert html.startswith('<div id="figures-status"')
    assert 'hx-trigger="every ' in html and 'hx-swap="outerHTML"' in html
    assert "<html" not in html
    assert "input version 3" in html and "seed 7" in html


def test_banner_says_out_of_date_when_inputs_are_ahead(snapshot_v3, leader_client):
    Portfolio.objects.filter(pk=snapshot_v3.portfolio_id).update(input_version=F("input_version") + 1)
    html = _status(leader_client, seen=3).content.decode()
    assert "out of date" in html and "inputs are at version 4" in html
    assert "stale" in html


def test_banner_says_the_recompute_failed(snapshot_v3, leader_client):
    Portfolio.objects.filter(pk=snapshot_v3.portfolio_id).update(input_version=4)
    RecomputeState.objects.create(
        portfolio_id=snapshot_v3.portfolio_id,
        last_outcome=RecomputeState.Outcome.FAILED,
        last_error="ValueError: <bad> input",
        last_error_at=timezone.now(),
    )
    html = _status(leader_client, seen=3).content.decode()
    assert "The last recompute failed" in html and "problem" in html
    assert "ValueError: &lt;bad&gt; input" in html


def test_banner_says_the_task_queue_is_unreachable(snapshot_v3, leader_client):
    Portfolio.objects.filter(pk=snapshot_v3.portfolio_id).update(input_version=4)
    RecomputeState.objects.create(portfolio_id=snapshot_v3.portfolio_id, broker_unreachable_since=timezone.now())
    html = _status(leader_client, seen=3).content.decode()
    assert "Task queue unreachable" in html and "out of date" in html


def test_status_is_for_members_only_and_read_only(snapshot_v3, outsider_client, pm_client, client):
    assert _status(outsider_client, seen=1).status_code == 404
    assert pm_client.post(reverse("roadmap:status", args=["trust-safety"])).status_code == 405
    assert _status(client, seen=1).status_code == 302  # anonymous: to the login page


# --- "Task queue unreachable" is about a queue that is still owed a task ------------------------------------


def _failing_publish(monkeypatch):
    from roadmap import tasks

    def refuse(*args, **kwargs):
        raise ConnectionError("Connection refused")

    monkeypatch.setattr(tasks.recompute_portfolio, "apply_async", refuse)


def test_a_publish_failing_while_figures_are_stale_says_the_queue_is_unreachable(snapshot_v3, monkeypatch):
    from roadmap.services.recompute import recompute_enqueue

    Portfolio.objects.filter(pk=snapshot_v3.portfolio_id).update(input_version=4)
    _failing_publish(monkeypatch)
    assert recompute_enqueue(portfolio_id=snapshot_v3.portfolio_id) is False
    state = RecomputeState.objects.get(portfolio_id=snapshot_v3.portfolio_id)
    assert state.broker_unreachable_since is not None and not state.queued
    assert "Could not reach the task queue" in state.last_error


def test_a_publish_failing_after_the_figures_caught_up_leaves_no_unreachable_flag(snapshot_v3, monkeypatch, pm_client):
    """Seen in CI: a sweep's publish over a connection gone stale while Redis restarted failed *after* another
    task had brought the figures up to date; the flag stayed set and nothing cleared it."""
    from roadmap.services.recompute import recompute_enqueue

    _failing_publish(monkeypatch)
    assert recompute_enqueue(portfolio_id=snapshot_v3.portfolio_id) is False
    state = RecomputeState.objects.get(portfolio_id=snapshot_v3.portfolio_id)
    assert state.broker_unreachable_since is None and not state.queued
    # The next edit is queued behind a task in flight: the banner must not blame the queue.
    RecomputeState.objects.filter(pk=state.pk).update(queued=True)
    Portfolio.objects.filter(pk=snapshot_v3.portfolio_id).update(input_version=4)
    assert "Task queue unreachable" not in _status(pm_client, seen=3).content.decode()


def test_a_recompute_that_brings_the_figures_up_to_date_clears_the_unreachable_flag(portfolio, pm_client):
    from roadmap.services.recompute import portfolio_recompute
    from tests.factories import AssessmentFactory, ProjectFactory

    AssessmentFactory(project=ProjectFactory(portfolio=portfolio, name="Spam filter"))
    RecomputeState.objects.update_or_create(
        portfolio=portfolio, defaults={"broker_unreachable_since": timezone.now(), "queued": True}
    )
    snapshot = portfolio_recompute(portfolio_id=portfolio.pk)
    assert snapshot.input_version == Portfolio.objects.get(pk=portfolio.pk).input_version
    assert RecomputeState.objects.get(portfolio=portfolio).broker_unreachable_since is None


def test_a_recompute_that_ends_behind_an_unsent_edit_keeps_the_queue_error(portfolio, pm_client):
    """Edits kept landing while the run chased them, and the last one could not send its task: the run's end leaves
    the figures out of date, so the flag and its message both stay (its success cleared the message and kept the
    flag, which left the admin saying "unreachable" with no reason)."""
    from roadmap.services.recompute import MAX_ROUNDS, portfolio_recompute
    from tests.factories import AssessmentFactory, ProjectFactory

    AssessmentFactory(project=ProjectFactory(portfolio=portfolio, name="Spam filter"))
    RecomputeState.objects.update_or_create(
        portfolio=portfolio,
        defaults={"broker_unreachable_since": timezone.now(), "last_error": "Could not reach the task queue: refused"},
    )
    rounds = []

    def an_edit_lands(snapshot):  # inside each snapshot's transaction: every round ends one version behind
        rounds.append(snapshot.input_version)
        Portfolio.objects.filter(pk=portfolio.pk).update(input_version=F("input_version") + 1)

    portfolio_recompute(portfolio_id=portfolio.pk, before_commit=an_edit_lands)
    assert len(rounds) == MAX_ROUNDS
    state = RecomputeState.objects.get(portfolio=portfolio)
    assert state.broker_unreachable_since is not None and state.last_outcome == RecomputeState.Outcome.OK
    assert "Could not reach the task queue" in state.last_error
    assert "Task queue unreachable" in _status(pm_client, seen=rounds[-1]).content.decode()
