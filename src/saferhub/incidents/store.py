"""The record store: record-level incidents in Parquet, read and written through DuckDB.

This module is the one door to the store; it takes a storage URL (a local folder, or an
``s3://bucket/prefix`` on S3-compatible storage, see :mod:`saferhub.incidents.objects`) and
imports no Django. :mod:`saferhub.incidents.layout` describes its layout.

The ingest layer commits its database rows first and the manifest second, holding
:meth:`RecordStore.lock` across both; a process killed between the two is rolled forward by
:meth:`RecordStore.recover`, which asks the caller whether the import's database transaction committed.
"""

# ruff: noqa: S608 - DuckDB SQL is assembled from this module's own fragments; file contents reach it only as
# column values, and the few literals (paths, months, slugs) go through sql_literal().

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import socket
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import duckdb

from saferhub.incidents.layout import (
    COLUMN_NAMES,
    FINGERPRINT_SQL,
    MANIFEST,
    Manifest,
    Partition,
    PartitionKey,
    RecordStoreError,
    empty_relation_sql,
    pid_alive,
    remove_tree,
    sql_literal,
)
from saferhub.incidents.objects import files_for
from saferhub.incidents.partition_files import write_partition_files

__all__ = [  # the store's shape (saferhub.incidents.layout), imported through this one door
    "COLUMN_NAMES",
    "FINGERPRINT_SQL",
    "Manifest",
    "PartitionKey",
    "RecordStoreError",
    "pid_alive",
    "remove_tree",
    "sql_literal",
]


