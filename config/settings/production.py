"""Production: every secret from the environment, no defaults, HTTPS only."""

from config.env import env_bool, env_int, env_str
from config.settings.base import *
from config.settings.base import STORAGES

DEBUG = False
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}
WHITENOISE_USE_FINDERS = False
SECRET_KEY = env_str("SAFERHUB_SECRET_KEY", required=True)
if len(SECRET_KEY) < 50:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("SAFERHUB_SECRET_KEY must be at least 50 characters in production.")
EMAIL_BACKEND = env_str("SAFERHUB_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("SAFERHUB_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("SAFERHUB_EMAIL_PORT", 25)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = env_bool("SAFERHUB_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31536000
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
