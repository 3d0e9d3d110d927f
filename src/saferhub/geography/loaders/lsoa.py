"""LSOAs of England and Wales in both vintages (2011 and 2021) and the lookup between them.

ONS's own 2011 → 2021 lookup (``LSOA11CD, LSOA21CD, CHGIND``) is loaded as published when a user
has it. Without it, the lookup is derived: a code both vintages share is unchanged (ONS kept the
code of every LSOA it did not redraw); each new 2021 LSOA is paired with the nearest retired 2011
LSOA in the same district by their centres, and each retired 2011 LSOA left unpaired with the
nearest new 2021 one; splits, merges and redrawn areas follow from how many partners each has.
Every derived row says so in ``method``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path

import numpy as np
from django.db import transaction
from scipy.spatial import cKDTree

from saferhub.core.codes import validate_gss_code
from saferhub.core.errors import ValidationProblem
from saferhub.geography.loaders.files import LoadSummary, outside_england_wales, read_csv
from saferhub.geography.loaders.writes import AreaRow, areas_upsert
from saferhub.geography.models import CSP_AREA_TYPES, Area, AreaType, LsoaChange

ONS_METHOD = "ONS lookup"
DERIVED_METHOD = "derived: nearest centre of a retired or new LSOA in the same district"
_LSOA_CODE = re.compile(r"^LSOA(\d\d)CD$", re.IGNORECASE)
_DISTRICT_COLUMNS = ("LADCD_ACTIVE", "LAD_FILE")


def geography_lsoas_load(*, path: Path) -> LoadSummary:
    """Load LSOAs from an ONS LSOA → district file (``LSOA21CD, LSOA21NM, …, LADCD_ACTIVE`` or
    ``LAD22CD``): each LSOA under its district, with its vintage from the column name. LSOAs of
    districts not in the hub are counted and reported."""
    header, rows = read_csv(path)
    code_col = next((h for h in header if _LSOA_CODE.match(h)), None)
    if code_col is None:
        raise ValidationProblem(f"missing column LSOA11CD or LSOA21CD; found {', '.join(header)}", where=str(path))
    match = _LSOA_CODE.match(code_col)
    assert match
    vintage = f"20{match[1]}"
    name_col = code_col[:-2] + ("NM" if code_col.endswith("CD") else "nm")
    district_col = next(
        (h for h in header if h in _DISTRICT_COLUMNS or re.match(r"^LAD\d\dCD$", h, re.IGNORECASE)), None
    )
    if district_col is None:
        raise ValidationProblem(
            f"missing column LADCD_ACTIVE (or LAD22CD): the district of each LSOA; found {', '.join(header)}",
            where=str(path),
        )
    districts = dict(Area.objects.filter(area_type__in=CSP_AREA_TYPES).values_list("code", "successor__code"))
    have = dict(Area.objects.filter(area_type=AreaType.LSOA).values_list("code", "vintage"))
    found: list[AreaRow] = []
    outside = unplaced = 0
    for line, row in enumerate(rows, start=2):
        code = row.get(code_col, "")
        if outside_england_wales(code):
            outside += 1
            continue
        validate_gss_code(code, where=f"{path}, row {line}, column {code_col}", kinds={"lsoa"})
        district = row.get(district_col, "")
        if district not in districts:
            unplaced += 1
            continue
        district = districts[district] or district  # a retired district's LSOAs sit under its successor
        held = {*have.get(code, "").split(",")} - {""}
        vintages = ",".join(sorted(held | {vintage}))
        # A code both vintages share keeps the name of the newer one, whichever file comes last.
        name = None if held and max(held) > vintage else (row.get(name_col) or code)
        found.append(AreaRow(code, name, AreaType.LSOA, parent=district, vintage=vintages, source=path.name))
    summary = LoadSummary()
    with transaction.atomic():
        areas_upsert(found, summary=summary)
    if outside:
        summary.skipped += outside
        summary.notes.append(f"{outside} rows outside England and Wales were not loaded")
    if unplaced:
        summary.skipped += unplaced
        summary.notes.append(f"{unplaced} LSOAs lie in districts the hub does not know and were not loaded")
    return summary


def geography_lsoa_lookup_load(*, path: Path) -> LoadSummary:
    """Load ONS's LSOA (2011) to LSOA (2021) lookup as published (``LSOA11CD, LSOA21CD, CHGIND``);
    it replaces any lookup held before, derived or not."""
    header, rows = read_csv(path)
    upper = {h.upper(): h for h in header}
    missing = [c for c in ("LSOA11CD", "LSOA21CD", "CHGIND") if c not in upper]
    if missing:
        raise ValidationProblem(f"missing column {', '.join(missing)}; found {', '.join(header)}", where=str(path))
    changes = {c.value for c in LsoaChange.Change}
    pairs: dict[tuple[str, str], str] = {}
    outside = 0
    for line, row in enumerate(rows, start=2):
        old, new = row[upper["LSOA11CD"]], row[upper["LSOA21CD"]]
        if outside_england_wales(old):
            outside += 1
            continue
        for col, code in (("LSOA11CD", old), ("LSOA21CD", new)):
            validate_gss_code(code, where=f"{path}, row {line}, column {upper[col]}", kinds={"lsoa"})
        change = row[upper["CHGIND"]].upper()
        if change not in changes:
            raise ValidationProblem(
                f"{row[upper['CHGIND']]!r} is not a change indicator: expected U, S, M or X",
                where=f"{path}, row {line}, column {upper['CHGIND']}",
            )
        pairs[(old, new)] = change
    if not pairs:
        raise ValidationProblem("has no rows for England or Wales", where=str(path))
    summary = _replace_lookup(
        [
            LsoaChange(lsoa11_code=o, lsoa21_code=n, change=c, method=ONS_METHOD, source=path.name)
            for (o, n), c in pairs.items()
        ]
    )
    if outside:
        summary.skipped = outside
        summary.notes.append(f"{outside} rows outside England and Wales were not loaded")
    return summary


def geography_lsoa_lookup_derive(*, centres: Path) -> LoadSummary:
    """Derive the 2011 → 2021 lookup from the LSOAs in the hub and a file of their centres
    (``LSOACD, latitude, longitude``). Refused when ONS's own lookup is loaded: it is better."""
    if LsoaChange.objects.filter(method=ONS_METHOD).exists():
        raise ValidationProblem("ONS's own LSOA lookup is loaded; a derived one would be worse, so it was kept")
    header, rows = read_csv(centres)
    for col in ("LSOACD", "latitude", "longitude"):
        if col not in header:
            raise ValidationProblem(f"missing column {col}; found {', '.join(header)}", where=str(centres))
    where: dict[str, tuple[float, float]] = {}
    for line, row in enumerate(rows, start=2):
        try:
            where[row["LSOACD"]] = (float(row["latitude"]), float(row["longitude"]))
        except ValueError:
            raise ValidationProblem(
                f"{row['latitude']!r}, {row['longitude']!r} is not a latitude and longitude",
                where=f"{centres}, row {line}",
            ) from None
    lsoas = list(Area.objects.filter(area_type=AreaType.LSOA).values_list("code", "vintage", "parent_id"))
    in11 = {c for c, v, _ in lsoas if "2011" in v}
    in21 = {c for c, v, _ in lsoas if "2021" in v}
    if not in11 or not in21:
        raise ValidationProblem("load the LSOAs of both vintages first (saferhub geography load lsoas)")
    district = {c: p for c, _, p in lsoas}
    retired = sorted(c for c in in11 - in21 if c in where)
    new = sorted(c for c in in21 - in11 if c in where)
    pairs = {(c, c) for c in in11 & in21}
    pairs |= {(old, n) for n, old in _nearest(new, retired, where, district).items()}
    paired_old = {o for o, _ in pairs}
    pairs |= {(o, n) for o, n in _nearest([c for c in retired if c not in paired_old], new, where, district).items()}
    partners11: dict[str, int] = defaultdict(int)
    partners21: dict[str, int] = defaultdict(int)
    for o, n in pairs:
        partners11[o] += 1
        partners21[n] += 1
    rows_out = []
    for o, n in sorted(pairs):
        if o == n:
            change = LsoaChange.Change.UNCHANGED
        elif partners11[o] > 1 and partners21[n] == 1:
            change = LsoaChange.Change.SPLIT
        elif partners21[n] > 1 and partners11[o] == 1:
            change = LsoaChange.Change.MERGED
        else:
            change = LsoaChange.Change.COMPLEX
        rows_out.append(
            LsoaChange(lsoa11_code=o, lsoa21_code=n, change=change, method=DERIVED_METHOD, source=centres.name)
        )
    summary = _replace_lookup(rows_out)
    lost = len(in11 - in21) - len(retired) + len(in21 - in11) - len(new)
    if lost:
        summary.skipped = lost
        summary.notes.append(f"{lost} LSOAs have no centre in {centres.name} and are not in the lookup")
    return summary


