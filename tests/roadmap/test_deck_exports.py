"""Chart downloads for a slide deck: every SVG (ROI chart, roadmap, value curve) carries a title, the portfolio,
the date, the input version and seed, a legend and a key from numbers to names; the PNG is a real image."""

import struct
import xml.etree.ElementTree as ET
import zlib

import pytest
from django.urls import reverse
from django.utils import timezone

from portfolio import formatting
from portfolio.models import Portfolio
from roadmap.charts import deck
from roadmap.models import RankingSnapshot
from roadmap.services.recompute import portfolio_recompute
from tests.factories import ReuseLinkFactory

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def computed(portfolio, review_backlog):
    """The review backlog with a requires link (Search ranking waits for Churn model), computed."""
    ReuseLinkFactory(producer=review_backlog["Churn model"], consumer=review_backlog["Search ranking"], kind="requires")
    portfolio_recompute(portfolio_id=portfolio.pk)
    return RankingSnapshot.objects.filter(portfolio=portfolio).latest("computed_at")


def _texts(body: bytes) -> list[str]:
    root = ET.fromstring(body)  # well-formed XML, or this raises
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def _provenance(snapshot) -> str:
    computed = formatting.moment(timezone.localtime(snapshot.computed_at))
    return f"computed {computed} · input version {snapshot.input_version} · seed {snapshot.seed}"


def test_the_roi_chart_svg_carries_title_date_version_seed_legend_and_key(computed, leader_client, portfolio):
    response = leader_client.get(reverse("roadmap:chart-svg", args=[portfolio.slug]))
    assert response["Content-Type"].startswith("image/svg+xml")
    texts = _texts(response.content)
    assert f"ROI chart & ranking: {portfolio.name}" in texts
    assert any(portfolio.name in t and _provenance(computed) in t for t in texts)
    assert "Feasibility" in texts and "Bubble area: expected ROI" in texts  # the legend
    ranked = computed.scores.exclude(rank=None).order_by("rank")
    assert texts.count(f"Key: the top {ranked.count()} by rank") == 1
    assert all(f"{s.rank} {s.name}" in texts for s in ranked)  # each number of the key with its name


def test_the_roadmap_svg_carries_legend_key_and_the_requires_link_at_both_ends(computed, leader_client, portfolio):
    response = leader_client.get(reverse("roadmap:timeline-svg", args=[portfolio.slug]))
    texts = _texts(response.content)
    assert f"Roadmap: {portfolio.name}" in texts
    assert any(_provenance(computed) in t for t in texts)
    assert {"Legend", "P10–P90 finish", "today"} <= set(texts)
    rows = {s.name: s.position for s in computed.schedule.all()}
    producer, consumer = rows["Churn model"], rows["Search ranking"]
    assert f"#{producer} Churn model" in texts and f"#{consumer} Search ranking" in texts
    assert f"waits for #{producer}" in texts and f"feeds #{consumer}" in texts
    assert not [p for p in ET.fromstring(response.content).iter(f"{SVG}path") if p.get("marker-end")]  # no arrows


def test_the_value_curve_svg_carries_title_provenance_and_legend(computed, leader_client, portfolio):
    response = leader_client.get(reverse("roadmap:timeline-svg", args=[portfolio.slug]) + "?chart=value")
    texts = _texts(response.content)
    assert f"Annual value delivered: {portfolio.name}" in texts
    assert any(_provenance(computed) in t for t in texts)
    assert {"P50 annual value delivered", "P10–P90"} <= set(texts)


def _png(data: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and unfiltered RGBA rows of an 8-bit RGBA PNG (what resvg writes)."""
    assert data[:8] == PNG_SIGNATURE
    chunks, at = {}, 8
    while at < len(data):
        length, kind = struct.unpack(">I4s", data[at : at + 8])
        chunks.setdefault(kind, []).append(data[at + 8 : at + 8 + length])
        at += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", chunks[b"IHDR"][0][:10])
    assert (depth, colour) == (8, 6)
    raw, stride, rows, previous = zlib.decompress(b"".join(chunks[b"IDAT"])), width * 4, [], bytes(width * 4)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            a, b = line[i - 4] if i >= 4 else 0, previous[i]
            c = previous[i - 4] if i >= 4 else 0
            p = a + b - c
            nearest = (
                a if abs(p - a) <= abs(p - b) and abs(p - a) <= abs(p - c) else b if abs(p - b) <= abs(p - c) else c
            )
            line[i] = (line[i] + (0, a, b, (a + b) // 2, nearest)[kind]) & 0xFF
        rows.append(previous := bytes(line))
    return width, height, rows


DOWNLOADS = [("chart", ""), ("timeline", ""), ("timeline", "?chart=value")]


@pytest.mark.parametrize("chart, query", DOWNLOADS, ids=["roi-chart", "roadmap", "value-curve"])
def test_the_png_download_is_an_image_of_the_svg_with_ink_on_it(computed, leader_client, portfolio, chart, query):
    svg = leader_client.get(reverse(f"roadmap:{chart}-svg", args=[portfolio.slug]) + query).content.decode()
    response = leader_client.get(reverse(f"roadmap:{chart}-png", args=[portfolio.slug]) + query)
    assert response["Content-Type"] == "image/png" and ".png" in response["Content-Disposition"]
    assert response.content[:8] == PNG_SIGNATURE
    width, height = struct.unpack(">II", response.content[16:24])  # the IHDR chunk comes first
    svg_width, svg_height = deck.svg_size(svg)
    assert (width, height) == (round(svg_width * 2), round(svg_height * 2))  # drawn at twice the size
    # The same SVG drawn small enough to decode here: text, axes and marks leave ink of several colours.
    small_width, small_height, rows = _png(deck.png_from_svg(svg, zoom=0.25))
    assert abs(small_width - svg_width / 4) <= 1 and abs(small_height - svg_height / 4) <= 1
    pixels = [bytes(row[i : i + 3]) for row in rows for i in range(0, len(row), 4)]
    inked = sum(1 for p in pixels if min(p) < 200)
    assert inked > 0.02 * len(pixels) and len(set(pixels)) > 20  # not blank, not one colour


def test_a_hostile_portfolio_name_is_escaped_in_the_frame():
    provenance = deck.Provenance('<script>"Ads" & co</script>', None, 3, 42, 100)
    body = deck.framed_svg('<svg width="10" height="10"></svg>', title="Roadmap: <b>", provenance=provenance)
    assert "<script>" not in body and "&lt;script&gt;" in body
    assert "Roadmap: <b>" in _texts(body.encode())


def test_outsiders_get_no_png(computed, outsider_client, portfolio):
    assert outsider_client.get(reverse("roadmap:chart-png", args=[portfolio.slug])).status_code == 404
    assert Portfolio.objects.filter(pk=portfolio.pk).exists()
