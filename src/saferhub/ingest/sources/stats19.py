"""STATS19 road safety data (Department for Transport): collision, casualty and vehicle files.

Both schemas are read by column name: the current one (``collision_index``, ``collision_severity``)
and the older one (``accident_index``, ``accident_severity``). A casualty or vehicle takes its date,
police force and district from its collision, found in the same import or already in the store.
Collisions are assigned to the district in ``local_authority_ons_district``.
"""

# ruff: noqa: S608 - DuckDB SQL is assembled from this module's own fragments; file contents reach it only as
# column values, and the few literals (paths, months, slugs) go through sql_literal().

from __future__ import annotations

from datetime import date
from functools import partial

import pyarrow as pa

from saferhub.incidents.store import Manifest
from saferhub.ingest.csvread import ColumnSpec, Layout, peek_layout
from saferhub.ingest.geo import assign_sql
from saferhub.ingest.indicators import road_indicator_rows
from saferhub.ingest.intake import InputFile
from saferhub.ingest.problems import ImportRefused, Rejection
from saferhub.ingest.sources.police_uk import partition_meta
from saferhub.ingest.staging import (
    Batch,
    Check,
    batches,
    length_checks,
    register_batch,
    run_checks,
    slug_sql,
    write_partitions,
)
from saferhub.ingest.types import Context, IndicatorRows, StageResult, limits

SOURCE = "stats19"

# STATS19 police force codes (DfT "Road Safety Data" guide), named as police.uk names the forces.
POLICE_FORCES = {
    1: "Metropolitan Police Service",
    3: "Cumbria Constabulary",
    4: "Lancashire Constabulary",
    5: "Merseyside Police",
    6: "Greater Manchester Police",
    7: "Cheshire Constabulary",
    10: "Northumbria Police",
    11: "Durham Constabulary",
    12: "North Yorkshire Police",
    13: "West Yorkshire Police",
    14: "South Yorkshire Police",
    16: "Humberside Police",
    17: "Cleveland Police",
    20: "West Midlands Police",
    21: "Staffordshire Police",
    22: "West Mercia Police",
    23: "Warwickshire Police",
    30: "Derbyshire Constabulary",
    31: "Nottinghamshire Police",
    32: "Lincolnshire Police",
    33: "Leicestershire Police",
    34: "Northamptonshire Police",
    35: "Cambridgeshire Constabulary",
    36: "Norfolk Constabulary",
    37: "Suffolk Constabulary",
    40: "Bedfordshire Police",
    41: "Hertfordshire Constabulary",
    42: "Essex Police",
    43: "Thames Valley Police",
    44: "Hampshire Constabulary",
    45: "Surrey Police",
    46: "Kent Police",
    47: "Sussex Police",
    48: "City of London Police",
    50: "Devon & Cornwall Police",
    52: "Avon and Somerset Constabulary",
    53: "Gloucestershire Constabulary",
    54: "Wiltshire Police",
    55: "Dorset Police",
    60: "North Wales Police",
    61: "Gwent Police",
    62: "South Wales Police",
    63: "Dyfed-Powys Police",
    91: "Northern (Scotland)",
    92: "Grampian (Scotland)",
    93: "Tayside (Scotland)",
    94: "Fife (Scotland)",
    95: "Lothian and Borders (Scotland)",
    96: "Central (Scotland)",
    97: "Strathclyde (Scotland)",
    98: "Dumfries and Galloway (Scotland)",
}
# Codes DfT uses in the district column that are not GSS codes (Heathrow airport).
PSEUDO_DISTRICTS = ("EHEATHROW",)
SEVERITIES = {"1": "fatal", "2": "serious", "3": "slight"}
# casualty_type codes → the road user groups partnerships report.
ROAD_USERS = {
    "0": "pedestrian",
    "1": "pedal-cyclist",
    "2": "motorcyclist",
    "3": "motorcyclist",
    "4": "motorcyclist",
    "5": "motorcyclist",
    "23": "motorcyclist",
    "97": "motorcyclist",
    "8": "car-occupant",
    "9": "car-occupant",
    "-1": "unknown",
}

