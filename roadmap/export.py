"""Export of a portfolio and its latest ranking: a dict (JSON) or CSV text that the CSV import reads back.

``portfolio_export`` builds the whole document from ``portfolio_dict`` (settings and snapshot) and one
``project_dict`` per project; extend those two to add keys (the roadmap timeline, for instance). The CSV
has the import header's columns first, then the figures, which the import skips: an exported file re-imports
unchanged (the ' put before text that looks like a formula is taken off again).
"""

import csv
import io
import math
from typing import Any

from portfolio import csv_import, estimates
from portfolio import selectors as portfolio_selectors
from portfolio.models import Portfolio, Project
from portfolio.selectors import current_assessment

from .models import ProjectScore, RankingSnapshot, ScheduleRow
from .selectors.schedule import schedule_rows, value_curve_points
from .selectors.snapshots import latest_snapshot, scores_by_project

# The import's columns, then the figures, which the import skips: an exported file re-imports unchanged.
IMPORT_COLUMNS = csv_import.COLUMNS
FIGURE_COLUMNS = csv_import.EXPORT_FIGURE_COLUMNS
CSV_COLUMNS = IMPORT_COLUMNS + FIGURE_COLUMNS
# roi_se: standard error of expected_roi (both ratios); p_loss: share of trials with a negative ROI.
FIGURES = (
    "rank",
    "expected_roi",
    "roi_se",
    "roi_p10",
    "roi_p50",
    "roi_p90",
    "p_loss",
    "p_top_k",
    "expected_value",
    "expected_effort",
)
OUTCOME_KEYS = ("actual_effort", "actual_start", "actual_finish", "succeeded", "realized_impact")
SCHEDULE_DATES = ("start_p10", "start_p50", "start_p90", "finish_p10", "finish_p50", "finish_p90")
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection); the import undoes the guard.
FORMULA_PREFIXES = csv_import.FORMULA_PREFIXES


def _three(low, likely, high) -> dict | None:
    return None if low is None else {"low": low, "likely": likely, "high": high}


def snapshot_settings(snapshot: RankingSnapshot) -> dict:
    """The settings a snapshot's figures were computed with (they may differ from the portfolio's now)."""
    return {
        "value_unit": snapshot.value_unit,
        "cost_per_person_week": snapshot.cost_per_person_week,
        "horizon_years": snapshot.horizon_years,
        "p_easy": snapshot.p_easy,
        "p_hard": snapshot.p_hard,
        "p_impossible": snapshot.p_impossible,
        "capacity": snapshot.capacity,
        "planning_window_weeks": snapshot.planning_window_weeks,
        "roadmap_start": snapshot.roadmap_start.isoformat(),
    }


def funding_dict(snapshot: RankingSnapshot | None) -> dict:
    """The snapshot's funding decision (DESIGN.md keys): budget (person-weeks), cut-line ROI, funded value and the
    frontier (value units); null (frontier empty) without a snapshot or on one written before funding existed."""
    if snapshot is None or snapshot.budget_person_weeks is None:
        return {"budget_person_weeks": None, "cut_line_roi": None, "funded_value": None, "frontier": []}
    return {
        "budget_person_weeks": snapshot.budget_person_weeks,
        "cut_line_roi": snapshot.cut_line_roi,
        "funded_value": {
            "mean": snapshot.funded_value_mean,
            "p10": snapshot.funded_value_p10,
            "p50": snapshot.funded_value_p50,
            "p90": snapshot.funded_value_p90,
        },
        "frontier": snapshot.funding.get("frontier", []),
    }


def project_funding_dict(score: ProjectScore | None) -> dict:
    """A project's funding figures in the snapshot: ``funded``, ``funding_reason``, ``p_funded_if_known``,
    ``evpi`` and ``evppi`` {impact, effort, success} (value units); null when there are none."""
    if score is None or score.funded is None:
        return {"funded": None, "funding_reason": None, "p_funded_if_known": None, "evpi": None, "evppi": None}
    return {
        "funded": score.funded,
        "funding_reason": score.funding_reason,
        "p_funded_if_known": score.p_funded_if_known,
        "evpi": score.evpi,
        "evppi": score.evppi,
    }


