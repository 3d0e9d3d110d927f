"""England and Wales from the ONS files in ../shared/data: every figure checked here is read from
those files independently of the loaders (or from ONS's own force-area populations)."""

import csv
import gzip
import itertools
import json

import pytest

from saferhub.geography.loaders.builtin import force_areas
from saferhub.geography.loaders.lsoa import DERIVED_METHOD
from saferhub.geography.loaders.ons import geography_boundaries_load
from saferhub.geography.models import Area, AreaCharacteristic, Boundary, ComparatorGroup, LsoaChange, Population
from saferhub.geography.selectors import (
    area_comparator_groups,
    area_current,
    area_most_similar_group,
    csp_areas_in,
    lsoa_boundaries,
    lsoa_lookup,
)
from saferhub.geography.services import geography_builtin_load, geography_national_load

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

_MODELS = (ComparatorGroup, LsoaChange, AreaCharacteristic, Population, Boundary)


def _rows(path):
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def _snapshot():
    return (
        sorted(Area.objects.values_list("code", "name", "parent_id", "force_area_id", "successor_id", "vintage")),
        sorted(Population.objects.values_list("area_id", "year", "value")),
        sorted(ComparatorGroup.objects.values_list("slug", "members__code")),
        LsoaChange.objects.count(),
        sorted(AreaCharacteristic.objects.values_list("area_id", "name", "value")),
    )


@pytest.fixture(scope="module")
def national(django_db_setup, django_db_blocker):
    """One national load for the module (it takes seconds, and tens of seconds on a busy machine),
    removed again afterwards so that no other test sees it."""
    from tests.conftest import SHARED_DATA

    with django_db_blocker.unblock():
        geography_builtin_load(name="essex")
        before = {a.code: (a.pk, a.name) for a in Area.objects.all()}
        load = geography_national_load(folder=SHARED_DATA)
        yield before, load
        for model in _MODELS:
            model.objects.all().delete()
            model.history.all().delete() if hasattr(model, "history") else None
        Area.objects.update(parent=None, force_area=None, successor=None)
        Area.objects.all().delete()
        Area.history.all().delete()


def test_every_district_since_2011_with_its_successor_and_force(national, shared_data):
    codes = _rows(shared_data / "geography" / "la_all_codes.csv")
    ew = [r for r in codes if r["LADCD"][0] in "EW"]
    current = Area.objects.filter(area_type__in=["district", "unitary"], successor__isnull=True)
    assert current.count() == sum(1 for r in ew if r["Current"] == "TRUE") == 318
    assert not current.filter(force_area__isnull=True).exists()
    assert Area.objects.filter(area_type="police_force_area").count() == 43
    for r in ew:
        assert area_current(code=r["LADCD"]).code == r["LADCD_ACTIVE"]
    christchurch = Area.objects.get(code="E07000048")
    assert christchurch.successor.name == "Bournemouth, Christchurch and Poole"
    assert str(christchurch.valid_to) == "2019-03-31"
    assert str(christchurch.successor.valid_from) == "2019-04-01"
    for old, new in (
        ("E07000150", "E06000061"),
        ("E07000026", "E06000063"),
        ("E07000163", "E06000065"),
        ("E07000187", "E06000066"),
        ("E07000004", "E06000060"),
    ):
        assert Area.objects.get(code=old).successor.code == new
    # Wales: its districts sit in the country, policed by the four Welsh forces.
    assert {a.force_area.code for a in Area.objects.filter(code__startswith="W06")} == {
        "W15000001",
        "W15000002",
        "W15000003",
        "W15000004",
    }


def test_essex_codes_names_and_ids_are_unchanged(national):
    before, _ = national
    after = {a.code: (a.pk, a.name) for a in Area.objects.filter(code__in=list(before))}
    assert after == before
    essex = Area.objects.get(code="E23000028")
    assert csp_areas_in(area=essex).count() == 14