COLLISION = Layout(
    name="STATS19 collision",
    dataset="collision",
    columns=(
        ColumnSpec("collision_index", "collision_index", aliases=("accident_index",)),
        ColumnSpec("collision_year", "collision_year", required=False, aliases=("accident_year",)),
        ColumnSpec("police_force", "police_force"),
        ColumnSpec("collision_severity", "collision_severity", aliases=("accident_severity",)),
        ColumnSpec("date", "date"),
        ColumnSpec("local_authority_ons_district", "local_authority_ons_district"),
        ColumnSpec("longitude", "longitude"),
        ColumnSpec("latitude", "latitude"),
        ColumnSpec("lsoa_of_accident_location", "lsoa_of_accident_location", required=False),
    ),
    marker="collision_severity",
    alt_markers=("accident_severity",),
)
CASUALTY = Layout(
    name="STATS19 casualty",
    dataset="casualty",
    columns=(
        ColumnSpec("collision_index", "collision_index", aliases=("accident_index",)),
        ColumnSpec("casualty_reference", "casualty_reference"),
        ColumnSpec("casualty_severity", "casualty_severity"),
        ColumnSpec("casualty_type", "casualty_type"),
        ColumnSpec("age_of_casualty", "age_of_casualty"),
    ),
    marker="casualty_severity",
)
VEHICLE = Layout(
    name="STATS19 vehicle",
    dataset="vehicle",
    columns=(
        ColumnSpec("collision_index", "collision_index", aliases=("accident_index",)),
        ColumnSpec("vehicle_reference", "vehicle_reference"),
        ColumnSpec("vehicle_type", "vehicle_type"),
    ),
    marker="vehicle_type",
)
LAYOUTS = (COLLISION, CASUALTY, VEHICLE)

_DATE = "coalesce(try_strptime(trim(date), '%d/%m/%Y'), try_strptime(trim(date), '%Y-%m-%d'))"
_INT = "TRY_CAST(trim({c}) AS INTEGER)"


def _missing(column: str) -> str:
    return f"(trim({column}) IN ('', 'NULL', '-1'))"


def _duplicate_check(column_sql: str, label: str, what: str) -> Check:
    return Check(
        "collision_index",
        f"({column_sql}) IN (SELECT {column_sql} FROM raw WHERE trim(collision_index) <> '' "
        f"GROUP BY {column_sql} HAVING count(*) > 1)",
        f"'{label} ' || ({column_sql}) || ' appears on more than one row; expected each {what} once'",
    )


def _checks(layout: Layout, this_year: int) -> list[Check]:
    checks = [Check("collision_index", "trim(collision_index) = ''", "'is empty: expected the collision index'")]
    if layout is COLLISION:
        listed = "1 (fatal), 2 (serious) or 3 (slight)"
        checks += [
            _duplicate_check("trim(collision_index)", "collision", "collision"),
            Check(
                "collision_severity",
                "trim(collision_severity) NOT IN ('1', '2', '3')",
                f"'is not a collision severity: expected {listed}'",
            ),
            Check("date", f"{_DATE} IS NULL", "'is not a real date: expected DD/MM/YYYY, such as 21/05/2024'"),
            Check(
                "date",
                f"year({_DATE}) NOT BETWEEN 1979 AND {this_year}",
                f"'is not a possible collision date: expected a date from 1979 to {this_year}'",
            ),
            Check(
                "collision_year",
                f"trim(collision_year) <> '' AND {_DATE} IS NOT NULL AND "
                f"{_INT.format(c='collision_year')} IS DISTINCT FROM year({_DATE})",
                "'is ' || trim(collision_year) || ' but the date is in ' || year(" + _DATE + ") || "
                "'; expected the year of the date'",
            ),
            Check(
                "police_force",
                f"{_INT.format(c='police_force')} IS NULL OR {_INT.format(c='police_force')} NOT IN "
                "(SELECT code FROM stats19_forces)",
                "'is not a STATS19 police force code: expected a number such as 13 (West Yorkshire) or 42 (Essex)'",
            ),
            Check(
                "local_authority_ons_district",
                "NOT "
                + _missing("local_authority_ons_district")
                + " AND NOT regexp_full_match(trim(local_authority_ons_district), '[EWS](06|07|08|09|12)[0-9]{6}')"
                + f" AND trim(local_authority_ons_district) NOT IN ({', '.join(repr(c) for c in PSEUDO_DISTRICTS)})",
                "'is not a local authority district code: expected a GSS code such as E08000032, or -1 if unknown'",
            ),
            Check(
                "longitude",
                "NOT " + _missing("longitude") + " AND TRY_CAST(trim(longitude) AS DOUBLE) IS NULL",
                "'is not a number: expected a longitude in decimal degrees'",
            ),
            Check(
                "latitude",
                "NOT " + _missing("latitude") + " AND TRY_CAST(trim(latitude) AS DOUBLE) IS NULL",
                "'is not a number: expected a latitude in decimal degrees'",
            ),
            Check(
                "lsoa_of_accident_location",
                "NOT "
                + _missing("lsoa_of_accident_location")
                + " AND NOT regexp_full_match(trim(lsoa_of_accident_location), '[EWS]01[0-9]{6}')",
                "'is not an LSOA code: expected E01 and six digits, or -1 if unknown'",
            ),
        ]
    if layout is CASUALTY:
        key = "trim(collision_index) || '/' || trim(casualty_reference)"
        checks += [
            Check("casualty_reference", "trim(casualty_reference) = ''", "'is empty: expected the casualty number'"),
            _duplicate_check(key, "casualty", "casualty of a collision"),
            Check(
                "casualty_severity",
                "trim(casualty_severity) NOT IN ('1', '2', '3')",
                "'is not a casualty severity: expected 1 (killed), 2 (seriously injured) or 3 (slightly injured)'",
            ),
            Check(
                "casualty_type",
                f"{_INT.format(c='casualty_type')} IS NULL",
                "'is not a casualty type code: expected a whole number such as 0 (pedestrian) or 9 (car occupant)'",
            ),
            Check(
                "age_of_casualty",
                f"coalesce({_INT.format(c='age_of_casualty')} NOT BETWEEN -1 AND 120, true)",
                "'is not an age: expected a whole number from 0 to 120, or -1 if unknown'",
            ),
        ]
    if layout is VEHICLE:
        key = "trim(collision_index) || '/' || trim(vehicle_reference)"
        checks += [
            Check("vehicle_reference", "trim(vehicle_reference) = ''", "'is empty: expected the vehicle number'"),
            _duplicate_check(key, "vehicle", "vehicle of a collision"),
            Check(
                "vehicle_type",
                f"{_INT.format(c='vehicle_type')} IS NULL",
                "'is not a vehicle type code: expected a whole number such as 9 (car)'",
            ),
        ]
    if layout is not COLLISION:
        checks.append(
            Check(
                "collision_index",
                "trim(collision_index) <> '' AND trim(collision_index) NOT IN (SELECT record_id FROM known_collisions)",
                "'is not a collision in any collision file of this import nor in the hub: "
                "expected the collision file that has it'",
            )
        )
    return [*checks, *length_checks(layout)]


