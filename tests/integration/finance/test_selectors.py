"""Spending linked to an indicator, for the indicator page."""

import pytest

from saferhub.finance.selectors import spending_for_indicator

pytestmark = pytest.mark.django_db


def test_spending_for_an_indicator(essex_loaded, essex_partnerships):
    road = essex_loaded["indicators"]["3a"]
    spending = spending_for_indicator(indicator=road)
    assert {b.area_of_spend for b in spending.budget_lines} == {"Road Safety", "Road safety infrastructure"}
    assert [s.priority_area for s in spending.services] == ["Road Safety"]
    assert not spending_for_indicator(indicator=road, partnerships=[essex_partnerships["basildon-csp"]])


def test_funding_streams_link_to_national_indicators(essex_loaded):
    spending = spending_for_indicator(indicator=essex_loaded["indicators"]["NI 40"])
    assert [f.key for f in spending.streams] == ["pooled-treatment-budget"]
