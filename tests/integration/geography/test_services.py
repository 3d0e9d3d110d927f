"""Loading geography: the built-in Essex set and ONS-format files."""

from pathlib import Path

import pytest

from saferhub.core.errors import ValidationProblem
from saferhub.geography.models import Area, Boundary, ComparatorGroup, Population
from saferhub.geography.selectors import csp_areas_in
from saferhub.geography.services import (
    geography_boundaries_load,
    geography_builtin_load,
    geography_lookup_load,
    geography_populations_load,
)

pytestmark = pytest.mark.django_db


def _snapshot():
    return (
        sorted(Area.objects.values_list("code", "name", "area_type", "parent_id")),
        sorted(Population.objects.values_list("area_id", "year", "value")),
        Boundary.objects.count(),
    )


def test_builtin_essex_has_the_fourteen_csp_areas_with_populations(essex_geography):
    force = essex_geography["E23000028"]
    csps = list(csp_areas_in(area=force))
    assert len(csps) == 14
    assert {a.code for a in csps} == {f"E070000{n}" for n in range(66, 78)} | {"E06000033", "E06000034"}
    assert Population.objects.get(area__code="E07000073", year=2023).value == 96040
    assert Population.objects.get(area__code="E07000073", year=2022).value == 94409
    county = essex_geography["E10000012"]
    assert county.parent.code == "E12000006" and county.parent.parent.code == "E92000001"
    assert csp_areas_in(area=county).count() == 12
    assert ComparatorGroup.objects.get(slug="eastern-forces").members.count() == 7


def test_force_area_population_is_county_plus_unitaries(essex_geography):
    def pop(code, year):
        return Population.objects.get(area__code=code, year=year).value

    for year in (2022, 2023):
        assert pop("E23000028", year) == pop("E10000012", year) + pop("E06000033", year) + pop("E06000034", year)


def test_loading_twice_changes_nothing(essex_geography):
    before = _snapshot()
    summary = geography_builtin_load(name="essex")
    assert (summary.created, summary.updated) == (0, 0)
    assert _snapshot() == before


def test_unknown_builtin_is_refused():
    with pytest.raises(ValidationProblem, match="no built-in geography called 'kent'"):
        geography_builtin_load(name="kent")


def test_real_ons_populations_file(essex_geography, shared_data):
    summary = geography_populations_load(path=shared_data / "population" / "lad-mid-2022.csv", year=2022)
    assert summary.skipped > 300  # the rest of the UK, reported rather than dropped silently
    assert Population.objects.get(area__code="E07000070", year=2022).value == 183326


def test_real_lookup_builds_the_hierarchy(db, shared_data):
    summary = geography_lookup_load(path=shared_data / "boundaries" / "lad" / "ltla-2014-lookup.csv")
    harlow = Area.objects.get(code="E07000073")
    assert (harlow.parent.code, harlow.parent.parent.code, harlow.parent.parent.parent.code) == (
        "E10000012",
        "E12000006",
        "E92000001",
    )
    assert Area.objects.get(code="W92000004").parent is None
    assert summary.skipped > 0 and "Scotland, Northern Ireland" in summary.notes[0]


def test_real_lsoa_boundaries_create_lsoas_under_their_district(essex_geography, shared_data):
    geography_boundaries_load(path=shared_data / "boundaries" / "essex-lsoa-2011" / "E07000073.json", vintage="2011")
    lsoas = Area.objects.filter(area_type="lsoa", parent__code="E07000073")
    assert lsoas.count() == 54
    assert Boundary.objects.filter(area__in=lsoas, vintage="2011").count() == 54


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_population_file_with_a_bad_code_names_row_and_column_and_changes_nothing(essex_geography, tmp_path):
    before = _snapshot()
    path = _write(
        tmp_path, "pop.csv", "Code,Name,Geography,Population\nE07000073,Harlow,District,1\nE0700007,Bad,District,2\n"
    )
    with pytest.raises(ValidationProblem) as info:
        geography_populations_load(path=path, year=2023)
    assert str(info.value) == (
        f"{path}, row 3, column Code: 'E0700007' is not an ONS GSS code: "
        "expected a letter and eight digits, such as E07000073"
    )
    assert _snapshot() == before


def test_population_file_with_text_in_a_number_changes_nothing(essex_geography, tmp_path):
    before = _snapshot()
    path = _write(
        tmp_path, "pop.csv", "Code,Name,Geography,Population\nE07000073,Harlow,District,1\nE07000070,C,District,lots\n"
    )
    with pytest.raises(ValidationProblem, match=r"row 3, column Population: 'lots' is not a whole number"):
        geography_populations_load(path=path, year=2023)
    assert _snapshot() == before


def test_population_file_missing_a_column(essex_geography, tmp_path):
    path = _write(tmp_path, "pop.csv", "Code,Name\nE07000073,Harlow\n")
    with pytest.raises(ValidationProblem, match="missing column Population or All ages"):
        geography_populations_load(path=path, year=2023)


def test_lookup_with_a_bad_code_changes_nothing(db, tmp_path):
    path = _write(
        tmp_path,
        "lookup.csv",
        "LAD23CD,LAD23NM,RGN23CD,RGN23NM\nE07000073,Harlow,E12000006,East\nE07X,Bad,E12000006,East\n",
    )
    with pytest.raises(ValidationProblem, match=r"row 3, column LAD23CD: 'E07X' is not an ONS GSS code"):
        geography_lookup_load(path=path)
    assert Area.objects.count() == 0


def test_boundaries_with_a_bad_code_change_nothing(essex_geography, tmp_path):
    before = _snapshot()
    path = _write(
        tmp_path,
        "E07000073.json",
        '{"type":"FeatureCollection","features":[{"type":"Feature",'
        '"properties":{"LSOA11CD":"E0102"},"geometry":{"type":"Polygon","coordinates":[]}}]}',
    )
    with pytest.raises(ValidationProblem, match=r"feature 1, property LSOA11CD: 'E0102' is not an ONS GSS code"):
        geography_boundaries_load(path=path)
    assert _snapshot() == before


def test_latin1_file_is_refused_with_advice(db, tmp_path):
    path = tmp_path / "pop.csv"
    path.write_bytes("Code,Name,Geography,Population\nE07000073,Harlow\xe9,District,1\n".encode("latin-1"))
    with pytest.raises(ValidationProblem, match=r"is not UTF-8 text .* save it as CSV UTF-8"):
        geography_populations_load(path=path, year=2023)
