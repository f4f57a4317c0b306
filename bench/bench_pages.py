"""Backlog pages and the recompute on PostgreSQL at 1,000 and 10,000 projects, against Django admin's changelist.

    python bench/bench_pages.py [--projects 1000 10000] [--requests 20] [--pg-url postgres://postgres@127.0.0.1:5432]

For each size it drops and re-creates the database ``bench_pages`` (``--db``), seeds a synthetic backlog
(bench/seeding.py) and recomputes it twice with ANALYZE between, then reads the pages straight after the second
recompute, as on a live site (the recompute refreshes the statistics of the snapshot tables' key column itself;
tests/portfolio/test_backlog_query_plans.py checks the sorts' plans without that refresh). Then it prints, as the
median of ``--requests`` requests each (Django test client, in-process, logged in), the backlog page for the
default sort (rank) and for every sortable column in both directions, each request paired with one of Django
admin's changelist of the same projects (the baseline: a plain paginated list of the same table), and the median of the
pairs' ratios. Target: every backlog variant at most 1x the admin.

It also prints the full recompute (read inputs, compute, write the snapshot) against its math alone (the same
``plan_for`` call on inputs already read), median of ``--recomputes`` runs: target at most 1.25x.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import psycopg

REPO_ROOT = Path(__file__).resolve().parents[1]
SORTS = ("name", "status", "owner", "impact", "effort", "tag", "rank", "roi", "ptopk")
TARGET_PAGE_RATIO = 1.0
TARGET_RECOMPUTE_RATIO = 1.25


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--projects", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--requests", type=int, default=20, help="requests per page variant (median reported)")
    parser.add_argument("--recomputes", type=int, default=3, help="recompute runs per size (median reported)")
    parser.add_argument("--pg-url", default=os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432"))
    parser.add_argument("--db", default="bench_pages")
    return parser.parse_args()


def _fresh_database(pg_url: str, name: str) -> None:
    with psycopg.connect(f"{pg_url}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.pop("REDIS_URL", None)  # tasks in-process: the recompute is called directly anyway
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("STATICFILES_BACKEND", "django.contrib.staticfiles.storage.StaticFilesStorage")
    sys.path.insert(0, str(REPO_ROOT))
    sys.path.insert(0, str(REPO_ROOT / "bench"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _paired_ms(call, baseline, repeat: int) -> tuple[float, float, float]:
    """(median ms of ``call``, median ms of ``baseline``, median of the per-pair ratio), the two run in turn
    (A B A B ...) so that a machine whose speed drifts slows both alike."""
    call()  # warm-up: templates compiled, connection open
    baseline()
    times, base_times, ratios = [], [], []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        middle = time.perf_counter()
        baseline()
        ended = time.perf_counter()
        times.append((middle - started) * 1000)
        base_times.append((ended - middle) * 1000)
        ratios.append(times[-1] / base_times[-1])
    return statistics.median(times), statistics.median(base_times), statistics.median(ratios)


def _get(client, url: str):
    def call():
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"GET {url} answered {response.status_code}")

    return call


def _bump_input_version(portfolio_id: int) -> None:
    """An input change without its signal (which would recompute in-process at once: no broker here)."""
    from django.db.models import F

    from portfolio.models import Portfolio

    Portfolio.objects.filter(pk=portfolio_id).update(input_version=F("input_version") + 1)


def _recompute_figures(portfolio_id: int, repeat: int) -> tuple[float, float]:
    """(median full recompute ms, median math-alone ms); each full run follows an input-version bump."""
    from portfolio import input_documents
    from roadmap.services import recompute as services

    full, math = [], []
    for _ in range(repeat):
        _bump_input_version(portfolio_id)
        started = time.perf_counter()
        services.portfolio_recompute(portfolio_id=portfolio_id)
        full.append((time.perf_counter() - started) * 1000)
        _, document = services.read_document(portfolio_id=portfolio_id)
        inputs = input_documents.from_document(document)
        started = time.perf_counter()
        services.plan_from_inputs(inputs)  # the recompute's math: the same inputs, settings and seed
        math.append((time.perf_counter() - started) * 1000)
    return statistics.median(full), statistics.median(math)


def _one_size(projects: int, args: argparse.Namespace) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from seeding import seed_backlog

    from portfolio import services as portfolio_services
    from portfolio.models import Portfolio
    from roadmap.services import recompute as services

    Portfolio.objects.all().delete()
    portfolio = portfolio_services.portfolio_create(name=f"Bench {projects}", slug=f"bench-{projects}")
    seed_backlog(portfolio, projects)
    User = get_user_model()
    pm = User.objects.create_user(f"pm-{projects}", password="bench-pass-123")
    admin = User.objects.create_superuser(f"admin-{projects}", password="bench-pass-123")
    portfolio_services.membership_set(user=pm, portfolio=portfolio, role="pm")

    full_ms, math_ms = _recompute_figures(portfolio.pk, args.recomputes)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    _bump_input_version(portfolio.pk)
    services.portfolio_recompute(portfolio_id=portfolio.pk)  # a snapshot the statistics have not seen

    pm_client, admin_client = Client(), Client()
    pm_client.force_login(pm)
    admin_client.force_login(admin)
    admin = _get(admin_client, f"/admin/portfolio/project/?portfolio__id__exact={portfolio.pk}")
    print(f"\n{projects:,} projects, straight after a recompute (median of {args.requests} requests, each paired")
    print("with one of the admin changelist; the ratio is the median of the pairs' ratios)")
    print(f"  {'page':<32} {'ms':>8} {'admin ms':>9} {'x admin':>8}")
    worst = 0.0
    backlog = f"/p/{portfolio.slug}/"
    variants = [("backlog, default sort (rank)", backlog)]
    variants += [(f"backlog, sort={s} {d}", f"{backlog}?sort={s}&dir={d}") for s in SORTS for d in ("asc", "desc")]
    for label, url in variants:
        ms, admin_ms, ratio = _paired_ms(_get(pm_client, url), admin, args.requests)
        worst = max(worst, ratio)
        print(f"  {label:<32} {ms:8.1f} {admin_ms:9.1f} {ratio:8.2f}")
    verdict = "met" if worst <= TARGET_PAGE_RATIO else "NOT met"
    print(f"  worst backlog variant {worst:.2f}x the admin (target <= {TARGET_PAGE_RATIO:g}x: {verdict})")
    ratio = full_ms / math_ms
    verdict = "met" if ratio <= TARGET_RECOMPUTE_RATIO else "NOT met"
    print(
        f"  recompute {full_ms:,.0f} ms vs its math alone {math_ms:,.0f} ms (median of {args.recomputes}): "
        f"{ratio:.2f}x (target <= {TARGET_RECOMPUTE_RATIO:g}x: {verdict})"
    )


def main() -> None:
    args = _arguments()
    _fresh_database(args.pg_url, args.db)
    _setup_django(f"{args.pg_url}/{args.db}")
    for projects in args.projects:
        _one_size(projects, args)


if __name__ == "__main__":
    main()
