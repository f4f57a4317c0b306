"""ASGI entry point (an ASGI server such as uvicorn, ``config.asgi:application``). Like the WSGI one, the process
imports its views and compiles its templates before it serves a request (config.warmup)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_asgi_application()

from config.warmup import warm_up  # noqa: E402 (needs the settings configured above)

warm_up()
