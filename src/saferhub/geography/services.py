"""Writes to geography: the built-in areas and ONS-format files.

Every loader reads and checks the whole input first, then writes in one transaction, so a bad
file changes nothing. Errors name the file, row and column.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from django.db import models, transaction

from saferhub.core.codes import GSS_PATTERN, gss_entity, validate_gss_code
from saferhub.core.errors import ValidationProblem
from saferhub.geography.models import Area, AreaType, Boundary, ComparatorGroup, Population

BUILTIN_GEOGRAPHIES = ("essex",)
_VALID_TYPES = {choice.value for choice in AreaType}


@dataclass
class LoadSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    notes: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        text = f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"
        if self.skipped:
            text += f", {self.skipped} skipped"
        return text


def _upsert(model: type[models.Model], lookup: dict[str, Any], values: dict[str, Any], summary: LoadSummary) -> Any:
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        obj = model._default_manager.create(**lookup, **values)
        summary.created += 1
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save(update_fields=[*changed, "updated_at"])
        summary.updated += 1
    else:
        summary.unchanged += 1
    return obj


# --- built-in ------------------------------------------------------------------------------


def geography_builtin_load(*, name: str) -> LoadSummary:
    """Load a built-in geography (``essex``). Running it twice changes nothing."""
    if name not in BUILTIN_GEOGRAPHIES:
        raise ValidationProblem(
            f"there is no built-in geography called {name!r}; choose from: {', '.join(BUILTIN_GEOGRAPHIES)}"
        )
    text = resources.files("saferhub.geography").joinpath("data", f"{name}.yaml").read_text(encoding="utf-8")
    return geography_spec_load(spec=yaml.safe_load(text), where=f"built-in geography {name}")


def geography_spec_load(*, spec: dict[str, Any], where: str) -> LoadSummary:
    """Load areas, populations and comparator groups from a parsed specification."""
    areas = spec.get("areas") or []
    source = spec.get("source", "")
    known = {a["code"] for a in areas}
    for i, item in enumerate(areas, start=1):
        place = f"{where}, area {i}"
        code = validate_gss_code(item.get("code"), where=place)
        if item.get("type") not in _VALID_TYPES:
            raise ValidationProblem(f"type {item.get('type')!r} is not one of {sorted(_VALID_TYPES)}", where=place)
        for ref in ("parent", "force"):
            if item.get(ref) and item[ref] not in known and not Area.objects.filter(code=item[ref]).exists():
                raise ValidationProblem(f"{ref} {item[ref]!r} of {code} is not an area", where=place)
    summary = LoadSummary()
    with transaction.atomic():
        by_code: dict[str, Area] = {}
        for item in areas:  # parents are listed before children
            values = {
                "name": item["name"],
                "area_type": item["type"],
                "parent": by_code.get(item.get("parent")) or Area.objects.filter(code=item.get("parent")).first()
                if item.get("parent")
                else None,
                "force_area": by_code.get(item.get("force")) or Area.objects.filter(code=item.get("force")).first()
                if item.get("force")
                else None,
                "source": source,
            }
            by_code[item["code"]] = _upsert(Area, {"code": item["code"]}, values, summary)
            for year, value in (item.get("populations") or {}).items():
                _upsert(
                    Population,
                    {"area": by_code[item["code"]], "year": int(year)},
                    {"value": int(value), "source": source},
                    summary,
                )
        for group in spec.get("comparator_groups") or []:
            obj = _upsert(
                ComparatorGroup,
                {"slug": group["slug"]},
                {
                    "name": group["name"],
                    "kind": group.get("kind", "custom"),
                    "description": group.get("description", ""),
                    "for_area": by_code.get(group.get("for_area")),
                    "source": source,
                },
                summary,
            )
            members = [by_code[c] for c in group.get("members", [])]
            if set(obj.members.all()) != set(members):
                obj.members.set(members)
    return summary


# --- ONS files -----------------------------------------------------------------------------


def _read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    if not path.exists():
        raise ValidationProblem("file not found", where=str(path))
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationProblem(
            f"is not UTF-8 text (byte {exc.start}); save it as CSV UTF-8", where=str(path)
        ) from None
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    if not header:
        raise ValidationProblem("is empty: expected a header row", where=str(path))
    rows = [{(k or "").strip(): (v or "").strip() for k, v in row.items()} for row in reader]
    return header, rows


# Hierarchy columns in ONS lookups, from child to parent, by the part of the name before CD.
_LOOKUP_LEVELS = ("ltla", "lad", "ua", "cty", "rgn", "ctry")
_HIERARCHY_KINDS = {"county", "region", "country"}


def geography_lookup_load(*, path: Path) -> LoadSummary:
    """Load an ONS lookup CSV (``LAD23CD, LAD23NM, CTY23CD, …, RGN23CD, …``): areas with parents.

    A child's parent is the next code to its right whose kind is county, region or country.
    """
    header, rows = _read_csv(path)
    pairs: list[tuple[str, str]] = []
    lowered = {h.lower(): h for h in header}
    for h in header:
        low = h.lower()
        if low.endswith("cd"):
            stem = low[:-2]
            name_col = lowered.get(stem + "nm")
            if name_col is None:
                raise ValidationProblem(f"column {h!r} has no matching name column {stem.upper()}NM", where=str(path))
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
        if first[:1] in {"S", "N"} and GSS_PATTERN.match(first):
            outside += 1  # Scotland and Northern Ireland: outside England and Wales
            continue
        chain: list[tuple[str, str]] = []
        for code_col, name_col in pairs:
            code = row.get(code_col, "")
            if not code:
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
    order = {"country": 0, "region": 1, "county": 2, "combined_authority": 2, "police_force_area": 2}
    with transaction.atomic():
        for code, (name, kind, parent) in sorted(parsed.items(), key=lambda kv: order.get(kv[1][1], 3)):
            values: dict[str, Any] = {"name": name, "area_type": kind, "source": path.name}
            if parent:
                values["parent"] = Area.objects.get(code=parent)
            _upsert(Area, {"code": code}, values, summary)
    if outside:
        summary.skipped = outside
        summary.notes.append(f"{outside} rows for Scotland and Northern Ireland were not loaded")
    return summary


def geography_populations_load(*, path: Path, year: int) -> LoadSummary:
    """Load ONS mid-year estimates (``Code, Name, Geography, Population`` or ``All ages``) for
    areas the hub knows. Rows for other areas are counted as skipped and reported."""
    header, rows = _read_csv(path)
    code_col = next(
        (h for h in header if h.lower() in {"code", "area code", "areacd"} or h.lower().endswith("cd")), None
    )
    value_col = next(
        (h for h in header if h.lower() in {"population", "all ages", "all_ages", "obs_value", str(year)}), None
    )
    missing = [label for label, col in (("Code", code_col), ("Population or All ages", value_col)) if col is None]
    if missing:
        raise ValidationProblem(f"missing column {' and '.join(missing)}; found {', '.join(header)}", where=str(path))
    assert code_col and value_col
    if not 1900 <= year <= 2100:
        raise ValidationProblem(f"year {year} is outside 1900–2100", where=str(path))
    values: list[tuple[str, int]] = []
    for line, row in enumerate(rows, start=2):
        where = f"{path}, row {line}"
        code = row.get(code_col, "")
        if not GSS_PATTERN.match(code):
            raise ValidationProblem(
                f"{code!r} is not an ONS GSS code: expected a letter and eight digits, such as E07000073",
                where=f"{where}, column {code_col}",
            )
        raw = row.get(value_col, "").replace(",", "")
        if not raw.isdigit():
            raise ValidationProblem(
                f"{row.get(value_col)!r} is not a whole number of people", where=f"{where}, column {value_col}"
            )
        values.append((code, int(raw)))
    known = {a.code: a for a in Area.objects.filter(code__in=[c for c, _ in values])}
    summary = LoadSummary()
    with transaction.atomic():
        for code, value in values:
            area = known.get(code)
            if area is None:
                summary.skipped += 1
                continue
            _upsert(Population, {"area": area, "year": year}, {"value": value, "source": path.name}, summary)
    if summary.skipped:
        summary.notes.append(f"{summary.skipped} rows were for areas not in the hub and were not loaded")
    return summary


def geography_boundaries_load(*, path: Path, vintage: str = "", parent_code: str | None = None) -> LoadSummary:
    """Load boundaries from GeoJSON; each feature names its area by a property ending in ``CD``.

    Areas not yet in the hub are created when their kind is known from the code (LSOAs, wards);
    their parent is ``parent_code``, or the file name when it is a GSS code (``E07000073.json``).
    """
    if not path.exists():
        raise ValidationProblem("file not found", where=str(path))
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationProblem(f"is not GeoJSON: {exc}", where=str(path)) from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise ValidationProblem("is not a GeoJSON FeatureCollection", where=str(path))
    if parent_code is None and path.stem[:1] in "EW" and len(path.stem) == 9:
        parent_code = path.stem
    parent = None
    if parent_code:
        validate_gss_code(parent_code, where=f"{path}, parent")
        parent = Area.objects.filter(code=parent_code).first()
    items: list[tuple[str, str, dict[str, Any]]] = []
    for i, feature in enumerate(data.get("features") or [], start=1):
        where = f"{path}, feature {i}"
        props = feature.get("properties") or {}
        code_key = next((k for k in props if k.lower().endswith("cd")), None)
        if code_key is None:
            raise ValidationProblem("has no code property (such as LSOA11CD or areacd)", where=where)
        name_key = code_key[:-2] + ("NM" if code_key.endswith("CD") else "nm")
        code = validate_gss_code(props[code_key], where=f"{where}, property {code_key}")
        geometry = feature.get("geometry")
        if not isinstance(geometry, dict) or geometry.get("type") not in {"Polygon", "MultiPolygon"}:
            raise ValidationProblem("geometry is not a Polygon or MultiPolygon", where=where)
        items.append((code, str(props.get(name_key) or code), geometry))
    if not items:
        raise ValidationProblem("has no features", where=str(path))
    summary = LoadSummary()
    with transaction.atomic():
        for code, name, geometry in items:
            area = Area.objects.filter(code=code).first()
            if area is None:
                area = _upsert(
                    Area,
                    {"code": code},
                    {
                        "name": name,
                        "area_type": gss_entity(code),
                        "parent": parent,
                        "vintage": vintage,
                        "source": path.name,
                    },
                    summary,
                )
            _upsert(Boundary, {"area": area, "vintage": vintage}, {"geometry": geometry, "source": path.name}, summary)
    return summary
