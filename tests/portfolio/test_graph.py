"""The reuse graph's pure walks: a path between two projects, the cycle a new link would close, any cycle."""

import ast
import pathlib

import pytest

from portfolio import graph


@pytest.mark.parametrize(
    "edges, cyclic",
    [
        ({}, False),
        ({1: [2], 2: [3]}, False),
        ({1: [2, 3], 2: [4], 3: [4]}, False),  # a diamond is no cycle
        ({1: [1]}, True),
        ({1: [2], 2: [3], 3: [1]}, True),
        ({1: [2], 2: [3], 3: [4], 4: [2], 5: [1]}, True),
    ],
)
def test_a_cycle_is_found_exactly_when_there_is_one(edges, cyclic):
    cycle = graph.any_cycle(edges)
    assert (cycle is not None) == cyclic
    if cycle:
        assert cycle[0] == cycle[-1] and all(b in edges[a] for a, b in zip(cycle, cycle[1:], strict=False))


def test_a_long_chain_is_searched_without_recursion():
    chain = {i: [i + 1] for i in range(50_000)}
    assert graph.any_cycle(chain) is None
    chain[50_000] = [0]
    assert len(graph.any_cycle(chain)) == 50_002


def test_the_path_is_a_shortest_one_along_the_links():
    edges = {1: [2, 5], 2: [3], 3: [4], 5: [4]}
    assert graph.path(edges, 1, 4) == [1, 5, 4]
    assert graph.path(edges, 2, 4) == [2, 3, 4]
    assert graph.path(edges, 4, 1) is None  # links have a direction
    assert graph.path(edges, 3, 3) == [3]


def test_a_new_link_closes_a_cycle_exactly_when_its_producer_is_reachable_from_its_consumer():
    edges = {"A": ["B"], "B": ["C"]}
    assert graph.cycle_closed_by(edges, producer="C", consumer="A") == ["C", "A", "B", "C"]
    assert graph.cycle_closed_by(edges, producer="A", consumer="C") is None  # a shortcut, not a cycle
    assert graph.cycle_closed_by(edges, producer="D", consumer="A") is None  # a project not linked yet
    assert graph.cycle_closed_by(edges, producer="B", consumer="B") == ["B", "B"]  # a link to itself


def test_the_graph_module_imports_only_the_standard_library():
    tree = ast.parse(pathlib.Path(graph.__file__).read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported == {"collections", "collections.abc", "typing"}
