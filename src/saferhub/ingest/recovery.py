"""Recovery: finish or undo imports that a stopped process left part-way, and mark them failed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from saferhub.incidents.store import pid_alive
from saferhub.ingest.models import Import
from saferhub.ingest.types import record_store

# A staged import nobody confirms is thrown away after this long.
STAGED_IMPORT_LIFETIME = timedelta(days=7)
# An import whose process cannot be checked (another machine) is presumed dead after this long.
UNCHECKABLE_IMPORT_LIFETIME = timedelta(hours=6)


def _decide(token: str, info: dict[str, Any]) -> str:
    """Recovery's question: did this import's database transaction commit?"""
    import_run = Import.objects.filter(store_token=token).first()
    age = timedelta(seconds=max(0.0, timezone.now().timestamp() - float(info.get("updated", 0))))
    if import_run is None:
        return "abort" if not pid_alive(info) or age > UNCHECKABLE_IMPORT_LIFETIME else "keep"
    if import_run.status == Import.Status.COMMITTED:
        return "commit"
    if import_run.status != Import.Status.STAGED:
        return "abort"
    if info.get("state") == "held":
        if age > STAGED_IMPORT_LIFETIME:
            _mark_failed(import_run, "Not confirmed within 7 days; the staged files were removed and nothing changed.")
            return "abort"
        return "keep"
    if pid_alive(info) and age <= UNCHECKABLE_IMPORT_LIFETIME:
        return "keep"
    _mark_failed(import_run, "Stopped part-way (the process ended); nothing was changed.")
    return "abort"


def _mark_failed(import_run: Import, error: str) -> None:
    Import.objects.filter(pk=import_run.pk, status=Import.Status.STAGED).update(
        status=Import.Status.FAILED, error=error, finished_at=timezone.now()
    )


def records_recover() -> dict[str, list[str]]:
    """Finish or undo imports that a stopped process left part-way; remove files nothing uses."""
    store = record_store()
    if not store.root.exists():
        return {"committed": [], "aborted": [], "kept": []}
    return store.recover(_decide)
