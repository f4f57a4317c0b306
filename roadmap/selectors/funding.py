"""Reads of a snapshot's funding decision: the portfolio's figures and "What to learn next", and each project's
information value (the feasibility queue's order). Constant queries whatever the size of the snapshot."""

from dataclasses import dataclass

from portfolio import formatting
from portfolio.models import Project
from portfolio.selectors import current_assessment
from portfolio.selectors import projects_by_ids_with_assessment as projects_with_assessment

from ..models import ProjectScore, RankingSnapshot
from .snapshots import FUNDED

# What would measure each input (DESIGN.md, "The funding decision").
ACTIONS = {
    "impact": "Run an experiment or A/B test of the KPI",
    "effort": "Time-box a spike to firm up the effort",
    "success": "Build a baseline model or run a labelling pilot that checks data quantity and label agreement",
}
INPUT_WORDS = {"impact": "impact", "effort": "effort", "success": "chance of success"}


@dataclass(frozen=True)
class LearnItem:
    """One (project, input) pair of "What to learn next": its EVPPI (value units), what would measure it, and for
    success the project's data gap from its current assessment (empty when none is recorded)."""

    project_id: int
    name: str
    input: str
    evppi: float
    action: str
    data_gap: str

    @property
    def input_words(self) -> str:
        return INPUT_WORDS[self.input]


@dataclass(frozen=True)
class FundingSummary:
    """A snapshot's funding decision as the pages show it (budget in person-weeks, value in value units)."""

    window_weeks: int
    capacity: int
    budget_person_weeks: float
    cut_line_roi: float | None
    funded_value: dict
    one_more: dict
    one_fewer: dict
    frontier: list[dict]
    learn_next: list[LearnItem]
    funded_count: int

    @property
    def one_more_change(self) -> float:
        """How the expected funded value moves with one more person over the window (value units)."""
        return self.one_more["mean"] - self.funded_value["mean"]

    @property
    def one_fewer_change(self) -> float:
        """How it moves with one person fewer (value units; negative when it loses)."""
        return self.one_fewer["mean"] - self.funded_value["mean"]


def data_gap(project: Project) -> str:
    """The seeds' data quantity and quality from the current assessment: examples needed vs available, label
    agreement vs target, in words ("" when the assessment records neither)."""
    assessment = current_assessment(project)
    if assessment is None:
        return ""
    parts = []
    if assessment.examples_needed is not None or assessment.examples_available is not None:
        needed, available = assessment.examples_needed, assessment.examples_available
        parts.append(
            f"labelled examples: {_count(needed)} needed vs {_count(available)} available"
            + (
                f" (short by {needed - available:,})"
                if needed is not None and available is not None and needed > available
                else ""
            )
        )
    if assessment.label_agreement_target is not None or assessment.label_agreement_current is not None:
        parts.append(
            f"label agreement: {formatting.percent(assessment.label_agreement_current)} now vs"
            f" {formatting.percent(assessment.label_agreement_target)} target"
        )
    return "; ".join(parts)


def _count(value: int | None) -> str:
    """A count of examples with thousands separators, or "unknown"."""
    return "unknown" if value is None else f"{value:,}"


def funding_summary(*, snapshot: RankingSnapshot | None, funded_count: int | None = None) -> FundingSummary | None:
    """The snapshot's funding figures and its "What to learn next" with actions; None before funding existed.
    Queries: the (at most ten) projects of "What to learn next" with their assessment, and the funded count unless
    the caller counted the snapshot's funded rows already (``funded_count``, from ``ranking_tables``)."""
    if snapshot is None or snapshot.budget_person_weeks is None:
        return None
    pairs = snapshot.funding.get("learn_next", [])
    projects = projects_with_assessment(ids=[p["project_id"] for p in pairs])
    items = []
    for pair in pairs:
        project = projects.get(pair["project_id"])
        if project is None:
            continue  # deleted since the snapshot
        gap = data_gap(project) if pair["input"] == "success" else ""
        action = ACTIONS[pair["input"]]
        if pair["input"] == "impact" and project.output_kpi:
            action += f" ({project.output_kpi})"
        items.append(LearnItem(project.pk, project.name, pair["input"], pair["evppi"], action, gap))
    return FundingSummary(
        window_weeks=snapshot.planning_window_weeks,
        capacity=snapshot.capacity,
        budget_person_weeks=snapshot.budget_person_weeks,
        cut_line_roi=snapshot.cut_line_roi,
        funded_value={
            "mean": snapshot.funded_value_mean,
            "p10": snapshot.funded_value_p10,
            "p50": snapshot.funded_value_p50,
            "p90": snapshot.funded_value_p90,
        },
        one_more=snapshot.funding.get("one_more", {}),
        one_fewer=snapshot.funding.get("one_fewer", {}),
        frontier=snapshot.funding.get("frontier", []),
        learn_next=items,
        funded_count=(
            funded_count if funded_count is not None else ProjectScore.objects.filter(FUNDED, snapshot=snapshot).count()
        ),
    )


def information_values(*, snapshot: RankingSnapshot | None, project_ids: list[int]) -> dict[int, float]:
    """EVPI (value units) of the given projects in the snapshot, by project id (one query); projects without
    one (not ranked, impossible, or no snapshot) are left out."""
    if snapshot is None or not project_ids:
        return {}
    rows = ProjectScore.objects.filter(snapshot=snapshot, project_id__in=project_ids, evpi__isnull=False)
    return {pk: evpi for pk, evpi in rows.values_list("project_id", "evpi") if evpi is not None}


def cut_line_row(*, snapshot: RankingSnapshot | None) -> ProjectScore | None:
    """The ranked row the cut line is drawn above (the first ranked project not funded), or None."""
    cut_rank = snapshot.funding.get("cut_rank") if snapshot is not None else None
    if cut_rank is None:
        return None
    return ProjectScore.objects.filter(snapshot=snapshot, rank=cut_rank).first()
