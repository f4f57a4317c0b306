"""Reuse links: the link changes the rows ask for, checked against the portfolio's links for unknown producers,
self links and cycles."""

from dataclasses import dataclass, field

from .. import graph
from ..models import ReuseLink
from .results import CellError
from .rows import _LinkSpec, _RowPlan

# Who reuses whose output, by project name: producer -> its consumers (a dict keeps them in insertion order).
_Graph = dict[str, dict[str, None]]


@dataclass
class _LinkOps:
    delete: list[ReuseLink] = field(default_factory=list)
    update: list[tuple[ReuseLink, str, float]] = field(default_factory=list)
    create: list[tuple[str, str, str, float]] = field(default_factory=list)  # producer, consumer, kind, fraction


def _plan_links(portfolio, plans, existing, errors) -> _LinkOps:
    """Work out the link changes the rows ask for and refuse unknown producers, self links and cycles.

    The portfolio's links are read once and kept as a graph for the whole file."""
    ops = _LinkOps()
    known = set(existing) | {p.name for p in plans}
    following: _Graph = {}
    incoming: dict[str, dict[str, ReuseLink]] = {}  # consumer -> producer -> link
    for link in ReuseLink.objects.filter(producer__portfolio=portfolio).select_related("producer", "consumer"):
        following.setdefault(link.producer.name, {})[link.consumer.name] = None
        incoming.setdefault(link.consumer.name, {})[link.producer.name] = link
    new_edges: list[tuple[int, str, str, str]] = []  # row, column, producer, consumer
    for plan in plans:
        current = incoming.get(plan.name, {})
        listed = _listed_producers(plan, known, errors)
        for kind in plan.links:
            for producer, link in current.items():
                if link.kind == kind and producer not in listed:
                    ops.delete.append(link)
                    following[producer].pop(plan.name, None)
        for producer, spec in listed.items():
            existing = current.get(producer)
            if existing is None:
                ops.create.append((producer, plan.name, spec.kind, spec.fraction))
                new_edges.append((plan.row, spec.column, producer, plan.name))
            elif (existing.kind, existing.fraction) != (spec.kind, spec.fraction):
                ops.update.append((existing, spec.kind, spec.fraction))
    _refuse_cycles(following, new_edges, errors)
    return ops


def _listed_producers(plan: _RowPlan, known: set[str], errors: list[CellError]) -> dict[str, _LinkSpec]:
    """The producers the row's link cells name, each once, refusing unknown names and the project itself."""
    listed: dict[str, _LinkSpec] = {}
    for spec in (s for specs in plan.links.values() for s in specs):
        if spec.producer not in known:
            errors.append(
                CellError(
                    plan.row,
                    spec.column,
                    f"Unknown producer “{spec.producer}”: no project or row of this file has that name.",
                )
            )
        elif spec.producer == plan.name:
            errors.append(CellError(plan.row, spec.column, "A project cannot reuse its own output."))
        elif spec.producer in listed:
            errors.append(CellError(plan.row, spec.column, f"“{spec.producer}” is listed more than once."))
        else:
            listed[spec.producer] = spec
    return listed


def _refuse_cycles(following: _Graph, new_edges: list[tuple[int, str, str, str]], errors: list[CellError]) -> None:
    """Add the new links to the graph in row order, refusing each one that would close a cycle (with its path).

    Most files close none, and one search of the graph with every new link shows that in linear time.
    Only when it finds a cycle are the links added one at a time, each searched for a path back, so that the
    links refused (and the paths named) are the ones that close a cycle in row order."""
    everything = {producer: dict(consumers) for producer, consumers in following.items()}
    for _, _, producer, consumer in new_edges:
        everything.setdefault(producer, {})[consumer] = None
    if graph.any_cycle(everything) is None:
        return
    for row, column, producer, consumer in new_edges:
        cycle = graph.cycle_closed_by(following, producer=producer, consumer=consumer)
        if cycle:
            names = " → ".join(cycle)
            errors.append(CellError(row, column, f"This link would close a cycle: {names}."))
        else:
            following.setdefault(producer, {})[consumer] = None
