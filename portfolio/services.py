"""Writes to the backlog. Every change to a ranking input bumps the portfolio's input version in the
same transaction and, once it commits, announces it (``signals.inputs_changed``) so the ranking is
recomputed in the background.
"""

from itertools import chain, count
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.text import slugify

from . import crediting, graph
from .estimator_fields import EFFORT
from .models import PROJECT_NAME_TAKEN, Change, FeasibilityAssessment, Membership, Portfolio, Project, ReuseLink, Role
from .signals import assessment_recorded, inputs_changed, project_changed

# Fields whose changes are kept in a project's history (the estimates and what the math reads). The status comes
# last: an estimate changed in the same save as the move to building is in force when it entered building.
TRACKED_PROJECT_FIELDS = (
    "name",
    "staffing",
    "target_date",
    "impact_low",
    "impact_likely",
    "impact_high",
    "provisional_effort_low",
    "provisional_effort_likely",
    "provisional_effort_high",
    "status",
)
# Fields that feed the ranking: a change to any of them makes the figures out of date.
RANKING_INPUT_FIELDS = frozenset(TRACKED_PROJECT_FIELDS) - {"name"}
TRACKED_ASSESSMENT_FIELDS = ("tag", "success_probability_override", "effort_low", "effort_likely", "effort_high")
PORTFOLIO_SETTING_FIELDS = (
    "name",
    "description",
    "value_unit",
    "cost_per_person_week",
    "horizon_years",
    "trials",
    "top_k",
    "p_easy",
    "p_hard",
    "p_impossible",
    "capacity",
    "planning_window_weeks",
    "roadmap_start",
    "seed",
    "calibrated_ranges",
)


class ConflictError(Exception):
    """A save was based on an older version of the object than the one stored.

    ``changes`` maps each field the other person changed to (value in the form's version, value now).
    """

    def __init__(self, obj: Any, changes: dict[str, tuple[Any, Any]]):
        self.obj = obj
        self.changes = changes
        super().__init__(f"{obj} was changed by someone else meanwhile.")


class CycleError(Exception):
    """A reuse link would close a cycle; ``path`` names the projects around it."""

    def __init__(self, path: list[str]):
        self.path = path
        super().__init__("This link would close a cycle: " + " → ".join(path) + ".")


def portfolio_inputs_changed(*, portfolio_id: int) -> None:
    """Bump the input version (inside the caller's transaction) and announce it after commit."""
    Portfolio.objects.filter(pk=portfolio_id).update(input_version=F("input_version") + 1)
    transaction.on_commit(lambda: inputs_changed.send(sender=Portfolio, portfolio_id=portfolio_id))


def _record_changes(*, project: Project, user, before: dict, after: dict, prefix: str = "") -> list[str]:
    """Write a Change row per field that differs; return the names of the changed fields."""
    changed = [field for field, old in before.items() if old != after.get(field)]
    Change.objects.bulk_create(
        Change(
            project=project,
            user=user if user and user.is_authenticated else None,
            field=prefix + field,
            old="" if before[field] is None else str(before[field])[:500],
            new="" if after.get(field) is None else str(after[field])[:500],
        )
        for field in changed
    )
    return changed


