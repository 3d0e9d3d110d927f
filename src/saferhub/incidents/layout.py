"""The record store's shape: its columns, partitions and manifest, and the small helpers its engine shares.

Imports no Django (an import-linter contract keeps it so).

Layout under the store's folder::

    manifest.json                                   the committed state: which file holds each partition
    records/source=police-uk/dataset=street/month=2024-01/part=essex-police/<token>.parquet
    lookups/lsoa_districts.parquet                  LSOA → district lookups (optional)
    staging/<token>.json                            an import in progress (its marker and changes)

A *partition* is one source, dataset (street, outcomes, collision, casualty…), month and part (the
force for police.uk and STATS19, the mapping's name for a partner layout). An import writes whole
partitions. New Parquet files get a name nobody else uses, so they are invisible until the manifest
names them; committing is one atomic rename of ``manifest.json``. So a reader always sees a whole
import or none of it, and an import that fails or is killed part-way leaves the committed state
exactly as it was.
"""

from __future__ import annotations

import os
import shutil
import socket
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from saferhub.core.errors import SaferhubError


class RecordStoreError(SaferhubError):
    """The record store cannot be read or written."""


# Every record, whatever its source, has these columns (Parquet keeps the empty ones almost free).


RECORD_COLUMNS: tuple[tuple[str, str], ...] = (
    ("source", "VARCHAR"),  # police-uk, stats19, mapped
    ("kind", "VARCHAR"),  # crime, asb, outcome, collision, casualty, vehicle
    ("record_id", "VARCHAR"),  # Crime ID, collision index, casualty key, partner reference
    ("parent_id", "VARCHAR"),  # the collision of a casualty or vehicle
    ("force", "VARCHAR"),  # the force (police.uk "Falls within", STATS19 police_force) or the supplier
    ("force_code", "VARCHAR"),  # GSS code of the police force area when known
    ("month", "VARCHAR"),  # YYYY-MM
    ("date", "DATE"),
    ("category", "VARCHAR"),  # crime type, collision or casualty severity, vehicle type
    ("outcome", "VARCHAR"),  # last outcome category, outcome type
    ("severity", "VARCHAR"),  # fatal, serious, slight
    ("road_user", "VARCHAR"),  # pedestrian, pedal-cyclist, motorcyclist, car-occupant, other
    ("age", "SMALLINT"),
    ("longitude", "DOUBLE"),
    ("latitude", "DOUBLE"),
    ("location", "VARCHAR"),
    ("lsoa_code", "VARCHAR"),
    ("lsoa_name", "VARCHAR"),
    ("lsoa_vintage", "VARCHAR"),
    ("district_code", "VARCHAR"),  # the district or unitary the record lies in, as far as known
    ("area_code", "VARCHAR"),  # the area it was assigned to (within the import's areas), else empty
    ("area_status", "VARCHAR"),  # assigned, outside, no_location
    ("import_id", "BIGINT"),
    ("file_name", "VARCHAR"),
    ("row_number", "BIGINT"),
    ("part", "VARCHAR"),  # the partition's part: the force (as a slug) or the partner layout's name
)


COLUMN_NAMES = tuple(name for name, _ in RECORD_COLUMNS)


PARTITION_COLUMNS = ("source", "dataset", "month", "part")


MANIFEST = "manifest.json"


def empty_relation_sql() -> str:
    casts = ", ".join(f"CAST(NULL AS {kind}) AS {name}" for name, kind in RECORD_COLUMNS)
    return f"(SELECT {casts} WHERE false)"


def sql_literal(text: str) -> str:
    """A SQL string literal (for file paths, which DuckDB table functions take as constants)."""
    return "'" + text.replace("'", "''") + "'"


@dataclass(frozen=True, order=True)
class PartitionKey:
    source: str
    dataset: str
    month: str
    part: str

    @property
    def id(self) -> str:
        return f"{self.source}/{self.dataset}/{self.month}/{self.part}"

    @classmethod
    def parse(cls, text: str) -> PartitionKey:
        source, dataset, month, part = text.split("/")
        return cls(source, dataset, month, part)

    def folder(self) -> str:
        return f"records/source={self.source}/dataset={self.dataset}/month={self.month}/part={self.part}"


@dataclass
class Partition:
    """One committed (or staged) partition: its files relative to the store's folder, and facts about it."""

    files: list[str]
    rows: int
    import_id: int | None
    fingerprint: str
    meta: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Partition:
        return cls(
            files=list(data["files"]),
            rows=int(data["rows"]),
            import_id=data.get("import_id"),
            fingerprint=str(data.get("fingerprint", "")),
            meta=dict(data.get("meta") or {}),
        )

    def to_json(self) -> dict[str, Any]:
        """As ``dataclasses.asdict`` gives it, without its deep copy (manifests list thousands of these)."""
        return {
            "files": list(self.files),
            "rows": self.rows,
            "import_id": self.import_id,
            "fingerprint": self.fingerprint,
            "meta": self.meta,
        }


@dataclass
class Manifest:
    version: int = 0
    partitions: dict[str, Partition] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "partitions": {k: v.to_json() for k, v in sorted(self.partitions.items())},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Manifest:
        return cls(
            version=int(data.get("version", 0)),
            partitions={k: Partition.from_json(v) for k, v in (data.get("partitions") or {}).items()},
        )

    def select(
        self,
        *,
        sources: Iterable[str] | None = None,
        datasets: Iterable[str] | None = None,
        months: Iterable[str] | None = None,
        parts: Iterable[str] | None = None,
    ) -> dict[PartitionKey, Partition]:
        """Partitions matching every filter given (partition pruning, before any file is opened)."""
        want = [None if f is None else set(f) for f in (sources, datasets, months, parts)]
        out = {}
        for key_id, partition in self.partitions.items():
            key = PartitionKey.parse(key_id)
            values = (key.source, key.dataset, key.month, key.part)
            if all(w is None or v in w for w, v in zip(want, values, strict=True)):
                out[key] = partition
        return out


def pid_alive(info: dict[str, Any]) -> bool:
    """Whether the process that wrote a staging marker is still running (on this host)."""
    if info.get("host") != socket.gethostname():
        return True  # cannot tell: another machine's import is assumed alive until it is old
    try:
        os.kill(int(info.get("pid", 0)), 0)
    except (ProcessLookupError, ValueError):
        return False
    except PermissionError:
        return True
    return True


# A partition's fingerprint: an order-independent hash of its content (provenance columns left out),
# so that re-importing the same records is recognised as "unchanged".
FINGERPRINT_COLUMNS = tuple(c for c in COLUMN_NAMES if c not in {"import_id", "file_name", "row_number"})


FINGERPRINT_SQL = f"coalesce(sum(hash({', '.join(FINGERPRINT_COLUMNS)})), 0)::VARCHAR"


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove_tree(path: Path) -> None:
    """Remove a working folder, ignoring one that is already gone."""
    shutil.rmtree(path, ignore_errors=True)
