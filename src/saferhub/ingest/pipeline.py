"""The one pipeline every importer shares.

read → check encoding and columns → validate rows → stage → compare with what is stored → commit.

* Validation finds every problem before anything is written; any rejected row refuses the whole
  import (status ``rejected``), with each rejection recorded for download.
* Staged Parquet files are invisible until the store's manifest names them; database rows
  (indicator values, provenance) commit in one transaction; then the manifest is renamed into
  place. On any failure the staged files are removed and the transaction rolls back, so the
  store and the database are exactly as before.
* A process killed part-way is tidied by :func:`saferhub.ingest.recovery.records_recover`, which
  runs before every import.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import tempfile
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from saferhub.core.audit import audit_record
from saferhub.core.errors import SaferhubError
from saferhub.framework.models import Indicator
from saferhub.incidents.configured import record_store
from saferhub.incidents.store import Manifest, PartitionKey, RecordStore, StoreTransaction, remove_tree
from saferhub.ingest.computed import computed_rows, computed_slugs
from saferhub.ingest.geo import geography_for_import, register_geography
from saferhub.ingest.intake import InputFile, expand, sha256_of
from saferhub.ingest.models import Import, ImportFile
from saferhub.ingest.problems import AlreadyImported, ImportRefused
from saferhub.ingest.recovery import records_recover
from saferhub.ingest.registry import importer_for
from saferhub.ingest.runrecords import (
    check_already_imported,
    combined_sha256,
    create_files,
    display_name,
    new_change,
    progress_writer,
    record_failure,
    record_files,
    record_refusal,
    run_summary,
    save_staged,
)
from saferhub.ingest.types import (
    Context,
    Importer,
    ImportOutcome,
    IndicatorRows,
    IndicatorSpec,
    Progress,
    StageResult,
    limits,
)
from saferhub.measures.services import indicator_values_write
from saferhub.performance.services import performance_refresh

log = logging.getLogger(__name__)


def _checkpoint(name: str) -> None:
    """A named point in the pipeline. Does nothing; tests replace it to fail or kill the process there."""


def run_import(
    importer: Importer,
    *,
    paths: list[Path],
    user: Any = None,
    partnership: Any = None,
    again: bool = False,
    confirm: bool = True,
    progress: Progress | None = None,
    options: dict[str, Any] | None = None,
    import_run: Import | None = None,
) -> ImportOutcome:
    """Run ``importer`` over ``paths``. With ``confirm=False`` stop after the preview: the import
    waits, staged, for :func:`confirm_import`."""

    store = record_store()
    records_recover()
    if import_run is None:
        import_run = Import.objects.create(
            source=importer.source,
            file_name=display_name(paths)[:500],
            sha256="",
            user=user if getattr(user, "is_authenticated", False) else None,
            partnership=partnership,
            status=Import.Status.STAGED,
            store_token=uuid.uuid4().hex,
        )
    # Which process checks the files, so that recovery can tell a stopped import from a slow one.
    import_run.summary = {**(import_run.summary or {}), "worker": {"host": socket.gethostname(), "pid": os.getpid()}}
    import_run.save(update_fields=["summary"])
    tick = progress_writer(import_run, progress)
    work_dir = Path(tempfile.mkdtemp(prefix="saferhub-import-"))
    txn: StoreTransaction | None = None
    files: list[InputFile] = []
    con = store.connect(memory_limit=str(settings.SAFERHUB_DUCKDB_MEMORY))
    try:
        tick(0, 1, "Checking the files")
        files = expand(paths, work_dir=work_dir, limits=limits(), suffixes=importer.suffixes)
        given_file = len(paths) == 1 and paths[0].is_file()
        import_run.sha256 = sha256_of(paths[0]) if given_file else combined_sha256(files)
        import_run.size_bytes = sum(f.size for f in files)
        import_run.save(update_fields=["sha256", "size_bytes"])
        notes = [] if again else check_already_imported(importer.source, files, store, importer.uses_store)
        geography = geography_for_import(partnership=partnership) if importer.uses_store else None
        if geography is not None:
            register_geography(con, geography=geography, store=store)
            txn = store.begin(token=import_run.store_token, import_id=import_run.pk)
        ctx = Context(import_run, store, con, txn, geography, tick, dict(options or {}))
        stage = importer.stage(ctx, files)
        stage.notes[:0] = notes
        if stage.rejections:
            record_files(import_run, files, stage)
            raise ImportRefused.from_rejections(stage.rejections)
        _checkpoint("staged")
        compare = _compare(store, txn) if txn is not None else {}
        tick(len(files), len(files), "Working out indicator values")
        view = txn.view() if txn is not None else Manifest()
        values = importer.indicator_rows(ctx, stage, view)
        if importer.uses_store and txn is not None:
            # The plans' own indicators this source feeds, at their own period type; an indicator a
            # plan defines is never also fed the importer's generic monthly rows of the same name.
            planned = computed_rows(ctx, view, importer.source)
            owned = computed_slugs(importer.source)
            values = [v for v in values if v.spec.slug not in owned] + planned
        if not confirm:
            preview = _preview_values(values)
            options_for_later: dict[str, Any] = getattr(importer, "options", dict)()
            save_staged(import_run, stage, compare, preview, values, options_for_later)
            if txn is not None:
                txn.hold()
            tick(1, 1, "Ready to confirm")
            counts = {k: v for k, v in preview.items() if k != "changes"}
            return ImportOutcome(import_run, stage, compare, counts, awaiting_confirmation=True)
        written = _commit(import_run, store, txn, stage, compare, values, files, user=user)
        tick(1, 1, "Imported")
        return ImportOutcome(import_run, stage, compare, written)
    except (ImportRefused, AlreadyImported, SaferhubError) as exc:
        _abort(txn)
        record_refusal(import_run, exc, files)
        raise
    except BaseException as exc:
        _abort(txn)
        if import_run.pk not in committed:
            record_failure(import_run, exc)
        raise
    finally:
        committed.discard(import_run.pk)
        con.close()
        remove_tree(work_dir)


def confirm_import(*, import_run: Import, user: Any = None, progress: Progress | None = None) -> ImportOutcome:
    """Commit an import that was staged for preview (the second step of an upload)."""

    if import_run.status != Import.Status.STAGED or not import_run.summary.get("awaiting_confirmation"):
        raise SaferhubError(
            f"import {import_run.pk} is {import_run.get_status_display().lower()}, not waiting to be confirmed"
        )
    store = record_store()
    records_recover()
    txn = store.transaction(import_run.store_token) if import_run.summary.get("uses_store") else None
    if txn is not None:
        txn.state = "open"
    stage = StageResult(
        rows_read=import_run.rows_read,
        rows_accepted=import_run.rows_accepted,
        notes=list(import_run.summary.get("notes", [])),
        files=list(import_run.summary.get("files", [])),
        partitions=dict(import_run.summary.get("partitions", {})),
        totals=dict(import_run.summary.get("totals", {})),
    )
    values = [
        IndicatorRows(IndicatorSpec(**item["spec"]), item["rows"])
        for item in import_run.summary.get("staged_values", [])
    ]
    tick = progress_writer(import_run, progress)
    try:
        # Recompute against what is stored now, in case another import committed since the preview.
        if txn is not None:
            ctx = Context(import_run, store, store.connect(), txn, None, tick, {})
            try:
                importer = importer_for(import_run.source, **import_run.summary.get("importer_options", {}))
                values = importer.indicator_rows(ctx, stage, txn.view())
            finally:
                ctx.con.close()
        compare = _compare(store, txn) if txn is not None else {}
        files = [InputFile(path=Path(), name=f["name"], size=f["size"], sha256=f["sha256"]) for f in stage.files]
        written = _commit(import_run, store, txn, stage, compare, values, files, user=user)
    except BaseException as exc:
        _abort(txn)
        if import_run.pk not in committed:
            record_failure(import_run, exc)
        raise
    finally:
        committed.discard(import_run.pk)
    tick(1, 1, "Imported")
    return ImportOutcome(import_run, stage, compare, written)


def discard_import(*, import_run: Import, user: Any = None) -> None:
    """Throw away a staged import without changing anything."""
    if import_run.status != Import.Status.STAGED:
        raise SaferhubError(
            f"import {import_run.pk} is {import_run.get_status_display().lower()}; only staged imports can be discarded"
        )
    store = record_store()
    if import_run.summary.get("uses_store"):
        with contextlib.suppress(SaferhubError):
            store.transaction(import_run.store_token).abort()
    import_run.status = Import.Status.FAILED
    import_run.error = "Discarded before it was confirmed; nothing was changed."
    import_run.finished_at = timezone.now()
    import_run.summary = {k: v for k, v in import_run.summary.items() if k != "staged_values"}
    import_run.save(update_fields=["status", "error", "finished_at", "summary"])


# --- steps -------------------------------------------------------------------------------------


def _compare(store: RecordStore, txn: StoreTransaction | None) -> dict[str, int]:
    """How the staged partitions differ from the stored ones: new, replaced (changed), unchanged."""
    counts = {"new": 0, "replaced": 0, "unchanged": 0, "rows_before": 0, "rows_after": 0}
    if txn is None:
        return counts
    current = store.manifest()
    for key_id, partition in txn.changes.items():
        old = current.partitions.get(key_id)
        if partition is None:
            continue
        counts["rows_after"] += partition.rows
        if old is None:
            counts["new"] += 1
        else:
            counts["rows_before"] += old.rows
            counts[
                "unchanged" if old.fingerprint == partition.fingerprint and old.rows == partition.rows else "replaced"
            ] += 1
    return counts


def _preview_values(values: list[IndicatorRows]) -> dict[str, Any]:
    """What confirming would do to indicator values, without writing: how many are new, changed and
    unchanged, and each new or changed figure with its old and new value (``changes``; the import's
    page shows them, old → new, to the contributor before they confirm)."""

    totals: dict[str, Any] = {"new": 0, "changed": 0, "unchanged": 0, "changes": []}
    for item in values:
        indicator = Indicator.objects.filter(slug=item.spec.slug).first()
        if indicator is None:
            totals["new"] += len(item.rows)
            totals["changes"] += [new_change(item.spec.slug, row) for row in item.rows]
            continue
        summary = indicator_values_write(indicator=indicator, rows=item.rows, dry_run=True)
        totals["new"] += summary.created
        totals["changed"] += summary.updated
        totals["unchanged"] += summary.unchanged
        totals["changes"] += [{**change, "indicator": item.spec.slug} for change in summary.changes]
    return totals


def _indicator_for(spec: IndicatorSpec) -> Any:

    indicator, _ = Indicator.objects.get_or_create(
        slug=spec.slug,
        defaults={
            "title": spec.title,
            "value_type": spec.value_type,
            "unit": spec.unit,
            "polarity": spec.polarity,
            "frequency": spec.frequency,
            "definition": spec.definition,
            "data_source": spec.data_source,
        },
    )
    return indicator


def _commit(
    import_run: Import,
    store: RecordStore,
    txn: StoreTransaction | None,
    stage: StageResult,
    compare: dict[str, int],
    values: list[IndicatorRows],
    files: list[InputFile],
    *,
    user: Any,
) -> dict[str, int]:

    written = {"new": 0, "changed": 0, "unchanged": 0}
    changed: dict[str, set[str]] = {}  # indicator slug → codes of the areas whose figures changed
    with store.lock():
        if txn is not None:
            txn.prepare()
        try:
            with transaction.atomic():
                for item in values:
                    if not item.rows:
                        continue
                    indicator = _indicator_for(item.spec)
                    summary = indicator_values_write(
                        indicator=indicator, rows=item.rows, source_import=import_run, actor=user
                    )
                    written["new"] += summary.created
                    written["changed"] += summary.updated
                    written["unchanged"] += summary.unchanged
                    for change in summary.changes:  # a figure whose value changed (not only its note)
                        if change["change"] == "new" or change["old"] != change["new"]:
                            changed.setdefault(item.spec.slug, set()).add(str(change["area"]))
                _checkpoint("values-written")
                changed_areas = {slug: sorted(codes) for slug, codes in sorted(changed.items())}
                import_run.status = Import.Status.COMMITTED
                import_run.finished_at = timezone.now()
                import_run.rows_read = stage.rows_read
                import_run.rows_accepted = stage.rows_accepted
                import_run.rows_rejected = 0
                import_run.summary = run_summary(stage, compare, {**written, "changed_areas": changed_areas})
                import_run.error = ""
                import_run.save()
                if not ImportFile.objects.filter(import_run=import_run).exists():
                    create_files(import_run, files, stage)
                if txn is not None:
                    replaced = {
                        p.import_id
                        for key_id in txn.changes
                        if (p := store.manifest().partitions.get(key_id)) is not None and p.import_id
                    }
                    still_used = {p.import_id for p in txn.view().partitions.values()}
                    Import.objects.filter(pk__in=replaced - still_used - {import_run.pk}).update(
                        status=Import.Status.REPLACED
                    )
                audit_record(
                    actor=user,
                    action="import.commit",
                    obj=import_run,
                    source=import_run.source,
                    rows=stage.rows_accepted,
                    values=written,
                )
        except BaseException:
            _abort(txn)
            raise
        # The database has committed: from here the record store must follow, never go back.
        committed.add(import_run.pk)
        _checkpoint("database-committed")
        if txn is not None:
            txn.commit()
    _refresh_performance(values)
    return written


def _refresh_performance(values: list[IndicatorRows]) -> None:
    """Recompute the performance summaries (scorecards, statuses) of the indicators this import wrote,
    so pages show the new figures at once: one refresh for all of them, so each family of figures is
    read and decided once, not once per indicator. The import has committed already: a failure here is
    logged and leaves the summaries as they were until ``saferhub performance refresh`` runs."""
    specs = [item.spec for item in values if item.rows]
    if not specs:
        return
    try:
        performance_refresh(indicators=[_indicator_for(spec) for spec in specs])
    except Exception:  # the committed import stands; say so loudly and carry on
        log.exception(
            "performance summaries of %s were not refreshed after the import", ", ".join(s.slug for s in specs)
        )


committed: set[int] = set()


def _abort(txn: StoreTransaction | None) -> None:
    """Undo the store's side of an import that failed before its database commit; after it, finish it."""
    if txn is None:
        return
    try:
        if txn.import_id in committed:
            txn.commit()  # the database already says "committed": make the store agree
        else:
            txn.abort()
    except Exception:  # cleaning up must never hide the error that caused it; recovery finishes the job
        log.exception("could not finish or remove the staged files of import %s", txn.token)


def partition_key(source: str, dataset: str, month: str, part: str) -> PartitionKey:
    return PartitionKey(source, dataset, month, part)
