"""Signals the recompute sends; the webhooks in api/ listen (roadmap never imports api).

``snapshot_completed(snapshot=...)`` is sent once a new snapshot's transaction has committed: its ranking and
roadmap are complete and visible to every reader.
"""

from django.dispatch import Signal

snapshot_completed = Signal()
