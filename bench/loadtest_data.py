"""Data for the load test and the check after it (run by bench/run_loadtest.sh with its own DATABASE_URL).

    python bench/loadtest_data.py setup OUT_DIR [PROJECTS]   # portfolio "load", its users and their sessions
    python bench/loadtest_data.py check OUT_DIR              # lost writes? time until the ranking is current?

``setup`` writes the backlog directly (bulk, one input-version bump) rather than through 1,000 service calls:
it is seed data, not what is measured. ``check`` compares every write the load test recorded as successful
with the database and waits for the ranking to catch up with the last edit.
"""

import json
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db.models import Max  # noqa: E402
from django.test import Client  # noqa: E402
from seeding import seed_backlog  # noqa: E402  (bench/ is the script's directory)

from portfolio import services  # noqa: E402
from portfolio.models import Change, FeasibilityAssessment, Membership, Portfolio, Project  # noqa: E402
from roadmap.models import RankingSnapshot  # noqa: E402

SLUG = os.environ.get("LOADTEST_SLUG", "load")
PASSWORD = os.environ.get("LOADTEST_PASSWORD", "load-pass-123")
USERS = {"pm": ("pm", 15), "em": ("em", 10), "lead": ("leadership", 25)}  # one account per simulated user
CATCH_UP_TIMEOUT = 300  # s


def setup(out: Path, projects: int) -> None:
    Portfolio.objects.filter(slug=SLUG).delete()
    portfolio = services.portfolio_create(name="Load test portfolio", slug=SLUG)
    ids = seed_backlog(portfolio, projects)
    User = get_user_model()
    sessions = {}
    for prefix, (role, count) in USERS.items():
        for n in range(1, count + 1):
            user, _ = User.objects.get_or_create(username=f"{prefix}-{n:02d}")
            user.set_password(PASSWORD)
            user.save()
            Membership.objects.update_or_create(user=user, portfolio=portfolio, defaults={"role": role})
            # Logged in beforehand: 50 password hashes (PBKDF2, ~0.5 s of CPU each) are not the mix under test.
            client = Client()
            client.force_login(user)
            sessions[user.username] = client.cookies[settings.SESSION_COOKIE_NAME].value
    services.portfolio_inputs_changed(portfolio_id=portfolio.pk)  # one recompute of the seeded backlog
    out.mkdir(parents=True, exist_ok=True)
    (out / "projects.json").write_text(json.dumps(ids))
    (out / "sessions.json").write_text(json.dumps(sessions))
    users = sum(count for _, count in USERS.values())
    print(f"portfolio {SLUG!r}: {len(ids)} projects, {int(projects * 0.8)} assessed, {users} users")


def _read_writes(out: Path) -> list[dict]:
    path = out / "writes.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def check_lost_writes(writes: list[dict]) -> list[str]:
    """Every write the load test saw succeed is in the database, and the latest one per project stands."""
    problems = []
    impact = [w for w in writes if w["kind"] == "impact"]
    recorded = defaultdict(list)
    for change in Change.objects.filter(field="impact_high").values("project_id", "new"):
        recorded[change["project_id"]].append(float(change["new"]))
    for w in impact:
        if not any(abs(v - w["impact_high"]) < 1e-6 for v in recorded[w["project"]]):
            problems.append(f"impact edit lost: project {w['project']} impact_high={w['impact_high']}")
    if sum(len(v) for v in recorded.values()) != len(impact):
        problems.append(f"{sum(len(v) for v in recorded.values())} impact changes stored, {len(impact)} saves seen")
    latest: dict[int, dict] = {}
    for w in impact:
        if w["project"] not in latest or w["based_on"] > latest[w["project"]]["based_on"]:
            latest[w["project"]] = w
    finals = dict(Project.objects.filter(pk__in=latest).values_list("pk", "impact_high"))
    for pk, w in latest.items():
        if abs(finals[pk] - w["impact_high"]) > 1e-6:
            problems.append(f"project {pk}: impact_high {finals[pk]} but the last save was {w['impact_high']}")
        if Project.objects.get(pk=pk).version < w["based_on"] + 1:
            problems.append(f"project {pk}: version below the last save's")
    assessments = [w for w in writes if w["kind"] == "assessment"]
    stored = FeasibilityAssessment.objects.filter(rationale__startswith="load test by").count()
    if stored != len(assessments):
        problems.append(f"{stored} load-test assessments stored, {len(assessments)} saves seen")
    return problems


