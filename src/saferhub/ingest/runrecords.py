"""What an import run records in the database as it goes: its files, progress, summary, refusal or failure."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from saferhub.core.errors import SaferhubError
from saferhub.incidents.store import RecordStore
from saferhub.ingest.intake import InputFile
from saferhub.ingest.models import Import, ImportFile, ImportRejection
from saferhub.ingest.problems import AlreadyImported, ImportRefused, Rejection
from saferhub.ingest.types import (
    IndicatorRows,
    Progress,
    StageResult,
)

log = logging.getLogger(__name__)


def display_name(paths: list[Path]) -> str:
    if len(paths) == 1:
        return paths[0].name or str(paths[0])
    return f"{len(paths)} paths: " + ", ".join(p.name for p in paths[:5]) + (" …" if len(paths) > 5 else "")


def combined_sha256(files: list[InputFile]) -> str:
    if len(files) == 1:
        return files[0].sha256
    digest = hashlib.sha256()
    for item in sorted(files, key=lambda f: f.sha256):
        digest.update(f"{item.sha256} {item.name}\n".encode())
    return digest.hexdigest()


def check_already_imported(source: str, files: list[InputFile], store: RecordStore, uses_store: bool) -> list[str]:
    """Refuse when every file was imported before and is still current; note those that were."""
    earlier = {
        f.sha256: f
        for f in ImportFile.objects.filter(
            sha256__in=[item.sha256 for item in files],
            import_run__source=source,
            import_run__status=Import.Status.COMMITTED,
        ).select_related("import_run")
    }
    if uses_store:
        current_imports = {p.import_id for p in store.manifest().partitions.values()}
        earlier = {sha: f for sha, f in earlier.items() if f.import_run_id in current_imports}
    notes = [
        f"{item.name} was imported before (import {earlier[item.sha256].import_run_id}); "
        "its records are compared and kept as they are"
        for item in files
        if item.sha256 in earlier
    ]
    if files and all(item.sha256 in earlier for item in files):
        first = earlier[files[0].sha256].import_run
        when = timezone.localtime(first.finished_at or first.started_at).strftime("%d %B %Y %H:%M")
        raise AlreadyImported(
            f"{files[0].name if len(files) == 1 else 'every file given'} was already imported "
            f"(import {first.pk}, {when}); nothing has changed. Use --again to import it again."
        )
    return notes


def progress_writer(import_run: Import, progress: Progress | None) -> Progress:
    state = {"last": 0.0}

    def tick(done: int, total: int, note: str) -> None:
        if progress is not None:
            progress(done, total, note)
        now = timezone.now().timestamp()
        if now - state["last"] >= 0.5 or done >= total:
            state["last"] = now
            Import.objects.filter(pk=import_run.pk).update(
                progress_done=done, progress_total=total, progress_note=note[:200]
            )

    return tick


def run_summary(stage: StageResult, compare: dict[str, int], values: dict[str, Any]) -> dict[str, Any]:
    return {
        "files": stage.files,
        "partitions": stage.partitions,
        "totals": stage.totals,
        "notes": stage.notes,
        "compare": compare,
        "values": values,
    }


def save_staged(
    import_run: Import,
    stage: StageResult,
    compare: dict[str, int],
    preview: dict[str, Any],
    values: list[IndicatorRows],
    importer_options: dict[str, Any],
) -> None:
    import_run.rows_read = stage.rows_read
    import_run.rows_accepted = stage.rows_accepted
    summary = run_summary(stage, compare, preview)
    summary["awaiting_confirmation"] = True
    summary["uses_store"] = bool(stage.partitions)
    summary["importer_options"] = importer_options
    summary["staged_values"] = [
        {"spec": item.spec.__dict__, "rows": [jsonable(r) for r in item.rows]} for item in values
    ]
    import_run.summary = summary
    import_run.save(update_fields=["rows_read", "rows_accepted", "summary"])


def new_change(slug: str, row: dict[str, Any]) -> dict[str, Any]:
    """A figure of an indicator the hub does not hold yet, as the preview lists it (old → new)."""
    area = row.get("area")
    return {
        "indicator": slug,
        "change": "new",
        "area": str(getattr(area, "code", area)),
        "period": str(row.get("period") or ""),
        "breakdown": str(row.get("breakdown") or ""),
        "old": None,
        "new": row.get("value"),
    }


def jsonable(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if isinstance(v, (str, int, float, list, type(None)))}


def create_files(import_run: Import, files: list[InputFile], stage: StageResult) -> None:
    rows = {f["name"]: f for f in stage.files}
    ImportFile.objects.bulk_create(
        [
            ImportFile(
                import_run=import_run,
                name=item.name[:500],
                sha256=item.sha256,
                size_bytes=item.size,
                rows_read=int(rows.get(item.name, {}).get("rows", 0)),
                dataset=str(rows.get(item.name, {}).get("dataset", ""))[:40],
            )
            for item in files
        ]
    )


def record_files(import_run: Import, files: list[InputFile], stage: StageResult) -> None:
    import_run.rows_read = stage.rows_read
    import_run.rows_accepted = stage.rows_accepted - 0
    import_run.rows_rejected = stage.rejections.rows_rejected
    import_run.summary = {"files": stage.files, "notes": stage.notes, "problems": stage.rejections.total}


# Imports whose database transaction committed in this process (so a later error rolls the store forward).


def record_refusal(import_run: Import, exc: BaseException, files: list[InputFile]) -> None:
    rejections: list[Rejection] = list(getattr(exc, "rejections", []) or [])
    if not rejections:
        where = getattr(exc, "where", None) or ""
        rejections = [Rejection(where.split(",")[0] if where else "", None, "", "", getattr(exc, "message", str(exc)))]
        row = next((p for p in where.split(", ") if p.startswith("row ")), None)
        column = next((p for p in where.split(", ") if p.startswith("column ")), None)
        rejections[0] = Rejection(
            rejections[0].file_name,
            int(row[4:]) if row and row[4:].isdigit() else None,
            column[7:] if column else "",
            "",
            rejections[0].reason,
        )
    with transaction.atomic():
        import_run.status = (
            Import.Status.REJECTED if isinstance(exc, (ImportRefused, AlreadyImported)) else Import.Status.FAILED
        )
        import_run.error = str(exc)[:5000]
        import_run.finished_at = timezone.now()
        import_run.rows_rejected = max(int(getattr(exc, "rows_rejected", 0) or 0), import_run.rows_rejected)
        import_run.save()
        if files and not ImportFile.objects.filter(import_run=import_run).exists():
            known = {f["name"]: f for f in (import_run.summary or {}).get("files", [])}
            ImportFile.objects.bulk_create(
                [
                    ImportFile(
                        import_run=import_run,
                        name=f.name[:500],
                        sha256=f.sha256,
                        size_bytes=f.size,
                        rows_read=int(known.get(f.name, {}).get("rows", 0)),
                        dataset=str(known.get(f.name, {}).get("dataset", ""))[:40],
                    )
                    for f in files
                ]
            )
        ImportRejection.objects.bulk_create(
            [
                ImportRejection(
                    import_run=import_run,
                    file_name=r.file_name[:500],
                    row_number=r.row_number,
                    column=r.column[:200],
                    value=r.value[:1000],
                    reason=r.reason,
                )
                for r in rejections
            ]
        )


def record_failure(import_run: Import, exc: BaseException) -> None:
    try:
        Import.objects.filter(pk=import_run.pk).update(
            status=Import.Status.FAILED,
            error=(f"{type(exc).__name__}: {exc}" if not isinstance(exc, SaferhubError) else str(exc))[:5000]
            or type(exc).__name__,
            finished_at=timezone.now(),
        )
    except Exception:
        log.exception("could not record the failure of import %s", import_run.pk)
