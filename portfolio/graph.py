"""The reuse graph: who reuses whose output, and the cycles a link would close.

Pure (stdlib only; no Django, nothing of ours). A graph is a mapping from a producer to the consumers that
reuse its output (``{producer: iterable of consumers}``); nodes are whatever the caller keys projects by
(ids from the database, or names while a CSV file is read, before its new projects have ids). The services
read the edges from the database and ask here; this module is the one place that walks them.
"""

from collections import deque
from collections.abc import Hashable, Iterable, Mapping
from typing import TypeVar

Node = TypeVar("Node", bound=Hashable)
Graph = Mapping[Node, Iterable[Node]]  # generic alias: Graph[int] maps ids to ids


def path(edges: Graph[Node], start: Node, goal: Node) -> list[Node] | None:
    """The projects from ``start`` to ``goal`` along the links, both included, or None when ``goal`` cannot be
    reached (breadth-first: one of the shortest such paths; ``[start]`` when start is goal)."""
    came_from: dict[Node, Node | None] = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if node == goal:
            found = [node]
            previous = came_from[node]
            while previous is not None:
                found.append(previous)
                previous = came_from[previous]
            return found[::-1]
        for nxt in edges.get(node, ()):
            if nxt not in came_from:
                came_from[nxt] = node
                queue.append(nxt)
    return None


def cycle_closed_by(edges: Graph[Node], *, producer: Node, consumer: Node) -> list[Node] | None:
    """The cycle a new link ``producer -> consumer`` would close, as the projects around it starting and ending
    with ``producer`` (``[producer, consumer, ..., producer]``), or None when it closes none.

    It closes one exactly when ``producer`` can already be reached from ``consumer`` (a link from a project to
    itself gives ``[producer, producer]``)."""
    back = path(edges, consumer, producer)
    return None if back is None else [producer, *back]


def any_cycle(edges: Graph[Node]) -> list[Node] | None:
    """One cycle of the graph (the projects around it, the first repeated at the end), or None when it has
    none. Iterative depth-first search, linear in nodes plus links: a chain of 50,000 links needs no recursion."""
    state: dict[Node, int] = {}  # 1: on the current path, 2: done
    for root in list(edges):
        if root in state:
            continue
        trail, stack = [root], [iter(edges.get(root, ()))]
        state[root] = 1
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                state[trail.pop()] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                return trail[trail.index(nxt) :] + [nxt]
            elif nxt not in state:
                state[nxt] = 1
                trail.append(nxt)
                stack.append(iter(edges.get(nxt, ())))
    return None
