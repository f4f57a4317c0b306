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


def test_recomputing_a_stored_input_document_gives_the_snapshots_figures_exactly(portfolio, review_backlog):
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


def test_the_input_document_holds_every_planning_input(portfolio, review_backlog):
    services.project_update(project=review_backlog["Ad quality"], data={"target_date": datetime.date(2027, 6, 1)})
    snapshot = portfolio_recompute(portfolio_id=portfolio.pk)
    document = InputDocument.objects.get(snapshot=snapshot).document
    assert document["settings"]["seed"] == portfolio.seed
    assert document["settings"]["trials"] == 400
    assert document["settings"]["roadmap_start"] == "2027-01-04"
    ad = next(p for p in document["projects"] if p["name"] == "Ad quality")
    assert ad["effort"] == [6.0, 9.0, 20.0] and ad["tag"] == "hard" and ad["target_date"] == "2027-06-01"
    assert document["links"] == [
        {
            "producer": review_backlog["Toxicity signal"].pk,
            "consumer": review_backlog["Spam filter"].pk,
            "kind": "benefits",
            "fraction": 0.3,
        }
    ]


def test_a_pm_marks_the_latest_snapshot_as_a_baseline_with_a_unique_name(portfolio, review_baseline, pm_user):
    assert review_baseline.snapshot == RankingSnapshot.objects.filter(portfolio=portfolio).latest()
    assert review_baseline.created_by == pm_user
    with pytest.raises(ValidationError, match="already has a baseline"):
        baselines.baseline_mark(portfolio=portfolio, name="Q1 planning", user=pm_user)


def test_no_baseline_without_figures(portfolio, review_backlog):
    with pytest.raises(ValidationError, match="no figures"):
        baselines.baseline_mark(portfolio=portfolio, name="Too early")


def test_pruning_never_deletes_a_baselines_snapshot_or_its_inputs(portfolio, review_backlog, review_baseline):
    for step in range(4):
        services.project_update(project=review_backlog["Churn model"], data={"impact_high": 500 + step})
        portfolio_recompute(portfolio_id=portfolio.pk)
    snapshots_prune(portfolio_id=portfolio.pk, keep=2)
    kept = set(RankingSnapshot.objects.filter(portfolio=portfolio).values_list("pk", flat=True))
    assert review_baseline.snapshot_id in kept and len(kept) == 3
    assert InputDocument.objects.filter(snapshot_id=review_baseline.snapshot_id).exists()


def test_an_edited_projects_move_is_its_own_edits_effect(portfolio, review_backlog, review_baseline, pm_user):
    services.project_update(project=review_backlog["Churn model"], data={"impact_high": 2000.0}, user=pm_user)
    rows = _by_name(_report(portfolio, review_baseline))
    churn = rows["Churn model"]
    assert [c["group"] for c in churn["causes"]] == [f"project:{review_backlog['Churn model'].pk}"]
    assert churn["interaction"] == pytest.approx(0.0, abs=TOLERANCE)
    _assert_explained(churn)
    assert "impact 50–100–400 → 50–100–2,000 k$/year by pat-pm on" in churn["causes"][0]["description"]
    for name in ("Search ranking", "Spam filter", "Toxicity signal", "Ad quality"):  # unlinked: exactly unmoved
        assert (
            rows[name]["causes"] == [] and rows[name]["before"]["expected_roi"] == rows[name]["after"]["expected_roi"]
        )


def test_a_producers_move_is_the_edit_of_the_consumer_it_credits(portfolio, review_backlog, review_baseline):
    spam = review_backlog["Spam filter"]
    services.assessment_record(project=spam, tag="hard", effort_low=20, effort_likely=30, effort_high=60)
    rows = _by_name(_report(portfolio, review_baseline))
    producer = rows["Toxicity signal"]
    assert producer["after"]["expected_roi"] > producer["before"]["expected_roi"]  # more effort saved: more credit
    assert [c["group"] for c in producer["causes"]] == [f"project:{spam.pk}"]
    assert producer["interaction"] == pytest.approx(0.0, abs=TOLERANCE)
    assert "effort 4–7–20 → 20–30–60 person-weeks" in producer["causes"][0]["description"]


