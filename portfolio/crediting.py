"""Who estimated each range: the services credit a range to the user who saves it, or to a label an import gives.

The fields are ``estimator_fields.EstimatorAttribution``'s (on every project); the history keeps each move of the
credit as a ``Change`` row (``impact_estimated_by`` / ``effort_estimated_by``, names as text), so the judged
estimate of a project can say who made it (``portfolio.judged``).
"""

from collections.abc import Iterable

from .estimator_fields import EFFORT, IMPACT, credit
from .models import Change, FeasibilityAssessment, Project

IMPACT_FIELDS = ("impact_low", "impact_likely", "impact_high")
PROVISIONAL_FIELDS = ("provisional_effort_low", "provisional_effort_likely", "provisional_effort_high")
ATTRIBUTION_FIELDS = (
    "impact_estimated_by",
    "impact_estimated_by_label",
    "effort_estimated_by",
    "effort_estimated_by_label",
)


def ranges_changed(project: Project, before: dict) -> list[str]:
    """The kinds of range (``impact``, ``effort``) of ``project`` whose values differ from ``before`` (field ->
    value; a new project: every range it has). The provisional effort counts only while no EM has assessed it."""
    kinds = []
    if any(before.get(f) != getattr(project, f) for f in IMPACT_FIELDS):
        kinds.append(IMPACT)
    if any(before.get(f) != getattr(project, f) for f in PROVISIONAL_FIELDS) and project.has_provisional_effort:
        assessed = project.pk and FeasibilityAssessment.objects.filter(project=project, is_current=True).exists()
        if not assessed:
            kinds.append(EFFORT)
    return kinds


def credit_ranges(project: Project, kinds: Iterable[str], *, user=None, estimators: dict | None = None) -> list[Change]:
    """Credit the ``kinds`` ranges of ``project`` to ``user``, on the instance; with ``estimators`` (an import's:
    kind -> (user or None, label)) to whom they name instead, ``imported`` for a kind they leave out. Returns the
    history rows to write once the project is saved (unsaved ``Change`` objects, by ``user``)."""
    rows = []
    who = user if user is not None and getattr(user, "is_authenticated", False) else None
    for kind in kinds:
        person, label = (user, "") if estimators is None else estimators.get(kind, (None, ""))
        moved = credit(project, kind, user=person, label=label)
        if moved is not None:
            rows.append(Change(project=project, user=who, field=f"{kind}_estimated_by", old=moved[0], new=moved[1]))
    return rows


def credit_saved(project: Project, kinds: Iterable[str], *, user=None, estimators: dict | None = None) -> None:
    """``credit_ranges`` on a saved project: write the fields (no new version: who estimated is not an input the
    ranking reads) and the history rows."""
    before = credit_fields(project)
    rows = credit_ranges(project, kinds, user=user, estimators=estimators)
    if credit_fields(project) != before:  # credited as before (the same EM again): nothing to write
        Project.objects.filter(pk=project.pk).update(**_columns(credit_fields(project)))
    Change.objects.bulk_create(rows)


def credit_fields(project: Project) -> dict:
    """The project's credit fields as JSON keeps them (user ids and labels), for ``credit_set_back``."""
    return {
        f: getattr(project, f"{f}_id") if not f.endswith("_label") else getattr(project, f) for f in ATTRIBUTION_FIELDS
    }


def _columns(fields: dict) -> dict:
    """``credit_fields`` as the columns an update writes (user ids, not users: nobody is read to write them)."""
    return {f"{f}_id" if not f.endswith("_label") else f: v for f, v in fields.items()}


def credit_set_back(project: Project, before: dict, *, user=None) -> None:
    """Put the credit fields back to ``before`` (``credit_fields`` of an earlier state), with history rows."""
    names = {kind: project.estimator(kind) for kind in (IMPACT, EFFORT)}
    Project.objects.filter(pk=project.pk).update(**_columns(before))
    project.refresh_from_db(fields=list(ATTRIBUTION_FIELDS))
    who = user if user is not None and getattr(user, "is_authenticated", False) else None
    Change.objects.bulk_create(
        Change(project=project, user=who, field=f"{kind}_estimated_by", old=names[kind], new=project.estimator(kind))
        for kind in (IMPACT, EFFORT)
        if project.estimator(kind) != names[kind]
    )
