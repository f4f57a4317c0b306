"""Signals the backlog sends; the recompute pipeline in roadmap/ listens (portfolio never imports roadmap).

``inputs_changed(portfolio_id=...)`` is sent after the transaction that changed a ranking input commits.
"""

from django.dispatch import Signal

inputs_changed = Signal()
