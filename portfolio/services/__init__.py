"""Writes to the backlog, one module per thing written (``portfolios``, ``projects``, ``assessments``, ``links``),
all re-exported here: callers write ``services.project_update(...)``. Every change to a ranking input bumps the
portfolio's input version in the same transaction and, once it commits, announces it (``signals.inputs_changed``)
so the ranking is recomputed in the background (``common``).
"""

from .assessments import assessment_record, assessment_record_if_current
from .common import (
    PORTFOLIO_SETTING_FIELDS,
    RANKING_INPUT_FIELDS,
    TRACKED_ASSESSMENT_FIELDS,
    TRACKED_PROJECT_FIELDS,
    ConflictError,
    CycleError,
    portfolio_inputs_changed,
    record_changes,
)
from .links import find_cycle, link_create, link_delete, link_update, links_create_validated
from .portfolios import membership_set, portfolio_create, portfolio_update
from .projects import project_create, project_delete, project_pin_clear, project_pin_set, project_update

__all__ = [
    "PORTFOLIO_SETTING_FIELDS",
    "RANKING_INPUT_FIELDS",
    "TRACKED_ASSESSMENT_FIELDS",
    "TRACKED_PROJECT_FIELDS",
    "ConflictError",
    "CycleError",
    "assessment_record",
    "assessment_record_if_current",
    "find_cycle",
    "link_create",
    "link_delete",
    "link_update",
    "links_create_validated",
    "membership_set",
    "portfolio_create",
    "portfolio_inputs_changed",
    "portfolio_update",
    "project_create",
    "project_delete",
    "project_pin_clear",
    "project_pin_set",
    "project_update",
    "record_changes",
]
