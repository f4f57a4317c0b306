"""``manage.py calibration --portfolio NAME --format json|text``: how good the estimates have been."""

import json

from django.core.management.base import BaseCommand, CommandError

from portfolio import calibration_selectors, formatting
from portfolio import selectors as portfolio_selectors


class Command(BaseCommand):
    help = (
        "Calibration of a portfolio's estimators against what happened (DESIGN.md, 'Learning from delivery'): per "
        "kind (effort, impact) and estimator, plus the pooled row 'all': n, hit rate (share of actuals inside "
        "P10-P90; 80% is calibrated), bias (median actual / PERT mean), stretch (null under 5 estimates) and the "
        "10-bin PIT histogram; per feasibility tag the observed success rate with its Wilson 80% interval against "
        "the assumed probability."
    )

    def add_arguments(self, parser):
        parser.add_argument("--portfolio", required=True, metavar="NAME_OR_SLUG", help="The portfolio's slug or name.")
        parser.add_argument("--format", choices=["json", "text"], default="text", dest="output_format")

    def handle(self, *args, portfolio: str, output_format: str = "text", **options):
        found = portfolio_selectors.portfolio_by_name_or_slug(portfolio)
        if found is None:
            raise CommandError(f'No portfolio has the slug or name "{portfolio}".')
        report = calibration_selectors.calibration_report(portfolio=found)
        if output_format == "json":
            self.stdout.write(json.dumps(report.document(), indent=2))
            return
        for row in report.estimators:
            self.stdout.write(
                f"{row.kind:<7} {row.estimator:<20} n={row.n:<4} hit rate {formatting.percent(row.hit_rate)} "
                f"bias {formatting.plain_number(row.bias) if row.bias is not None else '-'} "
                f"stretch {row.stretch if row.stretch is not None else '-'}  PIT {list(row.pit_histogram)}"
            )
        for tag in report.tags:
            low, high = tag.interval
            flag = "  OUTSIDE" if tag.flagged else ""
            self.stdout.write(
                f"{tag.tag:<11} n={tag.n:<4} success {formatting.percent(tag.success_rate)} "
                f"(80% interval {formatting.percent(low)}-{formatting.percent(high)}), assumed "
                f"{formatting.percent(tag.assumed)}{flag}"
            )
