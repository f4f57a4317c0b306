"""What the ranking math is given (``portfolio.scoring_inputs``): the success-probability rule, and projects, links
and settings refused when they would make a figure undefined."""

import math

import pytest

from portfolio.scoring_inputs import LinkInput, ProjectInput, success_probability
from tests.portfolio.conftest import constant, settings


@pytest.mark.parametrize(
    "tag, override, expected",
    [("easy", None, 0.7), ("impossible", None, 0.05), (None, None, 0.4), ("hard", 0.25, 0.25), ("easy", 0.0, 0.0)],
)
def test_success_probability_is_the_override_else_the_tags_else_the_hard_one(tag, override, expected):
    by_tag = {"easy": 0.7, "hard": 0.4, "impossible": 0.05}
    assert success_probability(tag=tag, override=override, by_tag=by_tag) == expected


@pytest.mark.parametrize(
    "changes",
    [{"status": "done"}, {"tag": "trivial"}, {"success_probability": 1.5}, {"success_probability": math.nan}],
)
def test_project_input_rejects_invalid_fields(changes):
    fields = dict(key=1, name="x", status="idea", impact=constant(1.0), effort=None, tag=None, success_probability=0.5)
    with pytest.raises(ValueError):
        ProjectInput(**{**fields, **changes})


@pytest.mark.parametrize(("kind", "fraction"), [("requires", 0.95), ("benefits", -0.1), ("needs", 0.2)])
def test_link_input_rejects_invalid_kind_or_fraction(kind, fraction):
    with pytest.raises(ValueError):
        LinkInput(1, 2, kind, fraction)


@pytest.mark.parametrize("changes", [{"cost": 0.0}, {"cost": math.inf}, {"horizon": -1.0}, {"trials": 0}, {"top_k": 0}])
def test_scoring_settings_reject_values_that_make_figures_undefined(changes):
    with pytest.raises(ValueError):
        settings(**changes)
