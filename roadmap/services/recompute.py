"""The background recompute: enqueue after an input change, coalesce bursts, write snapshots atomically.

Also what every plan goes through, the recompute's and each what-if's: ``plan_for`` (rank and schedule the
inputs with the portfolio's seed: every project draws from its own streams of it, so a figure moves only when an
input it depends on moved).

Flow: a backlog write bumps ``Portfolio.input_version`` and, after commit, ``on_inputs_changed``
marks the portfolio queued and sends one task (unless one is already queued). The task calls
``portfolio_recompute``, which reads the inputs, runs the math and writes a complete snapshot in one
transaction; if the inputs moved on meanwhile it runs again. A broker that cannot be reached leaves
the edit saved and the portfolio dirty; the beat sweep (``sweep_dirty_portfolios``) catches up.
"""

import gc
import json
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, Max, OuterRef, Q, Subquery
from django.utils import timezone

from portfolio import input_documents, input_selectors, scoring
from portfolio.models import Portfolio

from .. import planning
from ..models import InputDocument, ProjectScore, RankingSnapshot, RecomputeState, ScheduleRow, ValueCurvePoint
from ..signals import snapshot_completed
from . import snapshot_rows

BeforeCommit = Callable[[RankingSnapshot], None]

log = logging.getLogger(__name__)

MAX_ROUNDS = 5  # a run chases newer input versions at most this many times, then leaves it to the next task
PRUNE_BATCH = 25  # old snapshots deleted per recompute at most (each holds two rows per project)


def _figures_current() -> Exists:
    """For a RecomputeState: its portfolio has a snapshot of its latest input version (no task is needed)."""
    return Exists(
        RankingSnapshot.objects.filter(
            portfolio_id=OuterRef("portfolio_id"), input_version__gte=OuterRef("portfolio__input_version")
        )
    )


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
    from ..tasks import recompute_portfolio  # tasks import services; import here to keep the layers one-way

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
        state = RecomputeState.objects.filter(portfolio_id=portfolio_id)
        state.update(queued=False)
        # "Unreachable" only while the figures still wait for a run. A publish can fail after another process's
        # task has already brought them up to date (a pooled connection gone stale while the broker restarted):
        # recording it then would leave the banner saying "task queue unreachable" about a queue that works,
        # and nothing would ever clear it.
        state.exclude(_figures_current()).update(
            broker_unreachable_since=now, last_error=f"Could not reach the task queue: {exc}"[:1000]
        )
        return False
    RecomputeState.objects.filter(portfolio_id=portfolio_id, broker_unreachable_since__isnull=False).update(
        broker_unreachable_since=None
    )
    return True


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused for a while, then as it was.

    Reading a big portfolio's inputs and turning its figures into rows allocate a few hundred thousand small
    objects and no cycles to speak of, yet the collector walks the whole heap over and over meanwhile: at 10,000
    projects, three quarters of the time spent building the roadmap rows. Reference counting still frees
    everything as usual; only cycles wait until the collector is back."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _write_snapshot(
    portfolio: Portfolio,
    result: scoring.RankingResult,
    plan: planning.RoadmapPlan,
    *,
    seed: int,
    duration_ms: int,
    document: dict,
    calibrated_ranges: bool = False,
    before_commit: BeforeCommit | None = None,
):
    """Write a snapshot with its ranking and roadmap rows and the input ``document`` it was computed from, in one
    transaction: readers see all of it or none (and ``before_commit(snapshot)``'s work, run last inside it)."""
    with transaction.atomic():
        snapshot = RankingSnapshot.objects.create(
            portfolio=portfolio,
            input_version=portfolio.input_version,
            seed=seed,
            trials=result.trials,
            top_k=result.top_k,
            duration_ms=duration_ms,
            value_unit=portfolio.value_unit,
            cost_per_person_week=portfolio.cost_per_person_week,
            horizon_years=portfolio.horizon_years,
            p_easy=portfolio.p_easy,
            p_hard=portfolio.p_hard,
            p_impossible=portfolio.p_impossible,
            capacity=plan.capacity,
            roadmap_start=plan.start,
            **snapshot_rows.funding_fields(plan.funding),
            calibrated_ranges=calibrated_ranges,
        )
        # Tuples written by COPY (multi-row INSERTs off PostgreSQL): no model object per row.
        snapshot_rows.insert_rows(ProjectScore, snapshot_rows.score_rows(snapshot, result, plan.funding))
        snapshot_rows.insert_rows(ScheduleRow, snapshot_rows.schedule_rows(snapshot, plan))
        snapshot_rows.insert_rows(ValueCurvePoint, snapshot_rows.curve_rows(snapshot, plan))
        InputDocument.objects.create(snapshot=snapshot, document=document)
        # In the same transaction: the rows and the planner's count of them become visible together. Refreshed after
        # the commit, pages read the new rows for a while with statistics that took them for none, and under load
        # every backlog request in that window sorted the figures by comparing every project with every row.
        snapshot_rows.refresh_statistics(ProjectScore, ScheduleRow)
        if before_commit is not None:
            before_commit(snapshot)
        transaction.on_commit(lambda: snapshot_completed.send(sender=RankingSnapshot, snapshot=snapshot))
    return snapshot


