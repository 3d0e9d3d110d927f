"""Settings shared by every environment. Values that differ come from the environment."""

from __future__ import annotations

import os
from datetime import timedelta

from csp.constants import NONCE, NONE, SELF

from config.env import (
    BASE_DIR,
    VAR_DIR,
    database_from_url,
    default_database_url,
    env_bool,
    env_int,
    env_list,
    env_str,
)

DEBUG = env_bool("SAFERHUB_DEBUG", False)
ALLOWED_HOSTS = env_list("SAFERHUB_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("SAFERHUB_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "axes",
    "django_tasks",
    "ninja",
    "saferhub.core",
    "saferhub.accounts",
    "saferhub.geography",
    "saferhub.framework",
    "saferhub.measures",
    "saferhub.delivery",
    "saferhub.risks",
    "saferhub.finance",
    "saferhub.governance",
    "saferhub.ingest",
    "saferhub.performance",
    "saferhub.assessment",
    "saferhub.sharing",
    "saferhub.reports",
    "saferhub.web",
    "saferhub.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # GET and HEAD requests read the hub's change counters once (a kept member's page asks three times).
    "saferhub.core.request_generations.RequestGenerationsMiddleware",
    # Compressed responses for clients that ask (pages carry 55–230 KB of tables, charts and GeoJSON).
    # BREACH: Django's GZipMiddleware pads each response with random bytes (Heal The Breach), and the
    # CSRF token is masked anew on every response; docs/performance.md records the decision.
    "django.middleware.gzip.GZipMiddleware",
    "csp.middleware.CSPMiddleware",
    "saferhub.web.static.AssetsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After authentication and messages: signed-out readers' public pages, kept per change of the data.
    "saferhub.web.public_cache.PublicPageCacheMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Login throttling (django-axes): after SAFERHUB_LOGIN_FAILURE_LIMIT wrong passwords for one
# username from one address, that pair is locked out for SAFERHUB_LOGIN_COOLOFF_MINUTES, even with
# the right password. Every attempt is recorded (admin: Axes).
# django-axes (lockouts), then Django's model backend keeping the signed-in user in the process until accounts
# change (saferhub.accounts.kept); sessions likewise until the session table changes.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "saferhub.accounts.backends.PasswordBackend"]
SESSION_ENGINE = "saferhub.accounts.sessions"
AXES_FAILURE_LIMIT = env_int("SAFERHUB_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("SAFERHUB_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env_int("SAFERHUB_PROXY_COUNT", 0)

# Content-Security-Policy (django-csp): scripts only from the hub itself or with the page's nonce;
# no plug-ins, no framing, forms post only here. Styles allow inline attributes: server-drawn SVG
# charts and map legends colour by attribute (docs/adr/0006-login-throttling-and-csp.md).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "saferhub.web.context_processors.service",
            ],
        },
    }
]

DATABASES = {"default": database_from_url(env_str("DATABASE_URL", default_database_url()))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "web:start"
LOGOUT_REDIRECT_URL = "web:start"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True  # stored in UTC, shown in UK time

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    ("govuk", NODE_MODULES / "govuk-frontend" / "dist" / "govuk"),
    ("leaflet", NODE_MODULES / "leaflet" / "dist"),
    ("vega", NODE_MODULES / "vega" / "build"),
    ("vega-lite", NODE_MODULES / "vega-lite" / "build"),
    ("vega-embed", NODE_MODULES / "vega-embed" / "build"),
]
# govuk-frontend's stylesheet asks for its fonts and images at /assets/.
GOVUK_ASSETS_DIR = NODE_MODULES / "govuk-frontend" / "dist" / "govuk" / "assets"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": VAR_DIR / "media"}},
    # Served straight from the finders (WHITENOISE_USE_FINDERS): no collect step on a laptop.
    # Production collects hashed, compressed copies (config/settings/production.py).
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"
WHITENOISE_USE_FINDERS = True

EMAIL_BACKEND = env_str("SAFERHUB_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("SAFERHUB_FROM_EMAIL", "saferhub@localhost")
# Where the accessibility statement asks readers to report a problem or ask for another format.
ACCESSIBILITY_CONTACT_EMAIL = env_str("SAFERHUB_ACCESSIBILITY_EMAIL", "")

# The record store (DuckDB over Parquet): a local folder or an s3:// URL.
SAFERHUB_RECORD_STORE = env_str("SAFERHUB_RECORD_STORE", str(VAR_DIR / "records"))
# For an s3:// store: the local working folder (DuckDB's temp files, and copies of record files,
# which never change once written). Empty: ~/.cache/saferhub-records.
SAFERHUB_RECORD_CACHE = env_str("SAFERHUB_RECORD_CACHE", "") or None
SAFERHUB_VAR_DIR = VAR_DIR
# DuckDB's memory limit for an import (it spills to the store's tmp/ folder beyond it), e.g. 1GB, 512MB.
SAFERHUB_DUCKDB_MEMORY = env_str("SAFERHUB_DUCKDB_MEMORY", "1GB")
# Where `saferhub fetch police-uk` downloads from: a server laid out as police.uk's archive
# (YYYY-MM/YYYY-MM-<force>-street.csv). Empty: give --base-url.
SAFERHUB_POLICE_UK_BASE_URL = env_str("SAFERHUB_POLICE_UK_BASE_URL", "")
# Processes that decide large disclosure families side by side at a refresh (a partnership for every
# district: each national family takes tens of seconds). 1: one at a time, in the refresh's process.
SAFERHUB_DISCLOSURE_PROCESSES = env_int("SAFERHUB_DISCLOSURE_PROCESSES", min(os.cpu_count() or 1, 8))
SAFERHUB_MAX_UPLOAD_BYTES = env_int("SAFERHUB_MAX_UPLOAD_BYTES", 200 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Background work: in-process by default; "rq" puts tasks on Redis for a worker.
SAFERHUB_TASK_QUEUE = env_str("SAFERHUB_TASK_QUEUE", "immediate")
REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
if SAFERHUB_TASK_QUEUE == "rq":
    # django_rq gives the worker its command (manage.py rqworker default); django_tasks_rq the backend.
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 3600}}
elif SAFERHUB_TASK_QUEUE == "immediate":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
else:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"SAFERHUB_TASK_QUEUE={SAFERHUB_TASK_QUEUE!r} is not one of: immediate, rq.")

# Rendered page sections are cached; several web processes need one shared cache (Redis).
SAFERHUB_CACHE_URL = env_str("SAFERHUB_CACHE_URL", "")
if SAFERHUB_CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": SAFERHUB_CACHE_URL}}
elif SAFERHUB_CACHE_URL:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"SAFERHUB_CACHE_URL={SAFERHUB_CACHE_URL!r} is not a redis:// URL.")
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

SERVICE_NAME = env_str("SAFERHUB_SERVICE_NAME", "saferhub")

# The open data API's rates (django-ninja's "count/period" form: s, m, h, d): requests without a
# token per client address, requests with a partner's token per token.
SAFERHUB_API_RATE_PUBLIC = env_str("SAFERHUB_API_RATE_PUBLIC", "60/m")
SAFERHUB_API_RATE_TOKEN = env_str("SAFERHUB_API_RATE_TOKEN", "600/m")
# The client's address behind SAFERHUB_PROXY_COUNT proxies, as for sign-in throttling (0: REMOTE_ADDR).
NINJA_NUM_PROXIES = AXES_IPWARE_PROXY_COUNT

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("SAFERHUB_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
