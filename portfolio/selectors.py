"""Reads from the backlog; each function decides its query shape (list pages run a fixed number of queries)."""

from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import Case, Exists, F, FilteredRelation, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.db.models.expressions import Combinable
from django.db.models.functions import Lower, NullIf

from . import estimates, scoring
from .models import (
    Change,
    FeasibilityAssessment,
    Membership,
    Portfolio,
    Project,
    ReuseLink,
    Status,
    Tag,
)


def portfolios_for_user(user) -> list[tuple[Portfolio, str]]:
    """The portfolios a user may see, each with the user's role in it."""
    if user.is_superuser:
        return [(p, "admin") for p in Portfolio.objects.order_by("name")]
    memberships = Membership.objects.filter(user=user).select_related("portfolio").order_by("portfolio__name")
    return [(m.portfolio, m.role) for m in memberships]


def _current_assessment_prefetch() -> Prefetch:
    return Prefetch(
        "assessments",
        queryset=FeasibilityAssessment.objects.filter(is_current=True),
        to_attr="current_assessments",
    )


def current_assessment(project: Project) -> FeasibilityAssessment | None:
    """The project's current assessment, from the prefetch when there is one."""
    if hasattr(project, "current_assessments"):
        return project.current_assessments[0] if project.current_assessments else None
    return project.assessments.filter(is_current=True).first()


def _filtered_projects(
    *, portfolio: Portfolio, search: str, statuses: list[str] | None, tags: list[str] | None
) -> QuerySet[Project]:
    """The portfolio's projects matching the backlog's search, statuses and feasibility tags ("none": not assessed).

    Tags are tested with Exists, not a join: a project with an earlier assessment but a current one is not "none".
    """
    qs = Project.objects.filter(portfolio=portfolio).select_related("progress")  # the effort in force reads it
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(summary__icontains=search) | Q(owner__icontains=search))
    if statuses:
        qs = qs.filter(status__in=statuses)
    if tags:
        current = FeasibilityAssessment.objects.filter(project=OuterRef("pk"), is_current=True)
        named = [t for t in tags if t != "none"]
        tag_q = Q(Exists(current.filter(tag__in=named))) if named else Q()
        if "none" in tags:
            tag_q |= Q(~Exists(current))
        qs = qs.filter(tag_q)
    return qs


def backlog_count(
    *, portfolio: Portfolio, search: str = "", statuses: list[str] | None = None, tags: list[str] | None = None
) -> int:
    """How many projects match the backlog's search and filters: ``backlog_page``'s rows, counted without the joins
    its sort adds."""
    return _filtered_projects(portfolio=portfolio, search=search, statuses=statuses, tags=tags).count()


def project_list(
    *, portfolio: Portfolio, search: str = "", statuses: list[str] | None = None, tags: list[str] | None = None
) -> QuerySet[Project]:
    """The backlog's projects with their current assessment (two queries whatever the count).

    ``tags`` may contain "none" for projects not assessed yet.
    """
    qs = _filtered_projects(portfolio=portfolio, search=search, statuses=statuses, tags=tags)
    qs = qs.prefetch_related(_current_assessment_prefetch())
    return qs.order_by("name")


def _choice_order(field: str, values: list[str]) -> Case:
    """The position of a choice in its list (NULL for an unknown or missing one), so it sorts as listed."""
    return Case(*(When(**{field: value}, then=Value(i)) for i, value in enumerate(values)), default=None)


def backlog_sort_keys() -> dict[str, Combinable]:
    """What each backlog column sorts by, as expressions over a project; NULL means "no value".

    Names and owners sort case-insensitively (an empty owner has no value), status and tag in their
    choice order, effort by the current assessment's likely effort else the provisional one.
    """
    return {
        "name": Lower("name"),
        "status": _choice_order("status", Status.values),
        "owner": NullIf(Lower("owner"), Value("")),
        "impact": F("impact_likely"),
        "effort": estimates.effort_likely_in_force(),
        "tag": _choice_order(f"{estimates.CURRENT_ASSESSMENT}__tag", Tag.values),
    }


