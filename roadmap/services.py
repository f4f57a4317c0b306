"""The background recompute: enqueue after an input change, coalesce bursts, write snapshots atomically.

Flow: a backlog write bumps ``Portfolio.input_version`` and, after commit, ``on_inputs_changed``
marks the portfolio queued and sends one task (unless one is already queued). The task calls
``portfolio_recompute``, which reads the inputs, runs the math and writes a complete snapshot in one
transaction; if the inputs moved on meanwhile it runs again. A broker that cannot be reached leaves
the edit saved and the portfolio dirty; the beat sweep (``sweep_dirty_portfolios``) catches up.
"""

import logging
import time
from datetime import timedelta

import numpy as np
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Max, OuterRef, Q, Subquery
from django.utils import timezone

from portfolio import scoring, selectors
from portfolio.models import Portfolio

from .models import ProjectScore, RankingSnapshot, RecomputeState

log = logging.getLogger(__name__)

MAX_ROUNDS = 5  # a run chases newer input versions at most this many times, then leaves it to the next task


def seed_for(portfolio_id: int, input_version: int) -> int:
    """The RNG seed of a snapshot: fixed by the portfolio and its input version, so reproducible."""
    return int(np.random.SeedSequence([portfolio_id, input_version]).generate_state(1, dtype=np.uint32)[0])


def _state(portfolio_id: int) -> RecomputeState:
    state, _ = RecomputeState.objects.get_or_create(portfolio_id=portfolio_id)
    return state


def on_inputs_changed(sender, *, portfolio_id: int, **kwargs) -> None:
    """Receiver of ``portfolio.signals.inputs_changed`` (runs after the edit has committed)."""
    recompute_enqueue(portfolio_id=portfolio_id)


def recompute_enqueue(*, portfolio_id: int, force: bool = False) -> bool:
    """Send one recompute task unless one is already queued; return whether a task was sent.

    Never raises: if the broker is unreachable the failure is recorded and the sweep retries later.
    """
    from .tasks import recompute_portfolio  # tasks import services; import here to keep the layers one-way

    _state(portfolio_id)
    now = timezone.now()
    claim = RecomputeState.objects.filter(portfolio_id=portfolio_id)
    if not force:
        claim = claim.filter(queued=False)
    if not claim.update(queued=True, queued_at=now):
        return False
    try:
        recompute_portfolio.apply_async(args=[portfolio_id], retry=False)
    except Exception as exc:  # broker down, DNS, refused connection...: the edit must still stand
        log.warning("Could not enqueue recompute of portfolio %s: %s", portfolio_id, exc)
        RecomputeState.objects.filter(portfolio_id=portfolio_id).update(
            queued=False, broker_unreachable_since=now, last_error=f"Could not reach the task queue: {exc}"[:1000]
        )
        return False
    RecomputeState.objects.filter(portfolio_id=portfolio_id, broker_unreachable_since__isnull=False).update(
        broker_unreachable_since=None
    )
    return True


def _write_snapshot(portfolio: Portfolio, result: scoring.RankingResult, *, seed: int, duration_ms: int):
    """Write a snapshot and all its rows in one transaction: readers see all of it or none of it."""
    fields = [f.name for f in ProjectScore._meta.get_fields() if f.concrete and f.name not in ("id", "snapshot")]
    with transaction.atomic():
        snapshot = RankingSnapshot.objects.create(
            portfolio=portfolio,
            input_version=portfolio.input_version,
            seed=seed,
            trials=result.trials,
            top_k=result.top_k,
            duration_ms=duration_ms,
            settings={
                "cost_per_person_week": portfolio.cost_per_person_week,
                "horizon_years": portfolio.horizon_years,
                "trials": portfolio.trials,
                "top_k": portfolio.top_k,
                "p_easy": portfolio.p_easy,
                "p_hard": portfolio.p_hard,
                "p_impossible": portfolio.p_impossible,
                "value_unit": portfolio.value_unit,
            },
        )
        rows = []
        for score in result.scores:
            values = {f: getattr(score, f) for f in fields if f != "project" and hasattr(score, f)}
            values["tag"] = score.tag or ""
            rows.append(ProjectScore(snapshot=snapshot, project_id=score.key, **values))
        ProjectScore.objects.bulk_create(rows, batch_size=500)
    return snapshot