def _free_slug(name: str) -> str:
    """A slug made from ``name`` that no portfolio has yet ("growth-ml", else "growth-ml-2", ...)."""
    base = slugify(name)[:110] or "portfolio"
    taken = set(Portfolio.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    candidates = chain([base], (f"{base}-{n}" for n in count(2)))
    return next(slug for slug in candidates if slug not in taken)


@transaction.atomic
def portfolio_create(*, name: str, owner: AbstractBaseUser | None = None, **settings: Any) -> Portfolio:
    """Create a portfolio; ``owner``, if given (who created it), becomes its owner. Without a slug, one is made."""
    slug = settings.pop("slug", None) or _free_slug(name)
    portfolio = Portfolio(name=name, slug=slug, **settings)
    portfolio.full_clean()
    portfolio.save()
    if owner is not None:
        membership_set(user=owner, portfolio=portfolio, role=Role.OWNER)
    return portfolio


@transaction.atomic
def portfolio_update(*, portfolio: Portfolio, data: dict[str, Any], expected_version: int | None = None) -> Portfolio:
    """Change a portfolio's settings; refuse a save based on an older version of them."""
    current = Portfolio.objects.select_for_update().get(pk=portfolio.pk)
    before = {f: getattr(current, f) for f in PORTFOLIO_SETTING_FIELDS}
    if expected_version is not None and current.version != expected_version:
        raise ConflictError(current, {f: (getattr(portfolio, f), before[f]) for f in before if f in data})
    for field, value in data.items():
        if field in PORTFOLIO_SETTING_FIELDS:
            setattr(current, field, value)
    current.full_clean()
    current.version += 1
    current.save()
    if any(before[f] != getattr(current, f) for f in PORTFOLIO_SETTING_FIELDS if f not in ("name", "description")):
        portfolio_inputs_changed(portfolio_id=current.pk)
        current.refresh_from_db(fields=["input_version"])
    return current


def membership_set(*, user: AbstractBaseUser, portfolio: Portfolio, role: str) -> Membership:
    """Give ``user`` the ``role`` in ``portfolio`` (replacing any earlier role)."""
    membership, _ = Membership.objects.update_or_create(user=user, portfolio=portfolio, defaults={"role": role})
    membership.full_clean()
    return membership


def _save_named(project: Project) -> None:
    """Save a project whose name ``full_clean`` found free; if another session took the name since, the unique
    constraint answers, and that is the same field error as ``full_clean``'s (not an IntegrityError, a 500)."""
    try:
        with transaction.atomic():  # a savepoint: the caller's transaction (an import's) stays usable
            project.save()
    except IntegrityError:
        taken = Project.objects.filter(portfolio_id=project.portfolio_id, name=project.name).exclude(pk=project.pk)
        if taken.exists():
            raise ValidationError({"name": [ValidationError(PROJECT_NAME_TAKEN, code="unique")]}) from None
        raise


@transaction.atomic
def project_create(*, portfolio: Portfolio, user=None, estimators: dict | None = None, **fields: Any) -> Project:
    """Add a project to the backlog; its ranges are credited to ``user`` (or ``estimators``: see ``crediting``)."""
    # Creations queue on the portfolio, as imports do (they hold it): two PMs adding one name at once see the field
    # error, and a create racing an import takes the locks in the same order (no deadlock).
    Portfolio.objects.select_for_update().filter(pk=portfolio.pk).first()
    project = Project(portfolio=portfolio, **fields)
    project.full_clean()
    kinds = crediting.ranges_changed(project, {})
    credited = crediting.credit_ranges(project, kinds, user=user, estimators=estimators)
    _save_named(project)
    Change.objects.bulk_create(credited)
    Change.objects.create(
        project=project, user=user if user and user.is_authenticated else None, field="created", new=project.name
    )
    portfolio_inputs_changed(portfolio_id=portfolio.pk)
    project_changed.send(sender=Project, project=project, action="created", fields=sorted(fields), user=user)
    return project


@transaction.atomic
def project_update(
    *,
    project: Project,
    data: dict[str, Any],
    user=None,
    expected_version: int | None = None,
    estimators: dict | None = None,
) -> Project:
    """Change a project's fields; the history keeps every estimate change.

    With ``expected_version`` (the version the user's form was based on) a save on top of someone
    else's newer save is refused with ``ConflictError`` naming what they changed.
    """
    current = Project.objects.select_for_update().get(pk=project.pk)
    if expected_version is not None and current.version != expected_version:
        theirs = {
            f: (getattr(project, f), getattr(current, f))
            for f in data
            if hasattr(current, f) and getattr(project, f) != getattr(current, f)
        }
        raise ConflictError(current, theirs)
    before = {f: getattr(current, f) for f in TRACKED_PROJECT_FIELDS}
    for field, value in data.items():
        setattr(current, field, value)
    current.full_clean()
    current.version += 1
    kinds = crediting.ranges_changed(current, before)
    credited = crediting.credit_ranges(current, kinds, user=user, estimators=estimators)
    _save_named(current)
    Change.objects.bulk_create(credited)
    changed = _record_changes(
        project=current, user=user, before=before, after={f: getattr(current, f) for f in TRACKED_PROJECT_FIELDS}
    )
    if RANKING_INPUT_FIELDS.intersection(changed):
        portfolio_inputs_changed(portfolio_id=current.portfolio_id)
    project_changed.send(sender=Project, project=current, action="updated", fields=changed, user=user)
    return current


@transaction.atomic
def project_delete(
    *, project: Project, user=None, expected_version: int | None = None, expected_assessment_id: int | None = None
) -> None:
    """Remove a project (and its links and assessments) from the backlog.

    With ``expected_version`` and ``expected_assessment_id`` (what the PM saw when confirming: the project's
    version and its current assessment's id, 0 for none) a project someone changed or assessed since is not
    deleted: ``ConflictError``, so nobody deletes what they have not seen. Each project that reused its data
    loses that link: its history records it, as when a link is removed by hand.
    """
    current = Project.objects.select_for_update().get(pk=project.pk)
    if expected_version is not None and current.version != expected_version:
        raise ConflictError(current, {})
    if expected_assessment_id is not None:
        assessment = FeasibilityAssessment.objects.filter(project=current, is_current=True).first()
        if (assessment.pk if assessment else 0) != expected_assessment_id:
            raise ConflictError(current, {})
    project = current
    portfolio_id = project.portfolio_id
    for link in ReuseLink.objects.filter(producer=project).select_related("producer", "consumer"):
        before = {"reuses": str(link)}
        _record_changes(project=link.consumer, user=user, before=before, after={"reuses": None}, prefix="link.")
    project_changed.send(sender=Project, project=project, action="deleted", fields=[], user=user)
    project.delete()
    portfolio_inputs_changed(portfolio_id=portfolio_id)


@transaction.atomic
def assessment_record(
    *, project: Project, user=None, estimators: dict | None = None, **fields: Any
) -> FeasibilityAssessment:
    """Record an EM's feasibility assessment; it becomes current and the earlier one is kept. Its effort range is
    credited to ``user`` (or ``estimators``: see ``crediting``)."""
    locked = Project.objects.select_for_update().get(pk=project.pk)  # serialise concurrent assessments
    previous = FeasibilityAssessment.objects.filter(project=project, is_current=True).first()
    assessment = FeasibilityAssessment(
        project=project,
        assessed_by=user if user and user.is_authenticated else None,
        impact_low_seen=project.impact_low,
        impact_likely_seen=project.impact_likely,
        impact_high_seen=project.impact_high,
        **fields,
    )
    assessment.full_clean(exclude=["project"])
    if previous is not None:
        previous.is_current = False
        previous.save(update_fields=["is_current"])
    assessment.save()
    before = {f: getattr(previous, f) if previous else None for f in TRACKED_ASSESSMENT_FIELDS}
    _record_changes(
        project=project,
        user=user,
        before=before,
        after={f: getattr(assessment, f) for f in TRACKED_ASSESSMENT_FIELDS},
        prefix="feasibility.",
    )
    crediting.credit_saved(locked, [EFFORT], user=user, estimators=estimators)
    portfolio_inputs_changed(portfolio_id=project.portfolio_id)
    assessment_recorded.send(sender=FeasibilityAssessment, assessment=assessment, user=user)
    return assessment


def _link_edges(portfolio_id: int, *, ignore_link_id: int | None = None) -> dict[int, list[int]]:
    """The portfolio's reuse links as a graph of project ids (producer -> its consumers), for ``graph``."""
    links = ReuseLink.objects.filter(producer__portfolio_id=portfolio_id)
    if ignore_link_id is not None:
        links = links.exclude(pk=ignore_link_id)
    edges: dict[int, list[int]] = {}
    for p, c in links.values_list("producer_id", "consumer_id"):
        edges.setdefault(p, []).append(c)
    return edges


def _project_names(ids: list[int]) -> list[str]:
    """The names of the projects ``ids``, in that order (a cycle's path, for its message)."""
    names = dict(Project.objects.filter(pk__in=ids).values_list("pk", "name"))
    return [names[i] for i in ids]


def find_cycle(*, producer: Project, consumer: Project, ignore_link_id: int | None = None) -> list[str] | None:
    """If a link producer -> consumer would close a cycle, return the projects around it (by name)."""
    edges = _link_edges(producer.portfolio_id, ignore_link_id=ignore_link_id)
    cycle = graph.cycle_closed_by(edges, producer=producer.pk, consumer=consumer.pk)
    return None if cycle is None else _project_names(cycle)


@transaction.atomic
def link_create(*, producer: Project, consumer: Project, user=None, **fields: Any) -> ReuseLink:
    """Record that ``consumer`` reuses what ``producer`` derives; refuse a link that closes a cycle."""
    Portfolio.objects.select_for_update().filter(pk=producer.portfolio_id).first()  # serialise link edits
    link = ReuseLink(producer=producer, consumer=consumer, **fields)
    link.full_clean()
    cycle = find_cycle(producer=producer, consumer=consumer)
    if cycle:
        raise CycleError(cycle)
    link.save()
    _record_changes(project=consumer, user=user, before={"reuses": None}, after={"reuses": str(link)}, prefix="link.")
    portfolio_inputs_changed(portfolio_id=producer.portfolio_id)
    return link


@transaction.atomic
def links_create_validated(*, portfolio: Portfolio, links: list[ReuseLink], user=None) -> list[ReuseLink]:
    """Add many reuse links at once (a CSV import), each already ``full_clean``-ed by the caller.

    ``link_create`` searches the whole portfolio for a cycle for each link; here one search covers the stored
    links and all the new ones, so a thousand links cost one read of the graph. Refused with ``CycleError``
    (nothing saved) if they close a cycle. Each link gets the same history entry as one added by hand; the
    input version goes up once.
    """
    Portfolio.objects.select_for_update().filter(pk=portfolio.pk).first()  # serialise link edits
    if not links:
        return []
    edges = _link_edges(portfolio.pk)
    for link in links:
        edges.setdefault(link.producer_id, []).append(link.consumer_id)
    cycle = graph.any_cycle(edges)
    if cycle:
        raise CycleError(_project_names(cycle))
    for link in links:
        link.save()
        after = {"reuses": str(link)}
        _record_changes(project=link.consumer, user=user, before={"reuses": None}, after=after, prefix="link.")
    portfolio_inputs_changed(portfolio_id=portfolio.pk)
    return links


@transaction.atomic
def link_update(*, link: ReuseLink, data: dict[str, Any], user=None, expected_version: int | None = None) -> ReuseLink:
    """Change a reuse link's kind, fraction or note."""
    current = ReuseLink.objects.select_for_update().select_related("producer", "consumer").get(pk=link.pk)
    if expected_version is not None and current.version != expected_version:
        raise ConflictError(current, {f: (getattr(link, f), getattr(current, f)) for f in data})
    before = str(current)
    for field in ("kind", "fraction", "note"):
        if field in data:
            setattr(current, field, data[field])
    current.full_clean()
    current.version += 1
    current.save()
    _record_changes(
        project=current.consumer, user=user, before={"reuses": before}, after={"reuses": str(current)}, prefix="link."
    )
    portfolio_inputs_changed(portfolio_id=current.producer.portfolio_id)
    return current


@transaction.atomic
def link_delete(*, link: ReuseLink, user=None, expected_version: int | None = None) -> None:
    """Remove a reuse link.

    With ``expected_version`` (the version the user's page showed) a link someone changed since is not
    removed: ``ConflictError`` naming what they changed.
    """
    if expected_version is not None:
        locked = ReuseLink.objects.select_for_update().select_related("producer", "consumer")
        current = locked.filter(pk=link.pk).first()
        if current is None:
            return  # someone else removed it meanwhile: nothing is left to remove
        if current.version != expected_version:
            fields = ("kind", "fraction", "note")
            raise ConflictError(current, {f: (getattr(link, f), getattr(current, f)) for f in fields})
        link = current
    consumer, portfolio_id, before = link.consumer, link.producer.portfolio_id, str(link)
    link.delete()
    _record_changes(project=consumer, user=user, before={"reuses": before}, after={"reuses": None}, prefix="link.")
    portfolio_inputs_changed(portfolio_id=portfolio_id)


@transaction.atomic
def project_pin_set(
    *, project: Project, position: int | None, user=None, expected_version: int | None = None
) -> Project:
    """Pin a project to ``position`` on the roadmap list (1 = first), or unpin it with None (PM only).

    The pin overrides the rank's place on the roadmap; producers the project requires still come first.
    It is a roadmap input: the history records it and the input version goes up, so the plan is recomputed.
    """
    current = Project.objects.select_for_update().get(pk=project.pk)
    if expected_version is not None and current.version != expected_version:
        raise ConflictError(current, {"roadmap_pin": (project.roadmap_pin, current.roadmap_pin)})
    if current.roadmap_pin == position:
        return current
    before = {"roadmap_pin": current.roadmap_pin}
    current.roadmap_pin = position
    current.full_clean()
    current.version += 1
    current.save()
    _record_changes(project=current, user=user, before=before, after={"roadmap_pin": position})
    portfolio_inputs_changed(portfolio_id=current.portfolio_id)
    project_changed.send(sender=Project, project=current, action="updated", fields=["roadmap_pin"], user=user)
    return current


def project_pin_clear(*, project: Project, user=None, expected_version: int | None = None) -> Project:
    """Remove a project's roadmap pin: it goes back to its rank's place on the roadmap list."""
    return project_pin_set(project=project, position=None, user=user, expected_version=expected_version)


@transaction.atomic
def assessment_record_if_current(
    *, project: Project, expected_project_version: int, expected_assessment_id: int | None, user=None, **fields: Any
) -> FeasibilityAssessment:
    """Record an assessment only if nothing the EM was shown has changed since the form was loaded.

    Refused with ``ConflictError`` when the project changed (its impact, say; ``obj`` is the project and
    ``changes`` is empty: the caller knows what the EM was shown) or when someone else recorded an
    assessment meanwhile (``obj`` is that assessment; ``changes`` compares it with the one the EM saw).
    """
    current = Project.objects.select_for_update().get(pk=project.pk)
    if current.version != expected_project_version:
        raise ConflictError(current, {})
    latest = FeasibilityAssessment.objects.filter(project=current, is_current=True).first()
    if (latest.pk if latest else None) != expected_assessment_id:
        seen = FeasibilityAssessment.objects.filter(pk=expected_assessment_id, project=current).first()
        then = {f: getattr(seen, f) if seen else None for f in TRACKED_ASSESSMENT_FIELDS}
        now = {f: getattr(latest, f) if latest else None for f in TRACKED_ASSESSMENT_FIELDS}
        raise ConflictError(latest, {f: (then[f], now[f]) for f in TRACKED_ASSESSMENT_FIELDS if then[f] != now[f]})
    return assessment_record(project=current, user=user, **fields)
