"""The assessment pages: Annex A as the seed prints it, the reference data with their sources, hot
spots and repeat locations from real police.uk records, each tried as the public, as a member of
another partnership and as a member, and with hostile input."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import duckdb
import numpy as np
import pytest
import shapely
from shapely.geometry import shape

from saferhub.core.disclosure import SMALL_TEXT
from tests.integration.assessment.test_loaders import annex_a_from_seed

pytestmark = pytest.mark.django_db

HARLOW = "E07000073"


def rows_of(page: str, caption: str) -> list[list[str]]:
    """The cells of the table with this caption, as text, row by row."""
    block = page.split(caption, 1)[1].split("</table>", 1)[0]
    body = block.split("<tbody", 1)[1].split("</tbody>", 1)[0]
    out = []
    for row in re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", body, flags=re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)
        out.append([" ".join(html.unescape(re.sub(r"<[^>]+>", " ", c)).split()) for c in cells])
    return out


# --- the county priorities matrix ---------------------------------------------------------------------


def test_annex_a_reads_as_the_seed_with_every_tick_in_words(client, essex_reference, seed_text):
    page = client.get("/assessment/county-priorities/").content.decode()
    themes, seed_rows = annex_a_from_seed(seed_text("002"))
    table = rows_of(page, "15 partnerships against 18 themes")
    assert [r[0] for r in table] == list(seed_rows)
    for shown, (label, cells) in zip(table, seed_rows.items(), strict=True):
        for text, theme in zip(shown[1:19], themes, strict=True):
            if cells[theme]:
                assert text.startswith(cells[theme]) and f"{theme}: a priority" in text, (label, theme)
            else:
                assert text == f"{theme}: not a priority", (label, theme)
    headers = re.findall(r'<th scope="col" class="govuk-table__header saferhub-matrix__theme">(.*?)</th>', page)
    assert [html.unescape(h) for h in headers] == themes
    assert "Violence against women and girls (VAWG)" in page
    assert "Not computed yet." in page  # the place for the recomputed matrix
    assert "Source: 002_6d4955b99a8e38db.txt, Annex A" in page


def test_the_community_safety_agreement_priorities_are_listed_with_their_leads(client, essex_reference):
    page = client.get("/assessment/county-priorities/").content.decode()
    assert "1. Reducing Re-offending" in page and "Ni195/LAA" in page and "Sustainable Essex Partnership" in page


def test_the_costs_page_shows_each_figure_with_its_source_and_price_year(client, essex_reference):
    page = client.get("/assessment/costs-of-harm/").content.decode()
    assert "£902,500" in page and "1997 prices" in page
    assert "The source does not say the price year" in page  # seed 000's £1.65m
    assert "Check against the original" in page  # figures read in a secondary source
    assert "No harm weighting is loaded" in page


def test_the_assessment_is_in_the_service_navigation(client):
    page = client.get("/").content.decode()
    assert 'href="/assessment/"' in page


# --- hot spots on real records -------------------------------------------------------------------------


@pytest.fixture
def harlow_records(essex_reference, record_store, shared_data):
    """Essex police.uk records of January and February 2024 and Harlow's 2021 LSOA boundaries."""
    from saferhub.geography.services import geography_boundaries_load
    from saferhub.ingest.services import police_uk_import

    for month in ("2024-01", "2024-02"):
        police_uk_import(paths=[shared_data / "police-uk" / month / f"{month}-essex-street.csv"])
    geography_boundaries_load(path=shared_data / "boundaries" / "essex-lsoa-2021" / f"{HARLOW}.json", vintage="2021")
    return record_store


def direct(store: Path, sql: str) -> list[tuple]:
    files = str(store / "records" / "**" / "*.parquet")
    with duckdb.connect() as con:
        return con.execute(sql.replace("RECORDS", f"read_parquet('{files}')")).fetchall()


def member(client, partnerships, slug: str):
    from saferhub.accounts.models import Role
    from tests.factories import PartnershipRoleFactory, UserFactory

    user = UserFactory()
    PartnershipRoleFactory(user=user, partnership=partnerships[slug], role=Role.VIEWER)
    client.force_login(user)
    return client


def hotspot_rows(page: str) -> dict[str, list[str]]:
    return {r[0].split()[-1]: r for r in rows_of(page, "LSOAs by class, hot spots first")}


@pytest.mark.slow
def test_a_members_hot_spots_count_every_record_and_agree_with_the_formula(
    client, harlow_records, essex_reference, shared_data
):
    page = (
        member(client, essex_reference, "harlow-csp")
        .get(f"/assessment/hotspots/?area={HARLOW}&type=all&from=2024-01&to=2024-01&basis=normal")
        .content.decode()
    )
    rows = hotspot_rows(page)
    counts = dict(
        direct(
            harlow_records,
            f"SELECT lsoa_code, count(*) FROM RECORDS WHERE district_code = '{HARLOW}' AND month = '2024-01' "
            "AND lsoa_code IS NOT NULL GROUP BY lsoa_code",
        )
    )
    features = json.loads((shared_data / "boundaries" / "essex-lsoa-2021" / f"{HARLOW}.json").read_text())["features"]
    codes = sorted(f["properties"]["LSOA21CD"] for f in features)
    assert sorted(rows) == codes
    for code in codes:
        assert rows[code][1] == f"{counts.get(code, 0):,}"
    # z by Ord & Getis (1995) on neighbours found here with shapely, from the counts read here.
    geoms = {f["properties"]["LSOA21CD"]: shapely.set_precision(shape(f["geometry"]), 1e-9) for f in features}
    w = np.array([[1.0 if a == b or geoms[a].intersects(geoms[b]) else 0.0 for b in codes] for a in codes])
    y = np.array([counts.get(c, 0) for c in codes], dtype=float)
    n, xbar, s = len(y), y.mean(), y.std()
    z = (w @ y - xbar * w.sum(1)) / (s * np.sqrt((n * (w**2).sum(1) - w.sum(1) ** 2) / (n - 1)))
    for code, expected in zip(codes, z, strict=True):
        assert rows[code][2] == f"{expected:.2f}"
    assert "Hot spot" in page and "Benjamini–Hochberg" in page
    assert 'id="hotspot-map-geojson"' in page and "How the hot and cold spots were found" in page


