"""Recovery: finish or undo imports that a stopped process left part-way, and mark them failed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from saferhub.incidents.configured import record_store
from saferhub.incidents.store import pid_alive
from saferhub.ingest.models import Import

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
    """Finish or undo imports that a stopped process left part-way; remove files nothing uses; and
    mark imports that stopped before they wrote anything to the store as not imported."""
    store = record_store()
    report: dict[str, list[str]] = {"committed": [], "aborted": [], "kept": []}
    if store.exists():
        report = store.recover(_decide)
    imports_stalled_fail()
    return report


def imports_stalled_fail(*, import_run: Import | None = None) -> list[int]:
    """Imports still "Checking" whose process has ended (on this host), or that have checked for
    longer than any import takes, are marked not imported with the reason, so no page says
    "Checking" for ever. Those with staged files in the store are the store's recovery's to decide."""
    runs = [import_run] if import_run is not None else list(Import.objects.filter(status=Import.Status.STAGED))
    store = record_store()
    staged = set(store.staged_tokens()) if store.exists() else set()
    now = timezone.now()
    failed = []
    for run in runs:
        summary = run.summary or {}
        if run.status != Import.Status.STAGED or summary.get("awaiting_confirmation") or run.store_token in staged:
            continue
        worker = summary.get("worker")
        too_old = now - run.started_at > UNCHECKABLE_IMPORT_LIFETIME
        if too_old or (worker is not None and not pid_alive(worker)):
            reason = (
                "Stopped part-way while checking the files (the process ended); nothing was changed. Upload it again."
                if not too_old
                else "Never finished checking the files; nothing was changed. Upload it again."
            )
            _mark_failed(run, reason)
            failed.append(run.pk)
    return failed