def _collision_sql(import_id: int) -> str:
    status = assign_sql(lsoa="lsoa", lsoa_name="NULL", district="district", force="force_name")
    return f"""
    CREATE OR REPLACE TEMP TABLE staged AS
    WITH r AS (
        SELECT raw.*, f.file_name, {_DATE}::DATE AS d,
               CASE WHEN {_missing("lsoa_of_accident_location")} THEN NULL
                    ELSE trim(lsoa_of_accident_location) END AS lsoa,
               CASE WHEN {_missing("local_authority_ons_district")} THEN NULL
                    ELSE trim(local_authority_ons_district) END AS district,
               sf.name AS force_name
        FROM raw JOIN files f USING (_file)
        JOIN stats19_forces sf ON sf.code = {_INT.format(c="police_force")}
    ), s AS (SELECT r.*, {status} AS area_status FROM r)
    SELECT
        '{SOURCE}' AS source, 'collision' AS kind, trim(collision_index) AS record_id, NULL::VARCHAR AS parent_id,
        force_name AS force, fo.code AS force_code, strftime(d, '%Y-%m') AS month, d AS date,
        sv.label AS category, NULL::VARCHAR AS outcome, sv.label AS severity, NULL::VARCHAR AS road_user,
        NULL::SMALLINT AS age,
        CASE WHEN {_missing("longitude")} THEN NULL ELSE TRY_CAST(trim(longitude) AS DOUBLE) END AS longitude,
        CASE WHEN {_missing("latitude")} THEN NULL ELSE TRY_CAST(trim(latitude) AS DOUBLE) END AS latitude,
        NULL::VARCHAR AS location, lsoa AS lsoa_code, NULL::VARCHAR AS lsoa_name,
        CASE WHEN lsoa IS NULL THEN NULL WHEN TRY_CAST(substr(lsoa, 4) AS INTEGER) > 33768 THEN '2021'
             ELSE '2011' END AS lsoa_vintage,
        district AS district_code, CASE WHEN area_status = 'assigned' THEN district END AS area_code, area_status,
        {int(import_id)}::BIGINT AS import_id, file_name, _row AS row_number, {slug_sql("force_name")} AS part
    FROM s
    LEFT JOIN geo_forces fo ON fo.force_key = name_key(force_name)
    JOIN severities sv ON sv.code = trim(collision_severity)
    """


