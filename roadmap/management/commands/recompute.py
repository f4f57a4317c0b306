"""``manage.py recompute --portfolio NAME_OR_SLUG`` (or ``--all``): rank a portfolio now, in this process."""

import datetime
import time
from collections.abc import Iterable

from django.core.management.base import BaseCommand, CommandError

from portfolio import selectors as portfolio_selectors
from portfolio.models import Portfolio
from roadmap.selectors import schedule, snapshots
from roadmap.services.recompute import portfolio_recompute

TOP = 5


def _last(dates: Iterable[datetime.date | None]) -> datetime.date | None:
    """The latest of the dates (a scheduled row has them all), None when there is none."""
    return max((d for d in dates if d is not None), default=None)


class Command(BaseCommand):
    help = (
        "Recompute a portfolio's ranking synchronously (no task queue needed) and print the input version, "
        "seed, trials, duration and the top 5. The same inputs always give the same figures."
    )

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--portfolio", metavar="NAME_OR_SLUG", help="The portfolio's slug or name.")
        which.add_argument("--all", action="store_true", dest="all_portfolios", help="Every portfolio.")

    def handle(self, *args, portfolio: str | None = None, all_portfolios: bool = False, **options):
        if all_portfolios:
            portfolios = list(Portfolio.objects.order_by("name"))
            if not portfolios:
                self.stdout.write("There are no portfolios.")
        else:
            found = portfolio_selectors.portfolio_by_name_or_slug(portfolio or "")
            if found is None:
                raise CommandError(f'No portfolio has the slug or name "{portfolio}".')
            portfolios = [found]
        for each in portfolios:
            self._recompute(each)

    def _recompute(self, portfolio: Portfolio) -> None:
        before = snapshots.latest_snapshot(portfolio=portfolio)
        started = time.perf_counter()
        snapshot = portfolio_recompute(portfolio_id=portfolio.pk)
        elapsed = time.perf_counter() - started
        if snapshot is None:
            raise CommandError(f'Portfolio "{portfolio.name}" could not be recomputed (was it deleted meanwhile?).')
        unit = snapshot.value_unit
        if before is not None and before.pk == snapshot.pk:
            self.stdout.write(f'"{portfolio.name}" ({portfolio.slug}) was already up to date; its figures:')
        else:
            self.stdout.write(self.style.SUCCESS(f'Recomputed "{portfolio.name}" ({portfolio.slug}).'))
        self.stdout.write(
            f"  input version {snapshot.input_version}, seed {snapshot.seed}, {snapshot.trials} trials, "
            f"ranking computed in {snapshot.duration_ms} ms (command took {elapsed:.2f} s)"
        )
        ranked = [s for s in snapshots.snapshot_scores(snapshot=snapshot) if s.rank is not None][:TOP]
        if not ranked:
            self.stdout.write("  no ranked projects (a project needs an effort range and a status still to be built)")
        for score in ranked:
            self.stdout.write(
                f"  #{score.rank} {score.name}: expected ROI {score.expected_roi:+.0%}, "
                f"P(top-{snapshot.top_k}) {score.p_top_k:.0%}, expected value {score.expected_value:,.4g} {unit}, "
                f"expected effort {score.expected_effort:,.4g} person-weeks"
            )
        self._roadmap(snapshot, unit)

    def _roadmap(self, snapshot, unit: str) -> None:
        """The roadmap computed in the same run: how many scheduled, the last P50/P90 finish, the value at the end."""
        rows = [r for r in schedule.schedule_rows(snapshot=snapshot) if r.position is not None]
        capacity = snapshot.capacity
        if not rows:
            self.stdout.write(f"  roadmap: no project scheduled (team of {capacity} people)")
            return
        curve = schedule.value_curve_points(snapshot=snapshot)
        self.stdout.write(
            f"  roadmap: {len(rows)} projects scheduled for a team of {capacity} people from "
            f"{snapshot.roadmap_start}; last finish P50 {_last(r.finish_p50 for r in rows)}, "
            f"P90 {_last(r.finish_p90 for r in rows)}; annual value delivered by then P10/P50/P90 "
            f"{curve[-1].p10:,.4g} / {curve[-1].p50:,.4g} / {curve[-1].p90:,.4g} {unit} per year"
        )
