"""Amounts an attacker (or a slip of the finger) might type: too large for the database, exponents
that overflow Decimal's context, and hostile text, each refused with a message that quotes only a
little of what was typed."""

from decimal import Decimal

import pytest

from saferhub.core.errors import ValidationProblem
from saferhub.finance.money import MAX_AMOUNT, to_money


@pytest.mark.parametrize("huge", ["1e308", "100000000000000", "-1e308", "1e999999999", "-1e999999999"])
def test_amounts_past_what_the_database_holds_are_refused_not_crashed_on(huge):
    with pytest.raises(ValidationProblem) as caught:
        to_money(huge, allow_negative=True)
    assert "too large" in caught.value.message or "not an amount of money" in caught.value.message


def test_the_largest_amount_the_database_holds_is_accepted():
    # DecimalField(max_digits=16, decimal_places=2): fourteen nines before the point.
    assert to_money("99999999999999.99") == MAX_AMOUNT == Decimal("9" * 14 + ".99")


def test_minus_zero_is_zero():
    assert str(to_money("-0")) == "0.00"


def test_a_hostile_value_is_quoted_only_in_part():
    with pytest.raises(ValidationProblem) as caught:
        to_money("=cmd|' /C calc'!A0" + "x" * 100_000)
    assert len(caught.value.message) < 120
