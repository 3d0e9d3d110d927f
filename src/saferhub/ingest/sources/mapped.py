"""A partner's own layout, read through a mapping file (YAML) that says which column is which.

Example (the Cambridgeshire collision extract; docs/ingestion.md has the full reference)::

    name: cambridgeshire-collisions      # the supplier: one part of the store, replaced as a whole per month
    title: Cambridgeshire County Council collision extract
    kind: collision                      # collision, casualty, crime or asb
    force: Cambridgeshire Constabulary   # optional: the police force area the records count towards
    columns:
      reference: Reference
      date: {column: Date, format: "%Y%m%d"}
      severity: Severity
      easting: Easting                   # OSGB36 national grid metres (EPSG:27700)
      northing: Northing
      location: Location
    values:
      severity: {Fatal: fatal, Serious: serious, Slight: slight}
    area:
      boundaries: true                   # or  code: E10000003  or  column: District code
    within: [E10000003, E06000031]       # optional: only these areas (and their districts) are assigned
    encoding: windows-1252               # optional: the file's text encoding when it is not UTF-8
    unique_reference: true

Columns are named as the file's header row names them (any case); a name the header repeats is
written ``Day#1`` or ``Day#2``.
"""

# ruff: noqa: S608 - DuckDB SQL is assembled from this module's own fragments; file contents reach it only as
# column values, and the few literals (paths, months, slugs) go through sql_literal().

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from saferhub.geography.models import CSP_AREA_TYPES, Area, Boundary
from saferhub.geography.selectors import csp_areas_in
from saferhub.incidents.store import Manifest, sql_literal
from saferhub.ingest.csvread import ColumnSpec, CsvFile, Layout, open_csv, read_rows
from saferhub.ingest.indicators import road_indicator_rows
from saferhub.ingest.intake import InputFile
from saferhub.ingest.points import areas_for_points, osgb_to_wgs84
from saferhub.ingest.problems import ImportRefused, Rejection
from saferhub.ingest.sources.mapping import FIELDS, Mapping, human_format, load_mapping
from saferhub.ingest.staging import (
    Batch,
    Check,
    file_problem,
    length_checks,
    register_batch,
    run_checks,
    write_partitions,
)
from saferhub.ingest.types import Context, IndicatorRows, StageResult, limits

SOURCE = "mapped"


def _locate(mapping: Mapping, csvfile: CsvFile) -> None:
    """Find each mapped column in the file's header, by name; refuse missing or ambiguous ones."""
    header = [h.strip().lower() for h in csvfile.header]
    positions: dict[str, int] = {}
    for key, name in mapping.columns.items():
        wanted, nth = name, None
        if m := re.fullmatch(r"(.*)#(\d+)", name):
            wanted, nth = m[1], int(m[2])
        found = [i for i, h in enumerate(header) if h == wanted.strip().lower()]
        if not found:
            raise ImportRefused(
                f"has no column {wanted!r}, which the mapping {mapping.where} names for {key}; "
                f"the header has {', '.join(repr(h) for h in csvfile.header if h)}",
                where=f"{csvfile.input.name}, row 1",
            )
        if nth is None and len(found) > 1:
            numbers = " and ".join(str(i + 1) for i in found)
            raise ImportRefused(
                f"the header has {len(found)} columns called {wanted!r} (columns {numbers}); "
                f"in the mapping, write {wanted}#1 or {wanted}#2 for {key}",
                where=f"{csvfile.input.name}, row 1",
            )
        if nth is not None and not 1 <= nth <= len(found):
            raise ImportRefused(
                f"the mapping asks for {name!r} but the header has {len(found)} column(s) called {wanted!r}",
                where=f"{csvfile.input.name}, row 1",
            )
        positions[key] = found[(nth or 1) - 1]
    csvfile.positions = positions
    csvfile.layout = Layout(
        name=mapping.title,
        dataset=mapping.kind,
        columns=tuple(ColumnSpec(k, mapping.columns[k]) for k in mapping.columns),
        marker="",
    )
    duplicates = sorted({h for h in csvfile.header if h and csvfile.header.count(h) > 1})
    unnamed = sum(1 for h in csvfile.header if not h)
    if duplicates or unnamed:
        csvfile.notes.append(
            f"{csvfile.input.name}: "
            + "; ".join(
                part
                for part in (
                    f"columns named more than once ({', '.join(duplicates)})" if duplicates else "",
                    f"{unnamed} column(s) with no name" if unnamed else "",
                )
                if part
            )
            + " were not used"
        )


