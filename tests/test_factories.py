"""The test helpers themselves: users get the fast test password hash (which the login form accepts), and the
snapshot factories build what the recompute would write."""

import pytest
from django.conf import global_settings, settings
from django.urls import reverse

from tests.factories import (
    PASSWORD,
    ProjectFactory,
    ProjectScoreFactory,
    RankingSnapshotFactory,
    UserFactory,
    bulk_scores,
)


@pytest.mark.django_db
def test_users_from_the_factory_get_an_md5_hash_that_still_checks():
    user = UserFactory()

    assert user.password.startswith("md5$")
    assert user.check_password(PASSWORD) and not user.check_password(PASSWORD + "x")


@pytest.mark.django_db
def test_a_factory_user_logs_in_through_the_login_form(client):
    user = UserFactory()

    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_the_fast_hasher_is_for_tests_only():
    from config import settings as production

    assert settings.PASSWORD_HASHERS == ["django.contrib.auth.hashers.MD5PasswordHasher"]
    in_production = getattr(production, "PASSWORD_HASHERS", global_settings.PASSWORD_HASHERS)
    assert "MD5" not in in_production[0]


@pytest.mark.django_db
def test_a_score_from_the_factory_is_a_ranked_project_of_its_snapshots_portfolio():
    score = ProjectScoreFactory()

    assert score.project.portfolio == score.snapshot.portfolio and score.name == score.project.name
    assert score.snapshot.input_version == score.snapshot.portfolio.input_version
    assert score.rank == 1 and score.expected_cost == score.expected_effort * 4
    assert score.roi_p10 <= score.roi_p50 <= score.roi_p90 and score.effort_p10 < score.effort_p90
    score.full_clean()


@pytest.mark.django_db
def test_an_excluded_score_has_a_reason_and_no_figures():
    score = ProjectScoreFactory(excluded=True)

    assert score.rank is None and score.excluded_reason == "parked"
    assert score.expected_roi is None and score.expected_effort is None and score.p_top_k is None


@pytest.mark.django_db
def test_bulk_scores_writes_many_scores_in_one_query(django_assert_num_queries):
    snapshot = RankingSnapshotFactory()
    projects = ProjectFactory.create_batch(3, portfolio=snapshot.portfolio)

    with django_assert_num_queries(1):
        bulk_scores(snapshot, ({"project": p, "rank": i} for i, p in enumerate(projects, start=1)))

    assert list(snapshot.scores.values_list("name", "rank")) == [(p.name, i) for i, p in enumerate(projects, start=1)]