def test_the_force_transcription_matches_ons_force_populations(national, shared_data):
    """Each English force's mid-2019 population summed from its authorities (ONS upper-tier
    estimates) equals ONS's own force-area estimate: the membership file is right."""
    force_of = {m: f["code"] for f in force_areas()["forces"] for m in f["members"]}
    # Authorities that had other codes in 2019, mapped by hand from ONS's code history.
    force_of.update(
        {
            "E10000006": "E23000002",
            "E10000023": "E23000009",
            "E10000021": "E23000022",
            "E10000027": "E23000036",
            "E08000016": "E23000011",
            "E08000019": "E23000011",
        }
    )
    totals: dict[str, int] = {}
    for row in _rows(shared_data / "population" / "utla-mid-2019.csv"):
        code = row["mnemonic"]
        if row["Area"].startswith("lacu:") and code.startswith("E"):
            totals[force_of[code]] = totals.get(force_of[code], 0) + int(row["2019"])
    published = _rows(shared_data / "population" / "police-force-area-2009-2019.csv")
    year_2019 = next(r for r in published if r["year"] == "2019")
    by_name = {f["code"]: f for f in force_areas()["forces"]}
    agree, disagree = [], []
    for code, total in totals.items():
        names = {by_name[code]["ons_name"], *by_name[code].get("also", [])}
        column = next(c for c in year_2019 if c in names or c.replace(" and ", " & ") in names)
        (agree if total == int(year_2019[column]) else disagree).append(column)
        # The loader put the file's figure on the force.
        assert Population.objects.get(area__code=code, year=2019).value == int(year_2019[column])
    # Three columns of the reshaped force file disagree with ONS's authority estimates whatever
    # the membership: 150,503 people moved from Thames Valley to Nottinghamshire (not neighbours),
    # and the Metropolitan Police area 562,240 short of its 32 boroughs (docs/geography.md).
    assert sorted(disagree) == ["Metropolitan Police", "Nottinghamshire", "Thames Valley"]
    assert len(agree) == 36


def test_lsoas_of_both_vintages_under_their_districts(national, shared_data):
    n11 = len(_rows(shared_data / "geography" / "lsoa11_to_lad.csv"))
    n21 = len(_rows(shared_data / "geography" / "lsoa21_to_lad.csv"))
    assert Area.objects.filter(area_type="lsoa", vintage__contains="2011").count() == n11 == 34753
    assert Area.objects.filter(area_type="lsoa", vintage__contains="2021").count() == n21 == 35672
    assert not Area.objects.filter(area_type="lsoa", parent__isnull=True).exists()
    assert LsoaChange.objects.filter(change="U").count() == 33647
    assert LsoaChange.objects.values_list("method", flat=True).distinct().get() == DERIVED_METHOD


def test_derived_lookup_agrees_with_the_essex_polygons(national, shared_data):
    """For every Essex district: each derived pair of a retired 2011 and a new 2021 LSOA, checked
    against the published polygons: the 2021 LSOA's centre lies inside its 2011 partner (a split)
    or the 2011 LSOA's centre inside its 2021 partner (a merge)."""
    polys11, polys21 = {}, {}
    for path in (shared_data / "boundaries" / "essex-lsoa-2011").glob("*.json"):
        for f in json.loads(path.read_text())["features"]:
            polys11[f["properties"]["LSOA11CD"]] = f["geometry"]
    for path in (shared_data / "boundaries" / "essex-lsoa-2021").glob("*.json"):
        for f in json.loads(path.read_text())["features"]:
            polys21[f["properties"]["LSOA21CD"]] = f["geometry"]
    centres = {
        r["LSOACD"]: (float(r["longitude"]), float(r["latitude"]))
        for r in _rows(shared_data / "geography" / "lsoa_latlong.csv")
    }
    pairs = LsoaChange.objects.exclude(change="U").filter(lsoa11_code__in=list(polys11))
    good = sum(
        1
        for p in pairs
        if _inside(centres[p.lsoa21_code], polys11[p.lsoa11_code])
        or (p.lsoa21_code in polys21 and _inside(centres[p.lsoa11_code], polys21[p.lsoa21_code]))
    )
    total = pairs.count()
    print(f"derived Essex pairs confirmed by polygons: {good} of {total}")
    assert total > 50
    assert good / total >= 0.9


def _inside(point, geometry):
    """Ray casting over every ring of a (Multi)Polygon, holes included (even-odd rule)."""
    x, y = point
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    crossings = 0
    for polygon in polygons:
        for ring in polygon:
            for (x1, y1), (x2, y2) in itertools.pairwise(ring):
                if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
                    crossings += 1
    return crossings % 2 == 1