def _replace_lookup(rows: list[LsoaChange]) -> LoadSummary:
    """Replace the whole lookup with ``rows`` unless it already holds exactly them."""
    fields = ("lsoa11_code", "lsoa21_code", "change", "method", "source")
    wanted = {tuple(getattr(r, f) for f in fields) for r in rows}
    if set(LsoaChange.objects.values_list(*fields)) == wanted:
        return LoadSummary(unchanged=len(rows))
    with transaction.atomic():
        LsoaChange.objects.all().delete()
        LsoaChange.objects.bulk_create(rows, batch_size=5000)
    return LoadSummary(created=len(rows))


def _nearest(
    sources: list[str], targets: list[str], where: dict[str, tuple[float, float]], district: Mapping[str, int | None]
) -> dict[str, str]:
    """For each source code, the nearest target code in the same district (anywhere if the district
    has none), by distance on a plane scaled for latitude (ample at the size of a district)."""
    if not sources or not targets:
        return {}

    def xy(codes: list[str]) -> np.ndarray:
        pts = np.array([where[c] for c in codes])
        return np.column_stack([pts[:, 1] * np.cos(np.radians(pts[:, 0])), pts[:, 0]])

    by_district: dict[int | None, list[str]] = defaultdict(list)
    for t in targets:
        by_district[district.get(t)].append(t)
    trees = {d: (cKDTree(xy(codes)), codes) for d, codes in by_district.items()}
    everywhere = (cKDTree(xy(targets)), targets)
    out: dict[str, str] = {}
    for d, codes in _group(sources, district).items():
        tree, names = trees.get(d, everywhere)
        _, idx = tree.query(xy(codes))
        out.update({c: names[int(i)] for c, i in zip(codes, np.atleast_1d(idx), strict=True)})
    return out


def _group(codes: list[str], district: Mapping[str, int | None]) -> dict[int | None, list[str]]:
    out: dict[int | None, list[str]] = defaultdict(list)
    for c in codes:
        out[district.get(c)].append(c)
    return out
