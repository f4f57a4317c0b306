"""The open planner: a REST API (``api.rest``), API tokens (``api.tokens``), signed webhooks (``api.webhooks``) and
read-only share links (``api.share_links``).

Every write that comes in through here goes through the backlog's own services (``portfolio.services``,
``roadmap.services.whatif``, ``portfolio.csv_import``), so validation, history, version checks and the recompute
behave as they do on the pages. ``portfolio`` and ``roadmap`` never import this app: it listens to their signals.
"""
