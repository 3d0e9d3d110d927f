"""Reading a postcode or postcode district typed into the areas search."""

from __future__ import annotations

import pytest

from saferhub.geography.postcodes import postcode_query


@pytest.mark.parametrize(
    ("text", "district", "full"),
    [
        ("CM20", "CM20", False),
        ("cm20", "CM20", False),
        (" Cm20 ", "CM20", False),
        ("SS1", "SS1", False),
        ("EC1A", "EC1A", False),
        ("CM20 1AB", "CM20", True),
        ("cm201ab", "CM20", True),
        ("  cm20   1ab ", "CM20", True),
        ("SS1 1AA", "SS1", True),
        ("SS11 1AA", "SS11", True),
        ("EC1A 1BB", "EC1A", True),
        ("W1A 0AX", "W1A", True),
        ("M1 1AE", "M1", True),
    ],
)
def test_a_postcode_or_its_district_reads_as_its_district(text, district, full):
    read = postcode_query(text)
    assert (read.district, read.full, read.malformed) == (district, full, False)


@pytest.mark.parametrize("text", ["Harlow", "Southend-on-Sea", "E07000073", "e07000073", "", "   "])
def test_names_and_ons_codes_are_not_postcodes(text):
    read = postcode_query(text)
    assert read.district is None
    assert not read.malformed


@pytest.mark.parametrize("text", ["CM20 1A", "CM20 1", "CM2 0 1AB 9", "SS1 AAA", "C1 2345"])
def test_a_broken_postcode_is_malformed_not_a_district(text):
    read = postcode_query(text)
    assert read.district is None
    assert read.malformed
