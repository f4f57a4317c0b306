"""Drawn ROI charts a web process keeps in memory besides the shared cache (``roadmap.charts.roi_cache``): served
again without reading the cache, under the same key, for no longer than the cache keeps them, the last few only."""

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from roadmap.charts import roi_cache, roi_svg

from .conftest import OWN_CACHES, without_csrf_tokens


@override_settings(CACHES=OWN_CACHES)
def test_a_process_serves_a_chart_it_served_lately_without_reading_the_cache_again(
    known_snapshot, leader_client, monkeypatch
):
    url = reverse("roadmap:chart", args=[known_snapshot.portfolio.slug])
    first = leader_client.get(url).content

    def read(*args, **kwargs):
        raise AssertionError("the chart was read from the shared cache again")

    monkeypatch.setattr(roi_cache, "_cache_get", read)
    assert leader_client.get(url).content.count(b" data-funded=") == 4
    assert without_csrf_tokens(leader_client.get(url).content) == without_csrf_tokens(first)


@override_settings(CACHES=OWN_CACHES)
def test_a_chart_a_process_keeps_is_the_one_of_its_key_and_goes_with_the_shared_cache_time(known_snapshot, monkeypatch):
    portfolio = known_snapshot.portfolio
    drawn = roi_cache.drawn_chart(portfolio, known_snapshot)
    cache.clear()  # only this process has it now
    monkeypatch.setattr(roi_svg, "draw_marks", _draw_again)

    assert roi_cache.drawn_chart(portfolio, known_snapshot) == drawn  # kept, under its key
    with pytest.raises(AssertionError, match="drawn again"):
        roi_cache.drawn_chart(portfolio, known_snapshot, link_base="https://planner.example/")  # another key
    now = roi_cache.time.monotonic()
    monkeypatch.setattr(roi_cache.time, "monotonic", lambda: now + roi_cache.CHART_CACHE_SECONDS)
    with pytest.raises(AssertionError, match="drawn again"):
        roi_cache.drawn_chart(portfolio, known_snapshot)  # as old as the shared cache keeps a chart: gone


@override_settings(CACHES=OWN_CACHES)
def test_a_process_keeps_only_the_charts_it_served_last(known_snapshot, monkeypatch):
    portfolio = known_snapshot.portfolio
    bases = [f"https://host-{i}.example/" for i in range(roi_cache.RECENT_CHARTS + 1)]
    for base in bases:
        roi_cache.drawn_chart(portfolio, known_snapshot, link_base=base)
    roi_cache.drawn_chart(portfolio, known_snapshot, link_base=bases[1])  # served again: kept longest
    roi_cache.drawn_chart(portfolio, known_snapshot)  # one more: the least recently served goes
    cache.clear()
    monkeypatch.setattr(roi_svg, "draw_marks", _draw_again)

    for base in [bases[1], *bases[3:], ""]:
        assert 'href="' in roi_cache.drawn_chart(portfolio, known_snapshot, link_base=base)
    for base in bases[:1] + bases[2:3]:
        with pytest.raises(AssertionError, match="drawn again"):
            roi_cache.drawn_chart(portfolio, known_snapshot, link_base=base)


def _draw_again(*args, **kwargs):
    raise AssertionError("the chart was drawn again")
