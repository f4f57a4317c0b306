"""Make a web process ready before it serves: import every view and compile every template at start-up.

Django imports the URLconf (and with it every view, NumPy and SciPy) on the first request, and compiles each
template the first time it is rendered. In a fresh gunicorn worker that first request took about 2 s of CPU; after a
deploy or a worker restart under load, every request queued behind it waited as long (the load test's p99 stalls,
docs/reliability.md). ``warm_up`` does that work at start-up instead, before the process accepts a connection. It
opens no database or cache connection, so it is safe before gunicorn forks its workers (``--preload``).
"""

from pathlib import Path

from django.template import engines
from django.urls import get_resolver


def project_template_names() -> list[str]:
    """Every file under the project's template directories, named as views and tags load them."""
    names: list[str] = []
    for directory in engines["django"].dirs:
        root = Path(directory)
        names += sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())
    return names


def warm_up() -> int:
    """Import the URLconf's views, fill the URL reversing tables and compile the project's templates into the
    cached template loader. Returns how many templates were compiled."""
    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018 (imports every view module)
    resolver.reverse_dict  # noqa: B018 (what {% url %} and reverse() look names up in)
    engine = engines["django"]
    names = project_template_names()
    for name in names:
        engine.get_template(name)
    return len(names)
