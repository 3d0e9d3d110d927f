"""Change counters ("generations"): one cheap read tells a cache whether what it holds is current.

A page section cached under ``(…, generation("performance"))`` is never served after a change that
bumped the counter, in any process, because the counter lives in the database; reading it is one
primary-key-sized query on a one-row table, written without the ORM's query compiler because pages
read it on every request.

The bump is part of the write itself: ``install_triggers`` puts a database trigger on every table a
counter watches, so any insert, update or delete of those rows — a service, the admin, a queryset
``update()`` or ``bulk_create()``, raw SQL — bumps the counter in the writer's own transaction. No
writer has to remember to call ``bump`` (ADR 0004). PostgreSQL bumps once per statement, SQLite once
per row (it has no statement triggers); a bulk writer on SQLite can ask for one bump for the whole
statement instead (``one_bump_per_statement``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db import connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import F

from saferhub.core.models import ChangeCounter

_PG_FUNCTION = "saferhub_bump_change_counter"


def generation(name: str) -> int:
    """The counter's value (0 before its first bump)."""
    table = connection.ops.quote_name(ChangeCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value FROM {table} WHERE name = %s", [name])  # noqa: S608 (table name from the model)
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def generations(names: Iterable[str]) -> tuple[int, ...]:
    """Several counters' values in one query, in the order given (0 for one never bumped)."""
    names = list(names)
    table = connection.ops.quote_name(ChangeCounter._meta.db_table)
    marks = ", ".join(["%s"] * len(names))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT name, value FROM {table} WHERE name IN ({marks})", names)  # noqa: S608 (as above)
        found = dict(cursor.fetchall())
    return tuple(int(found.get(name, 0)) for name in names)


def bump(name: str) -> None:
    """Add one to the counter, creating it at 1 the first time (for counters without triggers)."""
    if ChangeCounter.objects.filter(name=name).update(value=F("value") + 1):
        return
    _, created = ChangeCounter.objects.get_or_create(name=name, defaults={"value": 1})
    if not created:  # another process created it between our update and get_or_create
        ChangeCounter.objects.filter(name=name).update(value=F("value") + 1)


def trigger_name(name: str, table: str) -> str:
    return f"saferhub_gen_{name}_{table}"[:63]


def install_triggers(
    *, name: str, tables: Iterable[str], using: str = "default", quiet: dict[str, Iterable[str]] | None = None
) -> None:
    """Make every insert, update and delete on ``tables`` bump the counter ``name``. Idempotent: run
    after every migration (a table that SQLite rebuilt loses its triggers, and gets them back here).

    ``quiet`` names, per table, columns whose update alone is not a change (a user's ``last_login``,
    written at every sign-in): an update that sets only those does not bump; any other does."""
    conn = connections[using]
    if not name.replace("_", "").isalnum():
        raise ValueError(f"a change counter's name is letters, digits and underscores: {name!r}")
    counters = conn.ops.quote_name(ChangeCounter._meta.db_table)
    # Names come from the model and the check above, never from input.
    upsert = (
        f"INSERT INTO {counters} (name, value) VALUES ('{name}', 1) "  # noqa: S608
        f"ON CONFLICT (name) DO UPDATE SET value = {counters}.value + 1"
    )
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute(
                f"CREATE OR REPLACE FUNCTION {_PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "  # noqa: S608
                f"INSERT INTO {counters} (name, value) VALUES (TG_ARGV[0], 1) "
                f"ON CONFLICT (name) DO UPDATE SET value = {counters}.value + 1; RETURN NULL; END $$"
            )
        for table in tables:
            quiet_columns = set((quiet or {}).get(table, ()))
            watched = None
            if quiet_columns:
                columns = [c.name for c in conn.introspection.get_table_description(cursor, table)]
                watched = [c for c in columns if c not in quiet_columns]
            _install(conn, cursor, name=name, table=table, upsert=upsert, watched=watched)
        # The counter's row from the start (at 0), so that its first bump adds no row to the database.
        cursor.execute(f"INSERT INTO {counters} (name, value) VALUES ('{name}', 0) ON CONFLICT (name) DO NOTHING")  # noqa: S608


def _install(
    conn: BaseDatabaseWrapper, cursor: object, *, name: str, table: str, upsert: str, watched: list[str] | None
) -> None:
    """One table's triggers; with ``watched``, an update bumps only when it sets one of those columns."""
    quoted = conn.ops.quote_name(table)
    execute = cursor.execute  # type: ignore[attr-defined]
    trigger = trigger_name(name, table)
    update_trigger = f"{trigger[:59]}_upd"
    of_columns = f" OF {', '.join(conn.ops.quote_name(c) for c in watched)}" if watched else ""
    if conn.vendor == "postgresql":
        execute(f"DROP TRIGGER IF EXISTS {trigger} ON {quoted}")
        execute(f"DROP TRIGGER IF EXISTS {update_trigger} ON {quoted}")
        bump_it = f"FOR EACH STATEMENT EXECUTE FUNCTION {_PG_FUNCTION}('{name}')"
        if watched is None:
            execute(f"CREATE TRIGGER {trigger} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {quoted} {bump_it}")
        else:
            execute(f"CREATE TRIGGER {trigger} AFTER INSERT OR DELETE OR TRUNCATE ON {quoted} {bump_it}")
            execute(f"CREATE TRIGGER {update_trigger} AFTER UPDATE{of_columns} ON {quoted} {bump_it}")
    elif conn.vendor == "sqlite":
        for event in ("INSERT", "UPDATE", "DELETE"):
            named = f"{trigger}_{event.lower()}"
            if event == "UPDATE":  # replaced, not kept: which columns it watches may have changed
                execute(f"DROP TRIGGER IF EXISTS {named}")
                execute(f"CREATE TRIGGER {named} AFTER UPDATE{of_columns} ON {quoted} BEGIN {upsert}; END")
            else:
                execute(f"CREATE TRIGGER IF NOT EXISTS {named} AFTER {event} ON {quoted} BEGIN {upsert}; END")
    else:  # pragma: no cover - the hub runs on PostgreSQL and SQLite only (ADR 0002)
        raise NotImplementedError(f"change counter triggers are not written for {conn.vendor}")


def installed_triggers(*, name: str, using: str = "default") -> set[str]:
    """The tables whose writes bump the counter ``name`` (for the check that every watched table does)."""
    conn = connections[using]
    prefix = trigger_name(name, "")
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname, c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE tgname LIKE %s",
                [prefix + "%"],
            )
        else:
            cursor.execute(
                "SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s", [prefix + "%"]
            )
        return {table for _, table in cursor.fetchall()}


