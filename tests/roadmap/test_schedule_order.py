"""The roadmap list put in schedule order (``roadmap.simulation.schedule_order``): producers first, priority kept
otherwise, and what waits for a missing producer or a cycle left off with the reason."""

import pytest

from roadmap.simulation import schedule_order
from tests.roadmap.conftest import item


def test_without_requirements_the_list_keeps_its_priority_order():
    items = [item(3, status="building"), item(1), item(2)]
    assert schedule_order(items, delivered=frozenset()) == ([3, 1, 2], {})


def test_a_consumer_ranked_above_its_producer_comes_right_after_it():
    # C (key 1) is ranked first but requires P (key 3): X goes first, then P, then C.
    items = [item(1, requires=[3]), item(2), item(3), item(4)]
    order, left_off = schedule_order(items, delivered=frozenset())
    assert order == [2, 3, 1, 4]
    assert left_off == {}


def test_a_consumer_waits_for_all_its_producers():
    items = [item(1, requires=[3, 4]), item(2), item(3), item(4, requires=[2])]
    assert schedule_order(items, delivered=frozenset())[0] == [2, 3, 4, 1]


def test_a_delivered_producer_imposes_no_order():
    items = [item(1, requires=[9]), item(2)]
    assert schedule_order(items, delivered=frozenset({9})) == ([1, 2], {})


def test_a_missing_producer_leaves_the_consumer_and_its_consumers_off_with_the_reason():
    items = [item(1, requires=[7], name="Churn model"), item(2), item(3, requires=[1]), item(4, requires=[3, 2])]
    order, left_off = schedule_order(items, delivered=frozenset(), names={7: "Clickstream features"})
    assert order == [2]
    assert left_off == {
        1: "waits for Clickstream features which is not on the roadmap",
        3: "waits for Churn model which is not on the roadmap",
        4: "waits for P3 which is not on the roadmap",
    }


def test_an_unnamed_missing_producer_is_named_by_its_key():
    _, left_off = schedule_order([item(1, requires=[42])], delivered=frozenset())
    assert left_off == {1: "waits for project 42 which is not on the roadmap"}


def test_a_cycle_of_requirements_is_left_off_rather_than_looping():
    items = [item(1, requires=[2]), item(2, requires=[1]), item(3, requires=[2]), item(4)]
    order, left_off = schedule_order(items, delivered=frozenset())
    assert order == [4]
    assert set(left_off) == {1, 2, 3}


def test_duplicate_keys_are_refused():
    with pytest.raises(ValueError, match="distinct"):
        schedule_order([item(1), item(1)], delivered=frozenset())


def test_ten_thousand_items_in_a_reversed_chain_are_ordered_producers_first():
    # Each item requires the next one down the list: the order is the list reversed (a quadratic scan would crawl).
    n = 10_000
    items = [item(k, requires=[k + 1] if k + 1 < n else ()) for k in range(n)]
    order, left_off = schedule_order(items, delivered=frozenset())
    assert order == list(range(n - 1, -1, -1))
    assert left_off == {}
