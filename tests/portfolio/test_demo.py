"""The demo portfolio: ``manage.py load_demo`` loads a realistic, ranked backlog, and is idempotent."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from portfolio import demo
from portfolio.models import FeasibilityAssessment, Membership, Portfolio, Project, ReuseLink
from portfolio.services import find_cycle
from roadmap.models import RankingSnapshot

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _laptop(settings):
    """The demo is loaded on a laptop, where ``scripts/start.sh`` runs with DEBUG on."""
    settings.DEBUG = True


def load_demo(*args: str) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def test_demo_data_is_consistent():
    names = [p.name for p in demo.PROJECTS]
    assert len(names) == len(set(names))
    assert all(link.producer in names and link.consumer in names for link in demo.LINKS)
    assert all(0.1 <= link.fraction <= 0.5 for link in demo.LINKS)
    assert set(demo.REVISED_IMPACT) <= set(names)


def test_load_demo_creates_about_thirty_projects_with_a_realistic_mix():
    output = load_demo()

    portfolio = Portfolio.objects.get(slug=demo.DEMO_SLUG)
    projects = Project.objects.filter(portfolio=portfolio, outcome__isnull=True)  # the backlog, not the past ones
    assert 25 <= projects.count() <= 35
    statuses = set(projects.values_list("status", flat=True))
    assert statuses == {"idea", "discovery", "building", "shipped", "iterating", "parked"}
    tags = set(
        FeasibilityAssessment.objects.filter(project__portfolio=portfolio, is_current=True).values_list(
            "tag", flat=True
        )
    )
    assert tags == {"easy", "hard", "impossible"}
    assert projects.filter(assessments__isnull=True, provisional_effort_low__isnull=False).exists()
    assert projects.filter(assessments__isnull=True, provisional_effort_low__isnull=True).exists()
    assert "Loaded the demo portfolio" in output and "http://127.0.0.1:8000/" in output
    assert demo.DEMO_PASSWORD in output


def test_load_demo_creates_one_user_per_role_and_a_superuser():
    load_demo()

    portfolio = Portfolio.objects.get(slug=demo.DEMO_SLUG)
    roles = dict(Membership.objects.filter(portfolio=portfolio).values_list("user__username", "role"))
    assert roles == {"owner": "owner", "pm": "pm", "em": "em", "lead": "leadership"}
    users = get_user_model().objects.in_bulk(["owner", "pm", "em", "lead", "admin"], field_name="username")
    assert all(user.check_password(demo.DEMO_PASSWORD) for user in users.values())
    assert users["admin"].is_superuser and not users["pm"].is_superuser


def test_demo_reuse_links_form_no_cycle():
    load_demo()

    links = ReuseLink.objects.filter(producer__portfolio__slug=demo.DEMO_SLUG).select_related("producer", "consumer")
    assert len(links) >= 10
    assert {link.kind for link in links} == {"requires", "benefits"}
    for link in links:
        # Adding the reverse of any existing link would close a cycle; nothing else around it does.
        assert find_cycle(producer=link.consumer, consumer=link.producer) is not None
        assert find_cycle(producer=link.producer, consumer=link.consumer, ignore_link_id=link.pk) is None


def test_load_demo_computes_a_ranking_with_ranked_and_excluded_projects():
    load_demo()

    portfolio = Portfolio.objects.get(slug=demo.DEMO_SLUG)
    snapshot = RankingSnapshot.objects.get(portfolio=portfolio)
    assert snapshot.input_version == portfolio.input_version
    scores = list(snapshot.scores.all())
    assert len(scores) == portfolio.projects.count()
    ranked = sorted((s for s in scores if s.rank is not None), key=lambda s: s.rank)
    assert [s.rank for s in ranked] == list(range(1, len(ranked) + 1))
    assert [s.tag for s in ranked[-2:]] == ["impossible", "impossible"]
    reasons = {s.excluded_reason for s in scores if s.rank is None}
    assert any("delivered" in r for r in reasons)
    assert any("parked" in r for r in reasons)
    assert any("effort estimate" in r for r in reasons)


def test_load_demo_twice_does_not_duplicate():
    load_demo()
    counts = (Project.objects.count(), ReuseLink.objects.count(), FeasibilityAssessment.objects.count())

    output = load_demo()

    assert "already there" in output
    assert Portfolio.objects.filter(slug=demo.DEMO_SLUG).count() == 1
    assert (Project.objects.count(), ReuseLink.objects.count(), FeasibilityAssessment.objects.count()) == counts
    assert get_user_model().objects.filter(username__in=["owner", "pm", "em", "lead", "admin"]).count() == 5
    assert RankingSnapshot.objects.count() == 1


def test_load_demo_reset_reloads_the_portfolio():
    load_demo()
    Project.objects.filter(portfolio__slug=demo.DEMO_SLUG).first().delete()

    load_demo("--reset")

    portfolio = Portfolio.objects.get(slug=demo.DEMO_SLUG)
    assert portfolio.projects.count() == len(demo.PROJECTS) + len(demo.PAST_PROJECTS)
    assert RankingSnapshot.objects.filter(portfolio=portfolio, input_version=portfolio.input_version).exists()


# A production database: existing accounts are never touched, and DEBUG off needs the explicit flag ---------------


def test_load_demo_refuses_with_debug_off_and_writes_nothing(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="--i-know-this-is-production"):
        load_demo()

    assert not Portfolio.objects.exists()
    assert not get_user_model().objects.exists()


def test_load_demo_with_debug_off_runs_when_told_it_is_production(settings):
    settings.DEBUG = False

    output = load_demo("--i-know-this-is-production")

    assert Portfolio.objects.filter(slug=demo.DEMO_SLUG).exists()
    assert "Loaded the demo portfolio" in output


def test_load_demo_never_touches_an_existing_account():
    user_model = get_user_model()
    admin = user_model.objects.create_user("admin", "ops@example.com", "the-real-secret-1")
    pm = user_model.objects.create_user("pm", "pat@example.com", "pats-own-secret-2")
    before = {u.username: (u.password, u.email, u.is_superuser, u.is_staff, u.is_active) for u in (admin, pm)}

    output = load_demo()

    after = {
        u.username: (u.password, u.email, u.is_superuser, u.is_staff, u.is_active)
        for u in user_model.objects.filter(username__in=before)
    }
    assert after == before  # password hash, flags and e-mail exactly as they were: admin is still no superuser
    assert not user_model.objects.get(username="admin").check_password(demo.DEMO_PASSWORD)
    assert "admin: an existing account, left as it is" in output
    assert "pm: an existing account, left as it is" in output
    created = user_model.objects.filter(username__in=["em", "lead"])
    assert all(u.check_password(demo.DEMO_PASSWORD) for u in created) and created.count() == 2
    assert "em: created" in output and "lead: created" in output


def test_running_load_demo_again_leaves_a_changed_password_alone():
    load_demo()
    pm = get_user_model().objects.get(username="pm")
    pm.set_password("changed-after-the-demo-9")
    pm.save()

    load_demo()

    assert get_user_model().objects.get(username="pm").check_password("changed-after-the-demo-9")


def test_demo_past_projects_tell_a_true_calibration_story():
    from portfolio import calibration_selectors

    load_demo()
    portfolio = Portfolio.objects.get(slug=demo.DEMO_SLUG)
    report = calibration_selectors.calibration_report(portfolio=portfolio)
    rows = {(r.kind, r.estimator): r for r in report.estimators}
    assert len(demo.PAST_PROJECTS) >= 20
    optimist, calibrated = rows[("effort", "em")], rows[("effort", "Ines")]
    assert optimist.n >= 5 and calibrated.n >= 5
    assert optimist.bias > 1.3 and optimist.hit_rate < 0.5  # the optimistic EM: efforts overrun
    assert calibrated.hit_rate >= 0.6 and 0.9 < calibrated.bias < 1.2
    assert rows[("effort", "all")].bias > 1  # efforts overrun
    assert rows[("impact", "pm")].bias < 0.8  # impact falls short
    assert optimist.stretch is not None and rows[("effort", "all")].n == len(demo.PAST_PROJECTS)
    tags = {t.tag: t for t in report.tags}
    assert set(tags) == {"easy", "hard"} and tags["easy"].flagged  # easy problems succeed less often than assumed
