#!/usr/bin/env bash
# Load test: 50 simulated users for 60 s on a 1,000-project portfolio, against gunicorn (WEB_WORKERS, default 5 = 2 x cores + 1) with
# PostgreSQL, a Redis of its own, one Celery worker and beat. Prints requests/s, p50/p95/p99 latency for
# reads and writes, errors and 5xx, lost writes, and the time until the ranking reflects the last edit.
#
#   bash bench/run_loadtest.sh
#   USERS=50 DURATION=60s PROJECTS=1000 PG_URL=postgres://postgres@127.0.0.1:5432 bash bench/run_loadtest.sh
#
# Needs: PostgreSQL reachable at PG_URL (the database "loadtest" is dropped and re-created), redis-server
# on PATH (started here on REDIS_PORT, no persistence), and locust (pip install -e '.[load]').
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

USERS="${USERS:-50}"
DURATION="${DURATION:-60s}"
PROJECTS="${PROJECTS:-1000}"
PG_URL="${PG_URL:-postgres://postgres@127.0.0.1:5432}"
DB_NAME="${DB_NAME:-loadtest}"
REDIS_PORT="${REDIS_PORT:-6392}"
WEB_PORT="${WEB_PORT:-8765}"
WEB_WORKERS="${WEB_WORKERS:-5}"  # gunicorn sync workers: 2 x cores + 1, as gunicorn advises
OUT="${OUT:-/tmp/planner-loadtest}"
PY="${PY:-.venv/bin/python}"

rm -rf "$OUT" && mkdir -p "$OUT"
export DATABASE_URL="$PG_URL/$DB_NAME"
export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0" CACHE_URL="redis://127.0.0.1:$REDIS_PORT/1"  # drawn charts shared by all web processes
export DJANGO_SETTINGS_MODULE=config.settings DEBUG=false PYTHONUNBUFFERED=1
export STATICFILES_BACKEND=django.contrib.staticfiles.storage.StaticFilesStorage  # no collectstatic needed
export SWEEP_INTERVAL_SECONDS=5 LOG_LEVEL=WARNING CONN_MAX_AGE=60
export AXES_FAILURE_LIMIT=1000  # 50 logins from one address within a second are the test, not an attack
export LOADTEST_OUT="$OUT" LOADTEST_PROJECTS="$OUT/projects.json" LOADTEST_SLUG=load

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

echo "== database $DB_NAME (fresh), Redis on port $REDIS_PORT, web on port $WEB_PORT"
psql "$PG_URL/postgres" -qc "DROP DATABASE IF EXISTS $DB_NAME" -c "CREATE DATABASE $DB_NAME" >/dev/null
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no >"$OUT/redis.log" 2>&1 &
pids+=($!)
"$PY" manage.py migrate -v0

echo "== workers"
nice -n "${WORKER_NICE:-10}" "$PY" -m celery -A config worker --concurrency=1 --loglevel=WARNING -n "loadtest@%h" >"$OUT/worker.log" 2>&1 &
pids+=($!)
"$PY" -m celery -A config beat --loglevel=WARNING --schedule "$OUT/beat-schedule" >"$OUT/beat.log" 2>&1 &
pids+=($!)
# Access log: method, path, status, time spent in Django (ms); the difference to locust's figure is queueing.
"$PY" -m gunicorn config.wsgi:application --preload --workers "$WEB_WORKERS" --bind "127.0.0.1:$WEB_PORT" --access-logfile - \
  --access-logformat '%(m)s %(U)s %(s)s %(M)s' --error-logfile "$OUT/gunicorn-error.log" >"$OUT/access.log" 2>&1 &
pids+=($!)

echo "== data: $PROJECTS projects"
"$PY" bench/loadtest_data.py setup "$OUT" "$PROJECTS"
for _ in $(seq 1 60); do
  curl -fsS -o /dev/null "http://127.0.0.1:$WEB_PORT/accounts/login/" && break
  sleep 0.5
done
# Start from a current ranking, so the catch-up measured at the end is the load test's own.
"$PY" - <<'EOF'
import os, time, django
django.setup()
from portfolio.models import Portfolio
from roadmap.models import RankingSnapshot
p = Portfolio.objects.get(slug=os.environ["LOADTEST_SLUG"])
deadline = time.monotonic() + 300
while not RankingSnapshot.objects.filter(portfolio=p, input_version=p.input_version).exists():
    if time.monotonic() > deadline:
        raise SystemExit("the first ranking did not appear within 300 s (see worker.log)")
    time.sleep(0.5)
s = RankingSnapshot.objects.filter(portfolio=p).latest()
print(f"first ranking: {s.scores.count()} rows in {s.duration_ms} ms")
EOF

echo "== locust: $USERS users for $DURATION"
"$PY" bench/cpu_usage.py snapshot "$OUT/cpu-before.json"
"$PY" -m locust -f bench/loadtest.py --headless -u "$USERS" -r 25 -t "$DURATION" \
  --host "http://127.0.0.1:$WEB_PORT" --stop-timeout 30 --csv "$OUT/locust" --only-summary --loglevel WARNING || true
"$PY" bench/cpu_usage.py snapshot "$OUT/cpu-after.json"
"$PY" bench/cpu_usage.py report "$OUT/cpu-before.json" "$OUT/cpu-after.json" | tee "$OUT/cpu.txt"
"$PY" - "$OUT/access.log" <<'EOF'
import re, sys
import numpy as np
groups = {}
n5xx = 0
for line in open(sys.argv[1]):
    m = re.match(r"(GET|POST) (\S+) (\d{3}) (\d+)$", line.strip())
    if not m:
        continue
    method, path, status, ms = m.group(1), m.group(2), int(m.group(3)), int(m.group(4))
    n5xx += status >= 500
    page = re.sub(r"/\d+/", "/<id>/", path)
    groups.setdefault(f"{method} {page}", []).append(ms)
print(f"gunicorn access log: {sum(map(len, groups.values()))} requests, {n5xx} with status 5xx; time in Django:")
for name, values in sorted(groups.items()):
    if len(values) >= 5:
        p50, p95 = np.percentile(values, [50, 95])
        print(f"  {name:40s} n={len(values):5d}  p50 {p50:.0f} ms  p95 {p95:.0f} ms")
EOF

echo "== check"
"$PY" bench/loadtest_data.py check "$OUT"
