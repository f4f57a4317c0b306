"""What a preview was computed against, and what changed since: the versions of the portfolio's projects, their
current assessments, its reuse links and its settings, compared when the preview is confirmed (and, for the
projects an import touched, when it is undone)."""

from ..models import FeasibilityAssessment, Portfolio, Project, ProjectOutcome, ReuseLink

SHOWN = 10  # differences named in a message; the rest are counted


def backlog_state(portfolio_id: int, *, project_ids: set[int] | None = None) -> dict:
    """Versions as JSON: ``settings`` (the portfolio's edit version), ``projects`` (id -> [version, current
    assessment id or 0, name]) and ``links`` (id -> version). With ``project_ids``: only those projects and the
    links into or out of them. Three queries whatever the size."""
    projects = Project.objects.filter(portfolio_id=portfolio_id)
    assessments = FeasibilityAssessment.objects.filter(project__portfolio_id=portfolio_id, is_current=True)
    link_rows = ReuseLink.objects.filter(producer__portfolio_id=portfolio_id).values_list(
        "pk", "version", "producer_id", "consumer_id"
    )
    if project_ids is not None:
        projects = projects.filter(pk__in=project_ids)
        assessments = assessments.filter(project_id__in=project_ids)
        links = [lk for lk in link_rows if lk[2] in project_ids or lk[3] in project_ids]
    else:
        links = list(link_rows)
    current = dict(assessments.values_list("project_id", "pk"))
    outcomes = ProjectOutcome.objects.filter(project__in=projects.values("pk")).values_list("project_id", "version")
    return {
        "settings": Portfolio.objects.values_list("version", flat=True).get(pk=portfolio_id),
        "projects": {
            str(pk): [version, current.get(pk, 0), name]
            for pk, version, name in projects.values_list("pk", "version", "name")
        },
        "links": {str(pk): version for pk, version, _, _ in links},
        "outcomes": {str(pk): version for pk, version in outcomes},
    }


def state_differences(seen: dict, now: dict, *, settings: bool = True) -> list[str]:
    """What changed between two states, in words ("“Search ranking” was edited"); empty when nothing did."""
    found: list[str] = []
    if settings and seen.get("settings") != now.get("settings"):
        found.append("the portfolio's settings were changed")
    before, after = seen.get("projects", {}), now.get("projects", {})
    for pk, (version, assessment, name) in before.items():
        if pk not in after:
            found.append(f"“{name}” was deleted")
        elif after[pk][0] != version:
            found.append(f"“{after[pk][2]}” was edited")
        elif after[pk][1] != assessment:
            found.append(f"“{name}” got a new feasibility assessment")
    found += [f"“{name}” was added" for pk, (_, _, name) in after.items() if pk not in before]
    outcomes_before, outcomes_after = seen.get("outcomes"), now.get("outcomes")
    if outcomes_before is not None and outcomes_before != outcomes_after:  # (not kept by earlier records)
        found += [
            f"the outcome of “{after[pk][2] if pk in after else pk}” was recorded or changed"
            for pk in sorted(set(outcomes_before) | set(outcomes_after or {}))
            if outcomes_before.get(pk) != (outcomes_after or {}).get(pk)
        ]
    links_before, links_after = seen.get("links", {}), now.get("links", {})
    moved = sum(links_after.get(pk) != version for pk, version in links_before.items())
    moved += sum(pk not in links_before for pk in links_after)
    if moved:
        found.append(f"{moved} reuse link{'s were' if moved > 1 else ' was'} added, changed or removed")
    if len(found) > SHOWN:
        found = [*found[:SHOWN], f"and {len(found) - SHOWN:,} more changes"]
    return found
