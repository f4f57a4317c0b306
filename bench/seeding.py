"""A synthetic backlog for the benchmarks and the load test, written in bulk (seed data, not what is measured).

``seed_backlog(portfolio, projects)`` adds ``projects`` projects (a mix of statuses), assessments for 80% of
them (a mix of tags) and about one reuse link per 10 projects, producers before consumers (no cycle). The
same ``seed`` always gives the same backlog. Needs Django set up by the caller.
"""

import random

from portfolio.models import FeasibilityAssessment, Portfolio, Project, ReuseLink


def seed_backlog(portfolio: Portfolio, projects: int, *, seed: int = 42) -> list[int]:
    """Bulk-create the backlog in ``portfolio``; returns the project ids in creation order."""
    rng = random.Random(seed)
    Project.objects.bulk_create(
        Project(
            portfolio=portfolio,
            name=f"Project {i:04d}",
            summary="Seeded for a benchmark.",
            owner=rng.choice(["", "Ana", "Bo", "Chen", "Dana"]),
            status=rng.choice(["idea", "idea", "discovery", "building", "shipped", "parked"]),
            impact_low=(low := rng.uniform(10, 200)),
            impact_likely=(likely := low + rng.uniform(0, 300)),
            impact_high=likely + rng.uniform(0, 500),
        )
        for i in range(projects)
    )
    ids = list(Project.objects.filter(portfolio=portfolio).order_by("pk").values_list("pk", flat=True))
    FeasibilityAssessment.objects.bulk_create(
        FeasibilityAssessment(
            project_id=pk,
            tag=rng.choice(["easy", "hard", "hard", "impossible"]),
            effort_low=(e := rng.uniform(1, 20)),
            effort_likely=e * 2,
            effort_high=e * 4,
            impact_low_seen=0,
            impact_likely_seen=0,
            impact_high_seen=0,
        )
        for pk in ids[: int(projects * 0.8)]
    )
    ReuseLink.objects.bulk_create(  # producers come before consumers: no cycle
        ReuseLink(producer_id=ids[i], consumer_id=ids[i + 1 + rng.randrange(20)], fraction=0.2)
        for i in range(0, projects - 21, 10)
    )
    return ids