def plan_for(
    portfolio: Portfolio,
    projects,
    links,
    facts,
    *,
    seed: int,
    capacity: int | None = None,
    trials: int | None = None,
    window_weeks: int | None = None,
) -> tuple[scoring.RankingResult, planning.RoadmapPlan]:
    """Rank, schedule and decide the funding of the given inputs with ``seed``: the recompute and every what-if
    go through here.

    ``trials`` overrides the portfolio's trial count (a what-if over its budget), ``capacity`` and
    ``window_weeks`` its team and planning window; None uses the portfolio's.
    """
    scoring_settings = input_selectors.scoring_settings(portfolio)
    if trials is not None:
        scoring_settings = replace(scoring_settings, trials=trials)
    return planning.compute_plan(
        projects,
        links,
        scoring_settings,
        facts,
        capacity=portfolio.capacity if capacity is None else capacity,
        start=portfolio.roadmap_start,
        seed=seed,
        window_weeks=portfolio.planning_window_weeks if window_weeks is None else window_weeks,
    )


def plan_from_inputs(inputs: input_documents.PlanInputs) -> tuple[scoring.RankingResult, planning.RoadmapPlan]:
    """Rank and schedule one input document's inputs with its own settings and seed (the recompute's plan)."""
    return planning.compute_plan(
        inputs.project_inputs(),
        inputs.links,
        inputs.settings.scoring_settings(),
        inputs.facts(),
        capacity=inputs.settings.capacity,
        start=inputs.settings.roadmap_start,
        seed=inputs.settings.seed,
        window_weeks=inputs.settings.planning_window_weeks,
    )


def read_document(*, portfolio_id: int) -> tuple[Portfolio, dict]:
    """The portfolio and its current planning inputs as an input document, read back through JSON exactly as it
    is stored: what the recompute computes from (the caller checks the input version before and after)."""
    portfolio, inputs = input_selectors.plan_inputs_read(portfolio_id=portfolio_id)
    return portfolio, json.loads(json.dumps(input_documents.to_document(inputs)))


def compute_once(*, portfolio_id: int, before_commit: BeforeCommit | None = None) -> RankingSnapshot | None:
    """Compute and store the ranking and roadmap for the portfolio's current input version (idempotent).

    Both come from one draw (same input version, same seed) and are written in one transaction.
    Returns the snapshot for that version (an existing one if another run got there first), or None
    when the inputs changed while they were being read (the caller tries again).
    """
    version = _input_version(portfolio_id)
    if version is None:
        return None
    existing = RankingSnapshot.objects.filter(portfolio_id=portfolio_id, input_version=version).first()
    if existing:
        return existing
    with collector_paused():
        portfolio, document = read_document(portfolio_id=portfolio_id)
        if portfolio.input_version != version or _input_version(portfolio_id) != version:
            return None
        inputs = input_documents.from_document(document)  # computed FROM the document stored with the snapshot
    seed = inputs.settings.seed
    started = time.perf_counter()
    result, plan = plan_from_inputs(inputs)
    duration_ms = int((time.perf_counter() - started) * 1000)
    try:
        calibrated = inputs.settings.calibrated_ranges
        with collector_paused():
            return _write_snapshot(
                portfolio,
                result,
                plan,
                seed=seed,
                duration_ms=duration_ms,
                document=document,
                calibrated_ranges=calibrated,
                before_commit=before_commit,
            )
    except IntegrityError:
        # Another worker wrote the same version first (same inputs, same seed, same figures): use it. Or the inputs
        # moved on while the math ran (a project deleted: its rows point at nothing); a changed input is not a
        # failure, so the caller runs again on the new version. Anything else is a real failure.
        written = RankingSnapshot.objects.filter(portfolio_id=portfolio_id, input_version=version).first()
        if written is not None:
            return written
        if _input_version(portfolio_id) != version:
            return None
        raise


