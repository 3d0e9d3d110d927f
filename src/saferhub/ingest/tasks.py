"""Imports as background tasks (django-tasks): in-process by default, on a queue in production.

Tasks take only JSON-friendly arguments and are safe to run twice: staging an import that is no
longer waiting does nothing, and confirming one that was already committed does nothing.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from django_tasks import task

from saferhub.core.errors import SaferhubError


@task()
def import_stage_task(
    import_id: int, paths: list[str], upload_dir: str = "", mapping: dict[str, Any] | None = None
) -> str:
    """Check and stage an uploaded file, and work out the preview; the import then waits to be confirmed."""
    from saferhub.ingest.models import Import
    from saferhub.ingest.pipeline import run_import
    from saferhub.ingest.sources import importer_for

    run = Import.objects.filter(pk=import_id).select_related("user", "partnership").first()
    if run is None or run.status != Import.Status.STAGED or run.summary.get("awaiting_confirmation"):
        return "nothing to do"
    options: dict[str, Any] = {"mapping": mapping} if run.source == "mapped" else {}
    if run.source == "returns":
        options = {"partnership": run.partnership}
    try:
        run_import(
            importer_for(run.source, **options),
            paths=[Path(p) for p in paths],
            user=run.user,
            partnership=run.partnership,
            confirm=False,
            import_run=run,
        )
    except SaferhubError as exc:
        return f"refused: {exc}"  # recorded on the import, shown on its page
    finally:
        if upload_dir:
            shutil.rmtree(upload_dir, ignore_errors=True)
    return "staged"


@task()
def import_confirm_task(import_id: int, user_id: int | None = None) -> str:
    """Commit a staged import after its preview was confirmed."""
    from saferhub.accounts.models import User
    from saferhub.ingest.models import Import
    from saferhub.ingest.services import import_confirm

    run = Import.objects.filter(pk=import_id).first()
    if run is None or run.status != Import.Status.STAGED or not run.summary.get("awaiting_confirmation"):
        return "nothing to do"
    user = User.objects.filter(pk=user_id).first() if user_id else None
    try:
        import_confirm(import_run=run, user=user)
    except SaferhubError as exc:
        return f"failed: {exc}"
    return "committed"