def _checks(mapping: Mapping) -> list[Check]:
    cols = mapping.columns
    checks: list[Check] = []
    this_year = date.today().year
    if "date" in cols:
        fmt = mapping.formats["date"]
        parsed = f"try_strptime(trim(date), {sql_literal(fmt)})"
        checks += [
            Check("date", f"{parsed} IS NULL", f"'is not a real date in the form {human_format(fmt)}'"),
            Check(
                "date",
                f"year({parsed}) NOT BETWEEN 1979 AND {this_year}",
                f"'is not a possible date: expected a year from 1979 to {this_year}'",
            ),
        ]
    elif "month" in cols:
        checks.append(
            Check(
                "month",
                "NOT regexp_full_match(trim(month), '[0-9]{4}-(0[1-9]|1[0-2])')",
                "'is not a month: expected YYYY-MM'",
            )
        )
    for key in ("severity", "category", "road_user"):
        if key in mapping.values:
            listed = ", ".join(sorted(mapping.values[key]))
            checks.append(
                Check(
                    key,
                    f"lower(trim({key})) NOT IN (SELECT source FROM value_map WHERE field = '{key}')",
                    f"'is not one of the values the mapping names for {key}: {listed}'",
                )
            )
        elif key == "severity" and key in cols:
            checks.append(
                Check(
                    "severity",
                    "lower(trim(severity)) NOT IN ('fatal', 'serious', 'slight')",
                    "'is not fatal, serious or slight'",
                )
            )
    for key, low, high, unit in (
        ("easting", 0, 700000, "metres east on the national grid"),
        ("northing", 0, 1300000, "metres north on the national grid"),
        ("longitude", -180, 180, "degrees"),
        ("latitude", -90, 90, "degrees"),
    ):
        if key in cols:
            value = f"TRY_CAST(nullif(trim({key}), '') AS DOUBLE)"
            checks += [
                Check(key, f"trim({key}) <> '' AND {value} IS NULL", f"'is not a number: expected {unit}'"),
                Check(key, f"NOT {value} BETWEEN {low} AND {high}", f"'is outside {low} to {high} {unit}'"),
            ]
    if "age" in cols:
        checks.append(
            Check(
                "age",
                "trim(age) <> '' AND coalesce(NOT TRY_CAST(trim(age) AS INTEGER) BETWEEN 0 AND 120, true)",
                "'is not an age: expected a whole number from 0 to 120, or empty'",
            )
        )
    if "area_code" in cols:
        checks.append(
            Check(
                "area_code",
                "trim(area_code) NOT IN (SELECT code FROM hub_areas)",
                "'is not an area in the hub: expected the GSS code of a district or unitary, such as E07000008'",
            )
        )
    if mapping.unique_reference and "reference" in cols:
        checks.append(
            Check(
                "reference",
                "trim(reference) IN (SELECT trim(reference) FROM raw GROUP BY 1 HAVING count(*) > 1)",
                "'appears on more than one row; the mapping says each reference is unique'",
            )
        )
    return checks


