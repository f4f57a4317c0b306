"""Undoing an applied import as one change: every project it created is deleted, every field it changed is set back,
every assessment it recorded is withdrawn (the one before it is current again), every link it added, changed or
removed is put back. Refused, with what changed named, when anything newer touched those projects (an edit, an
assessment, a link into or out of one of them): an undo never overwrites someone else's later work.

Each step goes through the backlog's services or, for withdrawing an assessment, writes the same history rows
they write, so the undo shows in every project's history (by the user who undid it) and the figures are
recomputed once it commits."""

from django.db import transaction

from .. import crediting, delivery, model_fields, services
from ..collisions import lock_portfolio
from ..models import FeasibilityAssessment, Portfolio, Project, ProjectOutcome, ReuseLink
from .state import backlog_state, state_differences


class UndoRefused(Exception):
    """The import cannot be undone: ``differences`` says what changed since it was applied (nothing was undone)."""

    def __init__(self, differences: list[str]):
        self.differences = differences
        super().__init__("Since the import: " + "; ".join(differences) + ".")


def undo_changes(*, portfolio: Portfolio, changes: dict, user=None) -> str:
    """Take back what ``import_apply`` recorded in ``changes``, all or nothing; a summary of what was undone."""
    with transaction.atomic():
        lock_portfolio(portfolio.pk)
        after = changes["after"]
        now = backlog_state(portfolio.pk, project_ids={int(pk) for pk in after["projects"]})
        if differences := state_differences(after, now, settings=False):
            raise UndoRefused(differences)
        created = set(changes["created"])
        for link in ReuseLink.objects.filter(pk__in=changes["links_created"]).select_related("producer", "consumer"):
            services.link_delete(link=link, user=user)
        for pk, data in changes["links_updated"].items():
            link = ReuseLink.objects.get(pk=pk)
            services.link_update(link=link, data=data, user=user, expected_version=after["links"][pk])
        for pk, before in changes.get("outcomes", {}).items():
            if int(pk) not in created:
                delivery.outcome_set_back(project=Project.objects.get(pk=pk), before=_outcome(before), user=user)
        for pk, ids in changes["assessed"].items():
            if int(pk) not in created:
                _withdraw_assessment(project=Project.objects.get(pk=pk), user=user, **ids)
        for pk, before in changes["updated"].items():
            project = Project.objects.get(pk=pk)
            data = {f: model_fields.column(Project, f).to_python(v) for f, v in before.items()}
            services.project_update(project=project, data=data, user=user, expected_version=after["projects"][pk][0])
        for pk, before in changes.get("credits", {}).items():
            crediting.credit_set_back(Project.objects.get(pk=pk), before, user=user)
        for project in Project.objects.filter(pk__in=created):
            services.project_delete(project=project, user=user, expected_version=after["projects"][str(project.pk)][0])
        for link in changes["links_deleted"]:
            _link_restore(link, user)
    return _summary(changes)


def _outcome(before: dict | None) -> dict | None:
    """An outcome's fields as JSON kept them, as the model takes them (dates from ISO text)."""
    if before is None:
        return None
    return {f: model_fields.column(ProjectOutcome, f).to_python(v) for f, v in before.items()}


def _link_restore(link: dict, user) -> None:
    """Add back a link the import removed (its kind, fraction and note)."""
    producer, consumer = Project.objects.get(pk=link["producer"]), Project.objects.get(pk=link["consumer"])
    try:
        services.link_create(
            producer=producer,
            consumer=consumer,
            user=user,
            kind=link["kind"],
            fraction=link["fraction"],
            note=link["note"],
        )
    except services.CycleError as exc:  # links between other projects changed since and would make it a cycle
        cycle = " → ".join(exc.path)
        raise UndoRefused([f"adding back the link {producer} → {consumer} would close a cycle: {cycle}"]) from None


def _withdraw_assessment(*, project: Project, new: int, previous: int | None, user) -> None:
    """Delete the assessment the import recorded and make the one before it current again, with history rows."""
    withdrawn = FeasibilityAssessment.objects.get(pk=new, project=project, is_current=True)
    restored = FeasibilityAssessment.objects.filter(pk=previous, project=project).first() if previous else None
    withdrawn.delete()
    if restored is not None:
        restored.is_current = True
        restored.save(update_fields=["is_current"])
    fields = services.TRACKED_ASSESSMENT_FIELDS
    services.record_changes(
        project=project,
        user=user,
        before={f: getattr(withdrawn, f) for f in fields},
        after={f: getattr(restored, f) if restored else None for f in fields},
        prefix="feasibility.",
    )
    services.portfolio_inputs_changed(portfolio_id=project.portfolio_id)


def _summary(changes: dict) -> str:
    created = len(changes["created"])
    links = len(changes["links_created"]) + len(changes["links_updated"]) + len(changes["links_deleted"])
    withdrawn = sum(int(pk) not in changes["created"] for pk in changes["assessed"])
    return (
        f"{created} project{'s' if created != 1 else ''} deleted, {len(changes['updated'])} set back; "
        f"{withdrawn} assessment{'s' if withdrawn != 1 else ''} withdrawn; {links} reuse link change"
        f"{'s' if links != 1 else ''} taken back."
    )
