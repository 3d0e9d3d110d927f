"""The areas page found by postcode district or full postcode, with the shipped ONS postcode table."""

from __future__ import annotations

import re

import pytest

HARLOW, SOUTHEND = "E07000073", "E06000033"


@pytest.fixture
def postcodes(essex_geography):
    from saferhub.geography.loaders.postcodes import geography_postcodes_load

    return geography_postcodes_load()


def _status(html: str) -> str:
    match = re.search(r'<p class="govuk-body" id="results" role="status">(.*?)</p>', html, re.S)
    assert match, html
    return match.group(1).strip()


def _links(html: str) -> list[str]:
    return re.findall(r'<a class="govuk-link" href="/areas/(E\d{8})/">', html)


def test_the_shipped_table_covers_england_and_wales_by_postcode_district(postcodes):
    from saferhub.geography.models import PostcodeDistrict

    assert PostcodeDistrict.objects.values("district").distinct().count() > 2400
    # CM20: ONS's directory puts 1,204 of its postcodes in Harlow and 39 in East Hertfordshire.
    assert list(PostcodeDistrict.objects.filter(district="CM20").values_list("lad_code", "postcodes")) == [
        (HARLOW, 1204),
        ("E07000242", 39),
    ]


def test_a_postcode_district_finds_its_districts_with_their_shares(client, postcodes):
    html = client.get("/areas/", {"q": "CM20"}).content.decode()
    assert _status(html) == "CM20 is mostly in Harlow (97%), also a district outside this hub (3%)."
    assert _links(html) == [HARLOW]


def test_a_district_wholly_in_one_area_says_so(client, postcodes):
    html = client.get("/areas/", {"q": "ss1"}).content.decode()
    assert _status(html) == "SS1 is in Southend-on-Sea."
    assert _links(html) == [SOUTHEND]


def test_a_full_postcode_in_any_case_and_spacing_finds_its_district(client, postcodes):
    html = client.get("/areas/", {"q": " cm20   1ab "}).content.decode()
    assert _status(html).startswith("CM20 1AB is in postcode district CM20. CM20 is mostly in Harlow (97%)")
    assert _links(html) == [HARLOW]


def test_a_district_split_between_two_hub_areas_names_both(client, postcodes):
    from saferhub.geography.models import PostcodeDistrict

    shares = dict(PostcodeDistrict.objects.filter(district="CM1").values_list("lad_code", "postcodes"))
    assert {"E07000070", "E07000077"} <= set(shares)  # Chelmsford and Uttlesford
    html = client.get("/areas/", {"q": "CM1"}).content.decode()
    assert _status(html).startswith("CM1 is mostly in Chelmsford (99%), also Uttlesford (1%)")
    assert _links(html)[:2] == ["E07000070", "E07000077"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("ZZ99", "No postcode district ZZ99 is known. Check the postcode, or search by the area&#x27;s name."),
        ("CM20 1A", "‘CM20 1A’ is not a postcode. A full postcode looks like CM20 1AB"),
    ],
)
def test_an_unknown_or_malformed_postcode_gets_a_plain_message(client, postcodes, query, message):
    page = client.get("/areas/", {"q": query})
    assert page.status_code == 200
    html = page.content.decode()
    assert message in html
    assert _links(html) == []


def test_without_the_postcode_table_a_postcode_says_search_is_not_available(client, essex_geography):
    html = client.get("/areas/", {"q": "CM20"}).content.decode()
    assert "Postcode search is not available on this hub yet." in html


def test_names_and_codes_still_find_areas(client, postcodes):
    assert _links(client.get("/areas/", {"q": "harl"}).content.decode()) == [HARLOW]
    assert _links(client.get("/areas/", {"q": "e07000073"}).content.decode()) == [HARLOW]