def _child_sql(layout: Layout, import_id: int) -> str:
    if layout is CASUALTY:
        kind, ref = "casualty", "casualty_reference"
        category, severity = "sv.label", "sv.label"
        road_user, age = "coalesce(ru.road_user, 'other')", f"{_INT.format(c='age_of_casualty')}::SMALLINT"
        joins = """JOIN severities sv ON sv.code = trim(casualty_severity)
                   LEFT JOIN road_users ru ON ru.code = trim(casualty_type)"""
    else:
        kind, ref = "vehicle", "vehicle_reference"
        category, severity, road_user, age = "trim(vehicle_type)", "NULL::VARCHAR", "NULL::VARCHAR", "NULL::SMALLINT"
        joins = ""
    return f"""
    CREATE OR REPLACE TEMP TABLE staged AS
    SELECT
        '{SOURCE}' AS source, '{kind}' AS kind, trim(collision_index) || '/' || trim({ref}) AS record_id,
        c.record_id AS parent_id, c.force, c.force_code, c.month, c.date,
        {category} AS category, NULL::VARCHAR AS outcome, {severity} AS severity, {road_user} AS road_user,
        {age} AS age,
        c.longitude, c.latitude, NULL::VARCHAR AS location, c.lsoa_code, NULL::VARCHAR AS lsoa_name, c.lsoa_vintage,
        c.district_code, c.area_code, c.area_status,
        {int(import_id)}::BIGINT AS import_id, f.file_name, _row AS row_number, c.part
    FROM raw JOIN files f USING (_file)
    JOIN known_collisions c ON c.record_id = trim(raw.collision_index)
    {joins}
    """


class Stats19Importer:
    source = SOURCE
    suffixes: tuple[str, ...] = (".csv",)
    uses_store = True

    def stage(self, ctx: Context, files: list[InputFile]) -> StageResult:

        result = StageResult()
        con = ctx.con
        con.register(
            "stats19_forces",
            pa.table(
                {"code": pa.array(list(POLICE_FORCES), pa.int32()), "name": pa.array(list(POLICE_FORCES.values()))}
            ),
        )
        con.register(
            "severities", pa.table({"code": pa.array(list(SEVERITIES)), "label": pa.array(list(SEVERITIES.values()))})
        )
        con.register(
            "road_users",
            pa.table({"code": pa.array(list(ROAD_USERS)), "road_user": pa.array(list(ROAD_USERS.values()))}),
        )
        # Collisions already in the store, for casualty and vehicle files imported on their own.
        stored = ctx.store.records_sql(sources=[SOURCE], datasets=["collision"])
        con.execute(f"CREATE OR REPLACE TEMP TABLE known_collisions AS SELECT * FROM {stored}").fetchall()
        groups: dict[str, list[InputFile]] = {layout.dataset: [] for layout in LAYOUTS}
        for item in files:
            layout = peek_layout(item, LAYOUTS)
            groups[layout.dataset if layout else "collision"].append(item)
        this_year = date.today().year
        for layout in LAYOUTS:
            group = groups[layout.dataset]
            for batch, table in batches(
                ctx, group, result, layouts=[layout], what=layout.name, max_bytes=limits().max_file_bytes
            ):
                if table.num_rows == 0:
                    continue
                register_batch(ctx, batch, table, group)
                if run_checks(ctx, batch, _checks(layout, this_year), result) or result.rejections:
                    continue
                if layout is COLLISION:
                    con.execute(_collision_sql(ctx.import_id)).fetchall()
                    # Newly read collisions replace stored ones with the same index.
                    con.execute(
                        "DELETE FROM known_collisions WHERE record_id IN (SELECT record_id FROM staged)"
                    ).fetchall()
                    # By name: the stored partitions may carry a column the staged batch does not.
                    con.execute("INSERT INTO known_collisions BY NAME SELECT * FROM staged").fetchall()
                else:
                    con.execute(_child_sql(layout, ctx.import_id)).fetchall()
                self._write(ctx, result, layout, batch)
        return result

    def _write(self, ctx: Context, result: StageResult, layout: Layout, batch: Batch) -> None:
        assert ctx.geography is not None
        meta_for = partial(partition_meta, ctx.geography)

        extra = {"ksi": "severity IN ('fatal', 'serious')", "fatal": "severity = 'fatal'"}
        try:
            write_partitions(
                ctx,
                result,
                source=SOURCE,
                dataset=layout.dataset,
                table="staged",
                meta_for=meta_for,
                extra_counts=extra if layout is not VEHICLE else None,
            )
        except Exception as exc:
            if isinstance(exc, ImportRefused):
                result.rejections.add(Rejection(exc.where or "", None, "", "", exc.message))
                return
            raise

    def indicator_rows(self, ctx: Context, stage: StageResult, view: Manifest) -> list[IndicatorRows]:

        return road_indicator_rows(ctx=ctx, view=view, source=SOURCE, dataset="casualty")
