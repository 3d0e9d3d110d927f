"""The hub's record store, as the settings configure it: the one place every reader and writer opens it.

``SAFERHUB_RECORD_STORE`` is a storage URL — a local folder or ``s3://bucket/prefix`` — and
``SAFERHUB_RECORD_CACHE`` an optional local cache folder for object storage. On object storage,
machines sharing one bucket commit one at a time under a PostgreSQL advisory lock (the store's own
file lock covers one machine only). The engine itself (:mod:`saferhub.incidents.store`) stays free of
Django; this module is the Django side of it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from django.conf import settings
from django.db import connection

from saferhub.incidents.store import RecordStore

# Any fixed number: the PostgreSQL advisory lock that serialises record-store commits across machines.
STORE_COMMIT_LOCK = 0x5AFE_4EC0


@contextlib.contextmanager
def database_lock() -> Iterator[None]:
    """Held while an import commits to a store on object storage, so that web and worker machines
    sharing one bucket commit one at a time."""
    if connection.vendor != "postgresql":
        yield  # SQLite: one machine, and the store's file lock is enough
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [STORE_COMMIT_LOCK])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [STORE_COMMIT_LOCK])


def record_store() -> RecordStore:
    """The configured store: a folder or object storage, with its cache and cross-machine lock."""
    url = str(settings.SAFERHUB_RECORD_STORE)
    remote = url.startswith("s3://")
    return RecordStore(
        url, cache_dir=getattr(settings, "SAFERHUB_RECORD_CACHE", None), lock_factory=database_lock if remote else None
    )