def test_effects_plus_interaction_add_up_to_every_change(portfolio, review_backlog, review_baseline):
    services.project_update(project=review_backlog["Churn model"], data={"impact_high": 900.0})
    services.assessment_record(
        project=review_backlog["Spam filter"], tag="easy", effort_low=3, effort_likely=9, effort_high=12
    )
    services.link_update(link=review_backlog["Spam filter"].links_in.get(), data={"fraction": 0.6})
    ReuseLinkFactory(producer=review_backlog["Search ranking"], consumer=review_backlog["Ad quality"], kind="requires")
    services.portfolio_inputs_changed(portfolio_id=portfolio.pk)
    result = _report(portfolio, review_baseline)
    assert {g["key"].split(":")[0] for g in result["groups"]} == {"project", "link"}
    assert len(result["groups"]) == 4
    for row in result["projects"]:
        _assert_explained(row)
    moves = [abs(r["rank_move"]) for r in result["projects"] if r["rank_move"] is not None]
    assert moves == sorted(moves, reverse=True)


def test_a_settings_change_is_one_group(portfolio, review_backlog, review_baseline):
    services.portfolio_update(portfolio=portfolio, data={"cost_per_person_week": 6.0, "p_hard": 0.6})
    result = _report(portfolio, review_baseline)
    assert [g["key"] for g in result["groups"]] == ["settings"]
    assert "cost per person-week 4 → 6 k$" in result["groups"][0]["description"]
    for row in result["projects"]:
        assert [c["group"] for c in row["causes"]] == ["settings"]
        _assert_explained(row)


def test_links_added_removed_and_changed_are_groups_of_their_own(portfolio, review_backlog, review_baseline):
    link = review_backlog["Spam filter"].links_in.get()
    services.link_delete(link=link)
    ReuseLinkFactory(producer=review_backlog["Churn model"], consumer=review_backlog["Ad quality"], fraction=0.5)
    services.portfolio_inputs_changed(portfolio_id=portfolio.pk)
    result = _report(portfolio, review_baseline)
    words = sorted(g["description"] for g in result["groups"])
    assert words == [
        "Reuse link Churn model → Ad quality added (benefits from it, saves 50% of the effort)",
        "Reuse link Toxicity signal → Spam filter removed (benefits from it, saves 30% of the effort)",
    ]
    churn = _by_name(result)["Churn model"]
    assert churn["causes"][0]["description"].startswith("Reuse link Churn model → Ad quality added")


def test_projects_added_and_removed_say_so(portfolio, review_backlog, review_baseline):
    services.project_delete(project=review_backlog["Ad quality"])
    added = ProjectFactory(portfolio=portfolio, name="Fraud rings")
    AssessmentFactory(project=added)
    services.portfolio_inputs_changed(portfolio_id=portfolio.pk)
    rows = _by_name(_report(portfolio, review_baseline))
    assert rows["Ad quality"]["change"] == "removed" and rows["Ad quality"]["after"] is None
    assert rows["Fraud rings"]["change"] == "added" and rows["Fraud rings"]["before"] is None


def test_a_report_is_computed_once_per_baseline_and_input_version(portfolio, review_backlog, review_baseline):
    services.project_update(project=review_backlog["Churn model"], data={"impact_high": 700.0})
    snapshot = portfolio_recompute(portfolio_id=portfolio.pk)
    first = changes.changes_request(baseline=review_baseline, snapshot=snapshot)  # eager: computed on the spot
    assert first.status == ChangesReport.Status.DONE
    again = changes.changes_request(baseline=review_baseline, snapshot=snapshot)
    assert again.pk == first.pk and ChangesReport.objects.count() == 1
    assert changes.changes_compute(report_id=first.pk) is None  # a second worker finds it taken
