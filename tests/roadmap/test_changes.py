"""Review baselines and the explained changes since one: input documents, baselines, causes and their sums.

Given a computed backlog marked as a baseline, when inputs change and the ranking is recomputed, then the
"Changes since" report explains every move: the effects of the groups of input changes plus the interaction add
up to the change of each project's expected ROI; an edited project's move is its own edit's effect; a producer's
move is its consumer's edit's effect.
"""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError

from portfolio import input_documents, services
from roadmap.models import ChangesReport, InputDocument, ProjectScore, RankingSnapshot, ScheduleRow
from roadmap.services import baselines, changes
from roadmap.services.recompute import plan_from_inputs, portfolio_recompute, snapshots_prune
from tests.factories import AssessmentFactory, ProjectFactory, ReuseLinkFactory

pytestmark = pytest.mark.django_db

TOLERANCE = 1e-9  # effects plus interaction equal the change to float rounding


@pytest.fixture
def backlog(portfolio):
    """Five assessed projects; "Toxicity signal" produces for "Spam filter" (it earns reuse credit from it)."""
    portfolio.roadmap_start = datetime.date(2027, 1, 4)
    portfolio.capacity = 4
    portfolio.trials = 400
    portfolio.save()
    projects = {}
    for i, name in enumerate(["Churn model", "Search ranking", "Spam filter", "Toxicity signal", "Ad quality"]):
        projects[name] = ProjectFactory(portfolio=portfolio, name=name, impact_low=50 + 10 * i, impact_high=400 + i)
        AssessmentFactory(project=projects[name], tag="hard", effort_low=2 + i, effort_likely=5 + i, effort_high=20)
    ReuseLinkFactory(producer=projects["Toxicity signal"], consumer=projects["Spam filter"], fraction=0.3)
    return projects


@pytest.fixture
def marked(portfolio, backlog, pm_user):
    """The backlog computed and marked as the baseline "Q1 planning" by the PM."""
    portfolio_recompute(portfolio_id=portfolio.pk)
    return baselines.baseline_mark(portfolio=portfolio, name="Q1 planning", user=pm_user)


def _report(portfolio, baseline) -> dict:
    snapshot = portfolio_recompute(portfolio_id=portfolio.pk)
    report = changes.changes_now(baseline=baseline, snapshot=snapshot)
    assert report.status == ChangesReport.Status.DONE, report.error
    return report.result


def _by_name(result: dict) -> dict[str, dict]:
    return {row["name"]: row for row in result["projects"]}


def _assert_explained(row: dict) -> None:
    total = row["after"]["expected_roi"] - row["before"]["expected_roi"]
    assert sum(c["effect"] for c in row["causes"]) + row["interaction"] == pytest.approx(total, abs=TOLERANCE)


def test_recomputing_a_stored_input_document_gives_the_snapshots_figures_exactly(portfolio, backlog):
    snapshot = portfolio_recompute(portfolio_id=portfolio.pk)
    document = InputDocument.objects.get(snapshot=snapshot).document
    ranking, plan = plan_from_inputs(input_documents.from_document(json.loads(json.dumps(document))))
    stored = {row.project_id: row for row in ProjectScore.objects.filter(snapshot=snapshot)}
    for score in ranking.scores:
        row = stored[score.key]
        assert (row.rank, row.expected_roi, row.roi_p10, row.roi_p90, row.p_top_k, row.expected_value) == (
            score.rank,
            score.expected_roi,
            score.roi_p10,
            score.roi_p90,
            score.p_top_k,
            score.expected_value,
        )
    finish = dict(ScheduleRow.objects.filter(snapshot=snapshot).values_list("project_id", "finish_p50"))
    assert {p.key: p.finish_p50 for p in plan.projects} == finish


def test_the_input_document_holds_every_planning_input(portfolio, backlog):
    services.project_update(project=backlog["Ad quality"], data={"target_date": datetime.date(2027, 6, 1)})
    snapshot = portfolio_recompute(portfolio_id=portfolio.pk)
    document = InputDocument.objects.get(snapshot=snapshot).document
    assert document["settings"]["seed"] == portfolio.seed
    assert document["settings"]["trials"] == 400
    assert document["settings"]["roadmap_start"] == "2027-01-04"
    ad = next(p for p in document["projects"] if p["name"] == "Ad quality")
    assert ad["effort"] == [6.0, 9.0, 20.0] and ad["tag"] == "hard" and ad["target_date"] == "2027-06-01"
    assert document["links"] == [
        {
            "producer": backlog["Toxicity signal"].pk,
            "consumer": backlog["Spam filter"].pk,
            "kind": "benefits",
            "fraction": 0.3,
        }
    ]


def test_a_pm_marks_the_latest_snapshot_as_a_baseline_with_a_unique_name(portfolio, marked, pm_user):
    assert marked.snapshot == RankingSnapshot.objects.filter(portfolio=portfolio).latest()
    assert marked.created_by == pm_user
    with pytest.raises(ValidationError, match="already has a baseline"):
        baselines.baseline_mark(portfolio=portfolio, name="Q1 planning", user=pm_user)


def test_no_baseline_without_figures(portfolio, backlog):
    with pytest.raises(ValidationError, match="no figures"):
        baselines.baseline_mark(portfolio=portfolio, name="Too early")


