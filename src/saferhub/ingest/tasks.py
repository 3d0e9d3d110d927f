"""Imports as background tasks (django-tasks): in-process by default, on a queue in production.

Tasks take only JSON-friendly arguments, call one service each, and are safe to run twice: staging
an import that is no longer waiting does nothing, and confirming one that was already committed
does nothing. Only :mod:`saferhub.ingest.uploads` enqueues them.
"""

from __future__ import annotations

from typing import Any

from django_tasks import task

from saferhub.ingest.services import import_confirm_queued, import_stage_queued, police_uk_refresh_queued


@task()
def import_stage_task(
    import_id: int, paths: list[str], upload_dir: str = "", mapping: dict[str, Any] | None = None
) -> str:
    """Check and stage an uploaded file, and work out the preview; the import then waits to be confirmed."""
    return import_stage_queued(import_id=import_id, paths=paths, upload_dir=upload_dir, mapping=mapping)


@task()
def import_confirm_task(import_id: int, user_id: int | None = None) -> str:
    """Commit a staged import after its preview was confirmed."""
    return import_confirm_queued(import_id=import_id, user_id=user_id)


@task()
def police_uk_refresh_task(forces: list[str], recent: int = 3, base_url: str = "", into: str = "") -> str:
    """Fetch the last ``recent`` months of police.uk files for ``forces`` and import what is new.

    Safe to run twice: files already fetched and verified are skipped, and files already imported
    are not imported again. Scheduled monthly (docs/runbook.md).
    """
    return police_uk_refresh_queued(forces=forces, recent=recent, base_url=base_url, into=into)
