"""Writes of the computed plan, one module per job.

- ``recompute``: the background recompute: enqueue after an input change, compute a portfolio's ranking and
  roadmap from one draw, write the snapshot with what it was computed with, prune old snapshots, the beat
  sweep of dirty portfolios and the failure state pages show.
- ``whatif``: what-if scenarios computed inline beside the plan (same seed, a bounded trial budget) and
  "Save as plan".
"""
