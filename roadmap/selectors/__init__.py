"""Reads of the computed plan, one module per job.

- ``snapshots``: the latest ranking snapshot, its ranking rows, and the status of a portfolio's figures.
- ``explanation``: the worked example of "How scores are computed".
- ``schedule``: a snapshot's roadmap rows and value curve, and one project's place on the latest roadmap.
"""
