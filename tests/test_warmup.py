"""A web process imports its views and compiles its templates at start-up (config.warmup), so the first request a
fresh gunicorn worker takes does not wait seconds for them, and nothing it does needs the database."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.template import engines

from config.warmup import project_template_names, warm_up


def compiled_template_names() -> set[str]:
    """Names in the cached template loader (inside django-template-partials' loader)."""
    loaders = list(engines["django"].engine.template_loaders)
    while loaders:
        loader = loaders.pop()
        if hasattr(loader, "get_template_cache"):
            return {key.split("-")[0] for key in loader.get_template_cache}
        loaders += getattr(loader, "loaders", [])
    raise AssertionError("no cached template loader")


def test_warm_up_compiles_every_project_template_without_the_database():
    # No django_db mark: a query here would fail the test.
    engines["django"].engine.template_loaders[0].reset()
    files = sorted(p for p in (Path(settings.BASE_DIR) / "templates").rglob("*") if p.is_file())

    assert warm_up() == len(files) == len(project_template_names()) > 50
    assert {"_base.html", "portfolio/backlog.html", "roadmap/chart.html", "roadmap/roi_chart.svg"} <= (
        compiled_template_names()
    )


@pytest.mark.parametrize("entry", ["config.wsgi", "config.asgi"])
def test_importing_the_application_imports_the_views_before_any_request(entry):
    probe = f"import sys, {entry}; print(all(m in sys.modules for m in sys.argv[1:]))"
    views = ["portfolio.views.backlog", "roadmap.views.chart", "api.rest.views.whatif", "scipy.stats"]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}

    command = [sys.executable, "-c", probe, *views]
    result = subprocess.run(command, cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"
