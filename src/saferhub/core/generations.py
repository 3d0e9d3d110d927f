"""Change counters ("generations"): one cheap read tells a cache whether what it holds is current.

A page section cached under ``(…, generation("performance"))`` is never served after a change that
bumped the counter, in any process, because the counter lives in the database; reading it is one
primary-key-sized query on a one-row table, written without the ORM's query compiler because pages
read it on every request. Writers call ``bump`` in the same transaction as their change.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import F

from saferhub.core.models import ChangeCounter


def generation(name: str) -> int:
    """The counter's value (0 before its first bump)."""
    table = connection.ops.quote_name(ChangeCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value FROM {table} WHERE name = %s", [name])  # noqa: S608 (table name from the model)
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def bump(name: str) -> None:
    """Add one to the counter, creating it at 1 the first time."""
    if ChangeCounter.objects.filter(name=name).update(value=F("value") + 1):
        return
    _, created = ChangeCounter.objects.get_or_create(name=name, defaults={"value": 1})
    if not created:  # another process created it between our update and get_or_create
        ChangeCounter.objects.filter(name=name).update(value=F("value") + 1)
