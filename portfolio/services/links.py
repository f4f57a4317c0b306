"""Writes of reuse links: add (refusing a cycle), add many at once, change, remove."""

from typing import Any

from django.db import transaction

from .. import graph
from ..collisions import lock_portfolio
from ..models import Portfolio, Project, ReuseLink
from .common import ConflictError, CycleError, portfolio_inputs_changed, record_changes


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
    lock_portfolio(producer.portfolio_id)  # also serialises link edits (the cycle check)
    link = ReuseLink(producer=producer, consumer=consumer, **fields)
    link.full_clean()
    cycle = find_cycle(producer=producer, consumer=consumer)
    if cycle:
        raise CycleError(cycle)
    link.save()
    record_changes(project=consumer, user=user, before={"reuses": None}, after={"reuses": str(link)}, prefix="link.")
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
    lock_portfolio(portfolio.pk)  # also serialises link edits (the cycle check)
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
        record_changes(project=link.consumer, user=user, before={"reuses": None}, after=after, prefix="link.")
    portfolio_inputs_changed(portfolio_id=portfolio.pk)
    return links


@transaction.atomic
def link_update(*, link: ReuseLink, data: dict[str, Any], user=None, expected_version: int | None = None) -> ReuseLink:
    """Change a reuse link's kind, fraction or note."""
    lock_portfolio(link.producer.portfolio_id)
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
    record_changes(
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
    lock_portfolio(link.producer.portfolio_id)
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
    record_changes(project=consumer, user=user, before={"reuses": before}, after={"reuses": None}, prefix="link.")
    portfolio_inputs_changed(portfolio_id=portfolio_id)
