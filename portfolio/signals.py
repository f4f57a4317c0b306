"""Signals the backlog sends; the recompute pipeline in roadmap/ and the webhooks in api/ listen (portfolio never
imports either).

``inputs_changed(portfolio_id=...)`` is sent after the transaction that changed a ranking input commits.
``project_changed(project=..., action="created" | "updated" | "deleted", fields=[...], user=...)`` and
``assessment_recorded(assessment=..., user=...)`` are sent inside the transaction that makes the change (a
receiver that acts on them defers its work with ``transaction.on_commit``, so a rolled-back change sends nothing).
"""

from django.dispatch import Signal

inputs_changed = Signal()
project_changed = Signal()
assessment_recorded = Signal()