@dataclass(frozen=True)
class ExtraSortKeys:
    """Sort columns computed elsewhere (the roadmap's figures): ``keys`` are expressions over a project that may
    read the relations ``joins`` adds: alias -> (relation, condition), a ``FilteredRelation`` made afresh for each
    query (Django binds one to the query it joins), joined only when sorted by."""

    keys: Mapping[str, Combinable]
    joins: Mapping[str, tuple[str, Q]]


def backlog_page(
    *,
    portfolio: Portfolio,
    search: str = "",
    statuses: list[str] | None = None,
    tags: list[str] | None = None,
    sort: str = "name",
    direction: str = "asc",
    score_keys: ExtraSortKeys | None = None,
) -> QuerySet[Project]:
    """The backlog's projects filtered, then ordered by one column in the database, ready to be counted
    (one query) and sliced to a page (two queries: the projects, their current assessments).

    The filters are ``project_list``'s. ``score_keys`` adds sort columns computed elsewhere (the roadmap's
    figures), as expressions over a project. Rows without a value come last in both directions; ties keep
    name order.
    """
    qs = _filtered_projects(portfolio=portfolio, search=search, statuses=statuses, tags=tags)
    qs = qs.prefetch_related(_current_assessment_prefetch())
    keys = {**backlog_sort_keys(), **(score_keys.keys if score_keys else {})}
    if sort not in keys:  # e.g. the figures of a portfolio never ranked: no row has a value
        return qs.order_by("name")
    value = F("sort_value").desc(nulls_last=True) if direction == "desc" else F("sort_value").asc(nulls_last=True)
    # Joins, not a subquery per project: the database sorts the backlog after one pass over each table.
    joins = {
        estimates.CURRENT_ASSESSMENT: estimates.current_assessment_join(),
        **{
            alias: FilteredRelation(relation, condition=q)
            for alias, (relation, q) in (score_keys.joins.items() if score_keys else ())
        },
    }
    return qs.alias(**joins).alias(sort_value=keys[sort]).order_by(value, "name")


def projects_in_order(*, ids: list[int]) -> list[Project]:
    """The projects ``ids`` (a page of ``backlog_page``'s ids), in that order, with their current assessments
    (two queries)."""
    found = (
        Project.objects.filter(pk__in=ids)
        .select_related("progress")  # the effort in force of a project being built reads it
        .prefetch_related(_current_assessment_prefetch())
        .in_bulk()
    )
    return [found[pk] for pk in ids if pk in found]


def project_detail(*, portfolio: Portfolio, project_id: int) -> Project:
    """One project of ``portfolio`` with its assessments and its history (three queries; raises
    Project.DoesNotExist). Its reuse links are ``project_links``'s."""
    project = (
        Project.objects.filter(portfolio=portfolio)
        .select_related("progress__recorded_by", "outcome__recorded_by")
        .prefetch_related(
            Prefetch("assessments", queryset=FeasibilityAssessment.objects.select_related("assessed_by")),
            Prefetch("changes", queryset=Change.objects.select_related("user")),
        )
        .get(pk=project_id)
    )
    project.portfolio = portfolio  # the page reads it (the roadmap's latest snapshot): not read again
    return project


LINK_COLUMNS = ("kind", "fraction", "note", "version", "producer__name", "consumer__name")  # what the page shows


def project_links(*, project: Project) -> tuple[list[ReuseLink], list[ReuseLink]]:
    """The project's reuse links as (those it reuses: ``links_in``, those reusing its output: ``links_out``), each
    in the links' order (producer's name, then consumer's name). One query for both directions, the other end's
    name alone loaded."""
    links = list(
        ReuseLink.objects.filter(Q(consumer=project) | Q(producer=project))
        .select_related("producer", "consumer")
        .only(*LINK_COLUMNS)
    )
    return [link for link in links if link.consumer_id == project.pk], [
        link for link in links if link.producer_id == project.pk
    ]


def feasibility_queue(*, portfolio: Portfolio) -> list[tuple[Project, str]]:
    """Projects still to be built that need an EM's assessment, each with the reason."""
    projects = (
        Project.objects.filter(portfolio=portfolio, status__in=scoring.TO_BUILD_STATUSES)
        .prefetch_related(_current_assessment_prefetch())
        .order_by("name")
    )
    queue = []
    for project in projects:
        current = current_assessment(project)
        if current is None:
            queue.append((project, "not assessed yet"))
        elif (current.impact_low_seen, current.impact_likely_seen, current.impact_high_seen) != (
            project.impact_low,
            project.impact_likely,
            project.impact_high,
        ):
            queue.append((project, "impact changed since the last assessment"))
    return queue


