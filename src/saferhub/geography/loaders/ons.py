"""ONS files as published: hierarchy lookups, mid-year population estimates (by district, or by
police force area with one column per force) and GeoJSON boundaries.

Rows for Scotland, Northern Ireland, Great Britain and the UK are counted and named in a note;
every other problem refuses the whole file, naming the row and column, before anything is written.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from saferhub.core.codes import GSS_PATTERN, gss_entity, validate_gss_code
from saferhub.core.errors import ValidationProblem
from saferhub.geography.loaders.builtin import force_areas
from saferhub.geography.loaders.files import LoadSummary, outside_england_wales, read_csv, read_text, whole_number
from saferhub.geography.loaders.writes import AreaRow, areas_upsert, populations_upsert
from saferhub.geography.models import Area, AreaType, Boundary

OUTSIDE_NOTE = (
    "{n} rows for Scotland, Northern Ireland or the UK as a whole were not loaded (saferhub covers England and Wales)"
)
_HIERARCHY_KINDS = {"county", "region", "country"}


def name_key(name: str) -> str:
    """How names are compared: case, spaces, punctuation and "&" against "and" do not matter."""
    return "".join(ch for ch in name.lower().replace("&", "and") if ch.isalnum())


# --- lookups --------------------------------------------------------------------------------------


def geography_lookup_load(*, path: Path) -> LoadSummary:
    """Load an ONS lookup CSV (``LAD23CD, LAD23NM, CTY23CD, …, RGN23CD, …``): areas with parents.

    A child's parent is the next code to its right whose kind is county, region or country.
    """
    header, rows = read_csv(path)
    lowered = {h.lower(): h for h in header}
    pairs: list[tuple[str, str]] = []
    for h in header:
        low = h.lower()
        if low.endswith("cd"):
            name_col = lowered.get(low[:-2] + "nm")
            if name_col is None:
                raise ValidationProblem(
                    f"column {h!r} has no matching name column {low[:-2].upper()}NM", where=str(path)
                )
            pairs.append((h, name_col))
    if not pairs:
        raise ValidationProblem(
            "has no code columns: expected ONS columns ending in CD with matching NM columns, "
            "such as LAD23CD and LAD23NM",
            where=str(path),
        )
    parsed: dict[str, tuple[str, str, str | None]] = {}
    outside = 0
    for line, row in enumerate(rows, start=2):
        first = row.get(pairs[0][0], "")
        if outside_england_wales(first) and GSS_PATTERN.match(first):
            outside += 1
            continue
        chain: list[tuple[str, str]] = []
        for code_col, name_col in pairs:
            code = row.get(code_col, "")
            if not code or outside_england_wales(code):
                continue
            validate_gss_code(code, where=f"{path}, row {line}, column {code_col}")
            chain.append((code, row.get(name_col, "") or code))
        for i, (code, name) in enumerate(chain):
            # Wales appears as both region and country (W92000004): never its own parent.
            parent = next((c for c, _ in chain[i + 1 :] if c != code and gss_entity(c) in _HIERARCHY_KINDS), None)
            previous = parsed.get(code)
            if previous is None or (previous[2] is None and parent is not None):
                parsed[code] = (name, gss_entity(code), parent)
    summary = LoadSummary()
    with transaction.atomic():
        areas_upsert(
            [
                AreaRow(code, name, kind, parent=parent, source=path.name)
                for code, (name, kind, parent) in parsed.items()
            ],
            summary=summary,
        )
    _note_outside(summary, outside)
    return summary


def _note_outside(summary: LoadSummary, outside: int) -> None:
    if outside:
        summary.skipped += outside
        summary.notes.append(OUTSIDE_NOTE.format(n=outside))


# --- populations ----------------------------------------------------------------------------------

_CODE_COLUMNS = {"code", "area code", "areacd", "mnemonic"}


def geography_populations_load(*, path: Path, year: int | None = None) -> LoadSummary:
    """Load ONS mid-year estimates. Two layouts are read:

    * one row per area: ``Code, Name, Geography, Population`` (or ``All ages``), for ``year``;
    * one row per year and one column per police force area (``year, Cleveland, Durham, …``), as
      ONS's force-area estimates are tabulated; forces are matched by name (see
      ``data/police_force_areas.yaml``), every year is loaded unless ``year`` is given.

    Rows for areas the hub does not know are counted as skipped and reported.
    """
    header, rows = read_csv(path)
    if year is not None and not 1900 <= year <= 2100:
        raise ValidationProblem(f"year {year} is outside 1900–2100", where=str(path))
    if any(h.lower() == "year" for h in header) and not any(h.lower() in _CODE_COLUMNS for h in header):
        return _force_populations_load(path=path, header=header, rows=rows, only_year=year)
    code_col = next((h for h in header if h.lower() in _CODE_COLUMNS or h.lower().endswith("cd")), None)
    value_col = next(
        (h for h in header if h.lower() in {"population", "all ages", "all_ages", "obs_value", str(year)}), None
    )
    missing = [label for label, col in (("Code", code_col), ("Population or All ages", value_col)) if col is None]
    if missing:
        raise ValidationProblem(
            f"missing column {' and '.join(missing)}; found {', '.join(header)} "
            "(expected one row per area with a code and a population, or one row per year with a column per force)",
            where=str(path),
        )
    assert code_col and value_col
    if year is None:
        raise ValidationProblem("say which mid-year these estimates are for (--year)", where=str(path))
    values: list[tuple[str, int]] = []
    outside = 0
    for line, row in enumerate(rows, start=2):
        where = f"{path}, row {line}"
        code = row.get(code_col, "")
        if not GSS_PATTERN.match(code):
            raise ValidationProblem(
                f"{code!r} is not an ONS GSS code: expected a letter and eight digits, such as E07000073",
                where=f"{where}, column {code_col}",
            )
        raw = row.get(value_col, "")
        if not raw.replace(",", "").isdigit():
            raise ValidationProblem(f"{raw!r} is not a whole number of people", where=f"{where}, column {value_col}")
        if outside_england_wales(code):
            outside += 1
            continue
        values.append((code, int(raw.replace(",", ""))))
    known = dict(Area.objects.filter(code__in=[c for c, _ in values]).values_list("code", "pk"))
    summary = LoadSummary()
    with transaction.atomic():
        populations_upsert(
            {(known[c], year): v for c, v in values if c in known}, source=f"{path.name} (mid-{year})", summary=summary
        )
    unknown = sum(1 for c, _ in values if c not in known)
    if unknown:
        summary.skipped += unknown
        summary.notes.append(f"{unknown} rows were for areas not in the hub and were not loaded")
    _note_outside(summary, outside)
    return summary


def _force_populations_load(
    *, path: Path, header: list[str], rows: list[dict[str, str]], only_year: int | None
) -> LoadSummary:
    year_col = next(h for h in header if h.lower() == "year")
    by_name: dict[str, str] = {}
    for force in force_areas()["forces"]:
        for name in (force["name"], force["ons_name"], *force.get("also", [])):
            by_name[name_key(name)] = force["code"]
    columns = [h for h in header if h != year_col]
    unknown = [h for h in columns if name_key(h) not in by_name]
    if unknown:
        raise ValidationProblem(
            f"column{'s' if len(unknown) > 1 else ''} {', '.join(repr(h) for h in unknown)} "
            "name no police force area of England and Wales",
            where=str(path),
        )
    values: dict[tuple[str, int], int] = {}
    for line, row in enumerate(rows, start=2):
        where = f"{path}, row {line}"
        raw_year = row.get(year_col, "")
        if not (raw_year.isdigit() and 1900 <= int(raw_year) <= 2100):
            raise ValidationProblem(f"{raw_year!r} is not a year", where=f"{where}, column {year_col}")
        if only_year is not None and int(raw_year) != only_year:
            continue
        for col in columns:
            values[(by_name[name_key(col)], int(raw_year))] = whole_number(
                row.get(col, ""), where=f"{where}, column {col}"
            )
    known = dict(Area.objects.filter(area_type=AreaType.POLICE_FORCE_AREA).values_list("code", "pk"))
    summary = LoadSummary()
    with transaction.atomic():
        populations_upsert(
            {(known[c], y): v for (c, y), v in values.items() if c in known},
            source=f"{path.name} (police force areas)",
            summary=summary,
        )
    missing = sorted({c for c, _ in values if c not in known})
    if missing:
        summary.skipped += sum(1 for c, _ in values if c not in known)
        summary.notes.append(
            f"{len(missing)} force areas are not in the hub yet (load the national geography first): "
            + ", ".join(missing)
        )
    return summary


# --- boundaries -----------------------------------------------------------------------------------


def geography_boundaries_load(*, path: Path, vintage: str = "", parent_code: str | None = None) -> LoadSummary:
    """Load boundaries from GeoJSON; each feature names its area by a property ending in ``CD``.

    Areas not yet in the hub are created with the kind their code gives; their parent is
    ``parent_code``, or the file name when it is a GSS code (``E07000073.json``). Features for
    Scotland and Northern Ireland are counted and reported.
    """
    try:
        data = json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise ValidationProblem(f"is not GeoJSON: {exc}", where=str(path)) from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise ValidationProblem("is not a GeoJSON FeatureCollection", where=str(path))
    if parent_code is None and path.stem[:1] in "EW" and len(path.stem) == 9:
        parent_code = path.stem
    if parent_code:
        validate_gss_code(parent_code, where=f"{path}, parent")
        if not Area.objects.filter(code=parent_code).exists():
            parent_code = None
    items: list[tuple[str, str, dict[str, Any]]] = []
    outside = 0
    for i, feature in enumerate(data.get("features") or [], start=1):
        where = f"{path}, feature {i}"
        props = (feature or {}).get("properties") or {}
        code_key = next((k for k in props if k.lower().endswith("cd")), None)
        if code_key is None:
            raise ValidationProblem("has no code property (such as LSOA11CD or areacd)", where=where)
        raw = str(props[code_key] or "").strip()
        if GSS_PATTERN.match(raw) and outside_england_wales(raw):
            outside += 1
            continue
        name_key_ = code_key[:-2] + ("NM" if code_key.endswith("CD") else "nm")
        code = validate_gss_code(raw, where=f"{where}, property {code_key}")
        geometry = feature.get("geometry")
        if not isinstance(geometry, dict) or geometry.get("type") not in {"Polygon", "MultiPolygon"}:
            raise ValidationProblem("geometry is not a Polygon or MultiPolygon", where=where)
        items.append((code, str(props.get(name_key_) or code), geometry))
    if not items:
        raise ValidationProblem("has no features for England or Wales", where=str(path))
    summary = LoadSummary()
    with transaction.atomic():
        known = {
            code: (name, kind, have)
            for code, name, kind, have in Area.objects.filter(code__in=[c for c, _, _ in items]).values_list(
                "code", "name", "area_type", "vintage"
            )
        }
        rows = []
        for code, name, _ in items:
            if code not in known:
                rows.append(
                    AreaRow(code, name, gss_entity(code), parent=parent_code, vintage=vintage, source=path.name)
                )
            elif vintage and known[code][1] == AreaType.LSOA and vintage not in known[code][2].split(","):
                # An LSOA whose code both vintages share: it now has both.
                merged = ",".join(sorted({*known[code][2].split(","), vintage} - {""}))
                rows.append(AreaRow(code, known[code][0], known[code][1], vintage=merged, source=path.name))
        ids = areas_upsert(rows, summary=summary)
        _boundaries_upsert({ids[c]: g for c, _, g in items}, vintage=vintage, source=path.name, summary=summary)
    _note_outside(summary, outside)
    return summary


def _boundaries_upsert(shapes: dict[int, dict[str, Any]], *, vintage: str, source: str, summary: LoadSummary) -> None:
    existing = {b.area_id: b for b in Boundary.objects.filter(vintage=vintage, area_id__in=list(shapes))}
    new, changed = [], []
    now = timezone.now()
    for area_id, geometry in shapes.items():
        b = existing.get(area_id)
        if b is None:
            new.append(Boundary(area_id=area_id, vintage=vintage, geometry=geometry, source=source))
        elif b.geometry != geometry or b.source != source:
            b.geometry, b.source, b.updated_at = geometry, source, now
            changed.append(b)
        else:
            summary.unchanged += 1
    Boundary.objects.bulk_create(new, batch_size=500)
    Boundary.objects.bulk_update(changed, ["geometry", "source", "updated_at"], batch_size=500)
    summary.created += len(new)
    summary.updated += len(changed)
