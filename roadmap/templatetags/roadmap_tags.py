"""Template tags of the roadmap: ``{% project_schedule project %}`` shows a project's place on the roadmap."""

import datetime

from django import template

from .. import timeline_chart
from ..selectors import schedule as schedule_selectors

register = template.Library()

CDF_WIDTH, CDF_HEIGHT, CDF_LEFT, CDF_BOTTOM = 420, 150, 40, 24


@register.inclusion_tag("roadmap/_project_schedule.html", takes_context=True)
def project_schedule(context, project) -> dict:
    """The project's finish-date distribution (CDF), P(target) and what it waits for, from the latest roadmap.

    Runs its own queries (see ``schedule_selectors.project_schedule``); a PM also gets the pin controls.
    """
    schedule = schedule_selectors.project_schedule(project=project)
    access = context.get("access")
    return {
        "project": project,
        "portfolio": project.portfolio,
        "schedule": schedule,
        "row": schedule.row,
        "cdf": _cdf_geometry(schedule.row) if schedule.row and schedule.row.finish_cdf else None,
        "can_pin": bool(access and access.can_edit),
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
    }


def _cdf_geometry(row) -> dict:
    """Points of the finish-date CDF as a step line, plus P50 and target markers, in a small SVG."""
    points = [(datetime.date.fromisoformat(d), share) for d, share in row.finish_cdf]
    bin_width = points[1][0] - points[0][0] if len(points) > 1 else datetime.timedelta(days=1)
    earliest = points[0][0] - bin_width  # the first finish: the CDF's first bin starts there
    first = min([earliest] + ([row.target_date] if row.target_date else []))
    last = max([points[-1][0]] + ([row.target_date] if row.target_date else []))
    days = max((last - first).days, 1)
    plot = CDF_WIDTH - CDF_LEFT - 16
    top, bottom = 10, CDF_HEIGHT - CDF_BOTTOM

    def x(day: datetime.date) -> float:
        return round(CDF_LEFT + (day - first).days / days * plot, 1)

    def y(share: float) -> float:
        return round(bottom - share * (bottom - top), 1)

    line = [f"{x(first)},{y(0)}", f"{x(earliest)},{y(0)}"]
    previous = 0.0
    for day, share in points:
        line += [f"{x(day)},{y(previous)}", f"{x(day)},{y(share)}"]
        previous = share
    return {
        "width": CDF_WIDTH,
        "height": CDF_HEIGHT,
        "left": CDF_LEFT,
        "right": CDF_LEFT + plot,
        "top": top,
        "bottom": bottom,
        "line": " ".join(line),
        "p50_x": x(row.finish_p50),
        "target_x": x(row.target_date) if row.target_date else None,
        "target_colour": timeline_chart.target_colour(row.p_meet_target),
        "first": first,
        "last": last,
        "y_half": y(0.5),
    }