def portfolio_dict(portfolio: Portfolio, snapshot: RankingSnapshot | None) -> dict:
    """The portfolio's settings now and which snapshot the figures come from, with the settings that snapshot
    was computed with (``snapshot.settings``); the snapshot's keys are null when there is none."""
    return {
        "name": portfolio.name,
        "slug": portfolio.slug,
        "value_unit": portfolio.value_unit,
        "cost_per_person_week": portfolio.cost_per_person_week,
        "horizon_years": portfolio.horizon_years,
        "trials": portfolio.trials,
        "top_k": portfolio.top_k,
        "p_easy": portfolio.p_easy,
        "p_hard": portfolio.p_hard,
        "p_impossible": portfolio.p_impossible,
        "capacity": portfolio.capacity,
        "planning_window_weeks": portfolio.planning_window_weeks,
        "roadmap_start": portfolio.roadmap_start.isoformat(),
        "seed": portfolio.seed,
        "current_input_version": portfolio.input_version,
        "snapshot": {
            "input_version": snapshot.input_version if snapshot else None,
            "seed": snapshot.seed if snapshot else None,
            "trials": snapshot.trials if snapshot else None,
            "top_k": snapshot.top_k if snapshot else None,
            "computed_at": snapshot.computed_at.isoformat() if snapshot else None,
            "settings": snapshot_settings(snapshot) if snapshot else None,
        },
    }


def schedule_dict(row: ScheduleRow | None) -> dict:
    """A project's roadmap figures: P10/P50/P90 start and finish as ISO dates, P(meet target) (null: not on it)."""
    dates = {name: getattr(row, name) if row else None for name in SCHEDULE_DATES}
    return {
        **{name: day.isoformat() if day else None for name, day in dates.items()},
        "p_meet_target": row.p_meet_target if row else None,
        "roadmap_position": row.position if row else None,
        "roadmap_left_off_reason": (row.left_off_reason or None) if row else None,
    }


def value_curve_list(points) -> list[dict]:
    """The roadmap's cumulative annual value delivered, P10/P50/P90 (value units per year) by ISO date."""
    return [{"date": p.date.isoformat(), "p10": p.p10, "p50": p.p50, "p90": p.p90} for p in points]


def project_dict(
    project: Project, score: ProjectScore | None, portfolio: Portfolio, schedule: ScheduleRow | None = None
) -> dict:
    """One project's inputs (as the import takes them) and its figures in the snapshot (null when unranked).

    The inputs are the project's now: its effort range in force, and the success probability the portfolio's
    settings now give it (what the next recompute uses)."""
    assessment = current_assessment(project)
    effort = estimates.effort_in_force(project, assessment)
    estimate = estimates.effort_estimate(project, assessment)
    override = assessment.success_probability_override if assessment else None
    tag = assessment.tag if assessment else None
    links: dict[str, list[dict[str, Any]]] = {"requires": [], "reuses": []}
    for link in project.links_in.all():
        key = "requires" if link.kind == "requires" else "reuses"
        links[key].append({"name": link.producer.name, "fraction": link.fraction})
    return {
        "id": project.pk,
        "name": project.name,
        "status": project.status,
        "owner": project.owner,
        "summary": project.summary,
        "problem_type": project.problem_type,
        "feasibility": tag,
        "success_probability": estimates.success_probability(portfolio, assessment),
        "success_probability_override": override,
        "impact": _three(project.impact_low, project.impact_likely, project.impact_high),
        "effort": _three(effort.range.low, effort.range.likely, effort.range.high) if effort else None,
        "effort_source": effort.source if effort else None,
        "effort_estimate": _three(estimate.range.low, estimate.range.likely, estimate.range.high) if estimate else None,
        **outcome_dict(getattr(project, "outcome", None)),
        "impact_estimated_by": project.estimator("impact"),
        "effort_estimated_by": project.estimator("effort"),
        "staffing": project.staffing,
        "target_date": project.target_date.isoformat() if project.target_date else None,
        **links,
        **{name: getattr(score, name) if score else None for name in FIGURES},
        "excluded_reason": (score.excluded_reason or None) if score else None,
        "needs_feasibility": assessment is None,
        "in_snapshot": score is not None,
        "roadmap_pin": project.roadmap_pin,
        **schedule_dict(schedule),
        **project_funding_dict(score),
    }


