"""Writes of the ingest app: imports of each kind, confirmation, recovery and lookups.

Every import goes through :func:`saferhub.ingest.pipeline.run_import`: it checks everything
first, then commits the record store and the database together, or changes nothing.
"""

# ruff: noqa: S608 - DuckDB SQL is assembled from this module's own fragments; file contents reach it only as
# column values, and the few literals (paths, months, slugs) go through sql_literal().

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.utils import timezone

from saferhub.core.errors import ValidationProblem
from saferhub.core.exports import export_safe_cell
from saferhub.incidents.store import pid_alive, sql_literal
from saferhub.ingest.models import Import
from saferhub.ingest.pipeline import (
    ImportOutcome,
    Progress,
    confirm_import,
    discard_import,
    record_store,
    run_import,
)
from saferhub.ingest.sources import importer_for

# A staged import nobody confirms is thrown away after this long.
STAGED_IMPORT_LIFETIME = timedelta(days=7)
# An import whose process cannot be checked (another machine) is presumed dead after this long.
UNCHECKABLE_IMPORT_LIFETIME = timedelta(hours=6)


def _paths(paths: Iterable[Path | str]) -> list[Path]:
    out = [Path(p) for p in paths]
    if not out:
        raise ValidationProblem("no files given: name at least one file, folder or zip")
    return out


def police_uk_import(
    *,
    paths: Iterable[Path | str],
    user: Any = None,
    partnership: Any = None,
    again: bool = False,
    confirm: bool = True,
    progress: Progress | None = None,
) -> ImportOutcome:
    """Import police.uk street-level (crime and ASB) or outcomes files: files, folders or zips."""
    return run_import(
        importer_for("police-uk"),
        paths=_paths(paths),
        user=user,
        partnership=partnership,
        again=again,
        confirm=confirm,
        progress=progress,
    )


def stats19_import(
    *,
    paths: Iterable[Path | str],
    user: Any = None,
    partnership: Any = None,
    again: bool = False,
    confirm: bool = True,
    progress: Progress | None = None,
) -> ImportOutcome:
    """Import STATS19 collision, casualty and vehicle files (current ``collision_*`` or older ``accident_*``)."""
    return run_import(
        importer_for("stats19"),
        paths=_paths(paths),
        user=user,
        partnership=partnership,
        again=again,
        confirm=confirm,
        progress=progress,
    )


def mapped_import(
    *,
    paths: Iterable[Path | str],
    mapping: Path | str | dict[str, Any],
    user: Any = None,
    partnership: Any = None,
    again: bool = False,
    confirm: bool = True,
    progress: Progress | None = None,
) -> ImportOutcome:
    """Import a partner's own layout, read through a YAML mapping file."""
    return run_import(
        importer_for("mapped", mapping=mapping),
        paths=_paths(paths),
        user=user,
        partnership=partnership,
        again=again,
        confirm=confirm,
        progress=progress,
    )


def returns_import(
    *,
    paths: Iterable[Path | str],
    user: Any = None,
    partnership: Any = None,
    again: bool = False,
    confirm: bool = True,
    progress: Progress | None = None,
    status: str = "final",
) -> ImportOutcome:
    """Import indicator values from a partner return or survey (CSV or XLSX)."""
    return run_import(
        importer_for("returns", partnership=partnership, status=status),
        paths=_paths(paths),
        user=user,
        partnership=partnership,
        again=again,
        confirm=confirm,
        progress=progress,
    )


def import_confirm(*, import_run: Import, user: Any = None, progress: Progress | None = None) -> ImportOutcome:
    """Commit an import that was staged for preview."""
    return confirm_import(import_run=import_run, user=user, progress=progress)


def import_discard(*, import_run: Import, user: Any = None) -> None:
    """Throw away a staged import; nothing changes."""
    discard_import(import_run=import_run, user=user)