class RecordStore:
    def __init__(
        self,
        url: str | os.PathLike[str],
        *,
        cache_dir: str | os.PathLike[str] | None = None,
        lock_factory: Callable[[], contextlib.AbstractContextManager[Any]] | None = None,
    ) -> None:
        """``lock_factory`` adds a lock shared by every machine (e.g. a PostgreSQL advisory lock) to
        :meth:`lock`, for stores on object storage written from several machines."""
        self.files = files_for(str(url), cache_dir=cache_dir)
        self.root = self.files.root  # the local folder DuckDB reads and writes (for S3, the working copy)
        self.lock_factory = lock_factory

    def exists(self) -> bool:
        """Whether anything has been stored yet."""
        return self.files.exists()

    # --- health and connections --------------------------------------------------------------

    def check(self) -> None:
        """Raise ``RecordStoreError`` unless the store's folder is writable and DuckDB runs."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise RecordStoreError(f"record store {self.root}: cannot create the folder ({exc.strerror})") from None
        if not os.access(self.root, os.W_OK):
            raise RecordStoreError(f"record store {self.root}: the folder is not writable")
        self.files.check()
        with duckdb.connect(":memory:") as con:
            con.execute("SELECT 1").fetchall()[0]

    def connect(self, *, memory_limit: str = "1GB", threads: int | None = None) -> duckdb.DuckDBPyConnection:
        """An in-memory DuckDB connection with bounded memory, spilling to the store's own temp folder."""
        self.root.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(":memory:")
        tmp = self.root / "tmp"
        tmp.mkdir(exist_ok=True)
        con.execute(f"SET memory_limit = {sql_literal(memory_limit)}").fetchall()
        con.execute(f"SET temp_directory = {sql_literal(str(tmp))}").fetchall()
        con.execute("SET preserve_insertion_order = false").fetchall()
        if threads:
            con.execute(f"SET threads = {int(threads)}").fetchall()
        return con

    # --- the manifest ------------------------------------------------------------------------

    def stamp(self) -> str:
        """Changes whenever a commit replaces the manifest; "" for an empty store. Locally one ``stat``
        call (inode, size and time); on object storage a hash of the manifest (one GET)."""
        return self.files.stamp(MANIFEST)

    def manifest(self) -> Manifest:
        """The committed state (an empty store has version 0 and no partitions)."""
        data = self.files.read_bytes(MANIFEST)
        if data is None:
            return Manifest()
        try:
            return Manifest.from_json(json.loads(data.decode("utf-8")))
        except (ValueError, KeyError, TypeError) as exc:
            raise RecordStoreError(f"record store {self.files.describe()}: manifest.json is damaged ({exc})") from None

    def _write_manifest(self, manifest: Manifest) -> None:
        # The commit point: an atomic rename locally, one PUT on object storage.
        self.files.write_bytes(MANIFEST, json.dumps(manifest.to_json(), indent=1, sort_keys=True).encode("utf-8"))

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the store's write lock: one committer at a time across processes on this machine, and
        across machines when the store was given a ``lock_factory``."""
        self.root.mkdir(parents=True, exist_ok=True)
        with (self.root / ".lock").open("a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                with self.lock_factory() if self.lock_factory else contextlib.nullcontext():
                    yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    # --- reading -----------------------------------------------------------------------------

    def relation_sql(self, partitions: Iterable[Partition]) -> str:
        """SQL for a relation over the given partitions' files (an empty relation if there are none)."""
        files = [str(self.files.fetch(f)) for p in partitions for f in p.files]
        if not files:
            return empty_relation_sql()
        listed = ", ".join(sql_literal(f) for f in files)
        return f"read_parquet([{listed}])"

    def records_sql(
        self,
        *,
        manifest: Manifest | None = None,
        sources: Iterable[str] | None = None,
        datasets: Iterable[str] | None = None,
        months: Iterable[str] | None = None,
        parts: Iterable[str] | None = None,
    ) -> str:
        """SQL for the committed records (or those of ``manifest``, e.g. a staged view) matching the filters."""
        chosen = (manifest or self.manifest()).select(sources=sources, datasets=datasets, months=months, parts=parts)
        return self.relation_sql(chosen.values())

    def grouped_counts(
        self,
        *,
        by: list[str],
        sources: Iterable[str] | None = None,
        datasets: Iterable[str] | None = None,
        kinds: Iterable[str] | None = None,
        months: Iterable[str] | None = None,
        assigned_only: bool = False,
        where: dict[str, Iterable[str]] | None = None,
        manifest: Manifest | None = None,
        con: duckdb.DuckDBPyConnection | None = None,
    ) -> list[tuple[Any, ...]]:
        """Record counts grouped by record columns (``area_code``, ``month``, ``category``…), sorted.

        ``area`` groups by the assigned area, with records outside every area as ``(outside)`` and
        those with no location as ``(no location)``. ``where`` keeps records whose column holds one of
        the values given (``{"district_code": ["E07000073"]}``), filtered inside DuckDB.
        """
        expressions = {"area": "coalesce(area_code, '(' || replace(area_status, '_', ' ') || ')')"}
        unknown = [c for c in by if c not in COLUMN_NAMES and c not in expressions]
        unknown += [c for c in where or {} if c not in COLUMN_NAMES]
        if unknown:
            raise RecordStoreError(
                f"cannot group by or filter on {', '.join(unknown)}: columns are {', '.join(COLUMN_NAMES)}"
            )
        relation = self.records_sql(manifest=manifest, sources=sources, datasets=datasets, months=months)
        conditions = ["area_status = 'assigned'"] if assigned_only else []
        if kinds is not None:
            conditions.append(f"kind IN ({', '.join(sql_literal(k) for k in kinds) or 'NULL'})")
        for column, values in (where or {}).items():
            conditions.append(f"{column} IN ({', '.join(sql_literal(v) for v in values) or 'NULL'})")
        where_sql = f"WHERE {' AND '.join(conditions)}" if conditions else ""
        cols = ", ".join(f"{expressions.get(c, c)} AS {c}" for c in by)
        names = ", ".join(by)
        sql = (
            f"SELECT {cols}{', ' if cols else ''}count(*) AS records FROM {relation} {where_sql} "
            f"{'GROUP BY ' + names + ' ORDER BY ' + names if names else ''}"
        )
        own = con is None
        connection = con or self.connect()
        try:
            return connection.execute(sql).fetchall()
        finally:
            if own:
                connection.close()

    counts = grouped_counts

    # --- lookups -----------------------------------------------------------------------------

    def lookup_path(self, name: str) -> Path:
        """A local copy of the lookup (fetched afresh from object storage); a missing path if there is none."""
        return self.files.fetch(f"lookups/{name}.parquet", fresh=True)

    def lookup_write(self, con: duckdb.DuckDBPyConnection, *, name: str, select_sql: str) -> int:
        """Replace a lookup table atomically with the result of ``select_sql``; return its rows."""
        relative = f"lookups/{name}.parquet"
        target = self.root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        try:
            con.execute(f"COPY ({select_sql}) TO {sql_literal(str(tmp))} (FORMAT parquet)").fetchall()
            rows = con.execute(f"SELECT count(*) FROM read_parquet({sql_literal(str(tmp))})").fetchall()[0]
            tmp.replace(target)
            self.files.publish(relative)
        finally:
            tmp.unlink(missing_ok=True)
        return int(rows[0]) if rows else 0

    # --- writing -----------------------------------------------------------------------------

    def begin(self, *, token: str, import_id: int | None) -> StoreTransaction:
        """Start writing partitions for one import. Nothing is visible until :meth:`StoreTransaction.commit`."""
        return StoreTransaction(self, token=token, import_id=import_id)

    def transaction(self, token: str) -> StoreTransaction:
        """Reopen a transaction started earlier (perhaps by another process), e.g. to confirm a preview."""
        info = self._marker(token)
        if info is None:
            raise RecordStoreError(f"record store: there is no staged import {token!r} (it was committed or removed)")
        txn = StoreTransaction(self, token=token, import_id=info.get("import_id"), _new=False)
        txn.changes = {k: (Partition.from_json(v) if v is not None else None) for k, v in info["changes"].items()}
        txn.written = list(info.get("written") or [])
        txn.batches = int(info.get("batches", 0))
        txn.state = info.get("state", "open")
        return txn

    @staticmethod
    def _marker_name(token: str) -> str:
        return f"staging/{token}.json"

    def _marker(self, token: str) -> dict[str, Any] | None:
        data = self.files.read_bytes(self._marker_name(token))
        return None if data is None else dict(json.loads(data.decode("utf-8")))

    def staged_tokens(self) -> list[str]:
        names = (n.removeprefix("staging/") for n in self.files.list("staging"))
        return sorted(n.removesuffix(".json") for n in names if n.endswith(".json") and "/" not in n)

    def recover(self, decide: Callable[[str, dict[str, Any]], str]) -> dict[str, list[str]]:
        """Finish or undo imports left by processes that stopped part-way, then remove unused files.

        ``decide(token, marker)`` answers ``"commit"`` (the import's database rows committed: roll the
        store forward), ``"abort"`` (they did not: remove its files) or ``"keep"`` (still in progress
        or waiting to be confirmed).
        """
        report: dict[str, list[str]] = {"committed": [], "aborted": [], "kept": []}
        with self.lock():
            for token in self.staged_tokens():
                info = self._marker(token)
                if info is None:
                    continue
                answer = decide(token, info)
                txn = self.transaction(token)
                if answer == "commit":
                    txn._apply_locked()
                    report["committed"].append(token)
                elif answer == "abort":
                    txn.abort()
                    report["aborted"].append(token)
                else:
                    report["kept"].append(token)
            if report["committed"] or report["aborted"]:
                self._collect_garbage_locked()  # only a stopped process can leave files nobody names
        return report

    def _collect_garbage_locked(self) -> None:
        """Delete Parquet files that neither the manifest nor a staged import names, and empty folders."""
        keep = {f for p in self.manifest().partitions.values() for f in p.files}
        for token in self.staged_tokens():
            info = self._marker(token) or {}
            keep.update(info.get("written") or [])
        for relative in self.files.list("records"):
            if relative.endswith(".parquet") and relative not in keep:
                self.files.delete(relative)  # (and its folders, once empty)


