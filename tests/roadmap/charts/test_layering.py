"""The charts' layering: geometry and formatting import no Django, and no chart module imports a view or a tag."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
PURE = [
    "portfolio.formatting",
    "roadmap.charts.ticks",
    "roadmap.charts.roi",
    "roadmap.charts.timeline",
    "roadmap.charts.value_curve",
    "roadmap.charts.finish_cdf",
    "roadmap.charts.roi_bar",
]


def test_geometry_and_formatting_modules_load_without_django():
    script = f"import sys; import {', '.join(PURE)}; print(sorted(m for m in sys.modules if m.startswith('django')))"
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO)}  # no DJANGO_SETTINGS_MODULE either
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize("path", sorted((REPO / "roadmap" / "charts").glob("*.py")), ids=lambda p: p.name)
def test_no_chart_module_imports_a_view_or_a_template_tag(path):
    tree = ast.parse(path.read_text())
    imported = [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    imported += [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    assert not [name for name in imported if "views" in name.split(".") or "templatetags" in name.split(".")]
