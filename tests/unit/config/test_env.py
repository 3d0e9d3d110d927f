"""Settings come from the environment; a wrong value stops start-up with one clear line."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import database_from_url, env_bool

REPO = Path(__file__).resolve().parents[3]


def test_sqlite_and_postgres_urls_are_accepted():
    assert database_from_url("sqlite:////tmp/x.sqlite3")["ENGINE"] == "django.db.backends.sqlite3"
    pg = database_from_url("postgres://postgres@127.0.0.1:5432/test")
    assert (pg["ENGINE"], pg["NAME"], pg["HOST"], pg["PORT"]) == (
        "django.db.backends.postgresql",
        "test",
        "127.0.0.1",
        5432,
    )


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("nonsense", "is not a database URL"),
        ("mysql://root@localhost/db", "scheme 'mysql' is not supported"),
        ("postgres://user@localhost:5432", "names no database"),
    ],
)
def test_malformed_database_url_is_one_clear_line(url, message):
    with pytest.raises(ImproperlyConfigured, match=message) as info:
        database_from_url(url)
    assert "\n" not in str(info.value)


def test_password_never_appears_in_the_error():
    with pytest.raises(ImproperlyConfigured) as info:
        database_from_url("postgres://user:hunter2@localhost:5432")
    assert "hunter2" not in str(info.value)


def test_yes_no_values(monkeypatch):
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG='maybe' is not a yes/no value"):
        env_bool("X_FLAG")


def _run_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("SAFERHUB_", "DJANGO_", "DATABASE_URL"))}
    full_env.update(env)
    return subprocess.run(
        [str(Path(sys.executable).with_name("saferhub")), *args],
        check=False,
        capture_output=True,
        text=True,
        env=full_env,
        cwd=REPO,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = _run_cli(
        "check", env={"DJANGO_SETTINGS_MODULE": "config.settings.production", "SAFERHUB_VAR_DIR": str(tmp_path)}
    )
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "saferhub: error: SAFERHUB_SECRET_KEY must be set in the environment (see docs/environment.md)."
    )


def test_production_refuses_a_short_secret_key(tmp_path):
    result = _run_cli(
        "check",
        env={
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "SAFERHUB_SECRET_KEY": "short",
            "SAFERHUB_VAR_DIR": str(tmp_path),
        },
    )
    assert result.returncode == 1
    assert "at least 50 characters" in result.stderr


def test_malformed_database_url_stops_the_cli_with_one_line_and_creates_nothing(tmp_path):
    result = _run_cli("migrate", env={"DATABASE_URL": "postgres//oops", "SAFERHUB_VAR_DIR": str(tmp_path / "var")})
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert "DATABASE_URL='postgres//oops' is not a database URL" in result.stderr
    assert not (tmp_path / "var" / "saferhub.sqlite3").exists()


def test_a_shared_cache_url_must_be_redis(tmp_path):
    result = _run_cli("check", env={"SAFERHUB_CACHE_URL": "memcached://x", "SAFERHUB_VAR_DIR": str(tmp_path)})
    assert result.returncode == 1
    assert "SAFERHUB_CACHE_URL='memcached://x' is not a redis:// URL." in result.stderr


def test_the_redis_cache_works_against_the_local_server(tmp_path):
    code = (
        "import django; django.setup(); from django.core.cache import cache; "
        "cache.set('saferhub-test', 'ok', 5); print(cache.get('saferhub-test'))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SAFERHUB_", "DJANGO_", "DATABASE_URL"))}
    env.update(
        {
            "SAFERHUB_CACHE_URL": "redis://127.0.0.1:6379/15",
            "SAFERHUB_VAR_DIR": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
        }
    )
    result = subprocess.run(
        [sys.executable, "-c", code], check=False, capture_output=True, text=True, env=env, cwd=REPO, timeout=60
    )
    assert result.stdout.strip() == "ok", result.stderr


PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SAFERHUB_SECRET_KEY": "x" * 60,
}


@pytest.mark.parametrize("database_url", ["", "sqlite:///tmp/prod.sqlite3"])
def test_production_refuses_to_start_without_postgresql(tmp_path, database_url):
    """The runbook promises it: production never falls back to a SQLite file on the web host."""
    result = _run_cli("check", env={**PRODUCTION, "DATABASE_URL": database_url, "SAFERHUB_VAR_DIR": str(tmp_path)})
    assert result.returncode == 1
    assert "DATABASE_URL must be a PostgreSQL URL in production" in result.stderr
    assert not (tmp_path / "saferhub.sqlite3").exists()


def test_production_sends_hsts_for_subdomains_and_a_content_security_policy(tmp_path):
    code = (
        "from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD)"
    )
    env = {**PRODUCTION, "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/test", "SAFERHUB_VAR_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        check=False,
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        cwd=REPO,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["31536000", "True", "True"]