def outcome_dict(outcome) -> dict:
    """A project's outcome: actual effort (person-weeks), actual start and finish (ISO dates), succeeded (yes / no /
    unknown), realised impact (value units per year); null where not recorded (all of them without an outcome)."""
    if outcome is None:
        return dict.fromkeys(OUTCOME_KEYS)
    return {
        "actual_effort": outcome.actual_effort,
        "actual_start": outcome.actual_start.isoformat() if outcome.actual_start else None,
        "actual_finish": outcome.actual_finish.isoformat() if outcome.actual_finish else None,
        "succeeded": outcome.succeeded,
        "realized_impact": outcome.realized_impact,
    }


def portfolio_export(portfolio: Portfolio) -> dict:
    """The portfolio, its latest snapshot and every project with its figures: a constant number of queries."""
    snapshot = latest_snapshot(portfolio=portfolio)
    scores = scores_by_project(snapshot=snapshot)
    projects = portfolio_selectors.projects_with_links(portfolio=portfolio)
    rows = {r.project_id: r for r in schedule_rows(snapshot=snapshot)}
    return {
        **portfolio_dict(portfolio, snapshot),
        **funding_dict(snapshot),
        "value_curve": value_curve_list(value_curve_points(snapshot=snapshot)),
        "projects": [project_dict(p, scores.get(p.pk), portfolio, rows.get(p.pk)) for p in projects],
    }


def neutralize(cell):
    """A text cell a spreadsheet would run as a formula gets a leading ' ; numbers are left as they are.

    A text that starts with ' gets one more, so that the import, which takes one ' off before a formula
    prefix or another ' (``portfolio.csv_import.unneutralize``), gives every text back exactly."""
    if isinstance(cell, str) and cell.startswith((*FORMULA_PREFIXES, "'")):
        return "'" + cell
    return cell


LINK_CELLS = ("requires", "reuses")


def _links_cell(links: list[dict]) -> str:
    """ "name:fraction;..." with each name guarded like a text cell, as the import reads each one: the cell then
    starts with a safe character or with "'"."""
    return ";".join(f"{neutralize(link['name'])}:{link['fraction']:g}" for link in links)


def _number(value):
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    return value


def csv_row(project: dict) -> list:
    """One CSV row (``CSV_COLUMNS`` order) from a ``project_dict``; the import's columns come first."""
    # The effort columns hold the estimate (the import's columns); a building project's remaining range is a figure.
    impact, effort = project["impact"], project["effort_estimate"] or {}
    row = {
        "name": project["name"],
        "summary": project["summary"],
        "status": project["status"],
        "owner": project["owner"],
        **{f"impact_{k}": impact[k] for k in ("low", "likely", "high")},
        **{f"effort_{k}": _number(effort.get(k)) for k in ("low", "likely", "high")},
        "feasibility": project["feasibility"] or "",
        # The override only: a re-import then keeps following the portfolio's per-tag probability.
        "success_probability": _number(project["success_probability_override"]),
        "requires": _links_cell(project["requires"]),
        "reuses": _links_cell(project["reuses"]),
        "target_date": project["target_date"] or "",
        "staffing": project["staffing"],
        **{key: _number(project[key]) if project[key] is not None else "" for key in OUTCOME_KEYS},
        "impact_estimated_by": project["impact_estimated_by"],
        "effort_estimated_by": project["effort_estimated_by"],
        "effort_source": project["effort_source"] or "",
        "success_probability_used": project["success_probability"],
        **{name: _number(project[name]) for name in FIGURES},
        "needs_feasibility": "yes" if project["needs_feasibility"] else "no",
        "excluded_reason": project["excluded_reason"] or "",
    }
    # Link cells are guarded name by name (_links_cell); every other cell as a whole.
    return [row[column] if column in LINK_CELLS else neutralize(row[column]) for column in CSV_COLUMNS]


def export_csv(document: dict) -> str:
    """CSV text of a ``portfolio_export`` document: a header row, then one row per project."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for project in document["projects"]:
        writer.writerow(csv_row(project))
    return out.getvalue()
