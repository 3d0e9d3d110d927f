"""Indicator values and their revision history written straight from columns.

Django's ``bulk_create`` / ``bulk_update`` (and django-simple-history's ``*_with_history`` on top
of them) build a model instance per row and prepare every field of it in Python; a national import
writes tens of thousands of values, and that preparation was most of its time. Here the values go
in as columns: ``executemany`` on SQLite, ``COPY`` (psycopg 3) on PostgreSQL, each column's few
Python types adapted once, inside the caller's transaction. On SQLite the change counters are bumped
once per statement, not once per row (``core.generations.one_bump_per_statement``).

The history rows are what django-simple-history writes for the same bulk calls: every tracked
column of the row as written, ``history_type`` "+" (new) or "~" (changed), ``history_date``,
``history_user`` and an empty change reason. They are copied from the rows just written, in SQL,
so they cannot differ from them.
"""

# ruff: noqa: S608 - SQL is assembled from the models' own table and column names, never from data.

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from saferhub.core.generations import one_bump_per_statement
from saferhub.measures.models import IndicatorValue

TABLE = IndicatorValue._meta.db_table
HISTORY_TABLE = IndicatorValue.history.model._meta.db_table
COLUMNS = tuple(f.column for f in IndicatorValue._meta.concrete_fields)  # id first
_KEY = ("id", "created_at", "indicator_id", "area_id", "period_label", "breakdown")
UPDATED = tuple(c for c in COLUMNS if c not in _KEY)  # what a changed value may change
_DATES = ("period_start", "period_end")
_HISTORY_EXTRA = ("history_date", "history_change_reason", "history_type", "history_user_id")

Columns = dict[str, list[Any]]


def history_enabled() -> bool:
    return bool(getattr(settings, "SIMPLE_HISTORY_ENABLED", True))


def _quoted(names: tuple[str, ...]) -> str:
    return ", ".join(connection.ops.quote_name(n) for n in names)


def _adapted(columns: Columns, *, now: datetime, stamped: tuple[str, ...], count: int) -> Columns:
    """The columns in the types the database driver takes: dates and times as Django stores them,
    JSON as text; the ``stamped`` columns set to ``now``. Each distinct date is adapted once."""
    out = dict(columns)
    stamp = connection.ops.adapt_datetimefield_value(now)
    for name in stamped:
        out[name] = [stamp] * count
    adapt = connection.ops.adapt_datefield_value
    for name in _DATES:
        if name in out:
            adapted: dict[date, Any] = {d: adapt(d) for d in set(out[name])}
            out[name] = [adapted[d] for d in out[name]]
    if "quality_flags" in out:
        out["quality_flags"] = [json.dumps(flags) for flags in out["quality_flags"]]
    return out


def _rows(columns: Columns, names: tuple[str, ...]) -> list[tuple[Any, ...]]:
    return list(zip(*(columns[n] for n in names), strict=True))


def _new_ids(count: int) -> list[int]:
    """``count`` primary keys for new rows, taken from the table's own sequence.

    PostgreSQL: ``nextval`` of the identity sequence. SQLite: the next ``count`` after the highest
    ever used (AUTOINCREMENT's ``sqlite_sequence``); the connection's transactions are IMMEDIATE, so
    no other writer can take them before this transaction ends."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [TABLE, count]
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(
            f"SELECT max(coalesce((SELECT max(id) FROM {TABLE}), 0),"
            " coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0))",
            [TABLE],
        )
        start = int(cursor.fetchone()[0]) + 1
    return list(range(start, start + count))


def _copy(cursor: Any, table: str, names: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    """PostgreSQL's COPY FROM STDIN through psycopg 3."""
    with cursor.cursor.copy(f"COPY {table} ({_quoted(names)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _history(cursor: Any, ids: list[int], history_type: str, *, now: datetime, user_id: int | None) -> None:
    """History rows for ``ids``, copied from the rows as they now stand."""
    tracked = _quoted(COLUMNS)
    extra = _quoted(_HISTORY_EXTRA)
    stamp = connection.ops.adapt_datetimefield_value(now)
    chosen = "id = ANY(%s)" if connection.vendor == "postgresql" else "id IN (SELECT value FROM json_each(%s))"
    cursor.execute(
        f"INSERT INTO {HISTORY_TABLE} ({tracked}, {extra}) SELECT {tracked}, %s, NULL, %s, %s FROM {TABLE}"
        f" WHERE {chosen}",
        [stamp, history_type, user_id, ids if connection.vendor == "postgresql" else json.dumps(ids)],
    )


def values_insert(columns: Columns, *, now: datetime, user_id: int | None) -> list[int]:
    """Insert new values, one list per column of the table but ``id``, ``created_at`` and
    ``updated_at`` (``now``), with their "+" history rows; returns the new rows' keys."""
    count = len(columns["indicator_id"])
    if not count:
        return []
    ids = _new_ids(count)
    data = _adapted({**columns, "id": ids}, now=now, stamped=("created_at", "updated_at"), count=count)
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _copy(cursor, TABLE, COLUMNS, _rows(data, COLUMNS))
        else:
            marks = ", ".join(["%s"] * len(COLUMNS))
            with one_bump_per_statement(TABLE, ("insert",)):
                cursor.executemany(f"INSERT INTO {TABLE} ({_quoted(COLUMNS)}) VALUES ({marks})", _rows(data, COLUMNS))
        if history_enabled():
            _history(cursor, ids, "+", now=now, user_id=user_id)
    return ids


def values_update(columns: Columns, *, now: datetime, user_id: int | None) -> None:
    """Overwrite stored values by ``id``: one list per column in ``UPDATED`` but ``updated_at``
    (``now``), with their "~" history rows."""
    count = len(columns["id"])
    if not count:
        return
    names = ("id", *UPDATED)
    data = _adapted(columns, now=now, stamped=("updated_at",), count=count)
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(  # the columns' types, none of their constraints
                f"CREATE TEMP TABLE saferhub_value_changes ON COMMIT DROP AS SELECT {_quoted(names)} FROM {TABLE}"
                " WITH NO DATA"
            )
            _copy(cursor, "saferhub_value_changes", names, _rows(data, names))
            sets = ", ".join(f"{connection.ops.quote_name(n)} = c.{connection.ops.quote_name(n)}" for n in UPDATED)
            cursor.execute(f"UPDATE {TABLE} t SET {sets} FROM saferhub_value_changes c WHERE t.id = c.id")
            cursor.execute("DROP TABLE saferhub_value_changes")
        else:
            assignments = ", ".join(f"{connection.ops.quote_name(n)} = %s" for n in UPDATED)
            with one_bump_per_statement(TABLE, ("update",)):
                cursor.executemany(f"UPDATE {TABLE} SET {assignments} WHERE id = %s", _rows(data, (*UPDATED, "id")))
        if history_enabled():
            _history(cursor, columns["id"], "~", now=now, user_id=user_id)
