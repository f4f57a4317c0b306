"""``manage.py changes --portfolio NAME --since LABEL --format json|text``: what moved since a baseline, and why."""

import json

from django.core.management.base import BaseCommand, CommandError

from portfolio import formatting
from portfolio import selectors as portfolio_selectors
from roadmap.models import ChangesReport
from roadmap.selectors import baselines, snapshots
from roadmap.services.changes import changes_now

FIGURES = ("rank", "expected_roi", "p_top_k", "finish_p50")


def _figures(shown: dict | None) -> dict | None:
    return None if shown is None else {key: shown[key] for key in FIGURES}


class Command(BaseCommand):
    help = (
        "Compare a portfolio's current figures with a review baseline: per project rank, expected ROI, P(top-K) and "
        "finish P50 before and after, and the causes (each group of input changes with its effect on expected ROI, "
        "plus the interaction: together they add up to the change). Computed here if not stored yet."
    )

    def add_arguments(self, parser):
        parser.add_argument("--portfolio", required=True, metavar="NAME_OR_SLUG", help="The portfolio's slug or name.")
        parser.add_argument("--since", required=True, metavar="LABEL", help="The baseline's name.")
        parser.add_argument("--format", choices=["json", "text"], default="text", dest="output_format")

    def handle(self, *args, portfolio: str, since: str, output_format: str = "text", **options):
        found = portfolio_selectors.portfolio_by_name_or_slug(portfolio)
        if found is None:
            raise CommandError(f'No portfolio has the slug or name "{portfolio}".')
        baseline = baselines.baseline_by_name(portfolio=found, name=since)
        if baseline is None:
            raise CommandError(f'"{found.name}" has no baseline called "{since}".')
        snapshot = snapshots.latest_snapshot(portfolio=found)
        if snapshot is None:  # a baseline marks a snapshot, so there is one; the check keeps the types honest
            raise CommandError(f'"{found.name}" has no figures yet.')
        report = changes_now(baseline=baseline, snapshot=snapshot)
        result = report.result
        if report.status != ChangesReport.Status.DONE or result is None:
            raise CommandError(f"The comparison could not be computed: {report.error or report.status}")
        projects = [
            {
                "name": row["name"],
                "change": row["change"],
                "before": _figures(row["before"]),
                "after": _figures(row["after"]),
                "causes": row["causes"],
                "interaction": row["interaction"],
            }
            for row in result["projects"]
        ]
        if output_format == "json":
            document = {"portfolio": found.name, "baseline": baseline.name, **result, "projects": projects}
            document.pop("groups", None)
            self.stdout.write(json.dumps(document, indent=2))
            return
        self._text(found, baseline, result, projects)

    def _text(self, portfolio, baseline, result: dict, projects: list[dict]) -> None:
        self.stdout.write(
            f'"{portfolio.name}" since "{baseline.name}": input version {result["baseline"]["input_version"]} -> '
            f"{result['now']['input_version']}; {len(result['groups'])} groups of input changes."
        )
        for row in projects:
            before, after = row["before"] or {}, row["after"] or {}
            if row["change"] != "moved":
                self.stdout.write(f"  {row['name']}: {row['change']}")
                continue
            self.stdout.write(
                f"  {row['name']}: rank {before['rank'] or '-'} -> {after['rank'] or '-'}, expected ROI "
                f"{formatting.roi(before['expected_roi'])} -> {formatting.roi(after['expected_roi'])}"
            )
            for cause in row["causes"]:
                self.stdout.write(f"    {formatting.roi_points(cause['effect'])}  {cause['description']}")
            if row["interaction"] is not None:
                self.stdout.write(f"    {formatting.roi_points(row['interaction'])}  interaction")