class StoreTransaction:
    """The partitions one import writes: staged on disk, recorded in a marker, committed atomically."""

    def __init__(self, store: RecordStore, *, token: str, import_id: int | None, _new: bool = True) -> None:
        if not token or not all(c.isalnum() or c in "-_" for c in token):
            raise RecordStoreError(f"record store: {token!r} is not a usable import token")
        self.store = store
        self.token = token
        self.import_id = import_id
        self.changes: dict[str, Partition | None] = {}
        self.written: list[str] = []
        self.state = "open"
        self.batches = 0
        if _new:
            if store._marker(token) is not None:
                raise RecordStoreError(f"record store: an import with token {token!r} is already staged")
            self._save()

    # The marker is rewritten after every step, so another process (or recovery) knows exactly
    # which files belong to this import.
    def _save(self) -> None:
        data = {
            "token": self.token,
            "import_id": self.import_id,
            "state": self.state,
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "updated": time.time(),
            "written": self.written,
            "batches": self.batches,
            "changes": {k: (v.to_json() if v is not None else None) for k, v in sorted(self.changes.items())},
        }
        self.store.files.write_bytes(self.store._marker_name(self.token), json.dumps(data, indent=1).encode("utf-8"))

    def _file_for(self, key: PartitionKey, n: int = 0) -> str:
        suffix = f"-{n}" if n else ""
        return f"{key.folder()}/{self.token}{suffix}.parquet"

    def write(
        self,
        con: duckdb.DuckDBPyConnection,
        *,
        key: PartitionKey,
        select_sql: str,
        meta: dict[str, Any] | None = None,
    ) -> Partition:
        """Write one whole partition from ``select_sql`` (which must yield :data:`RECORD_COLUMNS`)."""
        if self.state != "open":
            raise RecordStoreError(f"record store: import {self.token} is {self.state}; no more writes")
        if key.id in self.changes:
            raise RecordStoreError(f"record store: partition {key.id} was written twice by one import")
        relative = self._file_for(key)
        target = self.store.root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        self.written.append(relative)
        self._save()  # name the file before it exists, so recovery can remove it
        columns = ", ".join(COLUMN_NAMES)
        con.execute(
            f"COPY (SELECT {columns} FROM ({select_sql})) TO {sql_literal(str(target))} "
            "(FORMAT parquet, COMPRESSION snappy)"
        ).fetchall()
        row = con.execute(
            f"SELECT count(*), {FINGERPRINT_SQL} FROM read_parquet({sql_literal(str(target))})"
        ).fetchall()[0]
        assert row is not None
        self.store.files.publish(relative)
        partition = Partition(
            files=[relative], rows=int(row[0]), import_id=self.import_id, fingerprint=str(row[1]), meta=meta or {}
        )
        self.changes[key.id] = partition
        self._save()
        return partition

    def write_batch(
        self,
        con: duckdb.DuckDBPyConnection,
        *,
        source: str,
        dataset: str,
        table: str,
        partitions: dict[tuple[str, str], tuple[int, str, dict[str, Any]]],
    ) -> None:
        """Write many partitions of ``table`` in one pass (grouped in Arrow, written a few at a time).

        ``partitions`` maps each (month, part) in the table to its rows, fingerprint and facts; the
        caller computes them in the same query that checks the table, so nothing is read twice.
        """
        if self.state != "open":
            raise RecordStoreError(f"record store: import {self.token} is {self.state}; no more writes")
        keys = {pair: PartitionKey(source, dataset, pair[0], pair[1]) for pair in partitions}
        for key in keys.values():
            if key.id in self.changes:
                raise RecordStoreError(f"record store: partition {key.id} was written twice by one import")
        self.batches += 1
        targets = {pair: self._file_for(key) for pair, key in keys.items()}
        self.written.extend(targets.values())
        self._save()  # name the files before they exist, so recovery can remove them
        columns = ", ".join(COLUMN_NAMES)
        rows = con.sql(f"SELECT {columns} FROM {table}").to_arrow_table()
        write_partition_files(
            rows,
            {pair: self.store.root / relative for pair, relative in targets.items()},
            written=lambda pair: self.store.files.publish(targets[pair]),
        )
        for pair, relative in targets.items():
            count, fingerprint, meta = partitions[pair]
            self.changes[keys[pair].id] = Partition(
                files=[relative], rows=count, import_id=self.import_id, fingerprint=fingerprint, meta=meta
            )
        self._save()

    def hold(self) -> None:
        """Keep the staged files until someone confirms or discards the import (a preview)."""
        self.state = "held"
        self._save()

    def remove(self, key: PartitionKey) -> None:
        """Remove a partition when this import commits."""
        self.changes[key.id] = None
        self._save()

    def view(self) -> Manifest:
        """The committed manifest with this import's changes applied: what readers will see after commit."""
        current = self.store.manifest()
        partitions = dict(current.partitions)
        for key_id, partition in self.changes.items():
            if partition is None:
                partitions.pop(key_id, None)
            else:
                partitions[key_id] = partition
        return Manifest(version=current.version + 1, partitions=partitions)

    def prepare(self) -> None:
        """Mark the import ready to commit: from here, recovery rolls it forward if its database rows committed."""
        self.state = "prepared"
        self._save()

    def commit(self) -> Manifest:
        """Make the import's partitions the committed ones (one atomic rename), then delete replaced files.

        Call while holding :meth:`RecordStore.lock` if database rows must commit in the same order.
        """
        return self._apply_locked()

    def _apply_locked(self) -> Manifest:
        current = self.store.manifest()
        replaced = [
            f for key_id in self.changes if (old := current.partitions.get(key_id)) is not None for f in old.files
        ]
        manifest = self.view()
        self.store._write_manifest(manifest)
        kept = {f for p in manifest.partitions.values() for f in p.files}
        for relative in replaced:
            if relative not in kept:
                self.store.files.delete(relative)
        self.state = "committed"
        self.store.files.delete(self.store._marker_name(self.token))
        return manifest

    def abort(self) -> None:
        """Delete everything this import wrote; the committed state is untouched."""
        committed = {f for p in self.store.manifest().partitions.values() for f in p.files}
        for relative in self.written:
            if relative not in committed:
                self.store.files.delete(relative)  # (and its folders, once empty)
        self.state = "aborted"
        staging = self.store.root / "staging"
        for work in staging.glob(f"{self.token}-*"):
            shutil.rmtree(work, ignore_errors=True)
        self.store.files.delete(self.store._marker_name(self.token))
        with contextlib.suppress(OSError):
            staging.rmdir()
