"""Read-only share links: made by PMs, opened without an account, no edit controls, noindex, rate-limited, showing who
made them and when; revoked or expired links stop working."""

import datetime

from django.test import Client
from django.utils import timezone

from api import share_links
from api.models import ShareLink
from roadmap.services.recompute import portfolio_recompute


def _make(world, pm_user, page="chart", days=7) -> str:
    _, token = share_links.share_link_create(portfolio=world["portfolio"], page=page, days=days, user=pm_user)
    return f"/s/{token}/"


def test_a_pm_makes_a_link_shown_once_on_the_page(world, pm_client, em_client):
    assert em_client.get(f"/p/{world['slug']}/share/").status_code == 403
    response = pm_client.post(f"/p/{world['slug']}/share/", {"page": "roadmap", "days": 3}, follow=True)
    link = ShareLink.objects.get()
    assert response.context["new_link"][1].startswith("http://testserver/s/")
    assert link.page == "roadmap" and link.expires_at > timezone.now() + datetime.timedelta(days=2)
    assert pm_client.get(f"/p/{world['slug']}/share/").context["new_link"] is None


def test_a_shared_chart_opens_without_login_read_only_and_noindex(world, pm_user):
    portfolio_recompute(portfolio_id=world["portfolio"].pk)
    response = Client().get(_make(world, pm_user))
    assert response.status_code == 200
    html = response.content.decode()
    assert response["X-Robots-Tag"].startswith("noindex") and '<meta name="robots" content="noindex' in html
    assert "Language identification" in html and "pat-pm" in html  # the figures, and who shared them
    assert "<form" not in html and "<script" not in html and "/p/trust-safety/" not in html


def test_a_shared_roadmap_opens_too(world, pm_user):
    portfolio_recompute(portfolio_id=world["portfolio"].pk)
    response = Client().get(_make(world, pm_user, page="roadmap"))
    html = response.content.decode()
    assert response.status_code == 200 and 'id="shared-roadmap"' in html
    assert "Annual value delivered over time" in html and 'class="chart-wrap value-curve-wrap"' in html


def test_revoked_expired_and_forged_links_do_not_open(world, pm_user, pm_client):
    url = _make(world, pm_user)
    link = ShareLink.objects.get()
    pm_client.post(f"/p/{world['slug']}/share/{link.pk}/revoke/")
    assert Client().get(url).status_code == 404
    url = _make(world, pm_user)
    ShareLink.objects.filter(revoked_at=None).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert Client().get(url).status_code == 404
    token = url.split("/")[2]
    assert Client().get(f"/s/{token[:-1]}x/").status_code == 404
    other_id = share_links.make_token(link_id=link.pk, secret="guessed")
    assert Client().get(f"/s/{other_id}/").status_code == 404


def test_shared_pages_are_rate_limited_per_address(world, pm_user, settings):
    settings.SHARE_RATE_LIMIT = 2
    url = _make(world, pm_user)
    visitor = Client()
    assert [visitor.get(url).status_code for _ in range(3)] == [200, 200, 429]
    assert int(visitor.get(url).headers["Retry-After"]) >= 1


def test_a_link_lasts_at_most_the_longest_life(world, pm_client, settings):
    settings.SHARE_LINK_MAX_DAYS = 30
    response = pm_client.post(f"/p/{world['slug']}/share/", {"page": "chart", "days": 31})
    assert response.status_code == 400 and not ShareLink.objects.exists()
