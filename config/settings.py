"""Settings for the ML portfolio planner, read from the environment (see .env.example).

With no environment at all it runs on a SQLite file with Celery tasks executed in-process, so a
newcomer needs nothing but Python. Set DATABASE_URL and REDIS_URL for PostgreSQL, a Redis broker and
real Celery worker and beat processes.
"""

import datetime
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# The embedded default key is for a laptop only: its "django-insecure-" prefix makes `check --deploy` refuse it.
SECRET_KEY = env("SECRET_KEY", default="django-insecure-dev-key-change-me-in-production-0123456789abcdef")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "config.apps.SuperuserAdminConfig",  # django.contrib.admin, for superusers only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "axes",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and Redoc as static files: no CDN
    "portfolio",
    "roadmap",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Everything below runs inside it: a database fault anywhere becomes the 503 page, not a traceback.
    "config.middleware.DatabaseFaultMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise, so static files keep their cache headers; above the CSRF check, which reads the body.
    "config.middleware.PrivateCacheMiddleware",
    "config.middleware.RequestBodyLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "config.middleware.VaryOnHtmxMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires
]

# django-axes counts failed logins; its backend must come first and needs the request (client.force_login is fine).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("OPTIONS", {})
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the in-process recompute and web requests share the file.
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)
    DATABASES["default"]["OPTIONS"].setdefault("init_command", "PRAGMA journal_mode=WAL;")
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", 5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portfolio:list"
LOGOUT_REDIRECT_URL = "login"
# An invitation link to join a portfolio works once, for this many days.
INVITATION_VALID_DAYS = env.int("INVITATION_VALID_DAYS", default=7)

# Email (password resets, invitations): EMAIL_URL (e.g. smtp+tls://user:password@smtp.example.com:587) or
# EMAIL_BACKEND. By default the console backend prints each mail to the web process's output, which is where the
# quick start shows its reset links. EMAIL_TIMEOUT (seconds) keeps a page from hanging on a mail server.
# An empty variable counts as unset.
EMAIL_URL = env("EMAIL_URL", default="")
if EMAIL_URL:
    globals().update(
        {k: v for k, v in env.email_url_config(EMAIL_URL).items() if k.startswith("EMAIL_") and v not in (None, "")}
    )
else:
    EMAIL_BACKEND = env("EMAIL_BACKEND", default="") or "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="") or "ML portfolio planner <planner@localhost>"
SERVER_EMAIL = env("SERVER_EMAIL", default="") or DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)

LANGUAGE_CODE = "en-us"
TIME_ZONE = env("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Files served at the site's root by WhiteNoise: /favicon.ico, which browsers ask for without being told.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
# Hashed, compressed static files need `collectstatic` first (tests/conftest.py switches them off for tests).
_PLAIN_STATIC = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env(
            "STATICFILES_BACKEND",
            default="django.contrib.staticfiles.storage.StaticFilesStorage"
            if _PLAIN_STATIC
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}

# Request bodies (config.middleware.RequestBodyLimitMiddleware refuses a bigger one from its Content-Length with a
# 413 page, before it is read): DATA_UPLOAD_MAX_MEMORY_SIZE for every form; the CSV upload may carry
# IMPORT_MAX_BYTES plus the form around it. An upload up to FILE_UPLOAD_MAX_MEMORY_SIZE stays in memory (no
# temporary file); with the caps above no upload is bigger.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=5 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = env.int("FILE_UPLOAD_MAX_MEMORY_SIZE", default=5 * 1024 * 1024)
# Without JavaScript the what-if form posts a pin per project still to be built (with it, only the changed pins, in
# one field: roadmap.forms.ScenarioForm); Django's default of 1,000 fields would refuse that past 1,000 projects.
# The body cap above is what bounds the parsing.
DATA_UPLOAD_MAX_NUMBER_FIELDS = env.int("DATA_UPLOAD_MAX_NUMBER_FIELDS", default=50_000)
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=2 * 1024 * 1024)
IMPORT_FORM_OVERHEAD_BYTES = 64 * 1024  # multipart boundaries and headers, the CSRF token
# Rows one CSV import may hold: every row is applied in one request and one transaction holding the portfolio's
# lock (2,000 chained rows took 5 s on SQLite, 11 s on PostgreSQL); a bigger file is refused before any write.
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=2000)
# An uploaded CSV waits this long, server-side, for its importer to confirm the preview; then it is deleted.
IMPORT_PREVIEW_MINUTES = env.int("IMPORT_PREVIEW_MINUTES", default=60)
# A write PostgreSQL rolls back as a deadlock or serialization failure is run again, this many times in all, before
# the user is told "Someone else was saving at the same moment; try again." (portfolio.collisions).
SAVE_COLLISION_ATTEMPTS = env.int("SAVE_COLLISION_ATTEMPTS", default=3)

