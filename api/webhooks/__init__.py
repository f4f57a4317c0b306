"""Webhooks: a portfolio's events POSTed, signed, to the URLs its PMs register.

``signing`` (pure: the HMAC-SHA256 signature and its check), ``addresses`` (no loopback or private targets),
``events`` (the bodies: JSON and the plain-text summary), ``outbox`` (the changes of one transaction gathered into
one event, sent after it commits), ``services`` (register, emit, attempt, send again), ``sending`` (one HTTP POST),
``receivers`` (what the backlog and the recompute announce). The Celery tasks are in ``api.tasks``.
"""
