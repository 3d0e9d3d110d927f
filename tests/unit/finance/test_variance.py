"""Variances, the threshold past which one needs a reason, the even profile and cost per outcome,
worked by hand."""

from decimal import Decimal

import pytest

from saferhub.finance.variance import (
    Threshold,
    cost_per_outcome,
    outturn_variance,
    outturn_words,
    pounds,
    profile_variance,
    profile_words,
    straight_line_profile,
)


def test_the_default_threshold_is_five_percent_or_ten_thousand_pounds_whichever_is_passed_first():
    t = Threshold()
    # A £50,000 line: 5% is £2,500, less than £10,000, so £2,500.01 needs a reason and £2,500 does not.
    assert not t.passed_by(Decimal("2500.00"), budget=Decimal("50000"))
    assert t.passed_by(Decimal("-2500.01"), budget=Decimal("50000"))
    # A £1m line: 5% is £50,000, so £10,000.01 already needs a reason.
    assert not t.passed_by(Decimal("10000.00"), budget=Decimal("1000000"))
    assert t.passed_by(Decimal("10000.01"), budget=Decimal("1000000"))
    assert t.words == "more than 5% of the line's budget or more than £10,000.00"


def test_a_partnership_may_use_only_a_percentage_or_only_an_amount():
    assert Threshold(percent=Decimal("10"), amount=None).passed_by(Decimal("10000.01"), budget=Decimal("100000"))
    assert not Threshold(percent=Decimal("10"), amount=None).passed_by(Decimal("10000.00"), budget=Decimal("100000"))
    assert not Threshold(percent=None, amount=Decimal("500")).passed_by(Decimal("500"), budget=Decimal("1000"))
    assert Threshold(percent=None, amount=Decimal("500")).passed_by(Decimal("500.01"), budget=Decimal("1000"))
    assert not Threshold().passed_by(None, budget=Decimal("1"))


def test_variance_signs_and_words():
    assert outturn_variance(budget=Decimal("100000"), forecast_outturn=Decimal("95000")) == Decimal("5000")
    assert outturn_words(Decimal("5000")) == "£5,000.00 under budget"
    assert outturn_words(Decimal("-12000.5")) == "£12,000.50 over budget"
    assert outturn_words(Decimal("0")) == "on budget"
    assert profile_variance(actual_to_date=Decimal("30000"), profile_to_date=Decimal("25000")) == Decimal("5000")
    assert profile_words(Decimal("5000")) == "£5,000.00 ahead of profile"
    assert profile_words(Decimal("-1")) == "£1.00 behind profile"
    assert pounds(Decimal("-1234.5")) == "-£1,234.50"


def test_an_even_profile_rounds_to_the_penny_and_ends_on_the_budget():
    # £1,000 over three quarters: 333.33, 666.67 (666.666… half up), then exactly 1,000.
    assert [straight_line_profile(budget=Decimal("1000.00"), elapsed=e, quarters=3) for e in (0, 1, 2, 3)] == [
        Decimal("0.00"),
        Decimal("333.33"),
        Decimal("666.67"),
        Decimal("1000.00"),
    ]
    assert straight_line_profile(budget=Decimal("1000.00"), elapsed=7, quarters=4) == Decimal("1000.00")


def test_cost_per_outcome():
    assert cost_per_outcome(cost=Decimal("65750.00"), outcomes=Decimal("263")) == Decimal("250.00")
    assert cost_per_outcome(cost=Decimal("100.00"), outcomes=Decimal("3")) == Decimal("33.33")
    assert cost_per_outcome(cost=Decimal("100.00"), outcomes=Decimal("8")) == Decimal("12.50")
    assert cost_per_outcome(cost=Decimal("0.05"), outcomes=Decimal("2")) == Decimal("0.03")  # 0.025 rounds half up
    assert cost_per_outcome(cost=Decimal("1000.00"), outcomes=Decimal("0")) is None


@pytest.mark.parametrize("quarters", [0, -1])
def test_a_budget_period_has_quarters(quarters):
    with pytest.raises(ValueError):
        straight_line_profile(budget=Decimal("1"), elapsed=0, quarters=quarters)