@contextmanager
def one_bump_per_statement(table: str, events: Iterable[str] = ("insert", "update")) -> Iterator[None]:
    """While the body writes many rows of ``table`` on SQLite, its counter triggers for ``events`` are
    set aside and each counter is bumped once at the end, as PostgreSQL's statement triggers do.

    A row trigger costs about as much as the row's own insert (two counters, each an upsert). SQLite's
    schema changes are transactional and its writers are serialised (the hub's transactions are
    IMMEDIATE), so no other writer ever sees the table without its triggers: the triggers are put back
    in the same transaction, and a failure rolls back the writes, the bumps and the dropped triggers
    together. Only inside a transaction (refused outside one); a no-op on PostgreSQL."""
    if not connection.in_atomic_block:
        raise RuntimeError("one_bump_per_statement must run inside a transaction")
    if connection.vendor != "sqlite":
        yield
        return
    wanted = tuple(events)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s AND name LIKE %s",
            [table, "saferhub_gen_%"],
        )
        found = [(name, sql) for name, sql in cursor.fetchall() if name.rsplit("_", 1)[-1] in wanted]
        for name, _ in found:
            cursor.execute(f'DROP TRIGGER "{name}"')
    yield  # on an exception the transaction is rolled back, triggers and all
    with connection.cursor() as cursor:
        for _, sql in found:
            cursor.execute(sql)
            cursor.execute(sql[sql.index(" BEGIN ") + len(" BEGIN ") : sql.rindex(" END")])  # the bump, once
