"""Counts from the record store for the hot spot and repeat-location pages: set-based DuckDB queries
over police.uk street records, grouped inside DuckDB; only the grouped rows reach Python.

No Django here: the selectors pass the store (``saferhub.incidents.store.RecordStore``).
"""

# ruff: noqa: S608 - SQL is assembled from this module's fragments; values go through sql_literal().

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from saferhub.incidents.store import RecordStore, sql_literal

SOURCE = "police-uk"
DATASET = "street"
ASB = "Anti-social behaviour"


@dataclass(frozen=True)
class Selection:
    """Which records count: every record, all crime, anti-social behaviour, or one police.uk crime type."""

    kind: str  # "all", "crime", "asb" or "category"
    category: str = ""

    @property
    def label(self) -> str:
        return {
            "all": "Crime and anti-social behaviour",
            "crime": "All crime",
            "asb": "Anti-social behaviour",
        }.get(self.kind, self.category)

    def condition(self) -> str:
        if self.kind == "all":
            return "kind IN ('crime', 'asb')"
        if self.kind == "crime":
            return "kind = 'crime'"
        if self.kind == "asb":
            return "kind = 'asb'"
        return f"kind IN ('crime', 'asb') AND category = {sql_literal(self.category)}"


def _in(column: str, values: Iterable[str]) -> str:
    listed = ", ".join(sql_literal(v) for v in values)
    return f"{column} IN ({listed or 'NULL'})"


def street_months(store: RecordStore) -> list[str]:
    """Months with police.uk street records in the store, newest first (from the manifest alone)."""
    chosen = store.manifest().select(sources=[SOURCE], datasets=[DATASET])
    return sorted({key.month for key in chosen}, reverse=True)


def street_categories(store: RecordStore, *, months: Sequence[str] | None = None) -> list[str]:
    """The police.uk crime types present (anti-social behaviour included), alphabetically."""
    relation = store.records_sql(sources=[SOURCE], datasets=[DATASET], months=months)
    with store.connect() as con:
        rows = con.execute(
            f"SELECT DISTINCT category FROM {relation} WHERE category IS NOT NULL ORDER BY category"
        ).fetchall()
    return [str(r[0]) for r in rows]


def lsoa_month_counts(
    store: RecordStore, *, districts: Sequence[str], months: Sequence[str], selection: Selection
) -> list[tuple[str, str, str, int]]:
    """(month, district, LSOA, records) for the selection in the districts and months, one row per
    LSOA that has records; records with no LSOA are left out (they cannot be placed)."""
    relation = store.records_sql(sources=[SOURCE], datasets=[DATASET], months=months)
    sql = (
        f"SELECT month, district_code, lsoa_code, count(*) FROM {relation} "
        f"WHERE {selection.condition()} AND {_in('district_code', districts)} AND lsoa_code IS NOT NULL "
        "GROUP BY ALL ORDER BY ALL"
    )
    with store.connect() as con:
        return [(str(m), str(d), str(code), int(n)) for m, d, code, n in con.execute(sql).fetchall()]


@dataclass(frozen=True)
class Point:
    """A police.uk anonymous map point ("On or near …") and its records in the period."""

    longitude: float
    latitude: float
    location: str
    lsoa_code: str
    lsoa_name: str
    records: int
    months: int  # months of the period with a record here
    small_month: bool  # a month with 1 to 4 records here (public readers are not shown its count)


def repeat_points(
    store: RecordStore,
    *,
    districts: Sequence[str],
    months: Sequence[str],
    selection: Selection,
    limit: int = 25,
    minimum: int = 2,
) -> list[Point]:
    """The map points with the most records (at least ``minimum``) for the selection, most first."""
    relation = store.records_sql(sources=[SOURCE], datasets=[DATASET], months=months)
    sql = f"""
        WITH by_month AS (
            SELECT longitude, latitude, location, month,
                   any_value(lsoa_code) AS lsoa_code, any_value(lsoa_name) AS lsoa_name, count(*) AS n
            FROM {relation}
            WHERE {selection.condition()} AND {_in("district_code", districts)}
              AND longitude IS NOT NULL AND latitude IS NOT NULL
            GROUP BY longitude, latitude, location, month
        )
        SELECT longitude, latitude, coalesce(location, ''), coalesce(any_value(lsoa_code), ''),
               coalesce(any_value(lsoa_name), ''), sum(n)::BIGINT, count(*)::BIGINT, bool_or(n BETWEEN 1 AND 4)
        FROM by_month
        GROUP BY longitude, latitude, location
        HAVING sum(n) >= {int(minimum)}
        ORDER BY sum(n) DESC, location, longitude, latitude
        LIMIT {int(limit)}
    """
    with store.connect() as con:
        rows = con.execute(sql).fetchall()
    return [
        Point(
            longitude=float(lon),
            latitude=float(lat),
            location=str(loc),
            lsoa_code=str(code),
            lsoa_name=str(name),
            records=int(n),
            months=int(k),
            small_month=bool(small),
        )
        for lon, lat, loc, code, name, n, k, small in rows
    ]


def repeat_counts(store: RecordStore, *, districts: Sequence[str], months: Sequence[str]) -> dict[str, tuple[int, int]]:
    """Per police.uk crime type (anti-social behaviour included): (records placed at a map point,
    those at a point holding two or more records of the same type in the period). One grouped query."""
    relation = store.records_sql(sources=[SOURCE], datasets=[DATASET], months=months)
    sql = f"""
        WITH points AS (
            SELECT category, count(*) AS n
            FROM {relation}
            WHERE kind IN ('crime', 'asb') AND {_in("district_code", districts)}
              AND longitude IS NOT NULL AND latitude IS NOT NULL AND category IS NOT NULL
            GROUP BY category, longitude, latitude, location
        )
        SELECT category, sum(n)::BIGINT, coalesce(sum(n) FILTER (WHERE n >= 2), 0)::BIGINT
        FROM points GROUP BY category ORDER BY category
    """
    with store.connect() as con:
        return {str(c): (int(total), int(repeat)) for c, total, repeat in con.execute(sql).fetchall()}
