"""The pure math of explained changes, without a database: input documents, groups of changes, pooling, the
per-group effects on expected ROI, and the history in words."""

import datetime
import json

import pytest

from portfolio import attribution, formatting, history_words, input_changes, input_documents, scoring
from portfolio.sampling import Range

SETTINGS = input_documents.PlanSettings(
    value_unit="k$",
    cost_per_person_week=4.0,
    horizon_years=1.0,
    trials=300,
    top_k=2,
    p_easy=0.9,
    p_hard=0.5,
    p_impossible=0.0,
    capacity=3,
    roadmap_start=datetime.date(2027, 1, 4),
    seed=99,
)


def _project(key: int, name: str, impact=(50.0, 100.0, 300.0), effort=(2.0, 5.0, 9.0), **kwargs):
    values = dict(
        key=key,
        name=name,
        status="idea",
        impact=Range(*impact),
        effort=Range(*effort),
        tag="hard",
        probability_override=None,
        staffing=2,
        target_date=None,
        pin=None,
    )
    return input_documents.ProjectRecord(**{**values, **kwargs})


def _document(projects, links=(), settings=SETTINGS) -> dict:
    inputs = input_documents.PlanInputs(settings, tuple(projects), tuple(links))
    return json.loads(json.dumps(input_documents.to_document(inputs)))


BASE = [_project(1, "Producer"), _project(2, "Consumer"), _project(3, "Loner", effort=(1.0, 3.0, 4.0))]
LINK = scoring.LinkInput(producer=1, consumer=2, kind="benefits", fraction=0.4)


def test_a_document_read_back_gives_the_same_inputs():
    inputs = input_documents.PlanInputs(SETTINGS, tuple(BASE), (LINK,))
    assert input_documents.from_document(_document(BASE, [LINK])) == inputs


def test_the_fast_expected_roi_equals_the_rankings_bit_for_bit():
    inputs = input_documents.from_document(_document(BASE, [LINK]))
    ranking = scoring.compute_ranking(inputs.project_inputs(), inputs.links, SETTINGS.scoring_settings(), SETTINGS.seed)
    fast = attribution.expected_rois(inputs, attribution.SampleCache())
    assert fast == {s.key: s.expected_roi for s in ranking.scores}


def test_an_unlinked_projects_effect_of_another_projects_edit_is_exactly_zero():
    now = _document([BASE[0], BASE[1], _project(3, "Loner", effort=(1.0, 3.0, 8.0))], [LINK])
    found = attribution.attribute(_document(BASE, [LINK]), now)
    assert [g.key for g in found.groups] == ["project:3"]
    assert set(found.effects["project:3"]) == {3}


def test_a_consumers_effort_edit_moves_the_producer_it_credits():
    now = _document([BASE[0], _project(2, "Consumer", effort=(10.0, 20.0, 30.0)), BASE[2]], [LINK])
    found = attribution.attribute(_document(BASE, [LINK]), now)
    assert found.effects["project:2"][1] > 0  # more of the consumer's effort saved: more credit for the producer
    assert 3 not in found.effects["project:2"]


def test_settings_are_one_group_and_links_added_removed_or_changed_are_one_each():
    other = scoring.LinkInput(producer=3, consumer=2, kind="requires", fraction=0.1)
    base = _document(BASE, [LINK, other])
    changed = scoring.LinkInput(producer=1, consumer=2, kind="requires", fraction=0.4)
    added = scoring.LinkInput(producer=1, consumer=3, kind="benefits", fraction=0.2)
    settings = input_documents.PlanSettings(**{**SETTINGS.__dict__, "seed": 100, "trials": 400})
    groups = input_changes.groups_between(base, _document(BASE, [changed, added], settings))
    assert [(g.key, g.description) for g in groups] == [
        ("settings", "Settings: trials 300 → 400; seed 99 → 100"),
        (
            "link:1>2",
            "Reuse link Producer → Consumer: benefits from it, saves 40% of the effort → requires it, "
            "saves 40% of the effort",
        ),
        ("link:1>3", "Reuse link Producer → Loner added (benefits from it, saves 20% of the effort)"),
        ("link:3>2", "Reuse link Loner → Consumer removed (requires it, saves 10% of the effort)"),
    ]


def test_applying_every_group_gives_the_new_document():
    now = _document([_project(1, "Producer", impact=(60.0, 90.0, 99.0)), BASE[2], _project(4, "New")], [])
    base = _document(BASE, [LINK])
    groups = input_changes.groups_between(base, now)
    assert input_changes.apply_groups(base, now, groups) == now
    read = input_documents.from_document
    for group in groups:  # on documents already read, the same inputs
        applied = input_changes.apply_to_inputs(read(base), read(now), [group])
        assert applied == read(input_changes.apply_groups(base, now, [group]))


