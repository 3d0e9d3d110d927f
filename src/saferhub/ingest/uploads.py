"""Receiving uploads from the pages: the one module that puts imports on the task queue."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings

from saferhub.core.errors import ValidationProblem
from saferhub.ingest.models import Import
from saferhub.ingest.services import UPLOAD_SOURCES, safe_name
from saferhub.ingest.tasks import import_confirm_task, import_stage_task, police_uk_refresh_task


def import_upload(
    *,
    user: Any,
    partnership: Any,
    source: str,
    upload: Any,
    mapping_upload: Any = None,
) -> Import:
    """Receive an uploaded file and start checking it in the background; the import then waits, with
    its preview, to be confirmed. The caller has checked the user may contribute to the partnership."""
    if source not in UPLOAD_SOURCES:
        raise ValidationProblem(f"source {source!r} is not one of {', '.join(UPLOAD_SOURCES)}", field="source")
    limit = int(settings.SAFERHUB_MAX_UPLOAD_BYTES)
    if upload.size > limit:
        raise ValidationProblem(f"The selected file must be smaller than {limit // (1024 * 1024)} MB", field="upload")
    mapping: dict[str, Any] | None = None
    if source == "mapped":
        if mapping_upload is None:
            raise ValidationProblem(
                "Select the mapping file (YAML) that says how to read the partner's layout", field="mapping_upload"
            )
        if mapping_upload.size > 1024 * 1024:
            raise ValidationProblem("The mapping file must be smaller than 1 MB", field="mapping_upload")
        try:
            mapping = yaml.safe_load(mapping_upload.read().decode("utf-8-sig"))
        except (UnicodeDecodeError, yaml.YAMLError):
            raise ValidationProblem("The mapping file is not readable YAML", field="mapping_upload") from None
        if not isinstance(mapping, dict):
            raise ValidationProblem(
                "The mapping file must be a YAML mapping with name, kind and columns", field="mapping_upload"
            )
    token = uuid.uuid4().hex
    folder = Path(settings.SAFERHUB_VAR_DIR) / "uploads" / token
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / safe_name(upload.name)
    with target.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    run = Import.objects.create(
        source=source,
        file_name=safe_name(upload.name),
        sha256="",
        size_bytes=upload.size,
        user=user if getattr(user, "is_authenticated", False) else None,
        partnership=partnership,
        status=Import.Status.STAGED,
        store_token=token,
        progress_note="Waiting to be checked",
    )
    import_stage_task.enqueue(run.pk, [str(target)], str(folder), mapping)
    return run


def import_confirm_start(*, import_run: Import, user: Any) -> None:
    """Start committing a staged import in the background."""
    Import.objects.filter(pk=import_run.pk).update(progress_note="Committing")
    import_confirm_task.enqueue(import_run.pk, user.pk if getattr(user, "is_authenticated", False) else None)


def police_uk_refresh_start(*, forces: list[str], recent: int = 3, base_url: str = "", into: str = "") -> None:
    """Put a police.uk refresh on the task queue (a worker fetches and imports it)."""
    police_uk_refresh_task.enqueue(forces, recent, base_url, into)
