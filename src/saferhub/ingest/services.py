"""Writes of the ingest app: imports of each kind, confirmation, recovery and lookups.

Every import goes through :func:`saferhub.ingest.pipeline.run_import`: it checks everything
first, then commits the record store and the database together, or changes nothing.
"""

# ruff: noqa: S608 - DuckDB SQL is assembled from this module's own fragments; file contents reach it only as
# column values, and the few literals (paths, months, slugs) go through sql_literal().

from __future__ import annotations

import csv
import io
import logging
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from saferhub.accounts.models import User
from saferhub.core.errors import SaferhubError, ValidationProblem
from saferhub.core.exports import export_safe_cell
from saferhub.incidents.configured import record_store
from saferhub.incidents.store import sql_literal
from saferhub.ingest.fetch import Fetcher, FetchResult, plan, recent_months
from saferhub.ingest.models import Import
from saferhub.ingest.pipeline import (
    ImportOutcome,
    Progress,
    confirm_import,
    discard_import,
    run_import,
)
from saferhub.ingest.problems import AlreadyImported
from saferhub.ingest.registry import importer_for

logger = logging.getLogger(__name__)


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


def police_uk_fetch(
    *,
    forces: list[str],
    first: str,
    last: str,
    base_url: str = "",
    into: Path | str | None = None,
    datasets: Iterable[str] = ("street",),
    refresh: bool = False,
    accept_changed: bool = False,
    user: Any = None,
    partnership: Any = None,
    progress: Progress | None = None,
    fetcher_options: dict[str, Any] | None = None,
) -> tuple[FetchResult, ImportOutcome | None]:
    """Download police.uk's monthly files for ``forces`` from ``first`` to ``last`` (resuming and
    verifying, see :mod:`saferhub.ingest.fetch`), then import those not yet imported, in one import.

    A failed download raises :class:`~saferhub.ingest.fetch.FetchError` before anything is imported.
    """
    base = base_url or str(getattr(settings, "SAFERHUB_POLICE_UK_BASE_URL", ""))
    if not base:
        raise ValidationProblem(
            "no address to fetch from: give --base-url or set SAFERHUB_POLICE_UK_BASE_URL", field="base_url"
        )
    folder = Path(into) if into else Path(settings.SAFERHUB_VAR_DIR) / "police-uk"
    fetcher = Fetcher(base, folder, accept_changed=accept_changed, **(fetcher_options or {}))
    result = fetcher.run(plan(forces, first, last, list(datasets)), refresh=refresh)
    if not result.to_import:
        return result, None
    relatives = [str(p.relative_to(folder)) for p in result.to_import]
    try:
        outcome = police_uk_import(paths=result.to_import, user=user, partnership=partnership, progress=progress)
    except AlreadyImported:  # imported earlier by other means: nothing to do but remember it
        fetcher.manifest.mark_imported(relatives, None)
        return result, None
    fetcher.manifest.mark_imported(relatives, outcome.import_run.pk)
    return result, outcome


def police_uk_refresh_queued(*, forces: list[str], recent: int = 3, base_url: str = "", into: str = "") -> str:
    """The scheduled monthly refresh (run by a background task): fetch the last ``recent`` months and
    import what is new. A failure is logged and returned, not raised, so the queue is not retried blindly."""
    today = timezone.now()
    first, last = recent_months(recent, today=(today.year, today.month))
    try:
        result, outcome = police_uk_fetch(forces=forces, first=first, last=last, base_url=base_url, into=into or None)
    except SaferhubError as exc:
        logger.error("police.uk refresh %s to %s failed: %s", first, last, exc)
        return f"failed: {exc}"
    done = f"fetched {len(result.downloaded)}, already here {len(result.skipped)}"
    return f"{done}; import {outcome.import_run.pk}" if outcome else f"{done}; nothing new to import"


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


def safe_name(name: str) -> str:
    base = Path(name).name.strip() or "upload"
    cleaned = "".join(ch if ch.isalnum() or ch in "-_. " else "_" for ch in base).strip(" .")
    return (cleaned or "upload")[:150]


def import_stage_queued(
    *, import_id: int, paths: list[str], upload_dir: str = "", mapping: dict[str, Any] | None = None
) -> str:
    """Check and stage an uploaded import (run by a background task); a refusal is recorded on the import."""
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


def import_confirm_queued(*, import_id: int, user_id: int | None = None) -> str:
    """Commit a staged import after its preview was confirmed (run by a background task)."""
    run = Import.objects.filter(pk=import_id).first()
    if run is None or run.status != Import.Status.STAGED or not run.summary.get("awaiting_confirmation"):
        return "nothing to do"
    user = User.objects.filter(pk=user_id).first() if user_id else None
    try:
        import_confirm(import_run=run, user=user)
    except SaferhubError as exc:
        return f"failed: {exc}"
    return "committed"