def import_rejections_csv(*, import_run: Import) -> str:
    """The rejected rows as CSV (file, row, column, value, reason), safe to open in a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["file", "row", "column", "value", "reason"])
    for r in import_run.rejections.order_by("id"):
        writer.writerow(
            [
                export_safe_cell(r.file_name),
                r.row_number or "",
                export_safe_cell(r.column),
                export_safe_cell(r.value),
                export_safe_cell(r.reason),
            ]
        )
    return out.getvalue()


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
    if store.root.exists():
        report = store.recover(_decide)
    imports_stalled_fail()
    return report


def imports_stalled_fail(*, import_run: Import | None = None) -> list[int]:
    """Imports still "Checking" whose process has ended (on this host), or that have checked for
    longer than any import takes, are marked not imported with the reason, so no page says
    "Checking" for ever. Those with staged files in the store are the store's recovery's to decide."""
    runs = [import_run] if import_run is not None else list(Import.objects.filter(status=Import.Status.STAGED))
    store = record_store()
    staged = set(store.staged_tokens()) if store.root.exists() else set()
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


def lsoa_lookup_load(*, path: Path | str, vintage: str = "") -> int:
    """Load an ONS LSOA → local authority district lookup CSV (plain or .gz) into the record store.

    The columns are found by name: an LSOA code column (``LSOA11CD``, ``LSOA code (2011)``…) and a
    district code column (``LAD19CD``, ``Local Authority District code (2019)``…). Returns the rows loaded.
    """
    path = Path(path)
    if not path.exists():
        raise ValidationProblem("file not found", where=str(path))
    store = record_store()
    con = store.connect()
    try:
        try:
            columns = [
                r[0]
                for r in con.execute(
                    f"DESCRIBE SELECT * FROM read_csv({sql_literal(str(path))}, all_varchar=true)"
                ).fetchall()
            ]
        except Exception as exc:
            raise ValidationProblem(f"cannot be read as CSV ({str(exc).splitlines()[0]})", where=str(path)) from None

        def find(*words: str) -> str | None:
            for name in columns:
                low = name.lower().replace(" ", "")
                if all(w in low for w in words):
                    return name
            return None

        lsoa = find("lsoa", "cd") or find("lsoa", "code")
        district = find("lad", "cd") or find("localauthoritydistrict", "code") or find("ltla", "cd")
        if lsoa is None or district is None:
            raise ValidationProblem(
                "expected an LSOA code column (such as LSOA11CD) and a district code column (such as LAD19CD); "
                f"found {', '.join(columns)}",
                where=str(path),
            )
        guessed = vintage or ("2021" if "21" in lsoa else "2011" if "11" in lsoa else "")
        bad = con.execute(
            f"""SELECT count(*) FROM read_csv({sql_literal(str(path))}, all_varchar=true)
                WHERE NOT regexp_full_match("{lsoa}", '[EW]01[0-9]{{6}}')
                   OR NOT regexp_full_match("{district}", '[EWSN][0-9]{{8}}')"""
        ).fetchall()[0]
        if bad and bad[0]:
            raise ValidationProblem(
                f"{bad[0]} rows have an LSOA or district code that is not a GSS code", where=str(path)
            )
        return store.lookup_write(
            con,
            name="lsoa_districts",
            select_sql=f"""SELECT "{lsoa}" AS lsoa_code, any_value("{district}") AS district_code,
                           {sql_literal(guessed)} AS vintage, {sql_literal(path.name)} AS source
                           FROM read_csv({sql_literal(str(path))}, all_varchar=true) GROUP BY 1""",
        )
    finally:
        con.close()


# --- uploads through the web ---------------------------------------------------------------------

UPLOAD_SOURCES = ("police-uk", "stats19", "mapped", "returns")


def _safe_name(name: str) -> str:
    base = Path(name).name.strip() or "upload"
    cleaned = "".join(ch if ch.isalnum() or ch in "-_. " else "_" for ch in base).strip(" .")
    return (cleaned or "upload")[:150]


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
    import uuid

    import yaml
    from django.conf import settings

    from saferhub.ingest.tasks import import_stage_task

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
    target = folder / _safe_name(upload.name)
    with target.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    run = Import.objects.create(
        source=source,
        file_name=_safe_name(upload.name),
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
    from saferhub.ingest.tasks import import_confirm_task

    Import.objects.filter(pk=import_run.pk).update(progress_note="Committing")
    import_confirm_task.enqueue(import_run.pk, user.pk if getattr(user, "is_authenticated", False) else None)
