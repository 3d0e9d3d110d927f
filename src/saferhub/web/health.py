"""Health checks for /healthz: the relational database and the record store."""

from __future__ import annotations

from django.db import connection

from saferhub.incidents.configured import record_store


def check_database() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means "failing", with the reason shown
        return False, f"{type(exc).__name__}: {exc}".splitlines()[0]
    return True, connection.vendor


def check_record_store() -> tuple[bool, str]:
    try:
        record_store().check()
    except Exception as exc:
        return False, f"{type(exc).__name__}: {exc}".splitlines()[0]
    return True, "duckdb"