def _input_version(portfolio_id: int) -> int | None:
    """The portfolio's input version now (None once the portfolio is deleted)."""
    return Portfolio.objects.filter(pk=portfolio_id).values_list("input_version", flat=True).first()


def portfolio_recompute(*, portfolio_id: int, before_commit: BeforeCommit | None = None) -> RankingSnapshot | None:
    """Bring the portfolio's ranking up to date with its latest inputs; the task and the command call this.

    ``before_commit(snapshot)`` runs inside each new snapshot's transaction, after its rows: work that should be
    done before any reader sees the snapshot (the task draws its ROI chart into the cache there)."""
    if not Portfolio.objects.filter(pk=portfolio_id).exists():
        return None
    RecomputeState.objects.get_or_create(portfolio_id=portfolio_id)
    # Clear the flag first: an edit from now on sends a fresh task rather than being lost.
    RecomputeState.objects.filter(portfolio_id=portfolio_id).update(queued=False, running_since=timezone.now())
    snapshot = None
    for _ in range(MAX_ROUNDS):
        snapshot = compute_once(portfolio_id=portfolio_id, before_commit=before_commit) or snapshot
        latest = _input_version(portfolio_id)
        if latest is None:
            return None  # the portfolio was deleted meanwhile: nothing is left to compute
        if snapshot is not None and snapshot.input_version == latest:
            break
    state = RecomputeState.objects.filter(portfolio_id=portfolio_id)
    # Figures of the latest inputs are in: whatever publish failed meanwhile, no task is owed any more.
    state.filter(_figures_current()).update(broker_unreachable_since=None)
    state.update(running_since=None, last_outcome=RecomputeState.Outcome.OK, last_error_at=None)
    # The run's own error is gone; a queue still unreachable (an edit after the last round could not send its task)
    # keeps its message beside its flag.
    state.filter(broker_unreachable_since__isnull=True).update(last_error="")
    snapshots_prune(portfolio_id=portfolio_id)
    return snapshot


def snapshots_prune(*, portfolio_id: int, keep: int | None = None) -> int:
    """Delete the oldest snapshots of a portfolio beyond its newest ``keep`` (``settings.SNAPSHOTS_KEPT``, at
    least 2), with their rows; at most ``PRUNE_BATCH`` per call. The recompute calls this after each run.

    Snapshots marked as review baselines are never deleted. Pages read the newest snapshot (or a baseline's), so a
    page that is reading one while a recompute lands is never reading one of those deleted. Returns how many
    snapshots were deleted.
    """
    keep = max(2, settings.SNAPSHOTS_KEPT if keep is None else keep)
    newest = RankingSnapshot.objects.filter(portfolio_id=portfolio_id).order_by("-input_version")
    cutoff = newest.values_list("input_version", flat=True)[keep - 1 : keep].first()
    if cutoff is None:
        return 0
    # The oldest first, a bounded batch per run: a long history (after lowering SNAPSHOTS_KEPT, or from before
    # pruning existed) goes over several recomputes instead of one run deleting millions of rows.
    older = RankingSnapshot.objects.filter(portfolio_id=portfolio_id, input_version__lt=cutoff)
    older = older.filter(baselines__isnull=True)  # a review baseline's snapshot is kept, with its input document
    batch = list(older.order_by("input_version").values_list("pk", flat=True)[:PRUNE_BATCH])
    if not batch:
        return 0
    _, by_model = RankingSnapshot.objects.filter(pk__in=batch).delete()
    return by_model.get(RankingSnapshot._meta.label, 0)


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
