"""The shapes every part of ingest shares: importers, stage results, context, limits, the record store.

This module sits at the bottom of :mod:`saferhub.ingest`: it imports no other ingest module that
runs an import, so importers, the pipeline, recovery and services can all depend on it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import duckdb
from django.conf import settings

from saferhub.incidents.store import Manifest, RecordStore, StoreTransaction
from saferhub.ingest.geo import Geography
from saferhub.ingest.intake import InputFile, Limits
from saferhub.ingest.models import Import
from saferhub.ingest.problems import Rejections

Progress = Callable[[int, int, str], None]


def limits() -> Limits:
    max_file = int(settings.SAFERHUB_MAX_UPLOAD_BYTES)
    return Limits(
        max_file_bytes=max_file, max_total_bytes=int(getattr(settings, "SAFERHUB_MAX_IMPORT_BYTES", 0)) or 20 * max_file
    )


@dataclass
class IndicatorSpec:
    slug: str
    title: str
    value_type: str = "count"
    unit: str = ""
    polarity: str = "lower_is_better"
    frequency: str = "monthly"
    definition: str = ""
    data_source: str = ""


@dataclass
class IndicatorRows:
    spec: IndicatorSpec
    rows: list[dict[str, Any]]


@dataclass
class StageResult:
    rows_read: int = 0
    rows_accepted: int = 0
    rejections: Rejections = field(default_factory=Rejections)
    notes: list[str] = field(default_factory=list)
    files: list[dict[str, Any]] = field(default_factory=list)
    partitions: dict[str, dict[str, Any]] = field(default_factory=dict)
    totals: dict[str, dict[str, int]] = field(default_factory=dict)  # dataset → count name → count
    values: list[IndicatorRows] = field(default_factory=list)  # importers that write values directly

    def add_total(self, dataset: str, name: str, amount: int) -> None:
        bucket = self.totals.setdefault(dataset, {})
        bucket[name] = bucket.get(name, 0) + int(amount)

    def total(self, name: str) -> int:
        return sum(bucket.get(name, 0) for bucket in self.totals.values())


@dataclass
class Context:
    import_run: Import
    store: RecordStore
    con: duckdb.DuckDBPyConnection
    txn: StoreTransaction | None
    geography: Geography | None
    progress: Progress
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def import_id(self) -> int:
        return int(self.import_run.pk)


class Importer(Protocol):
    source: str
    suffixes: tuple[str, ...]
    uses_store: bool

    def stage(self, ctx: Context, files: list[InputFile]) -> StageResult: ...

    def indicator_rows(self, ctx: Context, stage: StageResult, view: Manifest) -> list[IndicatorRows]: ...


@dataclass
class ImportOutcome:
    import_run: Import
    stage: StageResult
    compare: dict[str, int]
    values: dict[str, int]
    awaiting_confirmation: bool = False
