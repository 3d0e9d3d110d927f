"""After any import the record store and the indicator values say the same (issue 14).

Counted straight from the Parquet files the store's manifest names (DuckDB, not the hub's store
module), after an operator's import of two months and a re-import of one of them, cut short, by the
partnership that keeps the whole force area.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb
import pytest

from saferhub.ingest.services import police_uk_import
from saferhub.measures.models import IndicatorValue

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

MONTHS = ("2024-01", "2024-02")


def _direct(store: Path) -> dict[tuple[str, str, str], int]:
    """(indicator, area, month) → count, from the committed Parquet files only."""
    manifest = json.loads((store / "manifest.json").read_text(encoding="utf-8"))
    files = [str(store / f) for p in manifest["partitions"].values() for f in p["files"]]
    with duckdb.connect() as con:
        rows = con.execute(
            """SELECT CASE WHEN kind = 'asb' THEN 'anti-social-behaviour' ELSE 'all-crime' END, area_code, month,
                      count(*)
               FROM read_parquet(?) WHERE area_code IS NOT NULL AND kind IN ('crime', 'asb') GROUP BY ALL""",
            [files],
        ).fetchall()
    return {(slug, area, month): int(n) for slug, area, month, n in rows}


def _same(store_counts: dict, database: dict) -> bool:
    """A month with no records of a kind in an area the force polices is a true zero in the database."""
    keys = set(store_counts) | set(database)
    return all(store_counts.get(k, 0) == database.get(k, -1) for k in keys)


def _database() -> dict[tuple[str, str, str], int]:
    values = IndicatorValue.objects.filter(
        indicator__slug__in=["all-crime", "anti-social-behaviour"], breakdown="", period_label__in=MONTHS
    ).exclude(area__area_type__in=["county", "police_force_area", "region", "country"])
    return {
        (v.indicator.slug, v.area.code, v.period_label): int(v.value)
        for v in values.select_related("indicator", "area")
    }


def _cut_short(shared_data: Path, tmp_path: Path, month: str, drop: int) -> Path:
    source = shared_data / "police-uk" / month / f"{month}-essex-street.csv"
    with source.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    path = tmp_path / f"{month}-essex-street.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows[: len(rows) - drop])
    return path


def test_store_and_indicator_values_agree_after_imports_and_a_partnerships_re_import(
    essex_partnerships, shared_data, tmp_path, record_store_per_test
):
    store = Path(record_store_per_test)
    police_uk_import(paths=[shared_data / "police-uk" / m / f"{m}-essex-street.csv" for m in MONTHS])
    first = _direct(store)
    assert first == _database() and len(first) == 2 * 14 * 2  # two indicators, 14 areas, two months
    pcc = essex_partnerships["essex-pcc-commissioning"]
    police_uk_import(paths=[_cut_short(shared_data, tmp_path, "2024-01", drop=2_000)], partnership=pcc, again=True)
    after = _direct(store)
    assert _same(after, _database())
    assert len(_database()) == 2 * 14 * 2  # every area keeps its value: a true zero where no records are left
    january = sum(n for (_, _, month), n in after.items() if month == "2024-01")
    assert january < sum(n for (_, _, month), n in first.items() if month == "2024-01")
    assert {k: n for k, n in after.items() if k[2] == "2024-02"} == {
        k: n for k, n in first.items() if k[2] == "2024-02"
    }
