"""STATS19 road casualties: severities, districts, road users and children; both schemas."""

from __future__ import annotations

import pytest

from saferhub.geography.services import geography_lookup_load
from saferhub.ingest.services import stats19_import
from saferhub.measures.models import IndicatorValue

pytestmark = pytest.mark.django_db

# ../shared/data/README.md: casualties / killed or seriously injured, 2024
WEST_YORKSHIRE = {
    "E08000032": (1332, 323),  # Bradford
    "E08000033": (476, 135),  # Calderdale
    "E08000034": (780, 192),  # Kirklees
    "E08000035": (1898, 459),  # Leeds
    "E08000036": (754, 209),  # Wakefield
}


def annual(slug: str, code: str, breakdown: str = "", year: str = "2024") -> float | None:
    found = IndicatorValue.objects.filter(indicator__slug=slug, area__code=code, period_label=year, breakdown=breakdown)
    return found.get().value if found.exists() else None


@pytest.mark.slow
def test_west_yorkshire_casualties_and_ksi_by_district_match_the_readme(essex_geography, shared_data, store):
    geography_lookup_load(path=shared_data / "boundaries/lad/ltla-2014-lookup.csv")
    outcome = stats19_import(paths=[shared_data / "stats19/west-yorkshire-2024"])
    assert outcome.stage.totals["collision"]["rows"] == 4060
    assert outcome.stage.totals["casualty"]["rows"] == 5240
    assert outcome.stage.totals["casualty"]["fatal"] == 40
    for code, (casualties, ksi) in WEST_YORKSHIRE.items():
        assert annual("road-casualties", code) == casualties, code
        assert annual("ksi-casualties", code) == ksi, code
        assert annual("killed-casualties", code) + annual("seriously-injured-casualties", code) == ksi
        assert annual("slight-casualties", code) == casualties - ksi
    # the metropolitan county is the sum of its five districts
    assert annual("ksi-casualties", "E11000006") == sum(k for _, k in WEST_YORKSHIRE.values())
    # road users and children are breakdowns of the same counts
    users = ["pedestrian", "pedal-cyclist", "motorcyclist", "car-occupant", "other"]
    assert sum(annual("road-casualties", "E08000035", f"road_user={u}") for u in users) == 1898
    assert 0 < annual("ksi-casualties", "E08000035", "age=child") < 459
    # casualties take their district from their collision
    assert store.grouped_counts(by=["area_code"], datasets=["casualty"]) == [
        (code, n) for code, (n, _) in sorted(WEST_YORKSHIRE.items())
    ]


def test_the_older_accident_schema_with_a_byte_order_mark_is_read(essex_geography, shared_data, store):
    outcome = stats19_import(paths=[shared_data / "stats19/national-2022-sample"])
    assert outcome.stage.totals["collision"]["rows"] == 1049
    assert any("byte order mark" in note for note in outcome.stage.notes)
    # London boroughs are not in the Essex geography: kept, counted as outside, never dropped
    assert outcome.stage.totals["collision"]["outside"] + outcome.stage.totals["collision"]["assigned"] == 1049
    assert store.grouped_counts(by=["force"], datasets=["collision"])[0][0] == "Metropolitan Police Service"


def test_a_casualty_file_imported_later_finds_its_collisions_in_the_store(essex_geography, tmp_path, store):
    header = (
        "collision_index,collision_year,police_force,collision_severity,date,local_authority_ons_district,"
        "longitude,latitude,lsoa_of_accident_location"
    )
    (tmp_path / "c.csv").write_text(header + "\n2024420000001,2024,42,2,05/03/2024,E07000073,0.1,51.77,E01021600\n")
    stats19_import(paths=[tmp_path / "c.csv"])
    (tmp_path / "k.csv").write_text(
        "collision_index,casualty_reference,casualty_severity,casualty_type,age_of_casualty\n"
        "2024420000001,1,2,0,12\n2024420000001,2,3,9,40\n"
    )
    stats19_import(paths=[tmp_path / "k.csv"])
    assert store.grouped_counts(by=["area_code", "month", "severity", "road_user"], datasets=["casualty"]) == [
        ("E07000073", "2024-03", "serious", "pedestrian", 1),
        ("E07000073", "2024-03", "slight", "car-occupant", 1),
    ]


def test_importing_the_same_stats19_files_again_replaces_them(essex_geography, shared_data, store):
    """`make demo` run twice failed: the stored collisions had a column the staged batch had not."""
    geography_lookup_load(path=shared_data / "boundaries/lad/ltla-2014-lookup.csv")
    stats19_import(paths=[shared_data / "stats19/west-yorkshire-2024"])
    again = stats19_import(paths=[shared_data / "stats19/west-yorkshire-2024"], again=True)
    assert again.stage.totals["casualty"]["rows"] == 5240
    for code, (casualties, ksi) in WEST_YORKSHIRE.items():
        assert annual("road-casualties", code) == casualties, code
        assert annual("ksi-casualties", code) == ksi, code
    assert store.grouped_counts(by=["area_code"], datasets=["casualty"]) == [
        (code, n) for code, (n, _) in sorted(WEST_YORKSHIRE.items())
    ]


@pytest.mark.slow
def test_the_plans_road_indicators_are_computed_from_stats19_at_their_own_frequency(
    essex_geography, shared_data, store
):
    """Issue 15: the county council's NI 47 (road-ksi) and slight casualties are defined from STATS19.
    No Essex extract is in the shared data, so the same definitions are checked on West Yorkshire
    against the README's published counts: one calendar-year value per district, written by the import."""
    from saferhub.accounts.services import accounts_essex_load
    from saferhub.framework.services import framework_essex_load

    accounts_essex_load()
    framework_essex_load()
    geography_lookup_load(path=shared_data / "boundaries/lad/ltla-2014-lookup.csv")
    stats19_import(paths=[shared_data / "stats19/west-yorkshire-2024"])
    for code, (casualties, ksi) in WEST_YORKSHIRE.items():
        assert annual("road-ksi", code) == ksi, code
        assert annual("road-slight-injuries", code) == casualties - ksi, code
        values = IndicatorValue.objects.filter(indicator__slug="road-ksi", area__code=code)
        assert {v.period_label for v in values} == {"2024"}  # a calendar year, never months
        assert values.get().source_note.startswith("Computed.")