def feasibility_queue_count(*, portfolio: Portfolio) -> int:
    """How many projects ``feasibility_queue`` lists, counted by the database (one query): those still to
    be built whose current assessment is missing or saw another impact range than the project's now."""
    up_to_date = FeasibilityAssessment.objects.filter(
        project=OuterRef("pk"),
        is_current=True,
        impact_low_seen=OuterRef("impact_low"),
        impact_likely_seen=OuterRef("impact_likely"),
        impact_high_seen=OuterRef("impact_high"),
    )
    to_build = Project.objects.filter(portfolio=portfolio, status__in=scoring.TO_BUILD_STATUSES)
    return to_build.exclude(Exists(up_to_date)).count()


def link_list(*, portfolio: Portfolio) -> QuerySet[ReuseLink]:
    """Every reuse link of the portfolio, with both ends."""
    return ReuseLink.objects.filter(producer__portfolio=portfolio).select_related("producer", "consumer")


def project_count(*, portfolio: Portfolio) -> int:
    """How many projects the backlog holds (the "12 of 31 projects" of a filtered list)."""
    return Project.objects.filter(portfolio=portfolio).count()


def project_get(*, portfolio: Portfolio, project_id: int) -> Project:
    """One project of the portfolio, for editing (raises Project.DoesNotExist)."""
    return Project.objects.get(portfolio=portfolio, pk=project_id)


def link_get(*, portfolio: Portfolio, link_id: int) -> ReuseLink:
    """One reuse link of the portfolio with both ends (raises ReuseLink.DoesNotExist)."""
    return ReuseLink.objects.select_related("producer", "consumer").get(producer__portfolio=portfolio, pk=link_id)


def assessed_projects(*, portfolio: Portfolio) -> list[FeasibilityAssessment]:
    """The current assessment of every assessed project, with its project and assessor (one query)."""
    return list(
        FeasibilityAssessment.objects.filter(project__portfolio=portfolio, is_current=True)
        .select_related("project", "assessed_by")
        .order_by("project__name")
    )


def project_for_assessment(*, portfolio: Portfolio, project_id: int) -> Project:
    """A project with all its assessments, newest first, and who made them (raises Project.DoesNotExist)."""
    return (
        Project.objects.filter(portfolio=portfolio)
        .prefetch_related(
            Prefetch(
                "assessments",
                queryset=FeasibilityAssessment.objects.select_related("assessed_by").order_by("-created_at", "-id"),
                to_attr="assessment_history",  # type: ignore[no-redef]  # the stubs add it again; Project declares it
            )
        )
        .get(pk=project_id)
    )


def portfolio_by_name_or_slug(value: str) -> Portfolio | None:
    """The portfolio whose slug is ``value`` or whose name is ``value`` (case-insensitive), else None."""
    value = (value or "").strip()
    if not value:
        return None
    return Portfolio.objects.filter(slug=value).first() or Portfolio.objects.filter(name__iexact=value).first()


def projects_with_links(*, portfolio: Portfolio) -> list[Project]:
    """Every project of the portfolio by name, with ``current_assessments`` and ``links_in`` (producers joined),
    as the export lists them. Three queries whatever the number of projects."""
    return list(
        Project.objects.filter(portfolio=portfolio)
        .select_related("progress", "outcome", "impact_estimated_by", "effort_estimated_by")
        .prefetch_related(
            _current_assessment_prefetch(),
            Prefetch("links_in", queryset=ReuseLink.objects.select_related("producer").order_by("producer__name")),
        )
        .order_by("name")
    )


def projects_by_ids_with_assessment(*, ids: list[int]) -> dict[int, Project]:
    """Some projects by id with their current assessment prefetched (two queries), keyed by id."""
    if not ids:
        return {}
    projects = Project.objects.filter(pk__in=ids).prefetch_related(_current_assessment_prefetch())
    return {p.pk: p for p in projects}
