#!/usr/bin/env bash
# Install the test dependencies into .venv and run the whole test suite; extra arguments go to pytest.
#
#   bash scripts/test.sh                       # PostgreSQL / Redis / worker tests skip with a reason
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test REDIS_URL=redis://127.0.0.1:6379/0 bash scripts/test.sh
#   bash scripts/test.sh tests/portfolio -k demo
#
# The browser tests drive Debian's chromium (/usr/bin/chromium); as root with apt-get, this script
# installs it when missing, otherwise those tests skip with a reason. The exit code is pytest's.
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

if [ ! -x .venv/bin/python ] || ! python_ok .venv/bin/python; then
  python=$(find_python) || die "Python 3.11 or newer is needed (found: $(python3 --version 2>&1 || echo 'no python3')).
Install it or point PYTHON at it: PYTHON=/path/to/python3.12 bash $0"
  echo "Creating .venv with $("$python" --version 2>&1)..."
  "$python" -m venv --clear .venv || die "could not create .venv; on Debian/Ubuntu install the venv module: apt-get install python3-venv"
fi
PY=.venv/bin/python

stamp=.venv/.planner-installed-test
wanted=$(cksum < pyproject.toml)
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
  echo "Installing the app and its test dependencies into .venv..."
  "$PY" -m pip install -qq --disable-pip-version-check --no-input -e ".[test]" </dev/null
  echo "$wanted" > "$stamp"
fi

chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ ! -x "$chromium" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Debian's chromium for the browser tests (apt-get)..."
    if ! { DEBIAN_FRONTEND=noninteractive apt-get update -qq \
           && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } </dev/null; then
      echo "warning: could not install chromium; the browser tests will be skipped (outside CI)." >&2
    fi
  else
    echo "note: $chromium not found; the browser tests will be skipped (apt-get install chromium)." >&2
  fi
fi

exec "$PY" -m pytest "$@" </dev/null