def test_characteristics_match_the_imd_files(national, shared_data):
    imd = {
        r["LSOA code (2011)"]: int(r["Index of Multiple Deprivation (IMD) Decile"])
        for r in _rows(shared_data / "deprivation" / "File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz")
    }
    total = deprived = aged = 0
    for r in _rows(shared_data / "deprivation" / "File_6_-_IoD2019_Population_Denominators.csv.gz"):
        if r["Local Authority District code (2019)"] == "E07000073":
            people = int(r["Total population: mid 2015 (excluding prisoners)"].replace(",", ""))
            total += people
            deprived += people if imd[r["LSOA code (2011)"]] <= 2 else 0
            aged += int(r["Population aged 16-59: mid 2015 (excluding prisoners)"].replace(",", ""))
    harlow = {c.name: c for c in AreaCharacteristic.objects.filter(area__code="E07000073")}
    assert harlow["most_deprived_share"].value == pytest.approx(100 * deprived / total)
    assert harlow["age_16_59_share"].value == pytest.approx(100 * aged / total)
    land = next(
        r for r in _rows(shared_data / "population" / "lad-2024-centroids-areas.csv") if r["LAD24CD"] == "E07000073"
    )
    people_2023 = next(r for r in _rows(shared_data / "population" / "lad-mid-2023.csv") if r["Code"] == "E07000073")
    assert harlow["population_density"].value == pytest.approx(
        int(people_2023["All ages"]) / (float(land["Shape__Area"]) / 1e6)
    )
    # Wales has no IMD: density only.
    assert set(AreaCharacteristic.objects.filter(area__code="W06000015").values_list("name", flat=True)) == {
        "population_density"
    }


def test_every_csp_and_force_has_its_groups(national):
    for area in Area.objects.filter(area_type__in=["district", "unitary"], successor__isnull=True):
        msg = area_most_similar_group(area=area)
        assert msg is not None and msg.members.count() == 11 and msg.members.filter(pk=area.pk).exists()
        assert "k = 10" in msg.method
    essex = Area.objects.get(code="E23000028")
    assert area_most_similar_group(area=essex).members.count() == 8
    harlow = Area.objects.get(code="E07000073")
    kinds = [g.kind for g in area_comparator_groups(area=harlow)]
    assert kinds[:4] == ["most_similar_group", "force_area", "region", "country"]
    # Other areas' most similar groups that include Harlow are not Harlow's comparators.
    assert all(g.for_area_id in (None, harlow.pk, essex.pk) for g in area_comparator_groups(area=harlow))
    assert ComparatorGroup.objects.get(slug="csps-e92000001").members.count() == 296
    assert ComparatorGroup.objects.get(slug="csps-w92000004").members.count() == 22
    assert ComparatorGroup.objects.get(slug="forces-e92000001").members.count() == 39


def test_a_second_national_load_changes_nothing(national, shared_data):
    before = _snapshot()
    load = geography_national_load(folder=shared_data)
    assert sum(s.created + s.updated for _, s, _ in load.steps) == 0
    assert _snapshot() == before
    print(f"national load: first {national[1].seconds:.1f} s, again {load.seconds:.1f} s")


def test_uk_district_boundaries_load_skipping_other_countries(national, shared_data):
    path = shared_data / "boundaries" / "lad" / "ltla-2016-bsc.geojson"
    features = json.loads(path.read_text())["features"]
    elsewhere = sum(1 for f in features if f["properties"]["areacd"][0] in "SN")
    summary = geography_boundaries_load(path=path, vintage="2016")
    assert summary.skipped == elsewhere > 0
    assert "Scotland, Northern Ireland" in summary.notes[0]
    assert Area.objects.get(code="E07000073").boundaries.filter(vintage="2016").exists()


def test_essex_2021_lsoas_draw_with_their_boundaries(national, shared_data):
    folder = shared_data / "boundaries" / "essex-lsoa-2021"
    geography_boundaries_load(path=folder / "E07000073.json", vintage="2021")
    codes = [f["properties"]["LSOA21CD"] for f in json.loads((folder / "E07000073.json").read_text())["features"]]
    new = [c for c in codes if Area.objects.get(code=c).vintage == "2021"]
    assert new, "Harlow has LSOAs new in 2021"
    shapes = lsoa_boundaries(codes=codes, vintage="2021")
    assert set(shapes) == set(codes)
    assert all(Area.objects.get(code=c).parent.code == "E07000073" for c in codes)
    back = lsoa_lookup(codes=new, to="2011")
    assert all(back[c] for c in new)
