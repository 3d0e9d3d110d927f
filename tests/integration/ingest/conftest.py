"""Each ingest test gets its own record store, so the store and the database roll back together."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

STREET_HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,"
    "Last outcome category,Context"
)


def street_row(
    *,
    crime_id: str = "",
    month: str = "2024-01",
    force: str = "Essex Police",
    lon: str = "0.432091",
    lat: str = "51.640106",
    location: str = "On or near Oakwood Drive",
    lsoa: str = "E01021237",
    lsoa_name: str = "Basildon 001A",
    crime_type: str = "Burglary",
    outcome: str = "Under investigation",
) -> str:
    if crime_type != "Anti-social behaviour" and not crime_id:
        crime_id = hashlib.sha256(f"{month}{location}{lsoa}{crime_type}{lon}".encode()).hexdigest()
    return f"{crime_id},{month},{force},{force},{lon},{lat},{location},{lsoa},{lsoa_name},{crime_type},{outcome},"


def street_file(folder: Path, rows: list[str], name: str = "2024-01-essex-street.csv") -> Path:
    path = folder / name
    path.write_text("\n".join([STREET_HEADER, *rows]) + "\n", encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def record_store_per_test(settings, tmp_path):
    settings.SAFERHUB_RECORD_STORE = str(tmp_path / "records")
    settings.SAFERHUB_VAR_DIR = tmp_path / "var"
    return Path(settings.SAFERHUB_RECORD_STORE)


@pytest.fixture
def store(record_store_per_test):
    from saferhub.incidents.store import RecordStore

    return RecordStore(record_store_per_test)


def store_tree(root: Path) -> dict[str, bytes]:
    """Every committed byte of the store: the manifest and the Parquet files (not temp or lock files)."""
    out = {}
    if root.exists():
        for path in sorted(root.rglob("*")):
            rel = path.relative_to(root)
            if path.is_file() and (rel.parts[0] in ("records", "lookups", "staging") or path.name == "manifest.json"):
                out[str(rel)] = path.read_bytes()
    return out


def database_state() -> dict[str, list]:
    """Every row of the data an import may change (provenance rows aside)."""
    from saferhub.framework.models import Indicator
    from saferhub.geography.models import Area, Population
    from saferhub.measures.models import IndicatorValue

    return {
        "values": sorted(
            IndicatorValue.objects.values_list(
                "indicator__slug",
                "area__code",
                "period_label",
                "breakdown",
                "value",
                "numerator",
                "denominator",
                "quality_flags",
                "source_import_id",
            ),
            key=str,
        ),
        "value_history": IndicatorValue.history.count(),
        "indicators": sorted(Indicator.objects.values_list("slug", "title", "value_type")),
        "areas": sorted(Area.objects.values_list("code", "name", "area_type", "parent_id")),
        "populations": sorted(Population.objects.values_list("area_id", "year", "value")),
    }
