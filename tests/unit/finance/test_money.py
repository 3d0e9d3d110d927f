"""Money arithmetic: Decimal, pence-exact, half up; bad amounts and percentages refused."""

from decimal import Decimal

import pytest

from saferhub.core.errors import ValidationProblem
from saferhub.finance.money import TotalCheck, check_percent, from_unit, in_unit, reduce_by, share, to_money


def test_amounts_are_read_exactly():
    assert to_money("1,236,586") == Decimal("1236586.00")
    assert to_money("£0.7m") == Decimal("700000.00")
    assert to_money("£18.6k") == Decimal("18600.00")
    assert from_unit("113.7", "£m") == Decimal("113700000.00")
    assert from_unit(0.269, "£m") == Decimal("269000.00")  # a YAML float literal is read as written


@pytest.mark.parametrize("bad", ["-5", "-0.01", "abc", "1.001", "NaN", "Infinity"])
def test_bad_amounts_are_refused(bad):
    with pytest.raises(ValidationProblem):
        to_money(bad)


def test_floats_are_refused():
    with pytest.raises(ValidationProblem, match="not a float"):
        to_money(0.1)


@pytest.mark.parametrize("bad", ["120", "100.01", "-10", "ten", "12.345"])
def test_percentages_outside_0_to_100_are_refused(bad):
    with pytest.raises(ValidationProblem):
        check_percent(bad)


def test_a_scenario_of_120_percent_says_why():
    with pytest.raises(ValidationProblem, match="120% is not possible: a percentage must be from 0 to 100"):
        check_percent("120")


def test_reductions_are_to_the_penny_rounding_half_up():
    assert reduce_by(Decimal("16500000.00"), Decimal("10")) == Decimal("14850000.00")
    assert in_unit(Decimal("14850000.00"), "£m", 1) == Decimal("14.9")  # half up, not to even
    assert reduce_by(Decimal("0.05"), Decimal("50")) == Decimal("0.03")
    assert share(Decimal("700000"), Decimal("50")) == Decimal("350000.00")


def test_a_total_check_reports_the_difference():
    check = TotalCheck(stated=Decimal("120400000"), computed=Decimal("120500000"))
    assert not check.adds_up
    assert check.difference == Decimal("-100000")