def wait_until_current(portfolio: Portfolio) -> float:
    started = time.monotonic()
    while time.monotonic() - started < CATCH_UP_TIMEOUT:
        version = Portfolio.objects.values_list("input_version", flat=True).get(pk=portfolio.pk)
        done = RankingSnapshot.objects.filter(portfolio=portfolio).aggregate(v=Max("input_version"))["v"] or 0
        if done >= version:
            return time.monotonic() - started
        time.sleep(0.1)
    raise SystemExit(f"the ranking did not catch up within {CATCH_UP_TIMEOUT} s")


def check(out: Path) -> int:
    portfolio = Portfolio.objects.get(slug=SLUG)
    writes = _read_writes(out)
    last_write = max((w["at"] for w in writes), default=time.time())
    waited = wait_until_current(portfolio)
    # When the first snapshot covering the final inputs was written, relative to the last write locust saw.
    version = Portfolio.objects.values_list("input_version", flat=True).get(pk=portfolio.pk)
    first_current = RankingSnapshot.objects.filter(portfolio=portfolio, input_version__gte=version).earliest("pk")
    lag = first_current.computed_at.timestamp() - last_write
    problems = check_lost_writes(writes)
    summary = json.loads((out / "summary.json").read_text()) if (out / "summary.json").exists() else {}
    snapshot = RankingSnapshot.objects.filter(portfolio=portfolio).latest()
    result = {
        "writes_seen_ok": len(writes),
        "impact_edits": sum(w["kind"] == "impact" for w in writes),
        "assessments": sum(w["kind"] == "assessment" for w in writes),
        "lost_writes": len(problems),
        "ranking_current_after_s": round(lag, 1),
        "waited_after_run_s": round(waited, 1),
        "snapshots_written": RankingSnapshot.objects.filter(portfolio=portfolio).count(),
        "last_recompute_ms": snapshot.duration_ms,
    }
    (out / "check.json").write_text(json.dumps(result, indent=2))
    print("\n=== load test results ===")
    print(f"requests {summary.get('requests')}, {summary.get('rps')} req/s over {summary.get('duration_s')} s")
    for category in ("read", "write"):
        if category in summary:
            s = summary[category]
            print(f"{category:5s} n={s['n']:6d}  p50 {s['p50_ms']} ms  p95 {s['p95_ms']} ms  p99 {s['p99_ms']} ms")
            for window, w in summary.get(f"{category}_by_time", {}).items():
                when = window.replace("_", " ")
                print(f"      begun {when:10s} n={w['n']:5d}  p95 {w['p95_ms']} ms  p99 {w['p99_ms']} ms")
    for name, s in summary.get("endpoints", {}).items():
        print(f"  {name:32s} n={s['n']:5d}  p50 {s['p50_ms']} ms  p95 {s['p95_ms']} ms  p99 {s['p99_ms']} ms")
    if summary.get("locust_cpu_s") is not None and summary.get("duration_s"):
        print(f"locust itself used {summary['locust_cpu_s']} CPU s "
              f"({summary['locust_cpu_s'] / summary['duration_s']:.2f} cores) of the same machine")
    print(f"errors {summary.get('failures')} (5xx: {summary.get('5xx')}), "
          f"refused conflicting saves {summary.get('conflicts')}")
    print(f"writes: {result['impact_edits']} impact edits + {result['assessments']} assessments saved; "
          f"lost: {len(problems)}")
    print(f"ranking reflects the last edit {result['ranking_current_after_s']} s after it was saved "
          f"({result['snapshots_written']} snapshots, last recompute {result['last_recompute_ms']} ms)")
    for problem in problems[:20]:
        print("LOST:", problem)
    return 1 if problems or summary.get("5xx") else 0


if __name__ == "__main__":
    command, out_dir = sys.argv[1], Path(sys.argv[2])
    if command == "setup":
        setup(out_dir, int(sys.argv[3]) if len(sys.argv) > 3 else 1000)
    elif command == "check":
        sys.exit(check(out_dir))
    else:
        sys.exit(f"unknown command {command!r}")
