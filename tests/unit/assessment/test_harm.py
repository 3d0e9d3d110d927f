"""The cost of counted harms at published unit costs, and harm weights per police.uk crime type."""

from __future__ import annotations

from decimal import Decimal

import pytest

from saferhub.assessment.harm import UnitCostRef, category_weights, cost_of_harm, harm_score
from saferhub.core.errors import ValidationProblem

# House of Commons written answer, 13 July 1999 (HC Deb vol 335 cc134-5W): 1997 prices, per casualty.
HANSARD_1997 = {"fatal-casualty": 902_500, "serious-casualty": 102_880, "slight-casualty": 7_970}


def dft_1997() -> list[UnitCostRef]:
    return [
        UnitCostRef(
            key=key,
            label=key.replace("-", " ").capitalize(),
            per="casualty",
            value=Decimal(value),
            set_title="Value of preventing a road casualty (1997 prices)",
            publisher="DETR",
            price_year="1997",
        )
        for key, value in HANSARD_1997.items()
    ]


def test_the_cost_of_casualties_is_count_times_the_published_value_with_its_price_year():
    result = cost_of_harm(
        counts={"fatal-casualty": 2, "serious-casualty": 31, "slight-casualty": 140}, costs=dft_1997()
    )
    assert result.total == Decimal(2 * 902_500 + 31 * 102_880 + 140 * 7_970)
    assert result.price_year == "1997" and result.price_year_text == "1997 prices"
    assert "Value of preventing a road casualty" in result.source
    assert [(line.key, line.count) for line in result.lines] == [
        ("fatal-casualty", 2),
        ("serious-casualty", 31),
        ("slight-casualty", 140),
    ]
    assert result.not_priced == ()


def test_harms_without_a_unit_cost_are_listed_not_priced_at_nothing():
    result = cost_of_harm(counts={"fatal-casualty": 1, "damage-only-collision": 12}, costs=dft_1997())
    assert result.total == Decimal(902_500)
    assert result.not_priced == (("damage-only-collision", 12),)


def test_costs_of_different_price_years_are_never_added():
    other = UnitCostRef(
        key="robbery",
        label="Robbery",
        per="crime",
        value=Decimal(11_320),
        set_title="The economic and social costs of crime",
        publisher="Home Office",
        price_year="2015/16",
    )
    with pytest.raises(ValidationProblem, match="more than one source or price year"):
        cost_of_harm(counts={"fatal-casualty": 1, "robbery": 1}, costs=[*dft_1997(), other])


def test_a_source_without_a_price_year_says_so():
    quoted = UnitCostRef(
        key="fatal-casualty",
        label="Fatal casualty",
        per="casualty",
        value=Decimal(1_650_000),
        set_title="As the Essex strategy quotes it",
        publisher="Essex County Council",
        price_year="",
    )
    result = cost_of_harm(counts={"fatal-casualty": 3}, costs=[quoted])
    assert result.total == Decimal(4_950_000)
    assert result.price_year_text == "price year not stated by the source"


@pytest.mark.parametrize("count", [-1, 1.5, True, "2"])
def test_a_count_must_be_a_whole_number_of_zero_or_more(count):
    with pytest.raises(ValidationProblem, match="whole number"):
        cost_of_harm(counts={"fatal-casualty": count}, costs=dft_1997())


def test_no_unit_costs_is_an_error_that_says_how_to_load_them():
    with pytest.raises(ValidationProblem, match="saferhub assessment load-essex"):
        cost_of_harm(counts={"fatal-casualty": 1}, costs=[])


def test_a_category_weight_is_the_volume_weighted_mean_of_its_offences():
    weights = category_weights(
        [
            ("Burglary", Decimal(400), Decimal(30)),
            ("Burglary", Decimal(100), Decimal(70)),
            ("Robbery", Decimal(800), None),
        ]
    )
    assert weights["Burglary"] == Decimal(400 * 30 + 100 * 70) / Decimal(100)
    assert weights["Robbery"] == Decimal(800)


def test_several_offences_in_a_category_without_volumes_are_refused_by_name():
    with pytest.raises(ValidationProblem, match=r"'Burglary'.*volume"):
        category_weights([("Burglary", Decimal(400), None), ("Burglary", Decimal(100), Decimal(5))])
    with pytest.raises(ValidationProblem, match="total volume of 0"):
        category_weights([("Burglary", Decimal(400), Decimal(0)), ("Burglary", Decimal(100), Decimal(0))])


def test_a_harm_score_sums_count_times_weight_and_names_what_has_no_weight():
    score, unweighted = harm_score(
        counts={"Burglary": 10, "Robbery": 2, "Anti-social behaviour": 40},
        weights={"Burglary": Decimal("190"), "Robbery": Decimal("800")},
    )
    assert score == Decimal(10 * 190 + 2 * 800)
    assert unweighted == {"Anti-social behaviour": 40}