def test_pruning_never_deletes_a_baselines_snapshot_or_its_inputs(portfolio, backlog, marked):
    for step in range(4):
        services.project_update(project=backlog["Churn model"], data={"impact_high": 500 + step})
        portfolio_recompute(portfolio_id=portfolio.pk)
    snapshots_prune(portfolio_id=portfolio.pk, keep=2)
    kept = set(RankingSnapshot.objects.filter(portfolio=portfolio).values_list("pk", flat=True))
    assert marked.snapshot_id in kept and len(kept) == 3
    assert InputDocument.objects.filter(snapshot_id=marked.snapshot_id).exists()


def test_an_edited_projects_move_is_its_own_edits_effect(portfolio, backlog, marked, pm_user):
    services.project_update(project=backlog["Churn model"], data={"impact_high": 2000.0}, user=pm_user)
    rows = _by_name(_report(portfolio, marked))
    churn = rows["Churn model"]
    assert [c["group"] for c in churn["causes"]] == [f"project:{backlog['Churn model'].pk}"]
    assert churn["interaction"] == pytest.approx(0.0, abs=TOLERANCE)
    _assert_explained(churn)
    assert "impact 50–100–400 → 50–100–2,000 k$/year by pat-pm on" in churn["causes"][0]["description"]
    for name in ("Search ranking", "Spam filter", "Toxicity signal", "Ad quality"):  # unlinked: exactly unmoved
        assert (
            rows[name]["causes"] == [] and rows[name]["before"]["expected_roi"] == rows[name]["after"]["expected_roi"]
        )


def test_a_producers_move_is_the_edit_of_the_consumer_it_credits(portfolio, backlog, marked):
    spam = backlog["Spam filter"]
    services.assessment_record(project=spam, tag="hard", effort_low=20, effort_likely=30, effort_high=60)
    rows = _by_name(_report(portfolio, marked))
    producer = rows["Toxicity signal"]
    assert producer["after"]["expected_roi"] > producer["before"]["expected_roi"]  # more effort saved: more credit
    assert [c["group"] for c in producer["causes"]] == [f"project:{spam.pk}"]
    assert producer["interaction"] == pytest.approx(0.0, abs=TOLERANCE)
    assert "effort 4–7–20 → 20–30–60 person-weeks" in producer["causes"][0]["description"]


def test_effects_plus_interaction_add_up_to_every_change(portfolio, backlog, marked):
    services.project_update(project=backlog["Churn model"], data={"impact_high": 900.0})
    services.assessment_record(
        project=backlog["Spam filter"], tag="easy", effort_low=3, effort_likely=9, effort_high=12
    )
    services.link_update(link=backlog["Spam filter"].links_in.get(), data={"fraction": 0.6})
    ReuseLinkFactory(producer=backlog["Search ranking"], consumer=backlog["Ad quality"], kind="requires")
    services.portfolio_inputs_changed(portfolio_id=portfolio.pk)
    result = _report(portfolio, marked)
    assert {g["key"].split(":")[0] for g in result["groups"]} == {"project", "link"}
    assert len(result["groups"]) == 4
    for row in result["projects"]:
        _assert_explained(row)
    moves = [abs(r["rank_move"]) for r in result["projects"] if r["rank_move"] is not None]
    assert moves == sorted(moves, reverse=True)


def test_a_settings_change_is_one_group(portfolio, backlog, marked):
    services.portfolio_update(portfolio=portfolio, data={"cost_per_person_week": 6.0, "p_hard": 0.6})
    result = _report(portfolio, marked)
    assert [g["key"] for g in result["groups"]] == ["settings"]
    assert "cost per person-week 4 → 6 k$" in result["groups"][0]["description"]
    for row in result["projects"]:
        assert [c["group"] for c in row["causes"]] == ["settings"]
        _assert_explained(row)


def test_links_added_removed_and_changed_are_groups_of_their_own(portfolio, backlog, marked):
    link = backlog["Spam filter"].links_in.get()
    services.link_delete(link=link)
    ReuseLinkFactory(producer=backlog["Churn model"], consumer=backlog["Ad quality"], fraction=0.5)
    services.portfolio_inputs_changed(portfolio_id=portfolio.pk)
    result = _report(portfolio, marked)
    words = sorted(g["description"] for g in result["groups"])
    assert words == [
        "Reuse link Churn model → Ad quality added (benefits from it, saves 50% of the effort)",
        "Reuse link Toxicity signal → Spam filter removed (benefits from it, saves 30% of the effort)",
    ]
    churn = _by_name(result)["Churn model"]
    assert churn["causes"][0]["description"].startswith("Reuse link Churn model → Ad quality added")


def test_projects_added_and_removed_say_so(portfolio, backlog, marked):
    services.project_delete(project=backlog["Ad quality"])
    added = ProjectFactory(portfolio=portfolio, name="Fraud rings")
    AssessmentFactory(project=added)
    services.portfolio_inputs_changed(portfolio_id=portfolio.pk)
    rows = _by_name(_report(portfolio, marked))
    assert rows["Ad quality"]["change"] == "removed" and rows["Ad quality"]["after"] is None
    assert rows["Fraud rings"]["change"] == "added" and rows["Fraud rings"]["before"] is None


def test_a_report_is_computed_once_per_baseline_and_input_version(portfolio, backlog, marked):
    services.project_update(project=backlog["Churn model"], data={"impact_high": 700.0})
    snapshot = portfolio_recompute(portfolio_id=portfolio.pk)
    first = changes.changes_request(baseline=marked, snapshot=snapshot)  # eager: computed on the spot
    assert first.status == ChangesReport.Status.DONE
    again = changes.changes_request(baseline=marked, snapshot=snapshot)
    assert again.pk == first.pk and ChangesReport.objects.count() == 1
    assert changes.changes_compute(report_id=first.pk) is None  # a second worker finds it taken
