"""police.uk street-level crime and anti-social behaviour files, and outcomes files.

Accepts single files, folders in the archive's ``YYYY-MM/`` layout and zips of either; the
standard header and the lower-case-with-underscores variant. Each file's rows for one force and
month become one partition, so re-importing a month replaces exactly that month for that force.

Each row is assigned to a district or unitary by its LSOA code (the store's LSOA lookup and the
hub's LSOA areas), falling back to the LSOA name without its last token ("Colchester 012F" →
Colchester). Rows outside the import's areas and rows with no location are kept in the store,
counted and reported; they count towards the force's total but no district's.
"""

# ruff: noqa: S608 - DuckDB SQL is assembled from this module's own fragments; file contents reach it only as
# column values, and the few literals (paths, months, slugs) go through sql_literal().

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

import pyarrow as pa

from saferhub.incidents.store import Manifest
from saferhub.ingest.csvread import ColumnSpec, Layout
from saferhub.ingest.geo import Geography, assign_sql
from saferhub.ingest.indicators import crime_indicator_rows
from saferhub.ingest.intake import InputFile
from saferhub.ingest.staging import (
    Check,
    Trimmed,
    batches,
    length_checks,
    register_batch,
    run_checks,
    slug_sql,
    write_partitions,
)
from saferhub.ingest.types import Context, IndicatorRows, StageResult, limits

SOURCE = "police-uk"

# The police.uk crime types, with those used before May 2013 (still in older archives).
CRIME_TYPES = (
    "Anti-social behaviour",
    "Bicycle theft",
    "Burglary",
    "Criminal damage and arson",
    "Drugs",
    "Other crime",
    "Other theft",
    "Possession of weapons",
    "Public order",
    "Robbery",
    "Shoplifting",
    "Theft from the person",
    "Vehicle crime",
    "Violence and sexual offences",
    "Violent crime",
    "Public disorder and weapons",
)
ASB = "Anti-social behaviour"

_COMMON = (
    ColumnSpec("crime_id", "Crime ID"),
    ColumnSpec("month", "Month"),
    ColumnSpec("reported_by", "Reported by"),
    ColumnSpec("falls_within", "Falls within"),
    ColumnSpec("longitude", "Longitude"),
    ColumnSpec("latitude", "Latitude"),
    ColumnSpec("location", "Location"),
    ColumnSpec("lsoa_code", "LSOA code"),
    ColumnSpec("lsoa_name", "LSOA name"),
)
STREET = Layout(
    name="police.uk street-level",
    dataset="street",
    columns=(
        *_COMMON,
        ColumnSpec("crime_type", "Crime type"),
        ColumnSpec("last_outcome_category", "Last outcome category"),
        ColumnSpec("context", "Context", required=False),
    ),
    marker="crime_type",
)
OUTCOMES = Layout(
    name="police.uk outcomes",
    dataset="outcomes",
    columns=(*_COMMON, ColumnSpec("outcome_type", "Outcome type")),
    marker="outcome_type",
)


def _month_ok(t: Trimmed) -> str:
    return f"regexp_full_match({t('month')}, '[0-9]{{4}}-(0[1-9]|1[0-2])')"


def _checks(layout: Layout, t: Trimmed) -> list[Check]:
    month_ok = _month_ok(t)
    this_month = date.today().strftime("%Y-%m")
    checks = [
        Check("month", f"NOT {month_ok}", "'is not a month: expected YYYY-MM, such as 2024-01'"),
        Check(
            "month",
            f"{month_ok} AND ({t('month')} > '{this_month}' OR {t('month')} < '2000-01')",
            f"'is not a possible month: expected a month from 2000-01 to {this_month}'",
        ),
        Check(
            "month",
            f"{month_ok} AND f.name_month IS NOT NULL AND {t('month')} <> f.name_month",
            f"'is ' || {t('month')} || ' but the file name says ' || f.name_month || "
            "'; expected every row to be for the month the file is for'",
        ),
        Check(
            "falls_within", f"{t('falls_within')} = ''", "'is empty: expected the police force, such as Essex Police'"
        ),
        Check("reported_by", f"{t('reported_by')} = ''", "'is empty: expected the police force, such as Essex Police'"),
        Check(
            "longitude",
            f"{t('longitude')} <> '' AND TRY_CAST({t('longitude')} AS DOUBLE) IS NULL",
            "'is not a number: expected a longitude in decimal degrees, such as 0.471'",
        ),
        Check(
            "longitude",
            f"NOT TRY_CAST({t('longitude')} AS DOUBLE) BETWEEN -180 AND 180",
            "'is outside -180 to 180: expected a longitude in decimal degrees'",
        ),
        Check(
            "latitude",
            f"{t('latitude')} <> '' AND TRY_CAST({t('latitude')} AS DOUBLE) IS NULL",
            "'is not a number: expected a latitude in decimal degrees, such as 51.73'",
        ),
        Check(
            "latitude",
            f"NOT TRY_CAST({t('latitude')} AS DOUBLE) BETWEEN -90 AND 90",
            "'is outside -90 to 90: expected a latitude in decimal degrees'",
        ),
        Check(
            "latitude",
            f"({t('longitude')} = '') <> ({t('latitude')} = '')",
            "'expected both a longitude and a latitude, or neither (a row with no location)'",
        ),
        Check(
            "lsoa_code",
            f"{t('lsoa_code')} <> '' AND NOT regexp_full_match({t('lsoa_code')}, '[EW]01[0-9]{{6}}')",
            "'is not an LSOA code: expected E01 or W01 and six digits, such as E01021237'",
        ),
        *length_checks(layout),
    ]
    if layout is STREET:
        listed = ", ".join(CRIME_TYPES[:14])
        checks += [
            Check(
                "crime_type", f"{t('crime_type')} = ''", "'is empty: expected a police.uk crime type, such as Burglary'"
            ),
            Check(
                "crime_type",
                f"{t('crime_type')} <> '' AND lower({t('crime_type')}) NOT IN (SELECT key FROM crime_types)",
                f"'is not a police.uk crime type: expected one of {listed}'",
            ),
        ]
    else:
        checks += [
            Check("crime_id", f"{t('crime_id')} = ''", "'is empty: an outcome needs the Crime ID it belongs to'"),
            Check(
                "outcome_type", f"{t('outcome_type')} = ''", "'is empty: expected the outcome, such as Offender fined'"
            ),
        ]
    return checks


