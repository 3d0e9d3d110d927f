"""Production: every secret from the environment, no defaults, HTTPS only."""

from django.core.exceptions import ImproperlyConfigured

from config.env import database_from_url, env_bool, env_int, env_str
from config.settings.base import *
from config.settings.base import STORAGES

DEBUG = False
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}
WHITENOISE_USE_FINDERS = False
SECRET_KEY = env_str("SAFERHUB_SECRET_KEY", required=True)
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SAFERHUB_SECRET_KEY must be at least 50 characters in production.")
# No fallback to a SQLite file on the web host: records, audit and history live in PostgreSQL.
_DATABASE_URL = env_str("DATABASE_URL", "")
if _DATABASE_URL.split("://", 1)[0] not in {"postgres", "postgresql", "pgsql"}:
    raise ImproperlyConfigured(
        "DATABASE_URL must be a PostgreSQL URL in production (postgres://user@host:5432/name); "
        "SQLite is for one person on a laptop (see docs/runbook.md)."
    )
DATABASES = {"default": database_from_url(_DATABASE_URL)}
EMAIL_BACKEND = env_str("SAFERHUB_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("SAFERHUB_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("SAFERHUB_EMAIL_PORT", 25)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = env_bool("SAFERHUB_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