# Security: production behaviour comes from variables (see README "Settings").
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=SECURE_SSL_REDIRECT)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=SECURE_SSL_REDIRECT)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=bool(SECURE_HSTS_SECONDS))
# With HSTS on, ask to be preloaded too (check --deploy W021); set SECURE_HSTS_PRELOAD=false to opt out.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=bool(SECURE_HSTS_SECONDS))
BEHIND_TLS_PROXY = env.bool("BEHIND_TLS_PROXY", default=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_TLS_PROXY else None
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# htmx sends the token from <body hx-headers>, never reads the cookie: scripts need no access to it.
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy (django-csp 4): no inline script or style anywhere; htmx is a same-origin file and is
# configured in _base.html (<meta name="htmx-config">) not to inject styles or evaluate code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Login rate limiting (django-axes): AXES_FAILURE_LIMIT failed logins for one username from one address lock
# that pair out for AXES_COOLOFF_MINUTES, with a page saying so (HTTP 429). A success resets the count.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "config.middleware.client_ip"
AXES_VERBOSE = False

# Celery: with no REDIS_URL, tasks run in-process (eager) so the app needs nothing but Python.
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
# The queue web processes publish to and workers consume: name one per deployment when several share one Redis
# database (a test run names its own, so a worker left over from another run cannot take its tasks).
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="celery")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# An edit must never hang because the broker is down: publishing gives up after about two seconds
# (refused connection: at once; unreachable host: socket_connect_timeout; frozen Redis: socket_timeout).
# Measured in tests/roadmap/test_broker_outage.py and docs/reliability.md.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 2,
    "socket_timeout": 2,
    # A task taken by a worker that died (SIGKILL) is delivered again after this many seconds.
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    "max_retries": 0,
}
CELERY_BEAT_SCHEDULE = {
    "sweep-dirty-portfolios": {
        "task": "roadmap.sweep_dirty_portfolios",
        "schedule": env.float("SWEEP_INTERVAL_SECONDS", default=30.0),
    }
}
RECOMPUTE_SOFT_TIME_LIMIT = env.int("RECOMPUTE_SOFT_TIME_LIMIT", default=600)
# Work one what-if request may do per side (plan and scenario), in project-trials: above it both sides draw
# max(200, this // projects) trials instead of the portfolio's. 2,000,000 = 1,000 projects x 2,000 trials.
WHATIF_MAX_PROJECT_TRIALS = env.int("WHATIF_MAX_PROJECT_TRIALS", default=2_000_000)
# What-if runs one user may start per minute (config.ratelimit; counted in the cache, so per process unless
# CACHE_URL is set); 0 = no limit. Over it: 429 with Retry-After.
WHATIF_RATE_LIMIT = env.int("WHATIF_RATE_LIMIT", default=20)
# Snapshots kept per portfolio; older ones are deleted after each recompute. Each holds a row per project for
# the ranking and one for the roadmap (about 1 MB for 1,000 projects); any of them can be recomputed exactly
# from its input version's inputs, but those are not kept either, so keep enough to look back a while.
SNAPSHOTS_KEPT = max(2, env.int("SNAPSHOTS_KEPT", default=50))
# How long a "queued" recompute may wait before the sweep assumes its message was lost.
RECOMPUTE_STALE_AFTER_SECONDS = env.int("RECOMPUTE_STALE_AFTER_SECONDS", default=300)
# A "Changes since" report running longer than this (its worker died) is queued again by the next visit; the task's
# own time limit is the same, in seconds.
CHANGES_STALE_AFTER_SECONDS = env.int("CHANGES_STALE_AFTER_SECONDS", default=600)
# How often pages ask whether a newer snapshot has landed (htmx polling).
STATUS_POLL_SECONDS = env.int("STATUS_POLL_SECONDS", default=3)

# Cache (the drawn ROI chart, per snapshot): per process by default. CACHE_URL=redis://host:6379/1 shares it
# between web processes; give it a Redis database of its own, never the broker's (clearing a cache must not
# drop queued tasks). Short socket timeouts: a Redis that is down costs a page a fraction of a second.
CACHE_URL = env("CACHE_URL", default="")
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "planner",
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "KEY_PREFIX": "planner"}}

# The REST API (api/, README "API"): bearer tokens or the session, JSON only (no browsable API: it needs inline
# scripts), errors as application/problem+json, paged lists, a per-token rate limit.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.rest.authentication.BearerTokenAuthentication",
        "api.rest.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.rest.permissions.TokenScope"],
    "DEFAULT_THROTTLE_CLASSES": ["api.rest.throttling.ApiRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "api.rest.pagination.Pagination",
    "DEFAULT_SCHEMA_CLASS": "api.rest.schema.ApiSchema",
    "EXCEPTION_HANDLER": "api.rest.problems.exception_handler",
    "URL_FORMAT_OVERRIDE": None,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ML portfolio planner API",
    "DESCRIPTION": "Projects, estimates, feasibility, reuse links, the Monte Carlo ranking and roadmap with their "
    "provenance, what-if runs, CSV import and export. Authenticate with `Authorization: Bearer <token>` (create "
    "one on your profile page, or `manage.py api_token`). Changes to a versioned resource need `If-Match` with "
    "its ETag. Errors are `application/problem+json`.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Enums as components (the default), then the links between operations (where a slug, an id, an ETag come from).
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "api.rest.schema_links.add_links"],
}
# Requests one API token (or session user, or address) may make: N/s, N/min, N/hour or N/day; 0 = no limit.
API_RATE_LIMIT = env("API_RATE_LIMIT", default="600/min")
# Webhooks (api.webhooks): a URL resolving to a loopback or private address is refused (at registration and at
# each delivery) unless this is true; each attempt waits WEBHOOK_TIMEOUT_SECONDS; a failed delivery is retried
# with exponential backoff up to WEBHOOK_MAX_ATTEMPTS attempts in all (with a worker; in-process, once).
WEBHOOK_ALLOW_PRIVATE = env.bool("WEBHOOK_ALLOW_PRIVATE", default=False)
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=5.0)
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=6)
# Share links (read-only pages for people without an account): views per minute from one address, and the longest
# life a PM may give a link.
SHARE_RATE_LIMIT = env.int("SHARE_RATE_LIMIT", default=60)
SHARE_LINK_MAX_DAYS = env.int("SHARE_LINK_MAX_DAYS", default=90)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # A 403 (a role that may not, a missing CSRF token) is one line: who, what path, why; no traceback.
    "filters": {"forbidden_one_line": {"()": "config.log_filters.ForbiddenOneLine"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "django.request": {"filters": ["forbidden_one_line"]},
        "django.security.csrf": {"filters": ["forbidden_one_line"]},
    },
}