# Bump when the way a file becomes records changes, so re-imports are not wrongly "unchanged".
RECORD_RULES_VERSION = "police-uk/1"


def _staged_sql(layout: Layout, import_id: int, t: Trimmed) -> str:
    """SQL that turns the checked rows of ``raw`` into records in ``staged``.

    Places (LSOA, LSOA name, force) and crime types are worked out once per distinct value, not once
    per row, then joined back on the raw text.
    """
    if layout is STREET:
        types = f"""CREATE OR REPLACE TEMP TABLE types AS
            SELECT r.crime_type AS raw_type, ct.label AS category,
                   CASE WHEN lower(trim(r.crime_type)) = '{ASB.lower()}' THEN 'asb' ELSE 'crime' END AS kind
            FROM (SELECT DISTINCT crime_type FROM raw) r
            LEFT JOIN crime_types ct ON ct.key = lower(trim(r.crime_type));"""
        kind, category = "ty.kind", "ty.category"
        outcome = f"nullif({t('last_outcome_category')}, '')"
        join_types = "JOIN types ty ON ty.raw_type = raw.crime_type"
    else:
        types = ""
        kind, category = "'outcome'", "NULL::VARCHAR"
        outcome = f"nullif({t('outcome_type')}, '')"
        join_types = ""
    status = assign_sql(lsoa="lsoa", lsoa_name="lsoa_nm", district="district", force="force_name")
    # 2011 LSOA codes run to E01033768 (England) and W01001958 (Wales); higher codes are 2021 LSOAs.
    # A file with any 2021-only code is a 2021-vintage file.
    number = "TRY_CAST(substr(lsoa, 4) AS INTEGER)"
    return f"""
    {types}
    CREATE OR REPLACE TEMP TABLE places AS
    WITH p AS (
        SELECT DISTINCT _file, lsoa_code, lsoa_name, falls_within FROM raw
    ), d AS (
        SELECT p.*, nullif(trim(p.lsoa_code), '') AS lsoa, nullif(trim(p.lsoa_name), '') AS lsoa_nm,
               trim(p.falls_within) AS force_name, coalesce(l.district_code, n.code) AS district
        FROM p
        LEFT JOIN geo_lsoa l ON l.lsoa_code = nullif(trim(p.lsoa_code), '')
        LEFT JOIN geo_names n ON n.name_key = name_key(regexp_replace(nullif(trim(p.lsoa_name), ''), '\\s+\\S+$', ''))
    ), v AS (
        SELECT _file, CASE WHEN bool_or(
            (regexp_full_match(lsoa, 'E01[0-9]{{6}}') AND {number} > 33768)
            OR (regexp_full_match(lsoa, 'W01[0-9]{{6}}') AND {number} > 1958)
        ) THEN '2021' ELSE '2011' END AS vintage FROM d GROUP BY _file
    )
    SELECT d.*, v.vintage, {status} AS area_status, fo.code AS force_code, {slug_sql("force_name")} AS part
    FROM d JOIN v USING (_file) LEFT JOIN geo_forces fo ON fo.force_key = name_key(force_name);

    CREATE OR REPLACE TEMP TABLE staged AS
    SELECT
        '{SOURCE}' AS source,
        {kind} AS kind,
        nullif({t("crime_id")}, '') AS record_id,
        NULL::VARCHAR AS parent_id,
        pl.force_name AS force,
        pl.force_code,
        {t("month")} AS month,
        NULL::DATE AS date,
        {category} AS category,
        {outcome} AS outcome,
        NULL::VARCHAR AS severity,
        NULL::VARCHAR AS road_user,
        NULL::SMALLINT AS age,
        TRY_CAST(nullif({t("longitude")}, '') AS DOUBLE) AS longitude,
        TRY_CAST(nullif({t("latitude")}, '') AS DOUBLE) AS latitude,
        nullif({t("location")}, '') AS location,
        pl.lsoa AS lsoa_code,
        pl.lsoa_nm AS lsoa_name,
        CASE WHEN pl.lsoa IS NULL THEN NULL ELSE pl.vintage END AS lsoa_vintage,
        pl.district AS district_code,
        CASE WHEN pl.area_status = 'assigned' THEN pl.district END AS area_code,
        pl.area_status,
        {int(import_id)}::BIGINT AS import_id,
        f.file_name,
        _row AS row_number,
        pl.part
    FROM raw
    JOIN files f USING (_file)
    JOIN places pl ON pl._file = raw._file AND pl.lsoa_code = raw.lsoa_code AND pl.lsoa_name = raw.lsoa_name
                  AND pl.falls_within = raw.falls_within
    {join_types}
    """


