"""Template tags of the roadmap: ``{% project_schedule project %}`` shows a project's place on the roadmap."""

from django import template

from ..charts import timeline
from ..charts.finish_cdf import finish_cdf_chart
from ..selectors import schedule as schedule_selectors
from ..selectors.snapshots import UNREAD

register = template.Library()


@register.inclusion_tag("roadmap/_project_schedule.html", takes_context=True)
def project_schedule(context, project, latest=UNREAD) -> dict:
    """The project's finish-date distribution (CDF), P(target) and what it waits for, from the latest roadmap.

    Runs its own queries (see ``schedule_selectors.project_schedule``; give it the portfolio's latest snapshot when
    the page has read it); a PM also gets the pin controls.
    """
    schedule = schedule_selectors.project_schedule(project=project, latest=latest)
    access = context.get("access")
    return {
        "project": project,
        "portfolio": project.portfolio,
        "schedule": schedule,
        "row": schedule.row,
        "cdf": finish_cdf_chart(schedule.row) if schedule.row and schedule.row.finish_cdf else None,
        "can_pin": bool(access and access.can_edit),
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag
def pin_note(row) -> str:
    """A pinned row's place explained: "pinned to place 1: scheduled #1, its rank is 11" (``timeline.pin_note``)."""
    return timeline.pin_note(row.pin, row.position, row.rank)