def test_past_the_limit_the_rest_of_the_groups_are_pooled_into_one():
    projects = [_project(k, f"P{k}") for k in range(1, 9)]
    edited = [_project(k, f"P{k}", impact=(10.0, 20.0, 30.0 + k)) for k in range(1, 9)]
    base, now = _document(projects), _document(edited)
    found = attribution.attribute(base, now, most=3, priority=lambda g: g.projects[0])  # the highest ids alone
    assert [g.key for g in found.groups] == ["project:6", "project:7", "project:8", "other"]
    pooled = found.groups[-1]
    assert pooled.description == "Other changes (pooled: 5 groups evaluated together)"
    assert set(found.effects["other"]) == {1, 2, 3, 4, 5}


def test_effects_plus_interaction_add_up_to_the_change():
    now_projects = [
        _project(1, "Producer", impact=(80.0, 120.0, 600.0)),
        _project(2, "Consumer", effort=(6, 8, 12)),
        BASE[2],
    ]
    base, now = _document(BASE, [LINK]), _document(now_projects, [LINK])
    found = attribution.attribute(base, now)
    after = attribution.expected_rois(input_documents.from_document(now), attribution.SampleCache())
    for key in (1, 2, 3):
        total = after[key] - found.base_roi[key]
        causes, interaction = attribution.project_causes(found, key, total)
        assert sum(c.effect for c in causes) + interaction == pytest.approx(total, abs=1e-12)


@pytest.mark.parametrize(
    ("field", "old", "new", "words"),
    [
        ("feasibility.effort_high", "35.0", "20.0", "Effort, high: 35 → 20 person-weeks"),
        ("impact_likely", "300.0", "400.0", "Impact, likely: 300 → 400 k$/year"),
        ("status", "idea", "building", "Status: idea → building"),
        ("feasibility.success_probability_override", "", "0.7", "Success probability override: none → 70%"),
        ("created", "", "Spam filter", "Created as “Spam filter”"),
        (
            "link.reuses",
            "",
            "Lang ID -> Translation (requires, 0.3)",
            "Reuse link added: Lang ID → Translation (requires it, saves 30% of the effort)",
        ),
        (
            "link.reuses",
            "Lang ID -> Translation (requires, 0.3)",
            "Lang ID -> Translation (benefits, 0.5)",
            "Reuse link Lang ID → Translation: requires it, saves 30% of the effort → "
            "benefits from it, saves 50% of the effort",
        ),
    ],
)
def test_history_rows_read_in_words(field, old, new, words):
    assert history_words.field_change(field, old, new, value_unit="k$") == words


@pytest.mark.parametrize(("value", "text"), [(35.0, "35"), (1234.5, "1,234.5"), (0.25, "0.25"), (-0.0, "0")])
def test_plain_numbers_drop_trailing_zeros(value, text):
    assert formatting.plain_number(value) == text


def test_roi_changes_are_in_percentage_points():
    assert (formatting.roi_points(0.8), formatting.roi_points(-0.0123)) == ("+80 pts", "−1.23 pts")


def test_progress_and_outcomes_are_changes_the_changes_page_words():
    outcome = input_documents.OutcomeFacts(12.0, datetime.date(2026, 1, 5), None, "yes", None)
    base = _document([_project(1, "A", status="building"), _project(2, "B", status="shipped")])
    now = _document(
        [
            _project(
                1,
                "A",
                status="building",
                effort=(1.0, 2.0, 4.0),
                effort_from=datetime.date(2026, 11, 2),
                effort_spent=6.0,
            ),
            _project(2, "B", status="shipped", outcome=outcome),
        ]
    )
    groups = {g.key: g.description for g in input_changes.groups_between(base, now)}
    assert "effort spent so far none → 6 person-weeks" in groups["project:1"]
    assert "remaining effort counted from none → 2026-11-02" in groups["project:1"]
    assert "actual effort none → 12 person-weeks" in groups["project:2"]
    assert "succeeded none → yes" in groups["project:2"]
    assert input_documents.from_document(now).projects[1].outcome == outcome


def test_a_document_stored_before_progress_and_outcomes_reads_the_same():
    document = _document([_project(1, "A")])
    assert set(document["projects"][0]) == {
        "id",
        "name",
        "status",
        "impact",
        "effort",
        "tag",
        "probability_override",
        "staffing",
        "target_date",
        "pin",
    }
    assert input_changes.groups_between(document, _document([_project(1, "A")])) == []
