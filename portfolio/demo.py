"""The demo portfolio "Social platform ML" and ``demo_load()``, which writes it through the backlog services (so
history and input versions are what a real team's would be).

The data is in ``demo_data`` (about 30 ML projects of a social network, their assessments and reuse links) and
``demo_history`` (past projects with their estimates and actuals, for the calibration page).
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from . import crediting, delivery, services
from .demo_data import LINKS, PROJECTS, REVISED_IMPACT, DemoAssessment, DemoProject  # noqa: F401 (re-exported)
from .demo_history import OPTIMIST, PAST_PROJECTS, PastProject
from .estimator_fields import EFFORT
from .models import Portfolio, Role

DEMO_SLUG = "social-ml"
DEMO_NAME = "Social platform ML"
DEMO_PASSWORD = "demo-pass-123"
# username -> role in the demo portfolio; "admin" is a superuser and needs no membership. "owner" manages its members.
DEMO_USERS = {"owner": Role.OWNER, "pm": Role.PM, "em": Role.EM, "lead": Role.LEADERSHIP}
DEMO_ADMIN = "admin"


@dataclass(frozen=True)
class DemoUser:
    """A demo login: whether ``demo_load`` created it now or found an account of that name (left untouched)."""

    username: str
    created: bool
    demo_password_works: bool
    is_superuser: bool


@dataclass(frozen=True)
class DemoResult:
    """What ``demo_load`` did: the portfolio, whether it was (re)created, and the demo users."""

    portfolio: Portfolio
    created: bool
    users: tuple[DemoUser, ...]


def _demo_users() -> tuple[dict[str, User], tuple[DemoUser, ...]]:
    """Create the demo users that do not exist yet; an existing account of that name is never changed (its
    password, superuser flag and e-mail stay as they are). Returns username -> user, and what was done."""
    user_model = get_user_model()
    users: dict[str, User] = {}
    report = []
    for username in (*DEMO_USERS, DEMO_ADMIN):
        user = user_model.objects.filter(username=username).first()
        created = user is None
        if user is None:
            user = user_model(username=username, email=f"{username}@example.com")
            user.set_password(DEMO_PASSWORD)
            user.is_staff = user.is_superuser = username == DEMO_ADMIN
            user.save()
        # Compared without the upgrade-on-login setter: looking must not rewrite the stored hash either.
        works = check_password(DEMO_PASSWORD, user.password)
        users[username] = user
        report.append(DemoUser(username, created, works, user.is_superuser))
    return users, tuple(report)


def _assessment_fields(assessment: DemoAssessment) -> dict:
    examples = assessment.examples or (None, None)
    agreement = assessment.agreement or (None, None)
    return {
        "tag": assessment.tag,
        "effort_low": assessment.effort[0],
        "effort_likely": assessment.effort[1],
        "effort_high": assessment.effort[2],
        "rationale": assessment.rationale,
        "examples_needed": examples[0],
        "examples_available": examples[1],
        "label_agreement_target": agreement[0],
        "label_agreement_current": agreement[1],
        "success_probability_override": assessment.success_probability_override,
    }


def _project_fields(demo: DemoProject, start: datetime.date) -> dict:
    effort = demo.provisional_effort or (None, None, None)
    return {
        "name": demo.name,
        "status": demo.status,
        "problem_type": demo.problem_type,
        "owner": demo.owner,
        "summary": demo.summary,
        "user_problem": demo.user_problem,
        "output_kpi": demo.output_kpi,
        "input_metrics": demo.input_metrics,
        "lazy_10x_note": demo.lazy_10x_note,
        "staffing": demo.staffing,
        "target_date": start + datetime.timedelta(weeks=demo.target_weeks) if demo.target_weeks else None,
        "impact_low": demo.impact[0],
        "impact_likely": demo.impact[1],
        "impact_high": demo.impact[2],
        "provisional_effort_low": effort[0],
        "provisional_effort_likely": effort[1],
        "provisional_effort_high": effort[2],
    }


DEMO_SEED = 20261129  # fixed, so a fresh demo shows the same figures on every machine


def _load_portfolio(users: dict) -> Portfolio:
    """Write the demo portfolio, its projects, assessments and links through the services."""
    pm, em = users["pm"], users["em"]
    portfolio = services.portfolio_create(
        name=DEMO_NAME,
        slug=DEMO_SLUG,
        description="ML projects of a social network: integrity, search, recommendations, ads and growth.",
        capacity=12,
        seed=DEMO_SEED,
    )
    projects = {}
    for demo in PROJECTS:
        projects[demo.name] = project = services.project_create(
            portfolio=portfolio, user=pm, **_project_fields(demo, portfolio.roadmap_start)
        )
        for assessment in (*demo.earlier_assessments, demo.assessment):
            if assessment is not None:
                services.assessment_record(project=project, user=em, **_assessment_fields(assessment))
    for link in LINKS:
        services.link_create(
            producer=projects[link.producer],
            consumer=projects[link.consumer],
            user=pm,
            kind=link.kind,
            fraction=link.fraction,
            note=link.note,
        )
    for name, (low, likely, high) in REVISED_IMPACT.items():
        services.project_update(
            project=projects[name], user=pm, data={"impact_low": low, "impact_likely": likely, "impact_high": high}
        )
    today = timezone.localdate()
    for past in PAST_PROJECTS:
        _load_past_project(portfolio, users, past, today)
    return portfolio


def _load_past_project(portfolio: Portfolio, users: dict, past: PastProject, today: datetime.date) -> None:
    """Write one past project as it happened: created, assessed, built, shipped (or stopped), its outcome recorded."""
    pm = users["pm"]
    low, likely, high = past.impact
    project = services.project_create(
        portfolio=portfolio,
        user=pm,
        name=past.name,
        problem_type=past.problem_type,
        summary="Delivered before this quarter; its outcome feeds the calibration page.",
        impact_low=low,
        impact_likely=likely,
        impact_high=high,
    )
    estimator = users["em"] if past.effort_by == OPTIMIST else None
    low, likely, high = past.effort
    services.assessment_record(
        project=project,
        user=estimator,
        tag=past.tag,
        rationale="Past project.",
        effort_low=low,
        effort_likely=likely,
        effort_high=high,
    )
    if estimator is None:  # an EM who has left: credited by name, as a CSV import would
        crediting.credit_saved(project, [EFFORT], estimators={EFFORT: (None, past.effort_by)})
    for status in ("building", past.status):
        project.refresh_from_db()
        services.project_update(project=project, user=pm, data={"status": status})
    finish = today - datetime.timedelta(weeks=past.weeks_ago)
    outcome = {
        "actual_effort": past.actual_effort,
        "actual_start": finish - datetime.timedelta(weeks=past.duration_weeks),
        "actual_finish": finish,
        "succeeded": "yes" if past.succeeded else "no",
        "realized_impact": past.realized_impact,
    }
    delivery.outcome_record(project=project, user=pm, data=outcome)


@transaction.atomic
def demo_load(*, reset: bool = False) -> DemoResult:
    """Load the demo portfolio "Social platform ML" with its users (password ``DEMO_PASSWORD``).

    Idempotent: if the portfolio exists it is left as it is (only the demo users' roles in it are ensured),
    unless ``reset`` deletes it and loads it afresh. A demo user is created only when no account of that name
    exists: an existing account is never changed (not its password, not its superuser flag). The ranking is not
    computed here; the caller (the ``load_demo`` command) does it.
    """
    users, report = _demo_users()
    portfolio = Portfolio.objects.filter(Q(slug=DEMO_SLUG) | Q(name=DEMO_NAME)).first()
    if portfolio is not None and reset:
        portfolio.delete()
        portfolio = None
    created = portfolio is None
    if portfolio is None:
        portfolio = _load_portfolio(users)
    for username, role in DEMO_USERS.items():
        services.membership_set(user=users[username], portfolio=portfolio, role=role)
    return DemoResult(portfolio=portfolio, created=created, users=report)
