"""The guard CI relies on: with PLANNER_REQUIRE_REAL_SERVICES=1 a test that needs a missing service fails
instead of skipping, and without it the same test skips with a reason."""

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
NEEDS_POSTGRES_AND_REDIS = "tests/roadmap/test_worker.py::test_edit_is_ranked_by_a_real_worker"
# Without the plugins the guarded test does not use: importing hypothesis is most of the child pytest's start-up.
QUIET_PYTEST = ["-p", "no:cacheprovider", "-p", "no:hypothesispytest", "-p", "no:playwright", "-q", "-rs"]


def run_pytest_without_services(**extra_env: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.pop("PLANNER_REQUIRE_REAL_SERVICES", None)
    env.update(DATABASE_URL="sqlite://:memory:", **extra_env)
    return subprocess.run(
        [sys.executable, "-m", "pytest", NEEDS_POSTGRES_AND_REDIS, *QUIET_PYTEST],
        cwd=REPO,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_test_needing_missing_services_skips_with_a_reason_outside_ci():
    result = run_pytest_without_services()

    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 skipped" in result.stdout
    assert "needs PostgreSQL" in result.stdout


def test_a_test_needing_missing_services_fails_when_real_services_are_required():
    result = run_pytest_without_services(PLANNER_REQUIRE_REAL_SERVICES="1")

    assert result.returncode == 1, result.stdout + result.stderr
    assert "skipped" not in result.stdout
    assert "PLANNER_REQUIRE_REAL_SERVICES=1 but DATABASE_URL does not point at PostgreSQL" in result.stdout
