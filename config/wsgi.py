"""WSGI entry point (gunicorn config.wsgi). The process imports its views and compiles its templates here, before
it serves a request (config.warmup); with ``gunicorn --preload`` that is done once, before the workers fork."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

from config.warmup import warm_up  # noqa: E402 (needs the settings configured above)

warm_up()
