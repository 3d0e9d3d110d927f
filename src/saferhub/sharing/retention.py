"""Retention: records older than their dataset's agreements allow are removed from the record
store, through its public transaction API (the same atomic manifest switch an import uses).

A dataset's retention is the longest retention of the agreements in force that cover it: a record
is kept while any agreement in force lets the partnership keep it. Datasets with no agreement in
force that sets a retention are left alone (the purge never guesses). Whole months go: a month's
partition is removed when its last day is before the cut-off.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Max

from saferhub.core.audit import audit_record
from saferhub.incidents.store import PartitionKey, RecordStore
from saferhub.sharing.models import Agreement, Dataset


@dataclass(frozen=True)
class PurgeItem:
    key: PartitionKey
    rows: int
    dataset: str
    cutoff: str


def _months_before(today: date, months: int) -> str:
    """The first month kept, as YYYY-MM: ``months`` whole months back from today's month."""
    index = today.year * 12 + (today.month - 1) - months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def retention_by_source() -> dict[str, tuple[str, int]]:
    """Ingest source → (dataset name, retention in months) from the agreements in force."""
    rows = (
        Dataset.objects.exclude(source="")
        .filter(agreements__status=Agreement.Status.IN_FORCE, agreements__retention_months__isnull=False)
        .values("source", "name")
        .annotate(months=Max("agreements__retention_months"))
    )
    out: dict[str, tuple[str, int]] = {}
    for r in rows:
        name, months = out.get(r["source"], (r["name"], 0))
        out[r["source"]] = (name, max(months, r["months"]))
    return out


def purge_plan(store: RecordStore, today: date) -> list[PurgeItem]:
    """The partitions past retention, oldest first."""
    retention = retention_by_source()
    plan = []
    for key_id, partition in store.manifest().partitions.items():
        key = PartitionKey.parse(key_id)
        if key.source not in retention:
            continue
        name, months = retention[key.source]
        first_kept = _months_before(today, months)
        if key.month < first_kept:
            plan.append(PurgeItem(key=key, rows=partition.rows, dataset=name, cutoff=first_kept))
    return sorted(plan, key=lambda item: (item.key.month, item.key.id))


def records_purge(*, store: RecordStore, today: date, actor: Any = None, dry_run: bool = False) -> list[PurgeItem]:
    """Remove what is past retention in one atomic commit, and audit it. ``dry_run`` changes nothing."""
    with store.lock():
        plan = purge_plan(store, today)
        if dry_run or not plan:
            return plan
        txn = store.begin(token=f"purge-{uuid.uuid4().hex}", import_id=None)
        for item in plan:
            txn.remove(item.key)
        txn.prepare()
        txn.commit()
    audit_record(
        actor=actor,
        action="records.purge",
        partitions=[item.key.id for item in plan],
        rows=sum(item.rows for item in plan),
        on=today.isoformat(),
    )
    return plan