@pytest.mark.slow
def test_the_public_see_all_types_as_the_maps_page_does_and_no_statistic_that_gives_a_hidden_count_back(
    client, harlow_records
):
    from saferhub.assessment.publication import maps_page_hidden

    page = client.get(f"/assessment/hotspots/?area={HARLOW}&type=all&from=2024-01&to=2024-02").content.decode()
    rows = hotspot_rows(page)
    hidden = set()
    for month in ("2024-01", "2024-02"):
        counts = dict(
            direct(
                harlow_records,
                f"SELECT lsoa_code, count(*) FROM RECORDS WHERE district_code = '{HARLOW}' AND month = '{month}' "
                "AND lsoa_code IS NOT NULL GROUP BY lsoa_code",
            )
        )
        hidden |= maps_page_hidden(counts)
    assert hidden  # Harlow has neighbourhoods with fewer than 5 records in a month
    shown_hidden = {code for code, r in rows.items() if r[1] == SMALL_TEXT}
    assert shown_hidden == hidden & set(rows)
    if shown_hidden:
        assert "p (permutation)" not in page and "z-scores and p-values are not shown" in page


@pytest.mark.slow
def test_the_public_see_no_count_or_z_of_a_single_crime_type(client, harlow_records):
    page = client.get(
        f"/assessment/hotspots/?area={HARLOW}&type=Robbery&from=2024-01&to=2024-01&basis=normal"
    ).content.decode()
    rows = hotspot_rows(page)
    assert rows and all(len(r) == 2 for r in rows.values())  # the LSOA and its class, nothing else
    assert ">Records<" not in page and ">z<" not in page
    assert "shown to members of the partnership only" in page
    geojson = json.loads(html.unescape(re.search(r'id="hotspot-map-geojson"[^>]*>(.*?)</script>', page, re.S).group(1)))
    assert {k for f in geojson["features"] for k in f["properties"]} == {"code", "name", "value", "label", "class"}


@pytest.mark.slow
def test_a_member_of_another_partnership_reads_a_closed_partnerships_hot_spots_never(
    client, harlow_records, essex_reference
):
    harlow = essex_reference["harlow-csp"]
    harlow.publishes_performance = False
    harlow.save(update_fields=["publishes_performance"])
    url = f"/assessment/hotspots/?area={HARLOW}&type=all&from=2024-01&to=2024-01"
    assert client.get(url).status_code == 302  # anonymous: sign in first
    assert member(client, essex_reference, "basildon-csp").get(url).status_code == 403
    page = member(client, essex_reference, "harlow-csp").get(url).content.decode()
    assert SMALL_TEXT not in page and ">Records<" in page
    repeat = f"/assessment/repeat-locations/?area={HARLOW}&type=all&from=2024-01&to=2024-01"
    client.logout()
    assert member(client, essex_reference, "basildon-csp").get(repeat).status_code == 403


@pytest.mark.slow
def test_repeat_locations_are_the_points_with_most_records_for_members_and_hidden_from_the_public(
    client, harlow_records, essex_reference
):
    url = f"/assessment/repeat-locations/?area={HARLOW}&type=Shoplifting&from=2024-01&to=2024-02&rows=10"
    public = client.get(url).content.decode()
    assert "Repeat locations are shown to members of the partnership" in public
    assert "Map points with at least 2 records" not in public
    page = member(client, essex_reference, "harlow-csp").get(url).content.decode()
    table = rows_of(page, "Map points with at least 2 records, most first")
    expected = direct(
        harlow_records,
        f"SELECT location, count(*) AS n FROM RECORDS WHERE district_code = '{HARLOW}' AND category = 'Shoplifting' "
        "AND month IN ('2024-01', '2024-02') GROUP BY longitude, latitude, location HAVING n >= 2 "
        "ORDER BY n DESC, location LIMIT 10",
    )
    assert [(r[1], int(r[3].replace(",", ""))) for r in table] == [(loc, n) for loc, n in expected]


# --- hostile and wrong input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("area=E99999999", "area", "Choose an area from the list"),
        ("area=E07000073&type=%3Cscript%3Ealert(1)%3C/script%3E", "type", "Choose a crime type from the list"),
        ("area=E07000073&from=2024-13", "from", "Enter the month as YYYY-MM"),
        ("area=E07000073&from=2024-02&to=2024-01", "from", "The first month must be the same as or before the last"),
        ("area=E07000073&weights=distance&distance=-5", "distance", "Enter the distance in whole metres"),
        ("area=E07000073&permutations=5", "permutations", "Choose 999 or 9,999 permutations"),
        ("area=E07000073&basis=bayes", "basis", "Choose permutation or normal p-values"),
    ],
)
def test_wrong_choices_are_named_in_the_error_summary_and_nothing_is_computed(
    client, essex_reference, query, field, message
):
    response = client.get(f"/assessment/hotspots/?{query}")
    assert response.status_code == 400
    page = response.content.decode()
    assert f'href="#{field}"' in page and message in html.unescape(page)
    assert "<script>alert(1)</script>" not in page
    assert "LSOAs by class" not in page
