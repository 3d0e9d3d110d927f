"""The geography an import assigns records to, handed to DuckDB as small tables.

* ``geo_lsoa(lsoa_code, district_code)``: LSOA → district, from the store's LSOA lookup (loaded from
  an ONS file) and LSOA areas in the hub.
* ``geo_names(name_key, code)``: district and unitary names → codes, for the fallback that reads the
  district from the LSOA name ("Colchester 012F" → Colchester → E07000071).
* ``geo_scope(force_key, code)``: the areas each police force's records are assigned within; and
  ``geo_fallback(code)``: the areas used for forces the hub does not know or that have no areas.
* ``geo_forces(force_key, code)``: police force names → force area codes.
"""

# ruff: noqa: S608 - DuckDB SQL is assembled from this module's own fragments; file contents reach it only as
# column values, and the few literals (paths, months, slugs) go through sql_literal().

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pyarrow as pa

from saferhub.geography.models import CSP_AREA_TYPES, Area, AreaType
from saferhub.geography.selectors import csp_areas_in
from saferhub.incidents.store import RecordStore, sql_literal


def name_key(name: str) -> str:
    """How names are compared: case, spaces, hyphens and "&" do not matter."""
    text = name.lower().replace("&", "and")
    return "".join(ch for ch in text if ch.isalnum())


@dataclass
class Geography:
    areas: dict[str, Area]  # code → district/unitary area
    scope_by_force: dict[str, set[str]]  # force name key → area codes
    fallback: set[str]
    forces: dict[str, str]  # force name key → force area code
    partnership_scope: bool = False
    notes: list[str] = field(default_factory=list)
    signature: str = ""  # a hash of everything above and the LSOA lookups: what assignment depends on
    # What an import may replace: the areas each force polices, and those the importing partnership
    # keeps (None: an operator's import, which may replace any force's records).
    policed: dict[str, set[str]] = field(default_factory=dict)
    owner: str = ""
    owned: set[str] | None = None

    def replaces_beyond_rights(
        self, force: str, *, observed: Iterable[str], replaced: Iterable[str]
    ) -> list[str] | None:
        """The names of the areas a partition covers that the importing partnership does not keep: []
        when it keeps them all. A partition covers every area its force polices (else the areas its
        records fall in) and every area the partition it replaces spoke for. None when it covers no
        area at all that the hub knows (no partnership can vouch for such records)."""
        if self.owned is None:
            return []
        covered = set(self.policed.get(name_key(force)) or observed) | set(replaced)
        if not covered:
            return None
        return sorted(self.areas[c].name if c in self.areas else c for c in covered - self.owned)

    def scope_for(self, force: str) -> set[str]:
        if self.partnership_scope:
            return self.fallback
        return self.scope_by_force.get(name_key(force), self.fallback)

    def force_has_areas(self, force: str) -> bool:
        return self.partnership_scope or name_key(force) in self.scope_by_force


def geography_for_import(*, partnership: Any = None) -> Geography:
    """The areas records are assigned to: the partnership's own areas when the import is for one,
    otherwise each police force's areas (for a force with none, the districts and unitaries no
    force is recorded as policing)."""
    areas = {a.code: a for a in Area.objects.filter(area_type__in=CSP_AREA_TYPES).select_related("force_area")}
    forces = {
        name_key(a.name): a.code for a in Area.objects.filter(area_type=AreaType.POLICE_FORCE_AREA).only("code", "name")
    }
    scope: dict[str, set[str]] = {}
    for area in areas.values():
        if area.force_area_id is not None:
            force = area.force_area
            assert force is not None
            scope.setdefault(name_key(force.name), set()).add(area.code)
    if partnership is not None:
        codes = set()
        if partnership.area_id is not None:
            codes = set(csp_areas_in(area=partnership.area).values_list("code", flat=True))
        return Geography(
            areas, {}, codes, forces, partnership_scope=True, policed=scope, owner=partnership.name, owned=codes
        )
    # Forces the hub knows no areas for are assigned only areas no known force polices, so a
    # neighbouring force's few records in, say, Epping Forest never change Essex's figures.
    unclaimed = {code for code, area in areas.items() if area.force_area_id is None}
    return Geography(areas, scope, unclaimed, forces, policed=scope)