def compute_once(*, portfolio_id: int) -> RankingSnapshot | None:
    """Compute and store the ranking for the portfolio's current input version (idempotent).

    Returns the snapshot for that version (an existing one if another run got there first), or None
    when the inputs changed while they were being read (the caller tries again).
    """
    version = Portfolio.objects.values_list("input_version", flat=True).get(pk=portfolio_id)
    existing = RankingSnapshot.objects.filter(portfolio_id=portfolio_id, input_version=version).first()
    if existing:
        return existing
    portfolio, projects, links = selectors.scoring_inputs(portfolio_id=portfolio_id)
    if portfolio.input_version != version or Portfolio.objects.get(pk=portfolio_id).input_version != version:
        return None
    seed = seed_for(portfolio_id, version)
    started = time.perf_counter()
    result = scoring.compute_ranking(
        projects, links, selectors.scoring_settings(portfolio), np.random.default_rng(seed)
    )
    duration_ms = int((time.perf_counter() - started) * 1000)
    try:
        return _write_snapshot(portfolio, result, seed=seed, duration_ms=duration_ms)
    except IntegrityError:  # another worker wrote the same version first: same inputs, same seed, same figures
        return RankingSnapshot.objects.get(portfolio_id=portfolio_id, input_version=version)


def portfolio_recompute(*, portfolio_id: int) -> RankingSnapshot | None:
    """Bring the portfolio's ranking up to date with its latest inputs; the task and the command call this."""
    if not Portfolio.objects.filter(pk=portfolio_id).exists():
        return None
    RecomputeState.objects.get_or_create(portfolio_id=portfolio_id)
    # Clear the flag first: an edit from now on sends a fresh task rather than being lost.
    RecomputeState.objects.filter(portfolio_id=portfolio_id).update(queued=False, running_since=timezone.now())
    snapshot = None
    for _ in range(MAX_ROUNDS):
        snapshot = compute_once(portfolio_id=portfolio_id) or snapshot
        latest = Portfolio.objects.values_list("input_version", flat=True).get(pk=portfolio_id)
        if snapshot is not None and snapshot.input_version == latest:
            break
    RecomputeState.objects.filter(portfolio_id=portfolio_id).update(
        running_since=None, last_outcome=RecomputeState.Outcome.OK, last_error="", last_error_at=None
    )
    return snapshot


def recompute_failed(*, portfolio_id: int, error: str) -> None:
    """Record that a recompute gave up after its retries, so pages can say so."""
    RecomputeState.objects.filter(portfolio_id=portfolio_id).update(
        running_since=None,
        queued=False,
        last_outcome=RecomputeState.Outcome.FAILED,
        last_error=error[:2000],
        last_error_at=timezone.now(),
    )


def dirty_portfolio_ids() -> list[int]:
    """Portfolios whose latest snapshot is older than their inputs."""
    latest = (
        RankingSnapshot.objects.filter(portfolio=OuterRef("pk"))
        .values("portfolio")
        .annotate(v=Max("input_version"))
        .values("v")
    )
    return list(
        Portfolio.objects.annotate(done=Subquery(latest))
        .filter(Q(done__isnull=True) | Q(done__lt=F("input_version")))
        .values_list("pk", flat=True)
    )


def sweep_dirty_portfolios() -> list[int]:
    """Enqueue a recompute for every dirty portfolio not already queued (or queued too long ago)."""
    stale = timezone.now() - timedelta(seconds=settings.RECOMPUTE_STALE_AFTER_SECONDS)
    sent = []
    for portfolio_id in dirty_portfolio_ids():
        state = _state(portfolio_id)
        force = state.queued and state.queued_at is not None and state.queued_at < stale
        if recompute_enqueue(portfolio_id=portfolio_id, force=force):
            sent.append(portfolio_id)
    return sent
