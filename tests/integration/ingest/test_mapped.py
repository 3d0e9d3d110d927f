"""A partner's own layout through a mapping file: the Cambridgeshire collision extract."""

from __future__ import annotations

import json

import pytest
import yaml

from saferhub.geography.services import geography_boundaries_load, geography_lookup_load
from saferhub.ingest.problems import ImportRefused
from saferhub.ingest.services import mapped_import
from saferhub.ingest.sources.mapping import load_mapping
from saferhub.measures.models import IndicatorValue

pytestmark = pytest.mark.django_db

CAMBRIDGESHIRE = """
name: cambridgeshire-collisions
title: Cambridgeshire County Council collision extract
kind: collision
force: Cambridgeshire Constabulary
encoding: windows-1252
columns:
  reference: Reference
  date: {column: Date, format: "%Y%m%d"}
  severity: Severity
  easting: Easting
  northing: Northing
  location: Location
values:
  severity: {Fatal: fatal, Serious: serious, Slight: slight}
area:
  boundaries: true
within: [E10000003, E06000031]
unique_reference: true
"""


@pytest.fixture
def cambridgeshire_boundaries(essex_geography, shared_data, tmp_path):
    geography_lookup_load(path=shared_data / "boundaries/lad/ltla-2014-lookup.csv")
    data = json.loads((shared_data / "boundaries/lad/ltla-2016-bsc.geojson").read_text())
    wanted = {"E07000008", "E07000009", "E07000010", "E07000011", "E07000012", "E06000031", "E07000077"}
    data["features"] = [f for f in data["features"] if f["properties"]["areacd"] in wanted]
    (tmp_path / "lad.geojson").write_text(json.dumps(data))
    geography_boundaries_load(path=tmp_path / "lad.geojson", vintage="2016")


@pytest.mark.slow
def test_the_cambridgeshire_extract_is_read_through_its_mapping(
    cambridgeshire_boundaries, shared_data, tmp_path, store
):
    mapping = tmp_path / "cambridgeshire.yaml"
    mapping.write_text(CAMBRIDGESHIRE)
    outcome = mapped_import(paths=[shared_data / "stats19/cambridgeshire-local-format-2012-2017"], mapping=mapping)
    totals = outcome.stage.totals["collision"]
    assert totals["rows"] == 12108 and totals["ksi"] == 186 + 1872
    assert totals["assigned"] + totals["outside"] == 12108  # a few points fall just outside the county
    notes = " ".join(outcome.stage.notes)
    assert "read as windows-1252" in notes and "named more than once (Day)" in notes
    # OSGB easting/northing became WGS84 longitude/latitude inside Cambridgeshire
    row = store.grouped_counts(by=["record_id", "longitude", "latitude"], datasets=["collision"])[0]
    assert -0.6 < row[1] < 0.6 and 52.0 < row[2] < 52.8
    # complete years only (2017 stops in October): KSI collisions by district and county
    years = set(
        IndicatorValue.objects.filter(indicator__slug="ksi-collisions", area__code="E10000003").values_list(
            "period_label", flat=True
        )
    )
    assert years == {"2012", "2013", "2014", "2015", "2016"}
    county = IndicatorValue.objects.get(indicator__slug="ksi-collisions", area__code="E10000003", period_label="2016")
    districts = IndicatorValue.objects.filter(
        indicator__slug="ksi-collisions", period_label="2016", area__parent__code="E10000003"
    )
    assert districts.count() == 5 and sum(v.value for v in districts) == county.value
    # Uttlesford (Essex) is not within the mapping's areas, so the extract says nothing about it
    assert not IndicatorValue.objects.filter(area__code="E07000077", indicator__slug="ksi-collisions").exists()


def test_a_mapping_is_checked_before_any_file_is_read():
    data = yaml.safe_load(CAMBRIDGESHIRE)
    assert load_mapping(data).columns["date"] == "Date"
    with pytest.raises(ImportRefused, match="kind 'crash' is not one of"):
        load_mapping({**data, "kind": "crash"})
    with pytest.raises(ImportRefused, match=r"values\.severity maps to minor"):
        load_mapping({**data, "values": {"severity": {"Slight": "minor"}}})
    without_northing = {k: v for k, v in data["columns"].items() if k != "northing"}
    with pytest.raises(ImportRefused, match="needs both easting and northing"):
        load_mapping({**data, "columns": without_northing})


@pytest.mark.parametrize("encoding", ["hex", "rot13", "base64", "no-such-codec", "x" * 10_000])
def test_an_encoding_that_is_not_a_text_encoding_is_refused_at_the_check(encoding):
    """Python knows hex and rot13, but they do not turn bytes into text: the check said yes, the read crashed."""
    data = yaml.safe_load(CAMBRIDGESHIRE)
    with pytest.raises(ImportRefused, match="is not a text encoding saferhub can read") as refused:
        load_mapping({**data, "encoding": encoding})
    assert len(str(refused.value)) < 300  # a hostile value is not echoed back whole


def test_a_fixed_area_and_a_small_partner_file(essex_geography, tmp_path, store):
    (tmp_path / "p.csv").write_text("Ref,When,Sev\nA1,2023-05-01,Serious\nA2,2023-05-03,slight\n")
    mapping = {
        "name": "essex-partner",
        "kind": "collision",
        "columns": {"reference": "Ref", "date": {"column": "When", "format": "%Y-%m-%d"}, "severity": "Sev"},
        "area": {"code": "E07000073"},
    }
    outcome = mapped_import(paths=[tmp_path / "p.csv"], mapping=mapping)
    assert outcome.stage.totals["collision"]["assigned"] == 2
    assert store.grouped_counts(by=["area_code", "severity"]) == [
        ("E07000073", "serious", 1),
        ("E07000073", "slight", 1),
    ]