def register_geography(con: duckdb.DuckDBPyConnection, *, geography: Geography, store: RecordStore) -> None:
    """Create the ``geo_*`` tables in ``con``."""
    lsoa_rows = list(
        Area.objects.filter(area_type=AreaType.LSOA, parent__area_type__in=CSP_AREA_TYPES).values_list(
            "code", "parent__code"
        )
    )
    con.register(
        "geo_lsoa_hub",
        pa.table(
            {
                "lsoa_code": pa.array([r[0] for r in lsoa_rows], pa.string()),
                "district_code": pa.array([r[1] for r in lsoa_rows], pa.string()),
            }
        ),
    )
    lookup = store.lookup_path("lsoa_districts")
    from_file = (
        f"SELECT lsoa_code, district_code FROM read_parquet({sql_literal(str(lookup))})"
        if lookup.exists()
        else "SELECT NULL::VARCHAR AS lsoa_code, NULL::VARCHAR AS district_code WHERE false"
    )
    # The hub's own LSOA areas win over the lookup file where both know a code.
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE geo_lsoa AS
        SELECT lsoa_code, district_code FROM (
            SELECT lsoa_code, district_code, 0 AS pref FROM geo_lsoa_hub
            UNION ALL SELECT lsoa_code, district_code, 1 AS pref FROM ({from_file})
        ) QUALIFY row_number() OVER (PARTITION BY lsoa_code ORDER BY pref) = 1"""
    ).fetchall()
    con.unregister("geo_lsoa_hub")
    names: dict[str, str] = {}
    for code, area in sorted(geography.areas.items()):
        names.setdefault(name_key(area.name), code)
    con.register(
        "geo_names",
        pa.table({"name_key": pa.array(list(names), pa.string()), "code": pa.array(list(names.values()), pa.string())}),
    )
    # With a partnership, its areas are the only ones for every force (the fallback), so no per-force scope.
    scope_pairs = [
        (force, code)
        for force, codes in ({} if geography.partnership_scope else geography.scope_by_force).items()
        for code in sorted(codes)
    ]
    con.register(
        "geo_scope",
        pa.table(
            {
                "force_key": pa.array([p[0] for p in scope_pairs], pa.string()),
                "code": pa.array([p[1] for p in scope_pairs], pa.string()),
            }
        ),
    )
    con.register("geo_fallback", pa.table({"code": pa.array(sorted(geography.fallback), pa.string())}))
    con.register(
        "geo_forces",
        pa.table(
            {
                "force_key": pa.array(list(geography.forces), pa.string()),
                "code": pa.array(list(geography.forces.values()), pa.string()),
            }
        ),
    )
    # A SQL twin of name_key(), so both sides of a join compare names the same way.
    lookup_stamp = f"{lookup.stat().st_size}:{lookup.stat().st_mtime_ns}" if lookup.exists() else ""
    geography.signature = hashlib.sha256(
        repr(
            (
                sorted(lsoa_rows),
                sorted(names.items()),
                sorted(scope_pairs),
                sorted(geography.fallback),
                sorted(geography.forces.items()),
                lookup_stamp,
            )
        ).encode()
    ).hexdigest()
    con.execute(
        "CREATE OR REPLACE TEMP MACRO name_key(t) AS "
        "regexp_replace(replace(lower(t), '&', 'and'), '[^a-z0-9]', '', 'g')"
    ).fetchall()


ASSIGN_SQL = """
    CASE
      WHEN {lsoa} IS NULL AND {lsoa_name} IS NULL AND {district} IS NULL THEN 'no_location'
      WHEN {district} IN (SELECT code FROM geo_scope WHERE geo_scope.force_key = name_key({force})) THEN 'assigned'
      WHEN name_key({force}) NOT IN (SELECT force_key FROM geo_scope)
           AND {district} IN (SELECT code FROM geo_fallback) THEN 'assigned'
      ELSE 'outside'
    END
"""


def assign_sql(*, lsoa: str, lsoa_name: str, district: str, force: str) -> str:
    """SQL for a record's ``area_status`` given SQL expressions for its LSOA, district and force."""
    return ASSIGN_SQL.format(lsoa=lsoa, lsoa_name=lsoa_name, district=district, force=force)
