"""Tests: fast password hashing, in-memory e-mail, records in a temporary folder."""

import tempfile
from pathlib import Path

from config.env import env_str
from config.settings.base import *
from config.settings.base import STORAGES

SECRET_KEY = "test-only-not-secret"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SAFERHUB_RECORD_STORE = env_str("SAFERHUB_RECORD_STORE", tempfile.mkdtemp(prefix="saferhub-records-"))
STATIC_ROOT = Path(tempfile.mkdtemp(prefix="saferhub-static-"))
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Many tests call the API from one address; the throttling test lowers these.
SAFERHUB_API_RATE_PUBLIC = "100000/m"
SAFERHUB_API_RATE_TOKEN = "100000/m"