class MappedImporter:
    source = SOURCE
    suffixes: tuple[str, ...] = (".csv",)
    uses_store = True

    def __init__(self, mapping: Path | str | dict[str, Any]) -> None:
        self.mapping_source = mapping
        self._loaded: Mapping | None = None

    def mapping(self) -> Mapping:
        if self._loaded is None:
            self._loaded = load_mapping(self.mapping_source)
        return self._loaded

    def options(self) -> dict[str, Any]:
        """What a later step (confirming a preview) needs to rebuild this importer."""
        return {"mapping": self.mapping().raw}

    def stage(self, ctx: Context, files: list[InputFile]) -> StageResult:

        result = StageResult()
        mapping = self.mapping()
        result.notes.append(f"Read with the mapping {mapping.where} ({mapping.name}: {mapping.title})")
        con = ctx.con
        pairs = [(k, s, t) for k, table in mapping.values.items() for s, t in table.items()]
        con.register(
            "value_map",
            pa.table(
                {
                    "field": pa.array([p[0] for p in pairs], pa.string()),
                    "source": pa.array([p[1] for p in pairs], pa.string()),
                    "target": pa.array([p[2] for p in pairs], pa.string()),
                }
            ),
        )
        known = list(Area.objects.values_list("code", flat=True))
        con.register("hub_areas", pa.table({"code": pa.array(known, pa.string())}))
        fixed = str(mapping.area.get("code") or "")
        if fixed and fixed not in known:
            raise ImportRefused(
                f"area.code {fixed} is not an area in the hub; load the geography first", where=mapping.where
            )
        boundaries: list[tuple[str, dict[str, Any]]] = []
        if mapping.area.get("boundaries"):
            boundaries = list(
                Boundary.objects.filter(area__area_type__in=CSP_AREA_TYPES)
                .order_by("area__code", "vintage")
                .values_list("area__code", "geometry")
            )
            if not boundaries:
                raise ImportRefused(
                    "area: boundaries needs district boundaries in the hub; load them with "
                    "saferhub geography load boundaries",
                    where=mapping.where,
                )
        geography = ctx.geography
        assert geography is not None
        scope = geography.fallback if geography.partnership_scope else set(known)
        if mapping.within:
            missing = [c for c in mapping.within if c not in known]
            if missing:
                raise ImportRefused(f"within: {', '.join(missing)} is not an area in the hub", where=mapping.where)
            inside: set[str] = set()
            for area in Area.objects.filter(code__in=mapping.within):
                inside |= set(csp_areas_in(area=area).values_list("code", flat=True)) | {area.code}
            scope &= inside
        for index, item in enumerate(files):
            ctx.progress(index, len(files), f"Reading {item.name}")
            try:
                csvfile = open_csv(item, max_bytes=limits().max_file_bytes, encoding=mapping.encoding)
                _locate(mapping, csvfile)
                table, problems = read_rows(csvfile, file_index=index)
            except ImportRefused as exc:
                file_problem(result, item, exc)
                continue
            result.notes.extend(csvfile.notes)
            result.rows_read += table.num_rows + len(problems)
            result.files.append(
                {
                    "name": item.name,
                    "sha256": item.sha256,
                    "size": item.size,
                    "rows": table.num_rows + len(problems),
                    "dataset": mapping.kind,
                }
            )
            for problem in problems:
                result.rejections.add(problem)
            if problems:
                continue
            for key in FIELDS:
                if key not in table.column_names:
                    table = table.append_column(key, pa.array([""] * table.num_rows, pa.string()))
            assert csvfile.layout is not None
            batch = Batch(csvfile.layout, [csvfile], [index], item.size)
            register_batch(ctx, batch, table, files)
            checks = [*_checks(mapping), *length_checks(csvfile.layout)]
            if run_checks(ctx, batch, checks, result) or result.rejections:
                continue
            self._stage_file(ctx, result, mapping, table, boundaries, fixed, scope)
        return result

    def _stage_file(
        self,
        ctx: Context,
        result: StageResult,
        mapping: Mapping,
        table: pa.Table,
        boundaries: list[tuple[str, dict[str, Any]]],
        fixed: str,
        scope: set[str],
    ) -> None:
        con = ctx.con
        cols = mapping.columns
        # Coordinates: converted from the national grid with pyproj, then (optionally) placed in areas.
        number = con.sql(
            "SELECT TRY_CAST(nullif(trim(easting), '') AS DOUBLE), TRY_CAST(nullif(trim(northing), '') AS DOUBLE), "
            "TRY_CAST(nullif(trim(longitude), '') AS DOUBLE), TRY_CAST(nullif(trim(latitude), '') AS DOUBLE), "
            "_row FROM raw ORDER BY _row"
        ).to_arrow_table()
        if "easting" in cols:
            east = number.column(0).to_numpy(zero_copy_only=False).astype(float)
            north = number.column(1).to_numpy(zero_copy_only=False).astype(float)
            lon, lat = osgb_to_wgs84(np.nan_to_num(east, nan=np.nan), north)
        else:
            lon = number.column(2).to_numpy(zero_copy_only=False).astype(float)
            lat = number.column(3).to_numpy(zero_copy_only=False).astype(float)
        rows = number.column(4)
        placed: list[str | None] = [None] * len(rows)
        if boundaries:
            placed = areas_for_points(lon, lat, boundaries)
        con.register(
            "coords",
            pa.table(
                {
                    "_row": rows,
                    "lon": pa.array(lon, pa.float64(), from_pandas=True),
                    "lat": pa.array(lat, pa.float64(), from_pandas=True),
                    "placed": pa.array(placed, pa.string()),
                }
            ),
        )
        if "date" in cols:
            day = f"try_strptime(trim(date), {sql_literal(mapping.formats['date'])})::DATE"
            month = f"strftime({day}, '%Y-%m')"
        else:
            day, month = "NULL::DATE", "trim(month)"
        district = {
            "code": sql_literal(fixed),
            "column": "nullif(trim(area_code), '')",
            "boundaries": "c.placed",
        }[next(iter(mapping.area))]
        scope_list = ", ".join(sql_literal(code) for code in sorted(scope)) or "NULL"

        def mapped(key: str) -> str:
            if key in mapping.values:
                return f"(SELECT target FROM value_map WHERE field = '{key}' AND source = lower(trim(r.{key})))"
            return f"nullif(lower(trim({key})), '')" if key in ("severity",) else f"nullif(trim({key}), '')"

        severity = mapped("severity") if "severity" in cols else "NULL::VARCHAR"
        category = mapped("category") if "category" in cols else severity
        kind = sql_literal(mapping.kind)
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE staged AS
            WITH r AS (
                SELECT raw.*, f.file_name, c.lon, c.lat, {district} AS district
                FROM raw JOIN files f USING (_file) JOIN coords c USING (_row)
            )
            SELECT '{SOURCE}' AS source, {kind} AS kind,
                coalesce(nullif(trim(reference), ''), file_name || ':' || _row) AS record_id,
                NULL::VARCHAR AS parent_id, {sql_literal(mapping.force or mapping.title)} AS force,
                fo.code AS force_code, {month} AS month, {day} AS date,
                {category} AS category, NULL::VARCHAR AS outcome, {severity} AS severity,
                {mapped("road_user") if "road_user" in cols else "NULL::VARCHAR"} AS road_user,
                TRY_CAST(nullif(trim(age), '') AS SMALLINT) AS age,
                lon AS longitude, lat AS latitude, nullif(trim(location), '') AS location,
                NULL::VARCHAR AS lsoa_code, NULL::VARCHAR AS lsoa_name, NULL::VARCHAR AS lsoa_vintage,
                district AS district_code,
                CASE WHEN district IN ({scope_list}) THEN district END AS area_code,
                CASE WHEN district IS NULL AND (lon IS NULL OR lat IS NULL) THEN 'no_location'
                     WHEN district IN ({scope_list}) THEN 'assigned'
                     ELSE 'outside' END AS area_status,
                {ctx.import_id}::BIGINT AS import_id, file_name, _row AS row_number,
                {sql_literal(mapping.name)} AS part
            FROM r LEFT JOIN geo_forces fo ON fo.force_key = name_key({sql_literal(mapping.force)})"""
        ).fetchall()
        con.unregister("coords")

        def meta_for(info: dict[str, Any]) -> dict[str, Any]:
            return {
                "force": mapping.force or mapping.title,
                "force_code": info["force_code"],
                "scope": sorted(info["observed"] or []),
                "mapping": mapping.name,
            }

        try:
            write_partitions(
                ctx,
                result,
                source=SOURCE,
                dataset=mapping.kind,
                table="staged",
                meta_for=meta_for,
                extra_counts={"ksi": "severity IN ('fatal', 'serious')"},
            )
        except ImportRefused as exc:
            result.rejections.add(Rejection(exc.where or "", None, "", "", exc.message))

    def indicator_rows(self, ctx: Context, stage: StageResult, view: Manifest) -> list[IndicatorRows]:

        mapping = self.mapping()
        if mapping.kind not in ("collision", "casualty"):
            return []  # crime and ASB from partner layouts are kept as records; no indicator values yet
        return road_indicator_rows(ctx=ctx, view=view, source=SOURCE, dataset=mapping.kind)