def partition_meta(geography: Geography, info: dict[str, Any]) -> dict[str, Any]:
    """Facts kept with a partition: its force, and the areas it speaks for (where a month with no
    records of a type is a true zero): the force's areas, or those its records were assigned to."""
    force = str(info["force"])
    scope = geography.scope_for(force) if geography.force_has_areas(force) else set(info["observed"] or [])
    return {"force": force, "force_code": info["force_code"], "scope": sorted(scope)}


class PoliceUkImporter:
    source = SOURCE
    suffixes: tuple[str, ...] = (".csv",)
    uses_store = True

    def stage(self, ctx: Context, files: list[InputFile]) -> StageResult:

        result = StageResult()
        wanted = []
        for item in files:
            base = item.name.rsplit("/", 1)[-1].lower()
            if base.endswith("-stop-and-search.csv"):
                result.notes.append(f"{item.name}: stop and search files are not imported; skipped")
            else:
                wanted.append(item)

        ctx.con.register(
            "crime_types",
            pa.table(
                {
                    "key": pa.array([t.lower() for t in CRIME_TYPES]),
                    "label": pa.array(list(CRIME_TYPES)),
                }
            ),
        )
        outside: dict[str, int] = {}
        duplicate_ids = 0
        for batch, table in batches(
            ctx,
            wanted,
            result,
            layouts=[STREET, OUTCOMES],
            what="police.uk street-level or outcomes",
            max_bytes=limits().max_file_bytes,
        ):
            if table.num_rows == 0:
                continue
            register_batch(ctx, batch, table, wanted)
            trimmed = Trimmed(table)
            if run_checks(ctx, batch, _checks(batch.layout, trimmed), result) or result.rejections:
                continue  # keep checking the other files, but stage nothing once a problem is found
            ctx.con.execute(_staged_sql(batch.layout, ctx.import_id, trimmed)).fetchall()
            assert ctx.geography is not None
            meta_for = partial(partition_meta, ctx.geography)
            write_partitions(
                ctx,
                result,
                source=SOURCE,
                dataset=batch.layout.dataset,
                table="staged",
                meta_for=meta_for,
                extra_counts={"asb": "kind = 'asb'", "asb_assigned": "kind = 'asb' AND area_status = 'assigned'"},
                file_fingerprints={
                    f.input.name: f"{f.input.sha256}|{ctx.geography.signature}|{RECORD_RULES_VERSION}"
                    for f in batch.files
                },
            )
            for name, count in ctx.con.execute(
                """SELECT coalesce(regexp_replace(lsoa_name, '\\s+\\S+$', ''), lsoa_code) AS place, count(*)
                   FROM staged WHERE area_status = 'outside' GROUP BY 1"""
            ).fetchall():
                outside[str(name)] = outside.get(str(name), 0) + int(count)
            row = ctx.con.execute(
                """SELECT count(*) FROM (SELECT 1 FROM staged WHERE record_id IS NOT NULL AND kind <> 'outcome'
                   GROUP BY month, part, record_id HAVING count(*) > 1)"""
            ).fetchall()[0]
            duplicate_ids += int(row[0]) if row else 0
        if outside:
            top = sorted(outside.items(), key=lambda kv: (-kv[1], kv[0]))
            listed = ", ".join(f"{name} {count:,}" for name, count in top[:8]) + (" …" if len(top) > 8 else "")
            result.notes.append(
                f"{sum(outside.values()):,} rows lie outside the areas records are assigned to ({listed}); "
                "they are kept and count towards their force's total only"
            )
        if result.total("no_location"):
            result.notes.append(
                f"{result.total('no_location'):,} rows have no location (no LSOA); they are kept and count "
                "towards their force's total only"
            )
        if duplicate_ids:
            result.notes.append(
                f"{duplicate_ids:,} Crime IDs appear on more than one row of the same month; police.uk publishes "
                "them so, and every row is kept"
            )
        return result

    def indicator_rows(self, ctx: Context, stage: StageResult, view: Manifest) -> list[IndicatorRows]:

        return crime_indicator_rows(ctx=ctx, stage=stage, view=view)
