"""Read settings from the environment, failing with one plain line when a value is wrong.

Every variable read here is documented in ``.env.example`` and ``docs/environment.md``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SAFERHUB_VAR_DIR", BASE_DIR / "var")).resolve()

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None, *, required: bool = False) -> str:
    value = os.environ.get(name)
    if value is None or value == "":
        if required:
            raise ImproperlyConfigured(f"{name} must be set in the environment (see docs/environment.md).")
        return default or ""
    return value


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    lowered = raw.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a yes/no value; use true or false.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


_SUPPORTED_ENGINES = {
    "django.db.backends.sqlite3": "sqlite",
    "django.db.backends.postgresql": "postgres",
}


def database_from_url(url: str) -> dict[str, Any]:
    """Parse ``DATABASE_URL``; only SQLite and PostgreSQL are supported."""
    scheme = url.split("://", 1)[0] if "://" in url else ""
    if not scheme:
        raise ImproperlyConfigured(
            f"DATABASE_URL={_redact(url)!r} is not a database URL; expected "
            "sqlite:///path/to/file.sqlite3 or postgres://user@host:5432/name."
        )
    if scheme not in {"sqlite", "postgres", "postgresql", "pgsql"}:
        raise ImproperlyConfigured(
            f"DATABASE_URL scheme {scheme!r} is not supported; use sqlite:///path or postgres://user@host:5432/name."
        )
    try:
        config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
    except Exception as exc:  # the library raises several types for bad URLs
        raise ImproperlyConfigured(f"DATABASE_URL={_redact(url)!r} could not be read: {exc}") from None
    engine = config.get("ENGINE", "")
    if engine not in _SUPPORTED_ENGINES:
        raise ImproperlyConfigured(f"DATABASE_URL scheme {scheme!r} is not supported; use sqlite:// or postgres://.")
    if engine == "django.db.backends.postgresql" and not config.get("NAME"):
        raise ImproperlyConfigured(f"DATABASE_URL={_redact(url)!r} names no database after the host.")
    if engine == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    return config


def _redact(url: str) -> str:
    """Hide a password in a URL before it goes into an error message."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        user = creds.split(":", 1)[0]
        return f"{scheme}://{user}:***@{host}" if ":" in creds else url
    return url


def default_database_url() -> str:
    """SQLite in var/ (created on first use)."""
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{VAR_DIR / 'saferhub.sqlite3'}"
