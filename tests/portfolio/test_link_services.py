"""Reuse link services: adding many at once (the CSV import: one cycle search over the whole graph, all or
nothing) and removing one against the version the user saw."""

import pytest

from portfolio import services
from portfolio.models import Change, Portfolio, ReuseLink
from tests.factories import ProjectFactory, ReuseLinkFactory


@pytest.mark.django_db
def test_many_links_are_added_with_their_history_and_one_input_version(portfolio, pm_user):
    a, b, c = (ProjectFactory(portfolio=portfolio, name=n) for n in "ABC")
    version = Portfolio.objects.get(pk=portfolio.pk).input_version
    links = [ReuseLink(producer=a, consumer=b, fraction=0.2), ReuseLink(producer=b, consumer=c, fraction=0.1)]

    services.links_create_validated(portfolio=portfolio, links=links, user=pm_user)

    assert ReuseLink.objects.count() == 2
    assert Change.objects.filter(field="link.reuses", project__in=[b, c], user=pm_user).count() == 2
    assert Portfolio.objects.get(pk=portfolio.pk).input_version == version + 1


@pytest.mark.django_db
def test_links_that_close_a_cycle_with_stored_ones_are_refused_and_none_is_saved(portfolio):
    a, b, c = (ProjectFactory(portfolio=portfolio, name=n) for n in "ABC")
    ReuseLinkFactory(producer=a, consumer=b)
    links = [ReuseLink(producer=b, consumer=c, fraction=0.1), ReuseLink(producer=c, consumer=a, fraction=0.1)]

    with pytest.raises(services.CycleError) as error:
        services.links_create_validated(portfolio=portfolio, links=links)

    assert set(error.value.path) == {"A", "B", "C"} and len(error.value.path) == 4
    assert ReuseLink.objects.count() == 1 and not Change.objects.filter(field="link.reuses").exists()


@pytest.mark.django_db
def test_removing_a_link_on_an_older_version_is_refused_with_what_changed(portfolio, pm_user):
    link = ReuseLinkFactory(producer=ProjectFactory(portfolio=portfolio), consumer=ProjectFactory(portfolio=portfolio))
    seen = ReuseLink.objects.get(pk=link.pk)
    services.link_update(link=link, data={"fraction": 0.4}, user=pm_user)

    with pytest.raises(services.ConflictError) as refused:
        services.link_delete(link=seen, user=pm_user, expected_version=seen.version)

    assert refused.value.obj.version == 2 and refused.value.changes["fraction"] == (0.2, 0.4)
    assert ReuseLink.objects.filter(pk=link.pk).exists()
    services.link_delete(link=refused.value.obj, user=pm_user, expected_version=2)
    assert not ReuseLink.objects.filter(pk=link.pk).exists()
