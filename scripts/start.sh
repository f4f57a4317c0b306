#!/usr/bin/env bash
# Set up and start the ML portfolio planner with its demo data, on the embedded defaults:
# a SQLite file and Celery tasks run in-process (no PostgreSQL or Redis needed).
#
#   bash scripts/start.sh            # then open http://127.0.0.1:8000/
#   HOST=0.0.0.0 PORT=8080 bash scripts/start.sh
#
# Creates .venv with Python 3.11+ if missing, installs the app, migrates, collects static files,
# loads the demo portfolio (users owner / pm / em / lead / admin, password demo-pass-123) and runs the
# development server. It runs as production does: DEBUG off (the app's own 404/403/500 pages), static
# files collected and served by WhiteNoise, only the hosts it serves allowed, mail (password resets,
# invitations) printed here by the console email backend. Environment variables (DATABASE_URL,
# REDIS_URL, DEBUG, ALLOWED_HOSTS, EMAIL_URL, ...) are honoured.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

die() { echo "error: $*" >&2; exit 1; }

python_ok() { "$1" -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; }

find_python() {
  local candidate
  for candidate in "${PYTHON:-}" python3 python3.13 python3.12 python3.11 python; do
    if [ -n "$candidate" ] && command -v "$candidate" >/dev/null 2>&1 && python_ok "$candidate"; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

# A virtual environment of our own, with Python 3.11 or newer.
if [ ! -x .venv/bin/python ] || ! python_ok .venv/bin/python; then
  python=$(find_python) || die "Python 3.11 or newer is needed (found: $(python3 --version 2>&1 || echo 'no python3')).
Install it (e.g. apt-get install python3, or from https://www.python.org/) or point PYTHON at it: PYTHON=/path/to/python3.12 bash $0"
  echo "Creating .venv with $("$python" --version 2>&1)..."
  "$python" -m venv --clear .venv || die "could not create .venv; on Debian/Ubuntu install the venv module: apt-get install python3-venv"
fi
PY=.venv/bin/python

# Install the app (skipped when pyproject.toml has not changed since the last install).
stamp=.venv/.planner-installed-app
wanted=$(cksum < pyproject.toml)
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
  echo "Installing the app and its dependencies into .venv..."
  "$PY" -m pip install -qq --disable-pip-version-check --no-input -e . </dev/null
  echo "$wanted" > "$stamp"
fi

export HOST="${HOST:-127.0.0.1}" PORT="${PORT:-8000}"

# Host names Django answers to: the local ones and HOST; serving every interface (0.0.0.0, ::) adds this
# machine's name and addresses. An ALLOWED_HOSTS already set is kept as it is.
if [ -z "${ALLOWED_HOSTS:-}" ]; then
  hosts="localhost,127.0.0.1,[::1]"
  case "$HOST" in
    0.0.0.0|::|"[::]")
      hosts="$hosts,$(hostname)"
      for address in $(hostname -I 2>/dev/null || true); do
        case "$address" in *:*) hosts="$hosts,[$address]" ;; *) hosts="$hosts,$address" ;; esac
      done ;;
    localhost|127.0.0.1|"[::1]") ;;
    *) hosts="$hosts,$HOST" ;;
  esac
  export ALLOWED_HOSTS="$hosts"
fi

"$PY" manage.py migrate --noinput -v 0
# WhiteNoise serves the collected files (hashed names, compressed) with DEBUG off, runserver included.
"$PY" manage.py collectstatic --noinput -v 0

# load_demo refuses to run with DEBUG off unless told that this is on purpose, where it has that option.
demo_args=()
if "$PY" manage.py load_demo --help 2>/dev/null | grep -- "--i-know-this-is-production" >/dev/null; then
  demo_args+=(--i-know-this-is-production)
fi
"$PY" manage.py load_demo ${demo_args[@]+"${demo_args[@]}"}

echo
echo "Serving at http://$HOST:$PORT/ (Ctrl+C stops it). Mail (password resets, invitations) is printed below."
exec "$PY" manage.py runserver "$HOST:$PORT" </dev/null
